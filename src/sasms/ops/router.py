"""Read-replica routing for analytics and reports.

When ``SASMS_REPLICA_URL`` is set the settings add a ``replica`` database alias and this router.
Reads made inside :func:`use_replica` go to the replica; every write, and every read outside it,
goes to ``default``. Only wrap read-only report/analytics selectors: the replica lags the primary
(streaming replication), so a request must never read its own fresh writes through it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections

REPLICA_ALIAS = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("sasms_use_replica", default=False)


@contextmanager
def use_replica() -> Iterator[None]:
    """Send the reads inside to the replica (if one is configured). Also a decorator:
    ``@use_replica()``."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def replica_configured() -> bool:
    return REPLICA_ALIAS in connections.settings


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading_from_replica.get() and replica_configured():
            return REPLICA_ALIAS
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same rows: objects read from either may be related.
        aliases = {"default", REPLICA_ALIAS}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        # The replica is a physical copy of the primary; it is never migrated on its own.
        return db != REPLICA_ALIAS
