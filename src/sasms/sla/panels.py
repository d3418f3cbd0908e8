"""The SLA clocks panel on the request page."""

from typing import Any

from django.http import HttpRequest

from sasms.sla.clocks.selectors import clock_views
from sasms.tickets.models import Ticket
from sasms.tickets.panels import TicketPanel, register_panel
from sasms.tickets.selectors import is_staff_reader


def clocks_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    views = clock_views(ticket)
    if not views:
        return None
    return {"clocks": views, "is_staff": is_staff_reader(request.user)}


def register_panels() -> None:
    register_panel(
        TicketPanel(
            key="sla-clocks",
            template="sla/_clocks_panel.html",
            context=clocks_panel,
            column="side",
            order=10,
            live=True,  # a reply meets the response clock: the page refreshes this panel after it
        )
    )
