"""What the KPIs count, in one place, shared by the direct computation and the fact builder.

See docs/kpis.md for the definitions in prose. Periods are local dates of the server's default
time zone (``settings.TIME_ZONE``), never the reader's, so a number does not move with the person
looking at it.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from sasms.sla.models import ClockKind, ClockState
from sasms.tickets.choices import OPEN_STATUSES, Category, TicketType
from sasms.tickets.models import Ticket

REPEAT_WINDOW = datetime.timedelta(days=30)
SATISFIED_SCORE = 4  # an overall CSAT score at or above this is "satisfied"
SLA_KINDS: tuple[str, ...] = tuple(kind.value for kind in ClockKind)
# Ageing buckets of the backlog: key, first and last age in whole days (None: no upper bound).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("lt1d", 0, 0),
    ("1to3d", 1, 2),
    ("3to7d", 3, 6),
    ("7to30d", 7, 29),
    ("gt30d", 30, None),
)


def labour_rate_per_hour() -> Decimal:
    return Decimal(str(getattr(settings, "SASMS_ANALYTICS_LABOUR_RATE_PER_HOUR", "300")))


def visit_fee() -> Decimal:
    return Decimal(str(getattr(settings, "SASMS_ANALYTICS_VISIT_FEE", "200")))


def local_zone() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return None if moment is None else timezone.localtime(moment, local_zone()).date()


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of ``day`` in the default time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_zone())


def in_days(field: str, start: datetime.date, end: datetime.date) -> Q:
    """``field`` (a datetime) falls on a local day from ``start`` to ``end`` inclusive."""
    return Q(
        **{f"{field}__gte": day_start(start), f"{field}__lt": day_start(end + datetime.timedelta(days=1))}
    )


def is_fault_q(prefix: str = "") -> Q:
    """A fault: a hardware incident on a known server (the population of distributions and AFR)."""
    return Q(
        **{
            f"{prefix}type": TicketType.INCIDENT,
            f"{prefix}category": Category.HARDWARE,
            f"{prefix}server__isnull": False,
        }
    )


def is_fault(ticket_type: str, category: str, server_id: int | None) -> bool:
    return ticket_type == TicketType.INCIDENT and category == Category.HARDWARE and server_id is not None


def repeat_exists() -> Exists:
    """An earlier request on the same server about the same component within the last 30 days."""
    window_start = ExpressionWrapper(OuterRef("created_at") - REPEAT_WINDOW, output_field=DateTimeField())
    return Exists(
        Ticket.objects.filter(
            server_id=OuterRef("server_id"),
            component=OuterRef("component"),
            created_at__lt=OuterRef("created_at"),
            created_at__gte=window_start,
        ).exclude(component="")
    )


def ended_at(status: str, resolved_at: Any, closed_at: Any, updated_at: Any) -> Any:
    """When the request left the backlog, as known now (a reopened request is open again)."""
    if status in OPEN_STATUSES:
        return None
    return resolved_at or closed_at or updated_at


def open_at_end_q(end: datetime.date) -> Q:
    """Requests created by the end of ``end`` that had not left the backlog by then (``ended_at``)."""
    bound = day_start(end + datetime.timedelta(days=1))
    return Q(created_at__lt=bound) & (
        Q(status__in=OPEN_STATUSES)
        | Q(resolved_at__gte=bound)
        | Q(resolved_at__isnull=True, closed_at__gte=bound)
        | Q(resolved_at__isnull=True, closed_at__isnull=True, updated_at__gte=bound)
    )


def clock_outcome(kind: str, state: str, breached: bool, cycle: int, cycles_missed: int) -> tuple[int, int]:
    """(met, breached) of one clock, as ``sla.reports`` counts it: a clock counts once decided
    (met in time, or breached); progress-update clocks count kept and missed cycles."""
    if state == ClockState.STOPPED and not breached:
        return 0, 0  # a cancelled request's promise was never decided
    if kind == ClockKind.UPDATE:
        return max(cycle - 1 - cycles_missed, 0), cycles_missed
    if breached:
        return 0, 1
    if state == ClockState.MET:
        return 1, 0
    return 0, 0
