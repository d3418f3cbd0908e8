from django.http import HttpRequest
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.knowledge.selectors import is_editor


def actor_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user


def editor_of(request: HttpRequest) -> User:
    """The signed-in editor; everyone else gets 403 on the writing pages."""
    user = request.user
    if not isinstance(user, User) or not is_editor(user):
        raise PermissionDenied(_("You do not have permission to do this."))
    return user


def error_text(error: ServiceError) -> str:
    detail = "; ".join(m for msgs in error.fields.values() for m in msgs if m != error.message)
    return f"{error.message} {detail}".strip()
