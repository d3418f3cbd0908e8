from django.http import HttpRequest

from sasms.accounts.models import User


def actor_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user
