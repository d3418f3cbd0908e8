from django.http import HttpRequest
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import PermissionDenied


def staff_actor(request: HttpRequest) -> User:
    """The signed-in staff member; customers and others get 403 on staff pages."""
    user = request.user
    if not isinstance(user, User) or not user.can(Capability.WORK_TICKETS):
        raise PermissionDenied(_("You do not have permission to do this."))
    return user


def any_actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user
