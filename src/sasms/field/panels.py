"""The field app's places in the shared pages: the request page's visits panel and the menu."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sasms.accounts.roles import Capability
from sasms.core.navigation import FIELD_AND_PARTS, MENU, MenuItem
from sasms.tickets.models import Ticket
from sasms.tickets.panels import TicketPanel, register_panel


def visits_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    from sasms.field.views.dispatcher import panel_context

    return panel_context(request, ticket)


def register_panels() -> None:
    register_panel(
        TicketPanel(
            key="field-visits",
            template="field/_ticket_panel.html",
            context=visits_panel,
            column="main",
            order=30,
        )
    )


def register_menu() -> None:
    items = [
        MenuItem(
            _("My visits"), "field:my_visits", Capability.FIELD_VISITS, "phone", section=FIELD_AND_PARTS
        ),
        MenuItem(
            _("Field visits"), "field:visit_list", Capability.DISPATCH, "truck", section=FIELD_AND_PARTS
        ),
    ]
    names = [item.url_name for item in MENU]
    anchor = names.index("tickets:intake") + 1 if "tickets:intake" in names else len(MENU)
    for offset, item in enumerate(i for i in items if i.url_name not in names):
        MENU.insert(anchor + offset, item)
