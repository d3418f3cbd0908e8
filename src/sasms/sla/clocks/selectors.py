"""Reading clocks: deadlines for other apps, the request page's clock panel, the risk queues."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from sasms.sla.clocks.store import consumed_now, to_engine
from sasms.sla.deadlines import Deadline
from sasms.sla.models import ClockEntry, ClockKind, ClockState, SlaClock
from sasms.tickets.models import Ticket

KIND_ORDER = {kind: index for index, kind in enumerate(ClockKind.values)}


def _sort_key(deadline: Deadline) -> tuple[int, datetime.datetime, int]:
    pending = deadline.state in ("running", "breached") and deadline.due_at is not None
    return (
        0 if pending else 1,
        deadline.due_at or datetime.datetime.max.replace(tzinfo=datetime.UTC),
        KIND_ORDER[deadline.clock],
    )


def deadlines_for(ticket_ids: Sequence[int]) -> dict[int, list[Deadline]]:
    result: dict[int, list[Deadline]] = {ticket_id: [] for ticket_id in ticket_ids}
    for row in SlaClock.objects.filter(ticket_id__in=ticket_ids):
        state = row.status
        if state == "breached" and row.state == ClockState.MET:
            state = "met"  # met late: the promise is kept, but late (breached_at tells by how much)
        result[row.ticket_id].append(
            Deadline(
                ticket_id=row.ticket_id,
                clock=row.kind,
                label=str(ClockKind(row.kind).label),
                due_at=row.due_at,
                state="breached"
                if row.breached_at is not None and row.state == ClockState.RUNNING
                else state,
                met_at=row.met_at,
            )
        )
    for deadlines in result.values():
        deadlines.sort(key=_sort_key)
    return result


@dataclass(frozen=True)
class ClockView:
    """A clock as the request page shows it."""

    clock: SlaClock
    used_minutes: float
    percent: int
    remaining_minutes: float
    risk: str  # ok, warning, danger, met, paused, stopped
    entries: list[ClockEntry]


def clock_views(ticket: Ticket, *, now: datetime.datetime | None = None) -> list[ClockView]:
    now = now or timezone.now()
    rows = list(SlaClock.objects.filter(ticket=ticket).select_related("calendar").prefetch_related("entries"))
    rows.sort(key=lambda r: KIND_ORDER[r.kind])
    views = []
    for row in rows:
        used = consumed_now(to_engine(row), now) / datetime.timedelta(minutes=1)
        target = max(row.target_minutes, 1)
        percent = int(used * 100 / target)
        if row.state == ClockState.MET:
            risk = "danger" if row.breached_at else "met"
        elif row.state in (ClockState.PAUSED, ClockState.STOPPED):
            risk = "danger" if row.breached_at else str(row.state)
        elif row.breached_at is not None or percent >= 100:
            risk = "danger"
        elif percent >= 75:
            risk = "warning"
        else:
            risk = "ok"
        views.append(ClockView(row, used, percent, row.target_minutes - used, risk, list(row.entries.all())))
    return views


def with_time_to_breach(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate ``next_due`` (earliest due time of a running, not yet breached clock)."""
    return queryset.annotate(
        next_due=Min(
            "clocks__due_at", filter=Q(clocks__state=ClockState.RUNNING, clocks__breached_at__isnull=True)
        )
    )


def at_risk(queryset: QuerySet[Ticket], *, now: datetime.datetime | None = None) -> QuerySet[Ticket]:
    """Open requests with a running clock past its risk point but not yet breached."""
    now = now or timezone.now()
    ids = SlaClock.objects.filter(
        state=ClockState.RUNNING, breached_at__isnull=True, risk_at__lte=now
    ).values("ticket_id")
    return queryset.filter(pk__in=ids)


def breached(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Open requests with a clock that missed its target and is still not met."""
    ids = SlaClock.objects.filter(
        breached_at__isnull=False, state__in=[ClockState.RUNNING, ClockState.PAUSED]
    ).values("ticket_id")
    return queryset.filter(pk__in=ids)
