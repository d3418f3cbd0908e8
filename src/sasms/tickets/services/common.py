"""Helpers shared by the ticket services: who may act, and the audit entry of each change."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.audit import record_audit
from sasms.core.errors import NotFound, PermissionDenied
from sasms.tickets.models import Ticket


def require_staff(actor: User | None) -> None:
    """Staff who work tickets, or the system itself (``None``: intake, tasks)."""
    if actor is not None and not actor.can(Capability.WORK_TICKETS):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_participant(actor: User | None, ticket: Ticket) -> None:
    """Staff, or a customer user of the request's organisation; others do not see it at all."""
    if actor is None or actor.can(Capability.WORK_TICKETS):
        return
    if actor.can(Capability.VIEW_PORTAL) and actor.organisation_id == ticket.organisation_id:
        return
    raise NotFound(_("Not found."))


def is_staff(actor: User | None) -> bool:
    return actor is None or actor.can(Capability.WORK_TICKETS)


def audit(
    actor: User | None, action: str, ticket: Ticket, changes: Mapping[str, list[Any]] | None = None
) -> None:
    record_audit(
        actor=actor,
        action=f"ticket.{action}",
        target=ticket,
        changes=changes,
        organisation=ticket.organisation,
    )
