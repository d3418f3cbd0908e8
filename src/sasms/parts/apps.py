from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "sasms.parts"
    label = "parts"
    verbose_name = _("Spare parts")

    def ready(self) -> None:
        from sasms.accounts.roles import Capability
        from sasms.core.navigation import FIELD_AND_PARTS, MENU, MenuItem
        from sasms.parts import factors
        from sasms.parts.panels import register_panels

        register_panels()
        factors.register()
        if not any(item.url_name == "parts:stock_list" for item in MENU):
            MENU.append(
                MenuItem(
                    _("Spare parts"),
                    "parts:stock_list",
                    Capability.MANAGE_PARTS,
                    "box-seam",
                    section=FIELD_AND_PARTS,
                )
            )
