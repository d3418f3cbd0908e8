"""The recommendation panel on the request page (dispatchers, open requests).

The page shows a placeholder that loads the ranking with htmx, so the request page itself costs
no scoring and no query beyond the capability check.
"""

from typing import Any

from django.http import HttpRequest

from sasms.dispatch.access import is_dispatcher
from sasms.tickets.choices import OPEN_STATUSES
from sasms.tickets.models import Ticket
from sasms.tickets.panels import TicketPanel, register_panel


def recommendation_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    if not is_dispatcher(request.user) or ticket.status not in OPEN_STATUSES:
        return None
    return {"ticket": ticket}


def register_panels() -> None:
    register_panel(
        TicketPanel(
            key="dispatch-recommendation",
            template="dispatch/_recommendation_placeholder.html",
            context=recommendation_panel,
            column="side",
            order=20,
        )
    )
