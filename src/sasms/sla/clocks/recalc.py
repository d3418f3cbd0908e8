"""Re-targeting running clocks when their calendar's days change (a holiday year imported, a
provisional year computed, a special day edited).

It is the priority-change path in bulk: each clock is loaded into the engine, its due time counted
again from the business time it has used (:meth:`Clock.recalculate`), its next checks planned as
on every save, and a ledger entry records the old due time and the calendar version used. The
requests are locked in id order, then their clocks — the order of a timeline event and the sweep,
so the three never deadlock. Runs inside the caller's transaction: the clocks change with the
calendar or not at all.
"""

import datetime
from collections.abc import Collection, Iterator, Sequence

from django.db.models import Q
from django.utils import timezone

from sasms.sla import specs
from sasms.sla.clocks.store import apply_to_row, entry_rows, plan_checks, to_engine
from sasms.sla.models import ClockEntry, ClockState, SlaClock
from sasms.tickets.models import Ticket

CHUNK = 500
SAVED_FIELDS = ["due_at", "risk_at", "next_check_at"]


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def affected_clocks(
    calendar_ids: Collection[int], first_day: datetime.date | None, last_day: datetime.date | None
) -> Q:
    """Running, unbreached clocks whose count could have crossed ``first_day``..``last_day``.

    A clock whose due time is before the first changed day never counted it, and one whose
    running segment began after the last changed day never will; a day's margin covers the
    calendar's time zone against UTC.
    """
    query = Q(
        calendar_id__in=list(calendar_ids),
        state=ClockState.RUNNING,
        breached_at__isnull=True,
        segment_started_at__isnull=False,
    )
    margin = datetime.timedelta(days=1)
    if first_day is not None:
        edge = datetime.datetime.combine(first_day, datetime.time(), tzinfo=datetime.UTC) - margin
        query &= Q(due_at__isnull=True) | Q(due_at__gte=edge)
    if last_day is not None:
        edge = datetime.datetime.combine(last_day, datetime.time(), tzinfo=datetime.UTC) + 2 * margin
        query &= Q(segment_started_at__lt=edge)
    return query


def retarget_clocks(
    *,
    calendar_ids: Collection[int],
    first_day: datetime.date | None = None,
    last_day: datetime.date | None = None,
    reason: str,
    now: datetime.datetime | None = None,
) -> int:
    """Count the due time of every affected clock again on the calendar as it now is.

    Returns the number of clocks whose due time moved. A constant number of queries per chunk of
    requests, plus the calendar spec loads (cached per calendar and years).
    """
    if not calendar_ids:
        return 0
    now = now or timezone.now()
    match = affected_clocks(calendar_ids, first_day, last_day)
    ticket_ids = sorted(set(SlaClock.objects.filter(match).values_list("ticket_id", flat=True)))
    moved = 0
    for chunk in _chunks(ticket_ids, CHUNK):
        priorities = dict(
            Ticket.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "priority")
        )
        rows = list(SlaClock.objects.select_for_update().filter(match, ticket_id__in=chunk).order_by("pk"))
        changed: list[SlaClock] = []
        entries: list[ClockEntry] = []
        with specs.pinned_specs():
            for row in rows:
                clock = to_engine(row)
                clock.recalculate(now, reason)
                if not clock.changed:
                    continue
                apply_to_row(row, clock)
                priority = priorities.get(row.ticket_id, "")
                row.risk_at, row.next_check_at = plan_checks(
                    clock, priority=priority, steps_fired=row.steps_fired
                )
                changed.append(row)
                entries.extend(entry_rows(row, clock))
        SlaClock.objects.bulk_update(changed, SAVED_FIELDS, batch_size=CHUNK)
        ClockEntry.objects.bulk_create(entries, batch_size=2000)
        moved += len(changed)
    return moved


def clocks_on_provisional_data(limit: int = 1000) -> list[tuple[str, str, datetime.datetime, list[int]]]:
    """``(SR number, clock, due, provisional years)`` of the running clocks whose due time was
    counted over a year whose public holidays are only provisional; one query per such year."""
    from sasms.sla.models import HolidayYear, HolidayYearStatus

    found: dict[int, tuple[str, str, datetime.datetime, list[int]]] = {}
    provisional = HolidayYear.objects.filter(status=HolidayYearStatus.PROVISIONAL).values_list(
        "calendar_id", "year"
    )
    for calendar_id, year in provisional.order_by("year", "calendar_id"):
        match = affected_clocks([calendar_id], datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        rows = (
            SlaClock.objects.filter(match, due_at__isnull=False)
            .order_by("due_at")
            .values_list("pk", "ticket__number", "kind", "due_at")[:limit]
        )
        for pk, number, kind, due in rows:
            if due is None:
                continue
            entry = found.setdefault(pk, (number, kind, due, []))
            entry[3].append(year)
    return sorted(found.values(), key=lambda item: (item[2], item[0], item[1]))[:limit]
