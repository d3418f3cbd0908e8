"""Who may use dispatch: staff with the dispatch capability; customers do not see it exists."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound, PermissionDenied


def is_dispatcher(actor: User | AnonymousUser | None) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.can(Capability.DISPATCH))


def require_dispatcher(actor: User | AnonymousUser | None) -> User:
    """The actor if they may dispatch; customers get ``NotFound``, other staff ``PermissionDenied``."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotFound(_("Not found."))
    assert isinstance(actor, User)
    if not actor.can(Capability.VIEW_ALL_ORGANISATIONS):
        raise NotFound(_("Not found."))
    if not actor.can(Capability.DISPATCH):
        raise PermissionDenied(_("You do not have permission to do this."))
    return actor


def can_edit_policy(actor: User | AnonymousUser | None) -> bool:
    """Weights and auto-dispatch are service-manager business (dispatch plus SLA management)."""
    return isinstance(actor, User) and is_dispatcher(actor) and actor.can(Capability.MANAGE_SLA)


def require_policy_editor(actor: User | AnonymousUser | None) -> User:
    user = require_dispatcher(actor)
    if not user.can(Capability.MANAGE_SLA):
        raise PermissionDenied(_("Only service managers may change the dispatch policy."))
    return user
