"""The monitoring panel on the request page: the alerts and BMC faults behind the request (staff)."""

from typing import Any

from django.http import HttpRequest

from sasms.intake.selectors import alerts_of_ticket, faults_of_ticket
from sasms.tickets.models import Ticket
from sasms.tickets.panels import TicketPanel, register_panel
from sasms.tickets.selectors import is_staff_reader

PANEL_ROWS = 20


def monitoring_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    if not is_staff_reader(request.user):
        return None
    alerts = list(alerts_of_ticket(ticket.pk)[: PANEL_ROWS + 1])
    faults = list(faults_of_ticket(ticket.pk)[: PANEL_ROWS + 1])
    if not alerts and not faults:
        return None
    return {
        "alerts": alerts[:PANEL_ROWS],
        "more_alerts": len(alerts) > PANEL_ROWS,
        "faults": faults[:PANEL_ROWS],
        "more_faults": len(faults) > PANEL_ROWS,
        "firing": sum(1 for a in alerts if a.status == "firing"),
        "ticket": ticket,
    }


def register_panels() -> None:
    register_panel(
        TicketPanel(
            key="intake-monitoring",
            template="intake/_monitoring_panel.html",
            context=monitoring_panel,
            column="side",
            order=30,
        )
    )
