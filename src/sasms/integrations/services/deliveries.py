"""Deliveries to robots and webhook subscribers: queued with the event, sent through the outbox.

The timeline listener writes one :class:`Delivery` per event × recipient and one outbox message
for it, in the event's transaction; the outbox handler sends it after commit, records each
attempt, and raises on a failure worth retrying so that the outbox tries again with its back-off.
A failure that another try cannot fix (a 404, a refused signature) is recorded and not retried.
"""

import datetime
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core import outbox
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict
from sasms.core.permissions import require
from sasms.integrations import http
from sasms.integrations.cache import active_listeners
from sasms.integrations.choices import DeliveryStatus, TargetKind
from sasms.integrations.crypto import SecretUnreadable, decrypt
from sasms.integrations.events import event_types, payload_for, with_type
from sasms.integrations.messages import TEST_EVENT, OutgoingRequest, robot_request
from sasms.integrations.models import ChatRobot, Delivery, DeliveryAttempt, WebhookSubscription
from sasms.integrations.services.targets import url_hint
from sasms.integrations.signing import webhook_signature
from sasms.tickets.models import TicketEvent

logger = logging.getLogger(__name__)
TOPIC = "integrations.delivery"
EXCERPT_CHARS = 2000
# Platform answers that mean "slow down" or "busy": worth another try later.
TRANSIENT_PLATFORM_CODES = frozenset({-1, 45009, 130101, 9499, 11232})
RETRY_STATUSES = frozenset({408, 425, 429})


class DeliveryFailed(Exception):
    """Raised to the outbox so that it retries the delivery later."""


def _outbox_key(delivery: Delivery) -> str:
    return f"{TOPIC}:{delivery.pk}"


def _enqueue(delivery: Delivery) -> None:
    outbox.enqueue(topic=TOPIC, payload={"delivery_id": delivery.pk}, idempotency_key=_outbox_key(delivery))


# --- from the timeline to deliveries -------------------------------------------------------------


def on_ticket_event(event: TicketEvent) -> None:
    """Timeline listener: one delivery per interested recipient, in the event's transaction.

    Without robots or webhooks listening this costs no query (see :mod:`~sasms.integrations.cache`).
    """
    types = event_types(event)
    if not types:
        return
    ticket = event.ticket
    wanted: dict[tuple[str, int], str] = {}
    for listener in active_listeners():
        event_type = listener.hears(types, ticket.organisation_id)
        if event_type is not None:
            wanted[(listener.kind, listener.pk)] = event_type
    if not wanted:
        return
    # Confirmed here: the cached list may be a few seconds old.
    robot_ids = [pk for kind, pk in wanted if kind == TargetKind.ROBOT]
    webhook_ids = [pk for kind, pk in wanted if kind == TargetKind.WEBHOOK]
    recipients: list[ChatRobot | WebhookSubscription] = [
        *(ChatRobot.objects.filter(is_active=True, pk__in=robot_ids) if robot_ids else []),
        *(WebhookSubscription.objects.filter(is_active=True, pk__in=webhook_ids) if webhook_ids else []),
    ]
    if not recipients:
        return
    payload = payload_for(event, types)
    for target in recipients:
        kind = TargetKind.ROBOT if isinstance(target, ChatRobot) else TargetKind.WEBHOOK
        event_type = wanted[(kind, target.pk)]
        delivery = Delivery.objects.create(
            target_kind=kind,
            robot=target if isinstance(target, ChatRobot) else None,
            subscription=target if isinstance(target, WebhookSubscription) else None,
            target_label=target.name,
            event_type=event_type,
            event_id=event.pk,
            ticket=ticket,
            ticket_number=ticket.number,
            organisation_id=ticket.organisation_id,
            idempotency_key=f"event-{event.pk}-{kind}-{target.pk}",
            payload=with_type(payload, event_type),
        )
        _enqueue(delivery)


# --- sending --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    ok: bool
    retry: bool
    error: str


def _judge_platform(body: bytes) -> Outcome:
    """WeCom and DingTalk answer ``{"errcode": 0}``, Feishu ``{"code": 0}`` (``StatusCode`` before)."""
    try:
        answer = json.loads(body.decode() or "{}")
    except (UnicodeDecodeError, ValueError):
        return Outcome(False, True, "the platform's answer is not JSON")
    if not isinstance(answer, dict):
        return Outcome(False, True, "the platform's answer is not a JSON object")
    for key in ("errcode", "code", "StatusCode"):
        if key in answer:
            try:
                code = int(answer[key])
            except (TypeError, ValueError):
                code = -1
            if code == 0:
                return Outcome(True, False, "")
            message = str(answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or "")
            return Outcome(False, code in TRANSIENT_PLATFORM_CODES, f"platform error {code}: {message}"[:500])
    return Outcome(True, False, "")


def judge(result: http.HttpResult, kind: str) -> Outcome:
    if result.status is None:
        return Outcome(False, True, result.error or "no answer")
    if 200 <= result.status < 300:
        return _judge_platform(result.body) if kind == TargetKind.ROBOT else Outcome(True, False, "")
    retry = result.status >= 500 or result.status in RETRY_STATUSES
    return Outcome(False, retry, result.error or f"HTTP {result.status}")


def _webhook_request(delivery: Delivery, subscription: WebhookSubscription) -> OutgoingRequest:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = int(time.time())
    return OutgoingRequest(
        url=subscription.url,
        body=body,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-SASMS-Event": delivery.event_type,
            "X-SASMS-Delivery": str(delivery.pk),
            "X-SASMS-Idempotency-Key": delivery.idempotency_key,
            "X-SASMS-Timestamp": str(timestamp),
            "X-SASMS-Signature": webhook_signature(decrypt(subscription.secret_encrypted), timestamp, body),
        },
    )


def _request_for(delivery: Delivery) -> tuple[OutgoingRequest, str]:
    """The HTTP request and the address as logged (robot tokens masked)."""
    if delivery.robot is not None:
        robot = delivery.robot
        request = robot_request(
            kind=robot.kind,
            url=decrypt(robot.webhook_url_encrypted),
            secret=decrypt(robot.secret_encrypted),
            event_type=delivery.event_type,
            payload=delivery.payload,
        )
        return request, robot.url_hint
    assert delivery.subscription is not None
    return _webhook_request(delivery, delivery.subscription), url_hint(delivery.subscription.url)


def _target_gone(delivery: Delivery) -> bool:
    target: ChatRobot | WebhookSubscription | None = delivery.robot or delivery.subscription
    return target is None or not target.is_active


def _record(delivery: Delivery, *, url: str, result: http.HttpResult | None, outcome: Outcome) -> None:
    number = delivery.attempts + 1
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=number,
        duration_ms=result.duration_ms if result else 0,
        url=url,
        status_code=result.status if result else None,
        ok=outcome.ok,
        error=outcome.error[:500],
        response_excerpt=(
            result.body[: EXCERPT_CHARS * 4].decode(errors="replace")[:EXCERPT_CHARS] if result else ""
        ),
    )
    now = timezone.now()
    if outcome.ok:
        status = DeliveryStatus.SUCCEEDED
    elif outcome.retry and number < outbox.MAX_ATTEMPTS:
        status = DeliveryStatus.RETRYING
    else:
        status = DeliveryStatus.FAILED
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1,
        status=status,
        last_status_code=result.status if result else None,
        last_error=outcome.error[:500],
        last_attempt_at=now,
        delivered_at=now if outcome.ok else None,
        ticket_number=delivery.ticket_number,
        payload=delivery.payload,
    )


def send(delivery_id: int) -> Outcome | None:
    """One attempt at one delivery; ``None`` when there was nothing (more) to send."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("robot", "subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.CANCELLED):
            return None
        if delivery.status == DeliveryStatus.FAILED and delivery.attempts > 0:
            return None
        if _target_gone(delivery):
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.CANCELLED, last_error=_("The recipient was deactivated or deleted.")
            )
            return None
        try:
            request, logged_url = _request_for(delivery)
        except SecretUnreadable:
            outcome = Outcome(False, False, "the stored secret cannot be decrypted; enter it again")
            _record(delivery, url="", result=None, outcome=outcome)
            return outcome
        result = http.post(request.url, request.body, request.headers)
        outcome = judge(result, delivery.target_kind)
        _record(delivery, url=logged_url, result=result, outcome=outcome)
    return outcome


@outbox.register_handler(TOPIC)
def deliver(payload: Mapping[str, Any], idempotency_key: str) -> None:
    """Outbox handler: raising asks the outbox to try again later (with its back-off)."""
    outcome = send(int(payload["delivery_id"]))
    if outcome is not None and not outcome.ok and outcome.retry:
        raise DeliveryFailed(outcome.error)


# --- replays and test messages --------------------------------------------------------------------


@transaction.atomic
def replay_delivery(*, actor: User | None, delivery: Delivery) -> Delivery:
    """Send a delivery again as a new one, with the same payload and idempotency key."""
    if actor is not None:
        require(actor, Capability.MANAGE_MACHINE_TOKENS)
    original = Delivery.objects.select_related("robot", "subscription").get(pk=delivery.pk)
    target: ChatRobot | WebhookSubscription | None = original.robot or original.subscription
    if target is None:
        message = _("The recipient was deleted; there is nowhere to send this again.")
        raise Conflict(message, fields={"delivery": [message]})
    replay = Delivery.objects.create(
        target_kind=original.target_kind,
        robot=original.robot,
        subscription=original.subscription,
        target_label=target.name,
        event_type=original.event_type,
        event_id=original.event_id,
        ticket_id=original.ticket_id,
        ticket_number=original.ticket_number,
        organisation_id=original.organisation_id,
        idempotency_key=original.idempotency_key,
        payload=original.payload,
        replay_of=original,
        requested_by=actor,
    )
    _enqueue(replay)
    record_audit(
        actor=actor,
        action="integrations.delivery.replay",
        target=replay,
        changes={"replay_of": [None, original.pk]},
        organisation=None,
    )
    return replay


def _test_payload(actor: User | None) -> dict[str, Any]:
    return {
        "version": 1,
        "event": {
            "id": None,
            "type": TEST_EVENT,
            "types": [TEST_EVENT],
            "kind": TEST_EVENT,
            "occurred_at": timezone.now().isoformat(),
            "actor": actor.email if actor is not None else "system",
            "public": False,
            "body": "",
            "data": {},
        },
        "ticket": {},
    }


@transaction.atomic
def send_test_message(*, actor: User | None, target: ChatRobot | WebhookSubscription) -> Delivery:
    """A delivery with a test payload, to check the address, the secret and the format."""
    if actor is not None:
        require(actor, Capability.MANAGE_MACHINE_TOKENS)
    robot = target if isinstance(target, ChatRobot) else None
    delivery = Delivery.objects.create(
        target_kind=TargetKind.ROBOT if robot is not None else TargetKind.WEBHOOK,
        robot=robot,
        subscription=target if isinstance(target, WebhookSubscription) else None,
        target_label=target.name,
        event_type=TEST_EVENT,
        idempotency_key=f"test-{timezone.now():%Y%m%d%H%M%S%f}-{target.pk}",
        payload=_test_payload(actor),
        requested_by=actor,
    )
    _enqueue(delivery)
    record_audit(
        actor=actor, action="integrations.delivery.test", target=delivery, changes={}, organisation=None
    )
    return delivery


# --- retention -----------------------------------------------------------------------------------

DEFAULT_RETENTION_DAYS = 90
FINISHED = (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED)


def retention_days() -> int:
    return int(getattr(settings, "SASMS_INTEGRATIONS_DELIVERY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def purge_deliveries(*, now: datetime.datetime | None = None, limit: int = 10_000) -> int:
    """Delete finished deliveries (with their attempts) older than the retention; returns how many.

    Deliveries still pending or being retried are kept whatever their age."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    ids = list(
        Delivery.objects.filter(created_at__lt=cutoff, status__in=FINISHED)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        with transaction.atomic():
            Delivery.objects.filter(pk__in=ids).delete()
    return len(ids)
