"""Coverage changed: a request's entitlement snapshot was taken again (its server was named,
changed or cleared), so its clocks are rebuilt as if it had carried the new terms from its creation.

``sasms sla verify`` replays a request's whole timeline on the terms of its *current* snapshot, so
the rebuild is that same replay (up to now) written over the stored clocks:

* a clock the new terms define but the request lacks is started, dated at the event that would
  have started it, with the business time used since then counted on the new calendar (pauses
  recorded so far included);
* a clock whose calendar, target or due time differs takes the replayed values (a re-target onto
  the new calendar);
* a met clock stays met at the same instant — that is a fact — while its target and calendar
  become the new terms' (and whether it met them is judged on those terms);
* a clock the new terms no longer define is stopped (a met one stays met) and carries no breach:
  the commitment it measured is not part of the request's terms any more.

Breaches follow the new terms: one recorded under the old terms that the new terms do not breach
is withdrawn, one the new terms breach is recorded at its new due time. Both are written on the
clock's ledger line (``breach_withdrawn`` / ``breached``) so the history stays auditable.

Each clock that changes gets exactly one ledger line with the reason :data:`REASON`, naming the
old and new terms. Escalation steps whose time had already passed on the new terms count as fired
except the latest one, which the next sweep fires once: the request's state is announced without a
burst of warnings about the past.
"""

import datetime
from typing import Any

from django.utils.translation import gettext_noop

from sasms.sla.clocks.engine import Clock
from sasms.sla.clocks.replay import _steps_passed, replay
from sasms.sla.clocks.services import CLOCK_EVENTS
from sasms.sla.clocks.store import (
    apply_to_row,
    calendar_ids_by_coverage,
    consumed_now,
    load_clocks,
    plan_checks,
)
from sasms.sla.models import ClockEntry, ClockEntryKind, ClockState, SlaClock
from sasms.tickets.models import Ticket, TicketEvent

# Stored untranslated like every ledger reason; the clocks panel shows it in the reader's language.
REASON = gettext_noop("coverage changed")
# The key of the timeline event's data that asks for a rebuild (see ``set_ticket_server``).
EVENT_KEY = "sla_coverage"
_SAME = (
    "calendar_id",
    "target_minutes",
    "state",
    "started_at",
    "segment_start",
    "due_at",
    "met_at",
    "breached_at",
    "cycle",
    "cycles_missed",
)


def terms_label(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What names a set of terms in a ledger line: rule, contract, SLA product and hours."""
    return {
        "rule": snapshot.get("rule", ""),
        "contract": snapshot.get("contract_number", ""),
        "product": snapshot.get("sla_product_code") or snapshot.get("product_code", ""),
        "coverage_hours": snapshot.get("sla_coverage_hours") or snapshot.get("coverage_hours", ""),
    }


def _same(old: Clock, new: Clock) -> bool:
    if any(getattr(old, name) != getattr(new, name) for name in _SAME):
        return False
    return abs((old.consumed - new.consumed).total_seconds()) < 1e-3


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _drop(clock: Clock, now: datetime.datetime) -> None:
    """No longer part of the terms: stop counting, keep a met time, carry no breach."""
    if clock.state in (ClockState.RUNNING, ClockState.PAUSED):
        clock.consumed = consumed_now(clock, now)
        clock.state = ClockState.STOPPED
    clock.segment_start = None
    clock.due_at = None
    clock.breached_at = None


def rebuild_for_coverage(event: TicketEvent) -> list[SlaClock]:
    """Rebuild the request's clocks for the terms of its current snapshot (see the module doc).

    Runs inside the transaction that records ``event``; returns the clock rows that changed.
    """
    ticket: Ticket = event.ticket
    now = event.created_at
    terms = event.data.get(EVENT_KEY) or {}
    stored, rows = load_clocks(ticket.pk)
    events = list(
        TicketEvent.objects.filter(ticket_id=ticket.pk, kind__in=CLOCK_EVENTS)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    work = replay(ticket, events, calendar_ids_by_coverage())
    work.catch_up(now)
    changed: list[SlaClock] = []
    entries: list[ClockEntry] = []
    for kind in sorted(set(stored) | set(work.clocks)):
        old = stored.get(kind)
        new = work.clocks.get(kind)
        data: dict[str, Any] = {"from": terms.get("from", {}), "to": terms.get("to", {})}
        if new is None:
            assert old is not None
            if old.state not in (ClockState.RUNNING, ClockState.PAUSED) and old.breached_at is None:
                continue
            if old.breached_at is not None:
                data["breach_withdrawn"] = _iso(old.breached_at)
            _drop(old, now)
            clock, entry_kind = old, ClockEntryKind.STOPPED
        else:
            if old is not None and _same(old, new):
                continue
            new.new_entries.clear()
            clock = new
            entry_kind = ClockEntryKind.STARTED if old is None else ClockEntryKind.RETARGETED
            if old is not None:
                data.update(
                    previous=old.target_minutes,
                    previous_calendar=old.calendar_id,
                    previous_due=_iso(old.due_at),
                )
                if old.breached_at is not None and new.breached_at is None:
                    data["breach_withdrawn"] = _iso(old.breached_at)
            if new.breached_at is not None and (old is None or old.breached_at != new.breached_at):
                data["breached"] = _iso(new.breached_at)
            if new.due_at is not None:
                data["due"] = _iso(new.due_at)
        row = rows.get(kind) or SlaClock(ticket=ticket)
        apply_to_row(row, clock)
        if new is not None:
            row.steps_fired = max(_steps_passed(clock, work.priority, now) - 1, 0)
        row.risk_at, row.next_check_at = plan_checks(
            clock, priority=work.priority, steps_fired=row.steps_fired
        )
        row.save()
        changed.append(row)
        entries.append(
            ClockEntry(
                clock=row,
                at=now,
                kind=entry_kind,
                consumed_minutes=consumed_now(clock, now) / datetime.timedelta(minutes=1),
                target_minutes=clock.target_minutes,
                reason=REASON,
                data=data,
            )
        )
    ClockEntry.objects.bulk_create(entries)
    return changed
