"""Building blocks every app's services use to change one row the same way.

Set the allowed fields and get the diff for the audit trail, validate with the use case's own
checks reported together with the model's, and save with uniqueness left to the database.
"""

from collections.abc import Mapping
from typing import Any
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from sasms.core.audit import changed_fields, snapshot
from sasms.core.errors import Conflict, ServiceError

TIME_ZONES = frozenset(available_timezones())


def apply_changes(
    instance: Model, fields: tuple[str, ...], changes: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """Set ``changes`` on ``instance`` and return the diff; unknown names are refused by name."""
    unknown = set(changes) - set(fields)
    if unknown:
        raise ServiceError(
            _("Unknown fields."),
            fields={name: [_("This field cannot be changed.")] for name in sorted(unknown)},
        )
    before = snapshot(instance, fields)
    for name, value in changes.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    return changed_fields(before, snapshot(instance, fields))


def full_clean_or_refuse(
    instance: Model, errors: Mapping[str, list[str]] | None = None, *, exclude: list[str] | None = None
) -> None:
    """Model validation plus the use case's own ``errors``, refused together with field names."""
    collected: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}
    try:
        # Uniqueness is left to the database constraints, which also hold under concurrency.
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            collected.setdefault(name, []).extend(messages)
    if collected:
        raise ServiceError(_("Please correct the errors below."), fields=collected)


def save_or_conflict(instance: Model, message: str, field: str) -> None:
    """Save; a uniqueness violation becomes a ``Conflict`` on ``field`` with ``message``."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise Conflict(message, fields={field: [message]}) from exc
