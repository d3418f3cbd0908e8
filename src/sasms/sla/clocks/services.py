"""The live SLA clocks: moved by timeline events, swept for warnings, breaches and escalations."""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.sla import specs
from sasms.sla.calendar_math import is_business_time
from sasms.sla.clocks.engine import Clock, Clockwork, Happening, event_time
from sasms.sla.clocks.policy import Step, steps_for
from sasms.sla.clocks.store import (
    apply_to_row,
    entry_rows,
    load_clocks,
    plan_checks,
    save_clocks,
    terms_for,
    to_engine,
)
from sasms.sla.models import ClockEntry, ClockEntryKind, ClockKind, EscalationAction, FiredStep, SlaClock
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind, Priority, Status
from sasms.tickets.events import notify, record_event
from sasms.tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)

# Timeline events that can move a clock; everything else is ignored without a query.
CLOCK_EVENTS = frozenset(
    {
        EventKind.CREATED,
        EventKind.REPLY,
        EventKind.ASSIGNED,
        EventKind.STATUS,
        EventKind.PRIORITY,
        EventKind.VISIT,
        EventKind.PARTS,
        EventKind.MERGED,
    }
)
STAFF_ROLES = frozenset(r.value for r in Role if r not in (Role.CUSTOMER, Role.CUSTOMER_ADMIN))


def is_staff_event(event: TicketEvent) -> bool:
    if "by_staff" in event.data:
        return bool(event.data["by_staff"])
    if event.data.get("from_customer"):
        return False
    if event.actor_id is None:
        return True
    role = event.actor.role if event.actor is not None else ""
    return role in STAFF_ROLES


def happening_of(event: TicketEvent, *, by_staff: bool) -> Happening:
    at = event.ticket.created_at if event.kind == EventKind.CREATED else event.created_at
    return Happening(
        kind=event.kind,
        at=event_time(at, event.data),
        data=event.data,
        by_staff=by_staff,
        public=event.public,
    )


def on_ticket_event(event: TicketEvent) -> None:
    """Timeline listener: move the request's clocks in the transaction that records the event."""
    if event.kind == EventKind.NOTE and "sla_coverage" in event.data:
        # The request's terms changed (see sasms.sla.clocks.coverage): the timeline is replayed
        # on the new terms rather than moved by one event.
        from sasms.sla.clocks.coverage import rebuild_for_coverage

        with specs.pinned_specs():
            rebuild_for_coverage(event)
        return
    if event.kind not in CLOCK_EVENTS:
        return
    if event.kind == EventKind.REPLY and not event.public:
        return
    with specs.pinned_specs():
        _move_clocks(event)


def _move_clocks(event: TicketEvent) -> None:
    ticket = event.ticket
    clocks, rows = load_clocks(ticket.pk)
    created = event.kind == EventKind.CREATED
    priority = str(event.data.get("priority", ticket.priority)) if created else ticket.priority
    if event.kind == EventKind.PRIORITY:
        change = event.data.get("priority")
        priority = str(change[0]) if isinstance(change, list) and change else ticket.priority
    work = Clockwork(terms=terms_for(ticket), priority=priority, clocks=clocks)
    work.apply(happening_of(event, by_staff=is_staff_event(event)))
    save_clocks(ticket, work.clocks.values(), rows, priority=work.priority)


# --- the sweep -------------------------------------------------------------------------------


@dataclass
class SweepResult:
    examined: int = 0
    breaches: int = 0
    steps_fired: int = 0
    deferred: int = 0
    skipped_locked: int = 0
    errors: list[str] = field(default_factory=list)


def due_clock_ids(now: datetime.datetime, limit: int) -> list[tuple[int, int]]:
    """``(clock id, ticket id)`` of clocks whose next check has come, oldest first (index scan)."""
    rows = (
        SlaClock.objects.filter(next_check_at__isnull=False, next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("id", "ticket_id")[:limit]
    )
    return list(rows)


def sweep(*, now: datetime.datetime | None = None, limit: int = 2000) -> SweepResult:
    """Handle every clock whose next check has come. Safe to run in several workers at once:
    each clock is handled under its request's row lock (skipped when another sweep holds it),
    re-read after locking, and each escalation step fires once per cycle (unique row)."""
    now = now or timezone.now()
    result = SweepResult()
    for clock_id, ticket_id in due_clock_ids(now, limit):
        try:
            with transaction.atomic(), specs.pinned_specs():
                handled = _sweep_one(clock_id, ticket_id, now, result)
        except Exception as exc:  # one bad clock must not stop the others; it is retried next run
            logger.exception("SLA sweep of clock %s failed", clock_id)
            result.errors.append(f"{clock_id}: {exc}")
            continue
        if not handled:
            result.skipped_locked += 1
    return result


def _sweep_one(clock_id: int, ticket_id: int, now: datetime.datetime, result: SweepResult) -> bool:
    # Ticket first, then clock: the same order as a timeline event, so the two never deadlock.
    ticket = Ticket.objects.select_for_update(skip_locked=True).filter(pk=ticket_id).first()
    if ticket is None:
        return False
    row = (
        SlaClock.objects.select_for_update(skip_locked=True)
        .filter(pk=clock_id, next_check_at__isnull=False, next_check_at__lte=now)
        .first()
    )
    if row is None:
        return False
    result.examined += 1
    clock = to_engine(row)
    if clock.check_breach(now):
        result.breaches += 1
    steps = steps_for(priority=ticket.priority, clock_kind=row.kind)
    due_steps: list[Step] = []
    deferred_until: datetime.datetime | None = None
    spec = specs.calendar_spec_for(row.calendar_id, years=(now.year - 1, now.year + 1))
    while row.steps_fired < len(steps):
        step = steps[row.steps_fired]
        instant = clock.instant_at_used(clock.target * float(step.fraction))
        if instant is None or instant > now:
            break
        if not step.around_the_clock and not is_business_time(spec, now):
            # Never at night for a business-hours clock: wait for its next business minute.
            tick = datetime.timedelta(microseconds=1)
            deferred_until = specs.due_at(calendar_id=row.calendar_id, start=now, duration=tick) - tick
            result.deferred += 1
            break
        due_steps.append(step)
        row.steps_fired += 1
    apply_to_row(row, clock)
    row.risk_at, row.next_check_at = plan_checks(clock, priority=ticket.priority, steps_fired=row.steps_fired)
    if deferred_until is not None:
        row.next_check_at = deferred_until
    row.save()
    _save_entries(row, clock)
    for step in due_steps:
        _, fresh = FiredStep.objects.get_or_create(clock=row, cycle=row.cycle, step_key=step.key)
        if fresh:
            _fire(ticket, row, clock, step, now)
            result.steps_fired += 1
    return True


def _save_entries(row: SlaClock, clock: Clock) -> None:
    ClockEntry.objects.bulk_create(entry_rows(row, clock))


def _staff_with_role(*roles: str) -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=roles).exclude(email=""))


def _fire(ticket: Ticket, row: SlaClock, clock: Clock, step: Step, now: datetime.datetime) -> None:
    """Carry out one escalation step: a timeline event, its e-mails (through the outbox, keyed by
    the event, so a retried delivery is not a second e-mail), then the actions that change the request."""
    percent = int(step.fraction * 100)
    label = ClockKind(row.kind).label
    breach = step.fraction >= 1

    def describe() -> str:
        return (
            _("%(clock)s target missed (%(percent)d %% of %(minutes)d business minutes used).")
            if breach
            else _("%(clock)s: %(percent)d %% of %(minutes)d business minutes used.")
        ) % {"clock": label, "percent": percent, "minutes": row.target_minutes}

    def message() -> tuple[str, str]:
        subject = _("[%(number)s] SLA %(state)s: %(clock)s") % {
            "number": ticket.number,
            "state": _("breached") if breach else _("warning"),
            "clock": label,
        }
        return subject, f"{describe()}\n{ticket.title}"

    body = describe()
    event = record_event(
        ticket=ticket,
        actor=None,
        kind=EventKind.SLA,
        public=False,
        body=body,
        data={
            "clock": row.kind,
            "cycle": row.cycle,
            "fraction": str(step.fraction),
            "actions": list(step.actions),
            "policy": step.policy_name,
        },
    )
    ClockEntry.objects.create(
        clock=row,
        at=now,
        kind=ClockEntryKind.ESCALATION if breach else ClockEntryKind.WARNING,
        consumed_minutes=clock.used_at(now) / datetime.timedelta(minutes=1),
        target_minutes=row.target_minutes,
        reason=f"{percent}%",
        data={"actions": list(step.actions), "policy": step.policy_name},
    )
    recipients: set[str] = set()
    actions = set(step.actions)
    if EscalationAction.NOTIFY_ASSIGNEE in actions and ticket.assignee is not None:
        recipients.add(ticket.assignee.email)
    if EscalationAction.NOTIFY_DISPATCHER in actions or EscalationAction.REASSIGN in actions:
        recipients.update(u.email for u in _staff_with_role(Role.DISPATCHER))
    if EscalationAction.NOTIFY_MANAGER in actions or EscalationAction.ESCALATE_MANAGEMENT in actions:
        recipients.update(u.email for u in _staff_with_role(Role.SERVICE_MANAGER))
    notify(event=event, recipients=recipients, message=message)
    _change_request(ticket, actions, reason=body)


def _change_request(ticket: Ticket, actions: set[str], *, reason: str) -> None:
    # An earlier step of the same sweep may have changed the request (tier, priority, status):
    # each step starts from what the request is now, so two steps raise the tier twice.
    ticket.refresh_from_db()
    if not ticket.is_open:
        return
    if EscalationAction.ESCALATE_MANAGEMENT in actions:
        managers = _staff_with_role(Role.SERVICE_MANAGER)
        if managers:
            ticket.watchers.add(*managers)
    if EscalationAction.ESCALATE_TIER in actions and ticket.tier < 3:
        ticket_services.change_tier(actor=None, ticket=ticket, tier=ticket.tier + 1, reason=reason)
    if EscalationAction.RAISE_PRIORITY in actions:
        order = list(Priority.values)
        index = order.index(ticket.priority)
        if index > 0:
            ticket_services.change_priority(
                actor=None, ticket=ticket, priority=order[index - 1], reason=reason
            )
    if EscalationAction.REASSIGN in actions:
        ticket.refresh_from_db()
        if ticket.assignee_id is not None and ticket.status not in (
            Status.RESOLVED,
            Status.CLOSED,
            Status.CANCELLED,
        ):
            ticket_services.assign_ticket(actor=None, ticket=ticket, assignee=None)


def open_breach_filter() -> Q:
    return Q(clocks__breached_at__isnull=False, clocks__state__in=["running", "paused"])
