from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "sasms.portal"
    label = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from sasms.accounts.roles import Capability
        from sasms.core.navigation import MENU, REPORTS, MenuItem
        from sasms.portal.panels import survey_panel
        from sasms.tickets.panels import TicketPanel, register_panel

        register_panel(
            TicketPanel(
                key="portal-survey", template="portal/_survey_panel.html", context=survey_panel, order=60
            )
        )
        customer_items = [
            MenuItem(_("Portal"), "portal:home", Capability.VIEW_PORTAL, "person-workspace"),
            MenuItem(_("My requests"), "portal:request_list", Capability.VIEW_PORTAL, "chat-left-text"),
            MenuItem(_("New request"), "portal:request_create", Capability.VIEW_PORTAL, "plus-circle"),
            MenuItem(_("My servers"), "portal:server_list", Capability.VIEW_PORTAL, "hdd-stack"),
        ]
        report_items = [
            MenuItem(
                _("Satisfaction surveys"),
                "portal:survey_results",
                Capability.VIEW_REPORTS,
                "emoji-smile",
                section=REPORTS,
            ),
            MenuItem(
                _("Self-service deflections"),
                "portal:deflection_report",
                Capability.VIEW_REPORTS,
                "signpost",
                section=REPORTS,
            ),
        ]
        known = {item.url_name for item in MENU}
        position = next((i + 1 for i, item in enumerate(MENU) if item.url_name == "core:home"), 0)
        for offset, item in enumerate(i for i in customer_items if i.url_name not in known):
            MENU.insert(position + offset, item)
        audit = next((i for i, item in enumerate(MENU) if item.url_name == "core:audit_list"), len(MENU))
        for offset, item in enumerate(i for i in report_items if i.url_name not in known):
            MENU.insert(audit + offset, item)
