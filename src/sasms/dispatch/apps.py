from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "sasms.dispatch"
    label = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from sasms.accounts.roles import Capability
        from sasms.core.navigation import FIELD_AND_PARTS, MENU, MenuItem
        from sasms.dispatch.panels import register_panels

        register_panels()
        entries = [
            MenuItem(
                _("Dispatch board"), "dispatch:board", Capability.DISPATCH, "kanban", section=FIELD_AND_PARTS
            ),
            MenuItem(
                _("Engineers"),
                "dispatch:profile_list",
                Capability.DISPATCH,
                "person-badge",
                section=FIELD_AND_PARTS,
            ),
        ]
        names = {item.url_name for item in MENU}
        anchor = next((i for i, item in enumerate(MENU) if item.url_name == "tickets:intake"), len(MENU) - 1)
        for offset, entry in enumerate(entry for entry in entries if entry.url_name not in names):
            MENU.insert(anchor + 1 + offset, entry)
