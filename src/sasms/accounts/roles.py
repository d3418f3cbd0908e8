"""Roles and what each may do: the permission matrix documented in ``docs/roles.md``.

A user has one role. Pages, navigation and API permissions ask :func:`has_capability`; data
scoping (which organisation's rows) is separate and lives in the selectors.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer user")
    CUSTOMER_ADMIN = "customer_admin", _("Customer administrator")
    AGENT = "agent", _("Service-desk agent")
    ENGINEER = "engineer", _("Engineer")
    FIELD_ENGINEER = "field_engineer", _("Field engineer")
    DISPATCHER = "dispatcher", _("Dispatcher")
    PARTS_CLERK = "parts_clerk", _("Parts clerk")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    ADMINISTRATOR = "administrator", _("Administrator")


CUSTOMER_ROLES = frozenset({Role.CUSTOMER, Role.CUSTOMER_ADMIN})
STAFF_ROLES = frozenset(set(Role) - CUSTOMER_ROLES)


class Capability(StrEnum):
    VIEW_PORTAL = "view_portal"
    MANAGE_OWN_ORGANISATION_USERS = "manage_own_organisation_users"
    VIEW_ALL_ORGANISATIONS = "view_all_organisations"
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_USERS = "manage_users"
    MANAGE_TEAMS = "manage_teams"
    VIEW_AUDIT_TRAIL = "view_audit_trail"
    MANAGE_MACHINE_TOKENS = "manage_machine_tokens"
    USE_API = "use_api"
    WORK_TICKETS = "work_tickets"
    DISPATCH = "dispatch"
    FIELD_VISITS = "field_visits"
    MANAGE_PARTS = "manage_parts"
    MANAGE_SLA = "manage_sla"
    EDIT_KNOWLEDGE = "edit_knowledge"
    VIEW_REPORTS = "view_reports"
    MANAGE_ASSETS = "manage_assets"


C = Capability
_STAFF_COMMON = {C.VIEW_ALL_ORGANISATIONS, C.USE_API, C.WORK_TICKETS, C.EDIT_KNOWLEDGE}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.CUSTOMER: frozenset({C.VIEW_PORTAL, C.USE_API}),
    Role.CUSTOMER_ADMIN: frozenset(
        {C.VIEW_PORTAL, C.USE_API, C.MANAGE_OWN_ORGANISATION_USERS, C.VIEW_REPORTS}
    ),
    Role.AGENT: frozenset(_STAFF_COMMON),
    Role.ENGINEER: frozenset(_STAFF_COMMON | {C.MANAGE_ASSETS}),
    Role.FIELD_ENGINEER: frozenset(_STAFF_COMMON | {C.FIELD_VISITS}),
    Role.DISPATCHER: frozenset(_STAFF_COMMON | {C.DISPATCH, C.VIEW_REPORTS}),
    Role.PARTS_CLERK: frozenset({C.VIEW_ALL_ORGANISATIONS, C.USE_API, C.MANAGE_PARTS}),
    Role.SERVICE_MANAGER: frozenset(
        _STAFF_COMMON
        | {C.DISPATCH, C.MANAGE_SLA, C.VIEW_REPORTS, C.MANAGE_ORGANISATIONS, C.MANAGE_TEAMS, C.MANAGE_ASSETS}
    ),
    Role.ADMINISTRATOR: frozenset(set(Capability) - {C.VIEW_PORTAL, C.MANAGE_OWN_ORGANISATION_USERS}),
}


def capabilities_of(role: str) -> frozenset[Capability]:
    try:
        return ROLE_CAPABILITIES[Role(role)]
    except ValueError:
        return frozenset()


CAPABILITY_DESCRIPTIONS: dict[Capability, str] = {
    C.VIEW_PORTAL: "customer portal: own organisation's servers, contracts and requests",
    C.MANAGE_OWN_ORGANISATION_USERS: "invite and manage users of the own (customer) organisation",
    C.VIEW_ALL_ORGANISATIONS: "see every customer organisation's rows (staff)",
    C.MANAGE_ORGANISATIONS: "create and edit organisations and contacts",
    C.MANAGE_USERS: "create and edit any user, assign roles",
    C.MANAGE_TEAMS: "create teams and set their members",
    C.VIEW_AUDIT_TRAIL: "read the audit trail",
    C.MANAGE_MACHINE_TOKENS: "issue and revoke machine tokens for integrations",
    C.USE_API: "REST API with personal tokens",
    C.WORK_TICKETS: "work service requests",
    C.DISPATCH: "assign and schedule engineers",
    C.FIELD_VISITS: "on-site visits from a phone",
    C.MANAGE_PARTS: "spare-parts stock, reservations and RMA",
    C.MANAGE_SLA: "SLA products, calendars and escalations",
    C.EDIT_KNOWLEDGE: "write knowledge articles",
    C.VIEW_REPORTS: "dashboards and reports",
    C.MANAGE_ASSETS: "edit servers, components and imports",
}


def render_matrix_markdown() -> str:
    """The permission matrix as a Markdown table, rows = capabilities, columns = roles."""
    roles = list(Role)
    header = "| capability | " + " | ".join(r.value for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    lines = [header, rule]
    for capability in Capability:
        marks = " | ".join("✓" if capability in ROLE_CAPABILITIES[r] else "" for r in roles)
        lines.append(f"| `{capability.value}` — {CAPABILITY_DESCRIPTIONS[capability]} | {marks} |")
    return "\n".join(lines) + "\n"
