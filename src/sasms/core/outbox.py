"""The transactional outbox: queue a message with the change, deliver it after commit.

Handlers are registered per topic; a handler must tolerate being called twice for one message
(delivery is at least once), which the idempotency key makes possible.
"""

import datetime
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sasms.core.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

Handler = Callable[[Mapping[str, Any], str], None]
_handlers: dict[str, Handler] = {}
MAX_ATTEMPTS = 8


def register_handler(topic: str) -> Callable[[Handler], Handler]:
    def decorator(func: Handler) -> Handler:
        _handlers[topic] = func
        return func

    return decorator


def enqueue(*, topic: str, payload: Mapping[str, Any], idempotency_key: str) -> OutboxMessage:
    """Queue a message in the caller's transaction; delivery is scheduled once it commits."""
    message, _created = OutboxMessage.objects.get_or_create(
        idempotency_key=idempotency_key, defaults={"topic": topic, "payload": dict(payload)}
    )
    transaction.on_commit(_schedule_delivery)
    return message


def _schedule_delivery() -> None:
    from sasms.core.tasks import deliver_outbox

    deliver_outbox.delay()


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(3600, 15 * 2**attempts))


def deliver_pending(*, limit: int = 100) -> int:
    """Deliver due messages; returns how many were sent. Safe to run in several workers at once."""
    sent = 0
    now = timezone.now()
    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, available_at__lte=now).order_by("id")
    ids = list(due.values_list("id", flat=True)[:limit])
    for message_id in ids:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, status=OutboxStatus.PENDING)
                .first()
            )
            if message is None:
                continue
            handler = _handlers.get(message.topic)
            try:
                if handler is None:
                    raise LookupError(f"no handler for topic {message.topic!r}")
                handler(message.payload, message.idempotency_key)
            except Exception as exc:  # a failed delivery is retried later, never lost
                logger.warning("outbox delivery of %s failed: %s", message.idempotency_key, exc)
                attempts = message.attempts + 1
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=F("attempts") + 1,
                    last_error=str(exc)[:2000],
                    available_at=now + _backoff(attempts),
                    status=OutboxStatus.FAILED if attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING,
                )
                continue
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
            )
            sent += 1
    return sent


@register_handler("email")
def send_email(payload: Mapping[str, Any], idempotency_key: str) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        to=list(payload["to"]),
        headers={"X-SASMS-Message-Key": idempotency_key, **payload.get("headers", {})},
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    for attachment in payload.get("attachments", []):
        with default_storage.open(attachment["storage_path"], "rb") as handle:
            message.attach(attachment["name"], handle.read(), attachment["content_type"])
    message.send()


def enqueue_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    idempotency_key: str,
    html: str = "",
    headers: Mapping[str, str] | None = None,
    attachments: Sequence[Mapping[str, str]] = (),
) -> OutboxMessage:
    """Queue one e-mail. ``attachments`` name files already saved in ``default_storage``:
    ``{"name": "report.pdf", "storage_path": "...", "content_type": "application/pdf"}`` — the
    file is read at delivery time, so the outbox row stays small and a retry sends the same bytes."""
    return enqueue(
        topic="email",
        payload={
            "to": to,
            "subject": subject,
            "body": body,
            "html": html,
            "headers": dict(headers or {}),
            "attachments": [dict(a) for a in attachments],
        },
        idempotency_key=idempotency_key,
    )
