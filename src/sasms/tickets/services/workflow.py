"""Moving a request along: status transitions, assignment, tier, priority and details."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import Team, User
from sasms.accounts.roles import Capability
from sasms.core.audit import changed_fields, snapshot
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.tickets import transitions
from sasms.tickets.choices import (
    Category,
    ComponentArea,
    EventKind,
    Level,
    Priority,
    ResolutionCode,
    Status,
    Tier,
    TimeAndMaterials,
)
from sasms.tickets.events import notify, record_event
from sasms.tickets.locks import lock_ticket, lock_tickets
from sasms.tickets.models import Ticket, TicketEvent
from sasms.tickets.priority import priority_for
from sasms.tickets.search import index_ticket
from sasms.tickets.services.common import audit, require_participant, require_staff

AUTO_CLOSE_DAYS_DEFAULT = 7
RESOLUTION_FIELDS = ("resolution_code", "resolution_summary", "root_cause", "five_whys", "work_minutes")


def auto_close_days() -> int:
    """Days after resolution without the customer objecting until the request closes itself."""
    return int(getattr(settings, "SASMS_TICKET_AUTO_CLOSE_DAYS", AUTO_CLOSE_DAYS_DEFAULT))


def _touch(ticket: Ticket, fields: list[str]) -> None:
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "updated_at"])


def _customer_addresses(ticket: Ticket) -> list[str]:
    return [ticket.requester.email] if ticket.requester is not None and ticket.requester.email else []


def _first_time_fix(ticket: Ticket) -> bool:
    """Fixed at the first attempt: never reopened, at most one visit, no second trip for parts."""
    waited_for_parts = TicketEvent.objects.filter(
        ticket=ticket, kind=EventKind.STATUS, data__to=Status.WAITING_PARTS
    ).exists()
    return ticket.reopen_count == 0 and ticket.visit_count <= 1 and not waited_for_parts


@transaction.atomic
def transition_ticket(
    *,
    actor: User | None,
    ticket: Ticket,
    action: str,
    reason: str = "",
    confirmed: bool = False,
    resolution_code: str = "",
    resolution_summary: str = "",
    root_cause: str = "",
    five_whys: Sequence[str] = (),
    work_minutes: int | None = None,
) -> Ticket:
    """Make one move of the status machine, or refuse it with the reason and change nothing."""
    require_participant(actor, ticket)
    ticket = lock_ticket(ticket.pk)
    if resolution_code and resolution_code not in ResolutionCode.values:
        raise ServiceError(
            _("Unknown resolution code."), fields={"resolution_code": [_("Unknown resolution code.")]}
        )
    refused = transitions.refusal(
        actor=actor,
        ticket=ticket,
        name=action,
        reason=reason,
        confirmed=confirmed,
        resolution_code=resolution_code,
        resolution_summary=resolution_summary,
    )
    if refused:
        field = {"resolve": "resolution_code", "auto_resolve": "resolution_code", "reopen": "reason"}.get(
            action, "reason" if action == "cancel" else "action"
        )
        raise Conflict(refused, code="transition_refused", fields={field: [refused]})
    move = transitions.TRANSITIONS[action]
    before = snapshot(ticket, ("status", *RESOLUTION_FIELDS, "first_time_fix", "reopen_count"))
    previous = ticket.status
    now = timezone.now()
    ticket.status = move.target
    resolving = action in ("resolve", "auto_resolve")
    if resolving:
        ticket.resolution_code = resolution_code
        ticket.resolution_summary = resolution_summary.strip()
        ticket.root_cause = root_cause.strip()
        ticket.five_whys = [w.strip() for w in five_whys if w.strip()][:5]
        if work_minutes is not None:
            ticket.work_minutes = max(0, int(work_minutes))
        ticket.resolved_at = now
        ticket.first_time_fix = _first_time_fix(ticket)
    elif action == "close":
        ticket.closed_at = now
        if actor is not None:
            ticket.customer_confirmed_at = now
    elif action == "reopen":
        ticket.reopen_count += 1
        ticket.first_time_fix = False
        ticket.resolved_at = None
    elif action == "cancel":
        ticket.closed_at = now
    ticket.updated_at = now
    ticket.save()
    if resolving:
        index_ticket(ticket)
    changes = changed_fields(
        before, snapshot(ticket, ("status", *RESOLUTION_FIELDS, "first_time_fix", "reopen_count"))
    )
    event = record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.STATUS,
        public=True,
        body=reason.strip() or (resolution_summary.strip() if resolving else ""),
        data={
            "action": action,
            "from": previous,
            "to": move.target,
            **({"confirmed": True} if confirmed else {}),
        },
    )
    audit(actor, action, ticket, changes)
    if action in ("resolve", "auto_resolve", "close", "reopen", "cancel"):
        notify(
            event=event,
            recipients=_customer_addresses(ticket),
            message=lambda: (
                _("[%(number)s] Status: %(status)s")
                % {"number": ticket.number, "status": Status(ticket.status).label},
                reason or resolution_summary or ticket.title,
            ),
        )
    return ticket


@transaction.atomic
def assign_ticket(
    *, actor: User | None, ticket: Ticket, assignee: User | None, team: Team | None = None
) -> Ticket:
    """Set team and assignee. Anyone working tickets may take a request; others need DISPATCH."""
    require_staff(actor)
    if assignee is not None and (not assignee.is_active or not assignee.can(Capability.WORK_TICKETS)):
        raise ServiceError(
            _("This person cannot work service requests."),
            fields={"assignee": [_("This person cannot work service requests.")]},
        )
    ticket = lock_ticket(ticket.pk)
    if actor is not None and not actor.can(Capability.DISPATCH):
        for_someone_else = assignee is not None and assignee.pk != actor.pk
        taking_from_someone = assignee is None and ticket.assignee_id not in (None, actor.pk)
        if for_someone_else or taking_from_someone:
            raise PermissionDenied(_("Only dispatchers may assign requests to other people."))
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise Conflict(_("A closed or cancelled request cannot be reassigned."), code="transition_refused")
    before = snapshot(ticket, ("assignee", "team", "status"))
    ticket.assignee = assignee
    if team is not None:
        ticket.team = team
    if ticket.status == Status.NEW and assignee is not None:
        ticket.status = Status.ASSIGNED
    elif ticket.status == Status.ASSIGNED and assignee is None:
        ticket.status = Status.NEW
    changes = changed_fields(before, snapshot(ticket, ("assignee", "team", "status")))
    if not changes:
        return ticket
    _touch(ticket, ["assignee", "team", "status"])
    if assignee is not None:
        ticket.watchers.add(assignee)
    event = record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.ASSIGNED,
        public=False,
        data={
            "assignee": assignee.full_name if assignee else "",
            "assignee_id": assignee.pk if assignee else None,
            "team": ticket.team.name if ticket.team else "",
            "from_status": before["status"],
            "to_status": ticket.status,
        },
    )
    audit(actor, "assign", ticket, changes)
    if assignee is not None and assignee != actor:
        notify(
            event=event,
            recipients=[assignee.email],
            message=lambda: (
                _("[%(number)s] Assigned to you: %(title)s")
                % {"number": ticket.number, "title": ticket.title},
                ticket.description[:2000],
            ),
        )
    return ticket


@transaction.atomic
def change_tier(*, actor: User | None, ticket: Ticket, tier: int, reason: str = "") -> Ticket:
    """Escalate (higher tier) or de-escalate; a reason is required either way."""
    require_staff(actor)
    if tier not in Tier.values:
        raise ServiceError(_("Unknown tier."), fields={"tier": [_("Unknown tier.")]})
    if not reason.strip():
        raise ServiceError(_("Please give a reason."), fields={"reason": [_("Please give a reason.")]})
    ticket = lock_ticket(ticket.pk)
    if not ticket.is_open:
        raise Conflict(_("Only open requests can change tier."), code="transition_refused")
    if ticket.tier == tier:
        raise Conflict(
            _("The request is already at this tier."),
            fields={"tier": [_("The request is already at this tier.")]},
        )
    previous = ticket.tier
    ticket.tier = tier
    _touch(ticket, ["tier"])
    record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.TIER,
        body=reason.strip(),
        data={"from": previous, "to": tier, "direction": "escalate" if tier > previous else "de-escalate"},
    )
    audit(actor, "escalate" if tier > previous else "de_escalate", ticket, {"tier": [previous, tier]})
    return ticket


@transaction.atomic
def change_priority(
    *,
    actor: User | None,
    ticket: Ticket,
    impact: str | None = None,
    urgency: str | None = None,
    priority: str | None = None,
    reason: str = "",
) -> Ticket:
    """Re-rate impact/urgency (priority follows the matrix), or override the priority directly."""
    require_staff(actor)
    ticket = lock_ticket(ticket.pk)
    if not ticket.is_open:
        raise Conflict(_("Only open requests can change priority."), code="transition_refused")
    before = snapshot(ticket, ("impact", "urgency", "priority"))
    for value, field in ((impact, "impact"), (urgency, "urgency")):
        if value is not None:
            if value not in Level.values:
                raise ServiceError(_("Unknown level."), fields={field: [_("Unknown level.")]})
            setattr(ticket, field, value)
    if priority is not None:
        if priority not in Priority.values:
            raise ServiceError(_("Unknown priority."), fields={"priority": [_("Unknown priority.")]})
        ticket.priority = priority
    else:
        ticket.priority = priority_for(impact=ticket.impact, urgency=ticket.urgency)
    changes = changed_fields(before, snapshot(ticket, ("impact", "urgency", "priority")))
    if not changes:
        return ticket
    _touch(ticket, ["impact", "urgency", "priority"])
    record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.PRIORITY,
        public=True,
        body=reason.strip(),
        data=dict(changes),
    )
    audit(actor, "priority", ticket, changes)
    return ticket


DETAIL_FIELDS = ("title", "description", "category", "component", "type")


@transaction.atomic
def update_ticket(*, actor: User | None, ticket: Ticket, **changes: Any) -> Ticket:
    """Edit title, description, type, category or component of an open request."""
    require_staff(actor)
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ServiceError(
            _("Unknown fields."), fields={n: [_("This field cannot be changed.")] for n in sorted(unknown)}
        )
    ticket = lock_ticket(ticket.pk)
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise Conflict(_("A closed or cancelled request cannot be changed."), code="transition_refused")
    errors: dict[str, list[str]] = {}
    if "title" in changes and not str(changes["title"]).strip():
        errors["title"] = [_("This field is required.")]
    if "category" in changes and changes["category"] not in Category.values:
        errors["category"] = [_("Unknown category.")]
    if changes.get("component") and changes["component"] not in ComponentArea.values:
        errors["component"] = [_("Unknown component.")]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    before = snapshot(ticket, DETAIL_FIELDS)
    for name, value in changes.items():
        setattr(ticket, name, value)
    diff = changed_fields(before, snapshot(ticket, DETAIL_FIELDS))
    if not diff:
        return ticket
    _touch(ticket, list(DETAIL_FIELDS))
    if {"title", "description"} & set(diff):
        index_ticket(ticket)
    record_event(
        ticket=ticket, actor=actor, kind=EventKind.UPDATED, public=True, data={"fields": sorted(diff)}
    )
    audit(actor, "update", ticket, diff)
    return ticket


DECISIONS = (TimeAndMaterials.ACCEPTED, TimeAndMaterials.DECLINED)


@transaction.atomic
def decide_time_and_materials(
    *,
    actor: User | None,
    ticket: Ticket,
    decision: str,
    confirmed: bool = False,
    reason: str = "",
    note: str = "",
) -> Ticket:
    """Record whether the customer of a not-entitled request accepted billing per call-out.

    The decision is explicit (accepted or declined, never a default) and confirmed by the person
    recording it, because it decides whether the customer is billed. A decision already recorded
    can be corrected, with the reason for the correction; both stay on the timeline.
    """
    require_staff(actor)
    if decision not in DECISIONS:
        message = _("Choose whether the customer accepted or declined time and materials.")
        raise ServiceError(message, fields={"decision": [message]})
    if not confirmed:
        message = _("Confirm that the customer gave this decision.")
        raise ServiceError(message, fields={"confirmed": [message]})
    reason, note = reason.strip(), note.strip()
    ticket = lock_ticket(ticket.pk)
    if ticket.entitled:
        raise Conflict(_("This request is covered; no time-and-materials decision is needed."))
    previous = ticket.time_and_materials
    correction = previous in DECISIONS
    if correction and decision == previous:
        message = _("This decision is already recorded.")
        raise Conflict(message, fields={"decision": [message]})
    if correction and not reason:
        message = _("Give the reason for correcting the decision.")
        raise ServiceError(message, fields={"reason": [message]})
    ticket.time_and_materials = decision
    _touch(ticket, ["time_and_materials"])
    record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.TIME_AND_MATERIALS,
        public=True,
        body=reason if correction else note,
        data={"decision": decision, "previous": previous, "correction": correction, "confirmed": True},
    )
    changes: dict[str, list[Any]] = {"time_and_materials": [previous, decision]}
    if correction:
        changes["reason"] = [None, reason]
    audit(actor, "time_and_materials_correction" if correction else "time_and_materials", ticket, changes)
    return ticket


@transaction.atomic
def bulk_update(
    *,
    actor: User,
    tickets: Sequence[Ticket],
    assignee: User | None = None,
    priority: str | None = None,
    close: bool = False,
) -> int:
    """One bulk action over many requests, all or nothing; returns how many changed."""
    require_staff(actor)
    count = 0
    for ticket in lock_tickets([t.pk for t in tickets]):
        if assignee is not None:
            assign_ticket(actor=actor, ticket=ticket, assignee=assignee)
        if priority is not None:
            change_priority(actor=actor, ticket=ticket, priority=priority, reason=_("Bulk change"))
        if close:
            transition_ticket(actor=actor, ticket=ticket, action="close", confirmed=True)
        count += 1
    return count


def auto_close_resolved(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Close requests resolved more than N days ago; one short transaction per request."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=auto_close_days())
    ids = list(
        Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
        .order_by("resolved_at")
        .values_list("pk", flat=True)[:limit]
    )
    closed = 0
    for ticket_id in ids:
        with transaction.atomic():
            ticket = Ticket.objects.filter(pk=ticket_id).first()
            if ticket is None or ticket.status != Status.RESOLVED:
                continue  # reopened or closed meanwhile
            try:
                transition_ticket(
                    actor=None,
                    ticket=ticket,
                    action="close",
                    reason=_("Closed automatically after %(days)d days without objection.")
                    % {"days": auto_close_days()},
                )
            except Conflict:
                continue  # reopened between the read and the lock
            closed += 1
    return closed
