"""Loading and saving clocks, and the terms a request's clocks run on.

The live path and the sweep go through :func:`load_clocks` / :func:`save_clocks`; both also keep
``risk_at`` and ``next_check_at`` up to date, which is what the queues and the sweep select on.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

from sasms.sla.clocks.engine import ZERO, Clock, Terms
from sasms.sla.clocks.policy import steps_for
from sasms.sla.models import BusinessCalendar, ClockEntry, ClockState, SlaClock
from sasms.tickets.models import Ticket


def calendar_ids_by_coverage() -> dict[str, int]:
    codes = settings.SASMS_SLA_CALENDARS
    by_code = dict(BusinessCalendar.objects.filter(code__in=codes.values()).values_list("code", "id"))
    return {coverage: by_code[code] for coverage, code in codes.items() if code in by_code}


ProductTerms = tuple[str, dict[str, Any], bool]


def product_terms(code: str, memo: dict[str, ProductTerms] | None = None) -> ProductTerms:
    """``(coverage hours, targets by priority, pauses while waiting)`` of a product, by code."""
    from sasms.contracts.models import ServiceProduct
    from sasms.contracts.selectors import target_table

    if memo is not None and code in memo:
        return memo[code]
    product = ServiceProduct.objects.filter(code=code).prefetch_related("targets").first() if code else None
    terms: ProductTerms = ("", {}, True)
    if product is not None:
        targets = target_table(product)
        terms = (product.coverage_hours, targets, product.pause_when_waiting_customer)
    if memo is not None:
        memo[code] = terms
    return terms


def terms_for(
    ticket: Ticket,
    calendar_ids: Mapping[str, int] | None = None,
    products: dict[str, ProductTerms] | None = None,
) -> Terms:
    """The terms of a request's clocks, from its entitlement snapshot. Snapshots taken before the
    targets were stored in them name the product (or the warranty); its targets are read then."""
    snapshot: Mapping[str, Any] = ticket.entitlement or {}
    targets = snapshot.get("targets") or {}
    coverage = snapshot.get("sla_coverage_hours") or snapshot.get("coverage_hours") or ""
    pause = bool(snapshot.get("pause_when_waiting", True))
    if not targets:
        code = snapshot.get("product_code") or settings.SASMS_SLA_FALLBACK_PRODUCTS.get(
            "warranty" if snapshot.get("source") == "warranty" else "none", ""
        )
        coverage, targets, pause = product_terms(code, products)
    ids = calendar_ids if calendar_ids is not None else calendar_ids_by_coverage()
    return Terms(
        targets=targets,
        calendar_id=ids.get(coverage),
        pause_when_waiting=pause,
        service_kind=ticket.service_kind,
    )


def to_engine(row: SlaClock) -> Clock:
    return Clock(
        kind=row.kind,
        calendar_id=row.calendar_id,
        target_minutes=row.target_minutes,
        started_at=row.started_at,
        state=row.state,
        consumed=datetime.timedelta(minutes=row.consumed_minutes),
        segment_start=row.segment_started_at,
        due_at=row.due_at,
        met_at=row.met_at,
        breached_at=row.breached_at,
        cycle=row.cycle,
        cycles_missed=row.cycles_missed,
    )


def load_clocks(ticket_id: int, *, lock: bool = True) -> tuple[dict[str, Clock], dict[str, SlaClock]]:
    rows = SlaClock.objects.filter(ticket_id=ticket_id)
    if lock:
        rows = rows.select_for_update()
    by_kind = {row.kind: row for row in rows}
    return {kind: to_engine(row) for kind, row in by_kind.items()}, by_kind


def risk_fraction() -> float:
    return float(settings.SASMS_SLA_RISK_FRACTION)


def plan_checks(clock: Clock, *, priority: str, steps_fired: int) -> tuple[datetime.datetime | None, ...]:
    """``(risk_at, next_check_at)`` of a clock: when it turns "at risk", and when the sweep must
    next look at it (its next unfired escalation step, or its due time)."""
    if clock.state != ClockState.RUNNING:
        return None, None
    risk_at = clock.instant_at_used(clock.target * risk_fraction()) if clock.breached_at is None else None
    candidates: list[datetime.datetime] = []
    if clock.breached_at is None and clock.due_at is not None:
        candidates.append(clock.due_at)
    steps = steps_for(priority=priority, clock_kind=clock.kind)
    if steps_fired < len(steps):
        instant = clock.instant_at_used(clock.target * float(steps[steps_fired].fraction))
        if instant is not None:
            candidates.append(instant)
    return risk_at, (min(candidates) if candidates else None)


def apply_to_row(row: SlaClock, clock: Clock) -> None:
    row.kind = clock.kind
    row.calendar_id = clock.calendar_id
    row.target_minutes = clock.target_minutes
    row.started_at = clock.started_at
    row.state = clock.state
    row.consumed_minutes = clock.consumed / datetime.timedelta(minutes=1) if clock.consumed else 0.0
    row.segment_started_at = clock.segment_start
    row.due_at = clock.due_at
    row.met_at = clock.met_at
    row.breached_at = clock.breached_at
    row.cycle = clock.cycle
    row.cycles_missed = clock.cycles_missed


def entry_rows(row: SlaClock, clock: Clock) -> list[ClockEntry]:
    """The clock's new ledger entries as rows of ``row`` (saved by the caller, in bulk)."""
    rows = [
        ClockEntry(
            clock=row,
            at=e.at,
            kind=e.kind,
            consumed_minutes=e.consumed_minutes,
            target_minutes=e.target_minutes,
            reason=e.reason,
            data=e.data,
        )
        for e in clock.new_entries
    ]
    clock.new_entries.clear()
    return rows


def save_clocks(
    ticket: Ticket, clocks: Iterable[Clock], rows: dict[str, SlaClock], *, priority: str
) -> list[SlaClock]:
    """Write the clocks that changed, their new ledger entries and their next check times."""
    saved = []
    entries: list[ClockEntry] = []
    for clock in clocks:
        if not clock.changed:
            continue
        row = rows.get(clock.kind) or SlaClock(ticket=ticket)
        apply_to_row(row, clock)
        if clock.reset_steps:
            row.steps_fired = 0
        row.risk_at, row.next_check_at = plan_checks(clock, priority=priority, steps_fired=row.steps_fired)
        row.save()
        rows[clock.kind] = row
        entries.extend(entry_rows(row, clock))
        clock.changed = clock.reset_steps = False
        saved.append(row)
    ClockEntry.objects.bulk_create(entries)
    return saved


def consumed_now(clock: Clock, now: datetime.datetime) -> datetime.timedelta:
    return clock.used_at(now) if clock.state == ClockState.RUNNING else max(clock.consumed, ZERO)
