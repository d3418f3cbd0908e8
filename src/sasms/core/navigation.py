"""The navigation menu: each item shows only for roles with the capability its page checks.

Apps add their entries to ``MENU``, each in one of the ``SECTIONS`` (or at the top level, for the
few entries a customer lives in); a section a role sees more than one entry of becomes a drop-down,
so that a service manager's forty pages fit in one bar. Hiding a link is a convenience only, the
page itself checks.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sasms.accounts.roles import Capability

TOP_LEVEL = ""
SERVICE_DESK = "service"
FIELD_AND_PARTS = "field"
SERVERS_AND_CONTRACTS = "assets"
REPORTS = "reports"
ADMINISTRATION = "admin"


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    icon: str


# In the order they appear, after the top-level entries.
SECTIONS: tuple[Section, ...] = (
    Section(SERVICE_DESK, _("Service desk"), "headset"),
    Section(FIELD_AND_PARTS, _("Field service and parts"), "truck"),
    Section(SERVERS_AND_CONTRACTS, _("Servers and contracts"), "hdd-rack"),
    Section(REPORTS, _("Reports and analytics"), "graph-up"),
    Section(ADMINISTRATION, _("Administration"), "gear"),
)
_SECTION_RANK = {section.key: rank for rank, section in enumerate(SECTIONS, start=1)}


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    capability: Capability | None = None
    icon: str = ""
    section: str = TOP_LEVEL


@dataclass(frozen=True)
class ResolvedItem:
    label: str | Promise
    url: str
    active: bool
    icon: str


@dataclass(frozen=True)
class MenuGroup:
    """One entry of the bar: a single link, or a section's drop-down."""

    key: str
    label: str | Promise
    icon: str
    items: tuple[ResolvedItem, ...]

    @property
    def is_dropdown(self) -> bool:
        return self.key != TOP_LEVEL and len(self.items) > 1

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)


def section_rank(section: str) -> int:
    """Where a section's entries go: top-level entries first, then ``SECTIONS`` in order."""
    return _SECTION_RANK.get(section, 0)


MENU: list[MenuItem] = [
    MenuItem(_("Home"), "core:home", None, "house"),
    MenuItem(
        _("Organisations"),
        "accounts:organisation_list",
        Capability.VIEW_ALL_ORGANISATIONS,
        "building",
        ADMINISTRATION,
    ),
    MenuItem(_("Users"), "accounts:user_list", Capability.MANAGE_USERS, "people", ADMINISTRATION),
    MenuItem(
        _("My organisation's users"),
        "accounts:user_list",
        Capability.MANAGE_OWN_ORGANISATION_USERS,
        "people",
        ADMINISTRATION,
    ),
    MenuItem(
        _("Teams"), "accounts:team_list", Capability.VIEW_ALL_ORGANISATIONS, "diagram-3", ADMINISTRATION
    ),
    MenuItem(_("Servers"), "assets:server_list", None, "hdd-rack", SERVERS_AND_CONTRACTS),
    MenuItem(_("Sites"), "assets:site_list", None, "geo-alt", SERVERS_AND_CONTRACTS),
    MenuItem(_("Life cycle"), "assets:lifecycle", None, "hourglass-split", SERVERS_AND_CONTRACTS),
    MenuItem(
        _("Server models"),
        "assets:model_list",
        Capability.VIEW_ALL_ORGANISATIONS,
        "cpu",
        SERVERS_AND_CONTRACTS,
    ),
    MenuItem(
        _("Vendors"), "assets:vendor_list", Capability.VIEW_ALL_ORGANISATIONS, "shop", SERVERS_AND_CONTRACTS
    ),
    MenuItem(_("Contracts"), "contracts:contract_list", None, "file-earmark-text", SERVERS_AND_CONTRACTS),
    MenuItem(
        _("Service products"),
        "contracts:product_list",
        Capability.VIEW_ALL_ORGANISATIONS,
        "award",
        SERVERS_AND_CONTRACTS,
    ),
    MenuItem(
        _("Business calendars"), "sla:calendar_list", Capability.MANAGE_SLA, "calendar-week", ADMINISTRATION
    ),
    MenuItem(_("Escalation policies"), "sla:policy_list", Capability.MANAGE_SLA, "bell", ADMINISTRATION),
    MenuItem(_("SLA attainment"), "sla:attainment", Capability.VIEW_REPORTS, "speedometer2", REPORTS),
    MenuItem(
        _("Firmware advisories"),
        "proactive:advisory_list",
        Capability.VIEW_ALL_ORGANISATIONS,
        "shield-exclamation",
        SERVERS_AND_CONTRACTS,
    ),
    MenuItem(
        _("Health checks"), "proactive:health_list", Capability.VIEW_ALL_ORGANISATIONS, "heart-pulse", REPORTS
    ),
    MenuItem(_("Server health"), "proactive:portal_health", Capability.VIEW_PORTAL, "heart-pulse"),
    MenuItem(_("Service requests"), "tickets:queue", Capability.WORK_TICKETS, "inbox", SERVICE_DESK),
    MenuItem(_("Phone intake"), "tickets:intake", Capability.WORK_TICKETS, "telephone", SERVICE_DESK),
    MenuItem(
        _("Proactive requests"), "telemetry:proactive_list", Capability.WORK_TICKETS, "activity", SERVICE_DESK
    ),
    MenuItem(_("Audit trail"), "core:audit_list", Capability.VIEW_AUDIT_TRAIL, "journal", ADMINISTRATION),
    MenuItem(_("API tokens"), "accounts:token_list", Capability.USE_API, "key", ADMINISTRATION),
    MenuItem(_("API documentation"), "api-docs", Capability.USE_API, "code", ADMINISTRATION),
    MenuItem(_("PM plans"), "maintenance:plan_list", Capability.DISPATCH, "calendar-check", FIELD_AND_PARTS),
    MenuItem(
        _("PM visits"), "maintenance:visit_list", Capability.DISPATCH, "clipboard-check", FIELD_AND_PARTS
    ),
    MenuItem(
        _("PM date requests"),
        "maintenance:date_request_list",
        Capability.DISPATCH,
        "calendar2-x",
        FIELD_AND_PARTS,
    ),
    MenuItem(
        _("Blackout windows"), "maintenance:blackout_list", Capability.DISPATCH, "calendar-x", FIELD_AND_PARTS
    ),
    MenuItem(
        _("PM checklists"), "maintenance:template_list", Capability.DISPATCH, "list-check", FIELD_AND_PARTS
    ),
    MenuItem(
        _("PM attainment"), "maintenance:attainment", Capability.VIEW_REPORTS, "calendar2-check", REPORTS
    ),
    MenuItem(_("Preventive maintenance"), "maintenance:portal", Capability.VIEW_PORTAL, "calendar-check"),
]


def menu_for(request: HttpRequest) -> list[MenuGroup]:
    """The bar for this user: top-level links in ``MENU`` order, then one group per section."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    top: list[MenuGroup] = []
    by_section: dict[str, list[ResolvedItem]] = {}
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
        resolved = ResolvedItem(label=item.label, url=url, active=active, icon=item.icon)
        if section_rank(item.section) == 0:
            top.append(MenuGroup(TOP_LEVEL, item.label, item.icon, (resolved,)))
        else:
            by_section.setdefault(item.section, []).append(resolved)
    sections = [
        MenuGroup(section.key, section.label, section.icon, tuple(by_section[section.key]))
        for section in SECTIONS
        if section.key in by_section
    ]
    return top + sections
