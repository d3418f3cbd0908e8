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
