"""Menu entries of intake, placed after the phone intake entry (each with its page's capability)."""

from django.utils.translation import gettext_lazy as _

from sasms.core.navigation import ADMINISTRATION, MENU, SERVICE_DESK, MenuItem
from sasms.intake.services.common import CONFIGURE, WORK

ITEMS = [
    MenuItem(_("Triage"), "intake:triage_list", WORK, "funnel", section=SERVICE_DESK),
    MenuItem(_("Alerts"), "intake:alert_list", WORK, "activity", section=SERVICE_DESK),
    MenuItem(_("Intake settings"), "intake:mailbox_list", CONFIGURE, "plug", section=ADMINISTRATION),
]


def register_menu() -> None:
    names = [item.url_name for item in MENU]
    if ITEMS[0].url_name in names:
        return
    anchor = names.index("tickets:intake") + 1 if "tickets:intake" in names else len(MENU)
    MENU[anchor:anchor] = ITEMS
