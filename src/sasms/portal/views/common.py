from django.http import HttpRequest

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.permissions import require


def portal_actor(request: HttpRequest) -> User:
    """The signed-in customer; anyone without the portal gets 403."""
    require(request.user, Capability.VIEW_PORTAL)
    assert isinstance(request.user, User)
    return request.user


def signed_in(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required ran first
    return request.user
