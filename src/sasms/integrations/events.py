"""From a timeline event to the integration events it announces, and the payload sent out.

Each :class:`~sasms.tickets.models.TicketEvent` maps to zero or more :class:`EventType` values,
most specific first (a resolution is ``ticket.resolved`` and also ``ticket.status_changed``).
The payload is taken when the event happens, inside its transaction, so what is sent is what was
true then — except the SR number of a brand-new request, which is filled in at the first send.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from sasms.integrations.choices import EventType
from sasms.sla.models import EscalationAction
from sasms.tickets.choices import EventKind, Priority, Status
from sasms.tickets.events import ticket_url
from sasms.tickets.models import Ticket, TicketEvent

PAYLOAD_VERSION = 1
URGENT = frozenset({Priority.P1, Priority.P2})
MAX_BODY_CHARS = 2000


def _fraction(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def event_types(event: TicketEvent) -> list[str]:
    """The integration events of one timeline event, most specific first."""
    kind, data = event.kind, event.data or {}
    if kind == EventKind.CREATED:
        urgent = str(data.get("priority", "")) in URGENT
        return [EventType.CREATED_URGENT, EventType.CREATED] if urgent else [EventType.CREATED]
    if kind == EventKind.STATUS:
        final: dict[str, str] = {Status.RESOLVED: EventType.RESOLVED, Status.CLOSED: EventType.CLOSED}
        specific = final.get(str(data.get("to", "")))
        return [specific, EventType.STATUS_CHANGED] if specific else [EventType.STATUS_CHANGED]
    if kind == EventKind.SLA:
        breached = _fraction(data.get("fraction")) >= 1
        types: list[str] = [EventType.SLA_BREACHED if breached else EventType.SLA_WARNING]
        if EscalationAction.ESCALATE_MANAGEMENT in (data.get("actions") or []):
            types.append(EventType.ESCALATED)
        return types
    if kind == EventKind.TIER:
        return [EventType.ESCALATED] if data.get("direction") == "escalate" else []
    simple: dict[str, str] = {
        EventKind.ASSIGNED: EventType.ASSIGNED,
        EventKind.PRIORITY: EventType.PRIORITY_CHANGED,
        EventKind.UPDATED: EventType.UPDATED,
    }
    if kind in simple:
        return [simple[kind]]
    if kind == EventKind.REPLY and event.public:
        return [EventType.REPLIED]
    return []


def _ticket_json(ticket: Ticket) -> dict[str, Any]:
    organisation = ticket.organisation
    server = ticket.server
    assignee = ticket.assignee
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "url": ticket_url(ticket),
        "title": ticket.title,
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category,
        "component": ticket.component,
        "type": ticket.type,
        "channel": ticket.channel,
        "tier": ticket.tier,
        "created_at": ticket.created_at.isoformat(),
        "organisation": {"id": organisation.pk, "code": organisation.code, "name": organisation.name},
        "server": (
            {"id": server.pk, "serial": server.serial, "hostname": server.hostname}
            if server is not None
            else None
        ),
        "assignee": {"id": assignee.pk, "name": assignee.full_name} if assignee is not None else None,
    }


def payload_for(event: TicketEvent, types: list[str]) -> dict[str, Any]:
    """The JSON announced for ``event``; ``types`` are the event's types, most specific first."""
    return {
        "version": PAYLOAD_VERSION,
        "event": {
            "id": event.pk,
            "type": types[0],
            "types": types,
            "kind": event.kind,
            "occurred_at": event.created_at.isoformat(),
            "actor": event.actor_label,
            "public": event.public,
            "body": event.body[:MAX_BODY_CHARS] if event.public or event.kind == EventKind.SLA else "",
            "data": event.data or {},
        },
        "ticket": _ticket_json(event.ticket),
    }


def with_type(payload: dict[str, Any], event_type: str) -> dict[str, Any]:
    """The payload as one recipient gets it: ``event.type`` is the type it subscribed to."""
    return {**payload, "event": {**payload["event"], "type": event_type}}
