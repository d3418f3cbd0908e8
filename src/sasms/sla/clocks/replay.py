"""Recomputing clocks from a request's timeline: ``sasms sla verify`` and bulk back-fills.

The replay feeds the timeline, in order, through the same :class:`Clockwork` as the live path, so a
difference between replayed and stored clocks means a clock was written some other way (or an
event was lost) — exactly what the verify command exists to catch.
"""

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from sasms.sla.clocks.engine import Clock, Clockwork
from sasms.sla.clocks.policy import steps_for
from sasms.sla.clocks.services import CLOCK_EVENTS, happening_of, is_staff_event
from sasms.sla.clocks.store import (
    ProductTerms,
    apply_to_row,
    calendar_ids_by_coverage,
    entry_rows,
    plan_checks,
    terms_for,
)
from sasms.sla.models import ClockEntry, ClockState, SlaClock
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent

# A running clock that passed its due time less than this long ago may not have been swept yet.
SWEEP_GRACE = datetime.timedelta(minutes=5)
COMPARED = ("state", "target_minutes", "due_at", "met_at", "cycle", "cycles_missed", "calendar_id")


def replay(
    ticket: Ticket,
    events: Iterable[TicketEvent],
    calendar_ids: Mapping[str, int],
    products: dict[str, ProductTerms] | None = None,
) -> Clockwork:
    terms = terms_for(ticket, calendar_ids, products)
    work = Clockwork(terms=terms, priority=ticket.priority, clocks={})
    for event in events:
        if event.kind not in CLOCK_EVENTS or (event.kind == EventKind.REPLY and not event.public):
            continue
        event.ticket = ticket
        if event.kind == EventKind.CREATED:
            work.priority = str(event.data.get("priority", ticket.priority))
        work.apply(happening_of(event, by_staff=is_staff_event(event)))
    return work


@dataclass(frozen=True)
class Difference:
    ticket_number: str
    clock: str
    field: str
    stored: object
    expected: object

    def __str__(self) -> str:
        return (
            f"{self.ticket_number} {self.clock}: {self.field} "
            f"stored {self.stored!r}, timeline says {self.expected!r}"
        )


def _compare(
    ticket: Ticket, stored: SlaClock, expected: Clock, now: datetime.datetime
) -> Iterator[Difference]:
    values = {
        "state": expected.state,
        "target_minutes": expected.target_minutes,
        "due_at": expected.due_at,
        "met_at": expected.met_at,
        "cycle": expected.cycle,
        "cycles_missed": expected.cycles_missed,
        "calendar_id": expected.calendar_id,
    }
    for name in COMPARED:
        if getattr(stored, name) != values[name]:
            yield Difference(ticket.number, stored.kind, name, getattr(stored, name), values[name])
    used = expected.consumed / datetime.timedelta(minutes=1)
    if abs(stored.consumed_minutes - used) > 1e-6:
        yield Difference(ticket.number, stored.kind, "consumed_minutes", stored.consumed_minutes, used)
    if stored.breached_at != expected.breached_at:
        not_swept_yet = (
            stored.breached_at is None and expected.due_at is not None and expected.due_at > now - SWEEP_GRACE
        )
        if not not_swept_yet:
            yield Difference(
                ticket.number, stored.kind, "breached_at", stored.breached_at, expected.breached_at
            )


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _may_be_dropped(row: SlaClock) -> bool:
    """A clock the current terms do not define exists only because the request's coverage
    changed (see :mod:`sasms.sla.clocks.coverage`); stopped (or met) and without a breach it
    carries no commitment, which is what the timeline on the current terms says. Its ledger must
    show the change (checked per chunk in :func:`verify`)."""
    return row.state in (ClockState.STOPPED, ClockState.MET) and row.breached_at is None


def _without_coverage_line(candidates: list[tuple[str, SlaClock]]) -> Iterator[Difference]:
    from sasms.sla.clocks.coverage import REASON

    if not candidates:
        return
    ids = [row.pk for _, row in candidates]
    explained = set(
        ClockEntry.objects.filter(clock_id__in=ids, reason=REASON).values_list("clock_id", flat=True)
    )
    for number, row in candidates:
        if row.pk not in explained:
            yield Difference(number, row.kind, "clock", "present", None)


def verify(
    *, ticket_ids: Sequence[int] | None = None, now: datetime.datetime | None = None
) -> tuple[int, list[Difference]]:
    """Replay every request (or those given) and list each stored value that differs.

    Returns ``(requests checked, differences)``; reads in chunks, a constant number of queries each.
    """
    now = now or timezone.now()
    ids = (
        list(ticket_ids)
        if ticket_ids is not None
        else list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    )
    calendar_ids = calendar_ids_by_coverage()
    products: dict[str, ProductTerms] = {}
    differences: list[Difference] = []
    checked = 0
    events = (
        TicketEvent.objects.filter(kind__in=CLOCK_EVENTS).select_related("actor").order_by("created_at", "id")
    )
    for chunk in _chunks(ids, 500):
        tickets = Ticket.objects.filter(pk__in=chunk).prefetch_related(
            Prefetch("events", queryset=events, to_attr="clock_events"),
            Prefetch("clocks", to_attr="stored_clocks"),
        )
        dropped: list[tuple[str, SlaClock]] = []
        for ticket in tickets:
            checked += 1
            work = replay(ticket, ticket.clock_events, calendar_ids, products)
            work.catch_up(now)
            stored = {row.kind: row for row in ticket.stored_clocks}
            for kind in sorted(set(stored) | set(work.clocks)):
                if kind not in stored:
                    differences.append(Difference(ticket.number, kind, "clock", None, "present"))
                elif kind not in work.clocks:
                    if _may_be_dropped(stored[kind]):
                        dropped.append((ticket.number, stored[kind]))
                    else:
                        differences.append(Difference(ticket.number, kind, "clock", "present", None))
                else:
                    differences.extend(_compare(ticket, stored[kind], work.clocks[kind], now))
        differences.extend(_without_coverage_line(dropped))
    return checked, differences


def backfill(*, now: datetime.datetime | None = None, chunk: int = 1000) -> int:
    """Create the clocks of every request that has none, from its timeline (imports, demo data).

    Escalation steps whose time has already passed count as fired: a back-filled history must not
    send a flood of warnings about the past on the first sweep. Returns the number of clocks made.
    """
    now = now or timezone.now()
    calendar_ids = calendar_ids_by_coverage()
    products: dict[str, ProductTerms] = {}
    ids = list(Ticket.objects.filter(clocks__isnull=True).order_by("pk").values_list("pk", flat=True))
    events = (
        TicketEvent.objects.filter(kind__in=CLOCK_EVENTS).select_related("actor").order_by("created_at", "id")
    )
    made = 0
    for part in _chunks(ids, chunk):
        rows: list[SlaClock] = []
        pending: list[tuple[SlaClock, Clock]] = []
        tickets = Ticket.objects.filter(pk__in=part).prefetch_related(
            Prefetch("events", queryset=events, to_attr="clock_events")
        )
        for ticket in tickets:
            work = replay(ticket, ticket.clock_events, calendar_ids, products)
            work.catch_up(now)
            for clock in work.clocks.values():
                row = SlaClock(ticket=ticket)
                apply_to_row(row, clock)
                row.steps_fired = _steps_passed(clock, work.priority, now)
                row.risk_at, row.next_check_at = plan_checks(
                    clock, priority=work.priority, steps_fired=row.steps_fired
                )
                rows.append(row)
                pending.append((row, clock))
        SlaClock.objects.bulk_create(rows, batch_size=2000)
        ClockEntry.objects.bulk_create(
            [entry for row, clock in pending for entry in entry_rows(row, clock)], batch_size=5000
        )
        made += len(rows)
    return made


def _steps_passed(clock: Clock, priority: str, now: datetime.datetime) -> int:
    if clock.state != ClockState.RUNNING:
        return 0
    passed = 0
    for step in steps_for(priority=priority, clock_kind=clock.kind):
        instant = clock.instant_at_used(clock.target * float(step.fraction))
        if instant is None or instant > now:
            break
        passed += 1
    return passed
