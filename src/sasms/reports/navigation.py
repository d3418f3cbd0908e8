"""Menu entries of the reports app, placed after the SLA attainment report."""

from django.utils.translation import gettext_lazy as _

from sasms.accounts.roles import Capability
from sasms.core.navigation import MENU, REPORTS, MenuItem

ITEMS = [
    MenuItem(
        _("Customer reports"),
        "reports:customer_report",
        Capability.VIEW_REPORTS,
        "file-earmark-bar-graph",
        section=REPORTS,
    ),
    MenuItem(
        _("Report subscriptions"),
        "reports:subscription_list",
        Capability.VIEW_REPORTS,
        "envelope-paper",
        section=REPORTS,
    ),
    MenuItem(_("Forecasts"), "reports:forecasts", Capability.DISPATCH, "graph-up-arrow", section=REPORTS),
]


def register() -> None:
    """Add this app's pages to the menu (once)."""
    names = [item.url_name for item in MENU]
    if ITEMS[0].url_name in names:
        return
    anchor = names.index("sla:attainment") + 1 if "sla:attainment" in names else len(MENU)
    MENU[anchor:anchor] = ITEMS
