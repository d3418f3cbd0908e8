from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "sasms.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from sasms.integrations import crypto  # noqa: F401 -- registers the key check
        from sasms.integrations.panels import register_panels

        register_panels()
        _add_menu_items()


def _add_menu_items() -> None:
    from sasms.accounts.roles import Capability
    from sasms.core.navigation import ADMINISTRATION, MENU, SERVICE_DESK, MenuItem

    items = [
        MenuItem(
            _("Classification triage"),
            "integrations:review_list",
            Capability.WORK_TICKETS,
            "ui-checks",
            section=SERVICE_DESK,
        ),
        MenuItem(
            _("Auto-classification"),
            "integrations:classifier",
            Capability.MANAGE_SLA,
            "magic",
            section=ADMINISTRATION,
        ),
        MenuItem(
            _("Integrations"),
            "integrations:robot_list",
            Capability.MANAGE_MACHINE_TOKENS,
            "share",
            section=ADMINISTRATION,
        ),
    ]
    names = [item.url_name for item in MENU]
    position = names.index("core:audit_list") if "core:audit_list" in names else len(MENU)
    for item in reversed(items):
        if item.url_name not in names:
            MENU.insert(position, item)
