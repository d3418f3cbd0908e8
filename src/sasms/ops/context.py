"""The request being served, for the JSON log formatter (request id and user id)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest
from django.utils.functional import empty

_current_request: ContextVar[HttpRequest | None] = ContextVar("sasms_ops_request", default=None)


@contextmanager
def serving(request: HttpRequest) -> Iterator[None]:
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_user_id() -> int | None:
    """The signed-in user's id, if authentication has already resolved it for this request.

    Never triggers a session or database lookup itself (a log call must not query the database)."""
    request = _current_request.get()
    if request is None:
        return None
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", None)
    if wrapped is empty:  # SimpleLazyObject not evaluated yet: nobody asked who is signed in
        return None
    target = wrapped if wrapped is not None else user
    if not getattr(target, "is_authenticated", False):
        return None
    pk = getattr(target, "pk", None)
    return pk if isinstance(pk, int) else None
