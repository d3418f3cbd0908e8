from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from sasms.accounts.roles import Capability
from sasms.core.errors import PermissionDenied

if TYPE_CHECKING:
    from sasms.accounts.models import User


def require(actor: "User | AnonymousUser | None", capability: Capability) -> None:
    """Refuse the use case unless the actor's role grants ``capability``."""
    if actor is None or not actor.is_authenticated or not actor.can(capability):
        raise PermissionDenied(_("You do not have permission to do this."))
