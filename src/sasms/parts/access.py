"""Who may read and change spare-parts data.

Stock, depots and the catalogue belong to the service provider: every staff member may read them
(engineers look up stock for their requests); customers and partners do not see that parts exist
at all — every parts page and endpoint answers them "not found", like another tenant's row.
Parts clerks (``MANAGE_PARTS``) change stock; staff who work requests may also reserve parts for a
request and ask for a transfer to it.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound, PermissionDenied

Actor = User | AnonymousUser


def is_reader(actor: Actor | None) -> bool:
    return bool(
        isinstance(actor, User)
        and actor.is_authenticated
        and actor.is_active
        and actor.can(Capability.VIEW_ALL_ORGANISATIONS)
    )


def is_clerk(actor: Actor | None) -> bool:
    return is_reader(actor) and isinstance(actor, User) and actor.can(Capability.MANAGE_PARTS)


def can_request(actor: Actor | None) -> bool:
    """May reserve parts for a request and ask for transfers to it."""
    return (
        is_reader(actor)
        and isinstance(actor, User)
        and (actor.can(Capability.MANAGE_PARTS) or actor.can(Capability.WORK_TICKETS))
    )


def require_reader(actor: Actor | None) -> None:
    if not is_reader(actor):
        raise NotFound(_("Not found."))


def require_clerk(actor: Actor | None) -> None:
    """``None`` is the system itself (tasks, the demo, the visit listener)."""
    if actor is None:
        return
    require_reader(actor)
    if not is_clerk(actor):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_requester(actor: Actor | None) -> None:
    if actor is None:
        return
    require_reader(actor)
    if not can_request(actor):
        raise PermissionDenied(_("You do not have permission to do this."))
