"""Checks and helpers every parts service uses."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.audit import record_audit
from sasms.core.errors import ServiceError
from sasms.parts.choices import Condition
from sasms.parts.models import Depot, Part

MAX_QUANTITY = 100_000


def refuse(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def check_quantity(quantity: Any, *, field: str = "quantity", limit: int = MAX_QUANTITY) -> int:
    """A whole number from 1 to ``limit``; anything else is refused on ``field``."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise refuse(field, _("Enter a whole number."))
    if quantity < 1:
        raise refuse(field, _("The quantity must be at least 1."))
    if quantity > limit:
        raise refuse(field, _("The quantity must be at most %(limit)d.") % {"limit": limit})
    return quantity


def check_condition(condition: str, *, allowed: tuple[str, ...] = tuple(Condition.values)) -> str:
    if condition not in allowed:
        raise refuse("condition", _("Choose a valid condition."))
    return condition


def check_active(*, part: Part | None = None, depot: Depot | None = None) -> None:
    if part is not None and not part.is_active:
        raise refuse("part", _("This part number is no longer active."))
    if depot is not None and not depot.is_active:
        raise refuse("depot", _("This depot is closed."))


def check_time(at: datetime.datetime | None, *, field: str = "occurred_at") -> datetime.datetime:
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise refuse(field, _("Give the time with its time zone."))
    if at > now + datetime.timedelta(minutes=5):
        raise refuse(field, _("This time is in the future."))
    return at


def clean_text(value: Any, *, field: str, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise refuse(field, _("This field is required."))
    if len(text) > limit:
        raise refuse(field, _("At most %(limit)d characters.") % {"limit": limit})
    return text


def audit(
    actor: User | None, action: str, target: models.Model, changes: Mapping[str, list[Any]] | None = None
) -> None:
    record_audit(actor=actor, action=f"parts.{action}", target=target, changes=changes)
