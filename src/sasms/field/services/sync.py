"""Steps sent by the phone, performed exactly once by their idempotency key.

The phone queues every step with a key it generated (a UUID) and the time it happened, and sends
the queue when it has a network; a step whose answer was lost is sent again with the same key.
The key is claimed in the transaction that performs the step: a repeat finds it and gets the
first answer back; two copies racing each other meet at the key's unique index, and the loser
answers as a repeat once the winner commits.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict, ServiceError
from sasms.field.choices import Action
from sasms.field.models import SyncedAction, Visit
from sasms.field.services import steps, worklog


@dataclass(frozen=True)
class Step:
    """One step as the phone sent it; which fields count depends on ``action``."""

    key: uuid.UUID
    action: str
    occurred_at: datetime.datetime | None = None
    reason: str = ""
    body: str = ""
    summary: str = ""
    caption: str = ""
    signer_name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    accuracy: float | None = None
    part_number: str = ""
    quantity: int = 1
    serial: str = ""
    removed_serial: str = ""
    content: bytes | None = None


@dataclass(frozen=True)
class Outcome:
    record: SyncedAction
    duplicate: bool


def _file(step: Step, field: str) -> bytes:
    if not step.content:
        message = _("Attach the file.")
        raise ServiceError(message, fields={field: [message]})
    return step.content


def _perform(actor: User, visit: Visit, step: Step) -> dict[str, Any]:
    at = step.occurred_at
    handlers: dict[str, Callable[[], Any]] = {
        Action.ACCEPT: lambda: steps.accept_visit(actor=actor, visit=visit, occurred_at=at),
        Action.DECLINE: lambda: steps.decline_visit(
            actor=actor, visit=visit, reason=step.reason, occurred_at=at
        ),
        Action.TRAVEL: lambda: steps.start_travel(actor=actor, visit=visit, occurred_at=at),
        Action.CHECK_IN: lambda: steps.check_in(
            actor=actor,
            visit=visit,
            occurred_at=at,
            latitude=step.latitude,
            longitude=step.longitude,
            accuracy=step.accuracy,
            reason=step.reason,
        ),
        Action.NOTE: lambda: worklog.add_note(actor=actor, visit=visit, body=step.body, occurred_at=at),
        Action.PHOTO: lambda: worklog.add_photo(
            actor=actor, visit=visit, content=_file(step, "file"), caption=step.caption, occurred_at=at
        ),
        Action.PART: lambda: worklog.add_part(
            actor=actor,
            visit=visit,
            part_number=step.part_number,
            quantity=step.quantity,
            serial=step.serial,
            removed_serial=step.removed_serial,
            occurred_at=at,
        ),
        Action.CHECK_OUT: lambda: steps.check_out(
            actor=actor, visit=visit, summary=step.summary, occurred_at=at
        ),
        Action.SIGN: lambda: steps.sign_visit(
            actor=actor,
            visit=visit,
            signer_name=step.signer_name,
            image=_file(step, "signature"),
            occurred_at=at,
        ),
    }
    handler = handlers.get(step.action)
    if handler is None:
        message = _("Unknown step.")
        raise ServiceError(message, fields={"action": [message]})
    made = handler()
    visit.refresh_from_db(fields=["status", "signed_at", "checked_in_at", "checked_out_at", "updated_at"])
    occurred = getattr(made, "occurred_at", None) or _step_moment(visit, step.action) or timezone.now()
    return {
        "visit_id": visit.pk,
        "action": step.action,
        "status": visit.status,
        "signed": visit.signed_at is not None,
        "occurred_at": occurred.isoformat(),
        "object_id": made.pk if not isinstance(made, Visit) else None,
    }


def _step_moment(visit: Visit, action: str) -> datetime.datetime | None:
    return {
        Action.ACCEPT: visit.accepted_at,
        Action.DECLINE: visit.declined_at,
        Action.TRAVEL: visit.travel_started_at,
        Action.CHECK_IN: visit.checked_in_at,
        Action.CHECK_OUT: visit.checked_out_at,
        Action.SIGN: visit.signed_at,
    }.get(Action(action))


def _repeat(actor: User, visit: Visit, step: Step, existing: SyncedAction) -> Outcome:
    if existing.actor_id != actor.pk or existing.visit_id != visit.pk or existing.action != step.action:
        message = _("This key was already used for another step.")
        raise Conflict(message, code="key_reused", fields={"key": [message]})
    return Outcome(existing, duplicate=True)


def perform_step(*, actor: User, visit: Visit, step: Step) -> Outcome:
    """Perform ``step`` on ``visit`` unless its key was performed before; refusals change nothing
    (the key is not kept, so a corrected step can use it again)."""
    existing = SyncedAction.objects.filter(key=step.key).first()
    if existing is not None:
        return _repeat(actor, visit, step, existing)
    try:
        with transaction.atomic():
            record = SyncedAction.objects.create(
                key=step.key,
                visit=visit,
                actor=actor,
                action=step.action,
                occurred_at=step.occurred_at or timezone.now(),
                received_at=timezone.now(),
            )
            record.result = _perform(actor, visit, step)
            record.occurred_at = datetime.datetime.fromisoformat(record.result["occurred_at"])
            record.save(update_fields=["result", "occurred_at"])
    except IntegrityError:
        existing = SyncedAction.objects.filter(key=step.key).first()
        if existing is None:
            raise
        return _repeat(actor, visit, step, existing)
    return Outcome(record, duplicate=False)
