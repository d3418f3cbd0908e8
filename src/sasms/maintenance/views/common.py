from django.contrib import messages
from django.http import HttpRequest

from sasms.accounts.models import User
from sasms.core.errors import ServiceError


def actor_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def refused(request: HttpRequest, error: ServiceError) -> None:
    """A refused use case on a page without its own form: its messages on top."""
    shown = False
    for messages_of_field in error.fields.values():
        for message in messages_of_field:
            messages.error(request, message)
            shown = True
    if not shown:
        messages.error(request, error.message)
