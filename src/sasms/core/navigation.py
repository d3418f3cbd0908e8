"""The navigation menu: each item shows only for roles with the capability its page checks.

Apps add their entries to ``MENU``; hiding a link is a convenience only, the page itself checks.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sasms.accounts.roles import Capability


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    capability: Capability | None = None
    icon: str = ""


@dataclass(frozen=True)
class ResolvedItem:
    label: str | Promise
    url: str
    active: bool
    icon: str


MENU: list[MenuItem] = [
    MenuItem(_("Home"), "core:home", None, "house"),
    MenuItem(_("Organisations"), "accounts:organisation_list", Capability.VIEW_ALL_ORGANISATIONS, "building"),
    MenuItem(_("Users"), "accounts:user_list", Capability.MANAGE_USERS, "people"),
    MenuItem(
        _("My organisation's users"), "accounts:user_list", Capability.MANAGE_OWN_ORGANISATION_USERS, "people"
    ),
    MenuItem(_("Teams"), "accounts:team_list", Capability.VIEW_ALL_ORGANISATIONS, "diagram-3"),
    MenuItem(_("Servers"), "assets:server_list", None, "hdd-rack"),
    MenuItem(_("Sites"), "assets:site_list", None, "geo-alt"),
    MenuItem(_("Life cycle"), "assets:lifecycle", None, "hourglass-split"),
    MenuItem(_("Server models"), "assets:model_list", Capability.VIEW_ALL_ORGANISATIONS, "cpu"),
    MenuItem(_("Vendors"), "assets:vendor_list", Capability.VIEW_ALL_ORGANISATIONS, "shop"),
    MenuItem(_("Contracts"), "contracts:contract_list", None, "file-earmark-text"),
    MenuItem(_("Service products"), "contracts:product_list", Capability.VIEW_ALL_ORGANISATIONS, "award"),
    MenuItem(_("Business calendars"), "sla:calendar_list", Capability.MANAGE_SLA, "calendar-week"),
    MenuItem(_("Service requests"), "tickets:queue", Capability.WORK_TICKETS, "inbox"),
    MenuItem(_("Phone intake"), "tickets:intake", Capability.WORK_TICKETS, "telephone"),
    MenuItem(_("Audit trail"), "core:audit_list", Capability.VIEW_AUDIT_TRAIL, "journal"),
    MenuItem(_("API tokens"), "accounts:token_list", Capability.USE_API, "key"),
    MenuItem(_("API documentation"), "api-docs", Capability.USE_API, "code"),
]


def menu_for(request: HttpRequest) -> list[ResolvedItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items: list[ResolvedItem] = []
    seen_urls: set[str] = set()
    for item in MENU:
        if item.capability is not None and not user.can(item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        if url in seen_urls:
            continue
        seen_urls.add(url)
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append(ResolvedItem(label=item.label, url=url, active=active, icon=item.icon))
    return items
