"""Recording service writes in the audit trail.

Services call :func:`record_audit` inside their transaction, so the entry commits or rolls back
with the change it describes.
"""

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models

from sasms.core.context import current_origin
from sasms.core.models import AuditEntry

if TYPE_CHECKING:
    from sasms.accounts.models import Organisation, User


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audit-relevant values of ``fields`` as JSON-ready data (foreign keys by id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _plain(getattr(instance, attname))
    return values


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value differs."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record_audit(
    *,
    actor: "User | None",
    action: str,
    target: models.Model,
    changes: Mapping[str, list[Any]] | None = None,
    organisation: "Organisation | None" = None,
) -> AuditEntry:
    origin = current_origin()
    meta = target._meta
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        object_type=f"{meta.app_label}.{meta.model_name}",
        object_id=str(target.pk),
        object_label=str(target)[:200],
        organisation=organisation,
        changes={k: [_plain(v) for v in pair] for k, pair in (changes or {}).items()},
        channel=origin.channel,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        request_id=origin.request_id,
    )
