"""The evidence panel on a proactive request's page: the rule, the values and their chart."""

from typing import Any

from django.http import HttpRequest

from sasms.tickets.models import Ticket
from sasms.tickets.panels import TicketPanel, register_panel


def evidence_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    from sasms.telemetry.views import evidence_context

    return evidence_context(request, ticket)


def register_panels() -> None:
    register_panel(
        TicketPanel(
            key="telemetry-evidence",
            template="telemetry/_evidence_panel.html",
            context=evidence_panel,
            column="main",
            order=15,
        )
    )
