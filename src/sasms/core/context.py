"""Where the current write comes from: the request's address and channel, for the audit trail.

Set once per request by ``RequestContextMiddleware`` and by the CLI, intake adapters and tasks
through :func:`acting_from`, so services never need a ``request`` argument to know their origin.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Origin:
    channel: str  # web, api, cli, task, intake, system
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""


SYSTEM_ORIGIN = Origin(channel="system")
_current_origin: ContextVar[Origin] = ContextVar("sasms_origin", default=SYSTEM_ORIGIN)


def current_origin() -> Origin:
    return _current_origin.get()


@contextmanager
def acting_from(origin: Origin) -> Iterator[Origin]:
    token = _current_origin.set(origin)
    try:
        yield origin
    finally:
        _current_origin.reset(token)
