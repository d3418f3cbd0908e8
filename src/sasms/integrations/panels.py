"""The classification panel on the request page (staff): what the classifier suggested."""

from typing import Any

from django.http import HttpRequest

from sasms.tickets.models import Ticket
from sasms.tickets.panels import TicketPanel, register_panel


def classification_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    from sasms.accounts.roles import Capability
    from sasms.integrations.selectors import review_of_ticket

    user = request.user
    if not user.is_authenticated or not user.can(Capability.WORK_TICKETS):
        return None
    review = review_of_ticket(ticket=ticket)
    return None if review is None else {"review": review}


def register_panels() -> None:
    register_panel(
        TicketPanel(
            key="classification",
            template="integrations/_classification_panel.html",
            context=classification_context,
            column="side",
            order=60,
        )
    )
