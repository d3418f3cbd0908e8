"""The spare-parts panel on the request page: reservations, suggested parts and where from."""

from typing import Any

from django.http import HttpRequest

from sasms.parts.access import can_request, is_reader
from sasms.parts.choices import AREA_PART_KINDS, OPEN_RESERVATION_STATUSES
from sasms.parts.planner import plan_request
from sasms.parts.quality import can_override_quality, new_parts_required
from sasms.parts.selectors import reservations_of
from sasms.tickets.models import Ticket
from sasms.tickets.panels import TicketPanel, register_panel
from sasms.tickets.selectors import is_staff_reader


def parts_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    actor = request.user
    if not (is_staff_reader(actor) and is_reader(actor)):
        return None
    reservations = reservations_of(ticket)
    hardware = (ticket.component or "") in AREA_PART_KINDS
    if not reservations and not (hardware and ticket.server_id and ticket.is_open):
        return None
    plan = plan_request(ticket) if ticket.is_open else None
    new_only = new_parts_required(ticket)
    return {
        "ticket": ticket,
        "reservations": reservations,
        "open_statuses": list(OPEN_RESERVATION_STATUSES),
        "plan": plan,
        "can_request": can_request(actor) and ticket.is_open,
        "new_parts_only": new_only,
        "can_override": new_only and can_override_quality(actor),
    }


def register_panels() -> None:
    register_panel(
        TicketPanel(
            key="parts", template="parts/_request_panel.html", context=parts_panel, column="side", order=40
        )
    )
