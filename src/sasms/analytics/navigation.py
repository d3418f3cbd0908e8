"""Menu entries of the analytics app: one "Dashboards" entry for staff, one "Analytics" for customers.

The staff entry leads to the landing page, which picks the reader's own dashboard; it sits with the
reports (before "SLA attainment"). The customer entry follows the portal's own entries.
"""

from django.utils.translation import gettext_lazy as _

from sasms.accounts.roles import Capability
from sasms.core.navigation import MENU, REPORTS, MenuItem


def _index_after(url_names: tuple[str, ...], default: int) -> int:
    positions = [i + 1 for i, item in enumerate(MENU) if item.url_name in url_names]
    return max(positions) if positions else default


def register() -> None:
    """Add this app's pages to the menu (once, whatever the number of calls)."""
    known = {(item.url_name, item.capability) for item in MENU}
    staff = MenuItem(_("Dashboards"), "analytics:home", Capability.WORK_TICKETS, "graph-up", section=REPORTS)
    customer = MenuItem(_("Analytics"), "analytics:customer", Capability.VIEW_PORTAL, "bar-chart-line")
    if (staff.url_name, staff.capability) not in known:
        reports = next((i for i, item in enumerate(MENU) if item.url_name == "sla:attainment"), None)
        MENU.insert(reports if reports is not None else _index_after(("core:home",), 0), staff)
    if (customer.url_name, customer.capability) not in known:
        MENU.insert(
            _index_after(("portal:server_list", "portal:request_create", "core:home"), len(MENU)), customer
        )
