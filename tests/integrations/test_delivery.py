"""Robots and webhooks against a real HTTP server on 127.0.0.1: formats, signatures, retries, replay."""

import base64
import datetime
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.core import outbox
from sasms.core.models import OutboxMessage, OutboxStatus
from sasms.integrations import services
from sasms.integrations.choices import DeliveryStatus, EventType, RobotKind
from sasms.integrations.models import ChatRobot, Delivery, WebhookSubscription
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind, Level
from sasms.tickets.events import record_event
from sasms.tickets.models import Ticket
from tests.integrations.receiver import Receiver

pytestmark = pytest.mark.django_db
SECRET = "whsec_0123456789abcdef"


def _p1(customer: Organisation, title: str = "主板故障无法开机 / Mainboard fault") -> Ticket:
    return ticket_services.create_ticket(
        actor=None, organisation=customer, title=title, impact=Level.HIGH, urgency=Level.HIGH
    )


def _robot(receiver: Receiver, kind: str, path: str, secret: str = "", **fields: Any) -> ChatRobot:
    return services.create_robot(
        actor=None,
        name=f"{kind} group",
        kind=kind,
        webhook_url=f"{receiver.url}{path}",
        secret=secret,
        events=fields.pop("events", [EventType.CREATED_URGENT, EventType.SLA_BREACHED, EventType.RESOLVED]),
        **fields,
    )


def test_wecom_robot_hears_about_a_new_p1_request(receiver: Receiver, customer_a: Organisation) -> None:
    robot = _robot(receiver, RobotKind.WECOM, "/cgi-bin/webhook/send?key=k1")
    ticket = _p1(customer_a)
    assert outbox.deliver_pending() >= 1
    [request] = receiver.requests
    assert request.path == "/cgi-bin/webhook/send"
    assert request.query == {"key": ["k1"]}
    body = request.json()
    assert body["msgtype"] == "markdown"
    assert ticket.number in body["markdown"]["content"]  # numbered after the event: filled in at sending
    delivery = Delivery.objects.get()
    assert (delivery.robot, delivery.status, delivery.attempts) == (robot, DeliveryStatus.SUCCEEDED, 1)
    assert delivery.event_type == EventType.CREATED_URGENT
    assert delivery.ticket_number == ticket.number
    assert delivery.idempotency_key == f"event-{delivery.event_id}-robot-{robot.pk}"
    attempt = delivery.attempt_log.get()
    assert attempt.ok
    assert attempt.status_code == 200
    assert '"errcode": 0' in attempt.response_excerpt
    assert "k1" not in attempt.url  # the token is not written to the log


def test_a_p3_request_does_not_wake_the_chat_group(receiver: Receiver, customer_a: Organisation) -> None:
    _robot(receiver, RobotKind.WECOM, "/hook")
    ticket_services.create_ticket(actor=None, organisation=customer_a, title="Question about firmware")
    outbox.deliver_pending()
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_dingtalk_robot_is_signed_as_documented(receiver: Receiver, customer_a: Organisation) -> None:
    secret = "SECabcdef0123456789"
    _robot(receiver, RobotKind.DINGTALK, "/robot/send?access_token=tok", secret=secret)
    _p1(customer_a)
    outbox.deliver_pending()
    [request] = receiver.requests
    timestamp = request.query["timestamp"][0]
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert request.query["sign"] == [base64.b64encode(mac).decode()]
    assert abs(int(timestamp) / 1000 - timezone.now().timestamp()) < 60
    assert request.json()["msgtype"] == "markdown"


def test_feishu_robot_signs_in_the_body_and_hears_sla_breaches(
    receiver: Receiver, customer_a: Organisation
) -> None:
    secret = "feishu-secret"
    receiver.answer((200, {"code": 0, "msg": "success"}))
    _robot(
        receiver,
        RobotKind.FEISHU,
        "/open-apis/bot/v2/hook/abc",
        secret=secret,
        events=[EventType.SLA_BREACHED],
    )
    ticket = ticket_services.create_ticket(actor=None, organisation=customer_a, title="Disk offline")
    record_event(
        ticket=ticket, actor=None, kind=EventKind.SLA, data={"fraction": "0.75", "clock": "response"}
    )
    record_event(
        ticket=ticket, actor=None, kind=EventKind.SLA, body="Resolution target missed.",
        data={"fraction": "1.00", "clock": "resolution", "actions": []},
    )  # fmt: skip
    outbox.deliver_pending()
    [request] = receiver.requests  # the warning at 75 % is not a breach
    body = request.json()
    key = f"{body['timestamp']}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["card"]["header"]["template"] == "red"
    assert Delivery.objects.get().event_type == EventType.SLA_BREACHED


def test_a_platform_error_code_is_a_failure(receiver: Receiver, customer_a: Organisation) -> None:
    receiver.answer((200, {"errcode": 310000, "errmsg": "sign not match"}))
    _robot(receiver, RobotKind.DINGTALK, "/robot/send?access_token=tok", secret="SECwrong")
    _p1(customer_a)
    outbox.deliver_pending()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED  # a wrong secret does not heal by retrying
    assert delivery.last_error == "platform error 310000: sign not match"


def test_robots_for_another_customer_and_inactive_robots_stay_silent(
    receiver: Receiver, customer_a: Organisation, customer_b: Organisation
) -> None:
    _robot(receiver, RobotKind.WECOM, "/b", organisation=customer_b)
    _robot(receiver, RobotKind.WECOM, "/off", is_active=False)
    _p1(customer_a)
    outbox.deliver_pending()
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_a_robot_deactivated_before_sending_cancels_its_delivery(
    receiver: Receiver, customer_a: Organisation
) -> None:
    robot = _robot(receiver, RobotKind.WECOM, "/hook")
    _p1(customer_a)
    services.update_robot(actor=None, robot=robot, is_active=False)
    outbox.deliver_pending()
    assert receiver.requests == []
    assert Delivery.objects.get().status == DeliveryStatus.CANCELLED


def _subscription(receiver: Receiver, **fields: Any) -> WebhookSubscription:
    return services.create_subscription(
        actor=None,
        name="CMDB",
        url=f"{receiver.url}/sasms-events",
        secret=SECRET,
        events=fields.pop("events", [EventType.CREATED, EventType.RESOLVED]),
        **fields,
    )


def _verify(request: Any) -> None:
    timestamp = request.header("X-SASMS-Timestamp")
    expected = (
        "sha256="
        + hmac.new(SECRET.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    )
    assert request.header("X-SASMS-Signature") == expected


def test_webhook_failure_is_retried_after_the_back_off_and_can_be_replayed(
    receiver: Receiver, customer_a: Organisation, admin_user: User
) -> None:
    subscription = _subscription(receiver)
    receiver.answer((503, b"busy"), (200, b"ok"))
    ticket = _p1(customer_a)
    outbox.deliver_pending()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.RETRYING,
        1,
        503,
    )
    message = OutboxMessage.objects.get(idempotency_key=f"integrations.delivery:{delivery.pk}")
    assert message.status == OutboxStatus.PENDING
    assert message.available_at > timezone.now()
    assert outbox.deliver_pending() == 0  # not due yet
    with time_machine.travel(message.available_at + datetime.timedelta(seconds=1), tick=False):
        outbox.deliver_pending()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 2)
    assert [a.status_code for a in delivery.attempt_log.all()] == [503, 200]
    first, second = receiver.requests
    for request in receiver.requests:
        _verify(request)
        assert request.header("Content-Type").startswith("application/json")
    assert first.body == second.body
    assert first.header("X-SASMS-Idempotency-Key") == delivery.idempotency_key
    payload = second.json()
    assert payload["event"]["type"] == EventType.CREATED
    assert payload["event"]["types"] == [
        EventType.CREATED_URGENT,
        EventType.CREATED,
    ]
    assert payload["ticket"]["number"] == ticket.number
    assert payload["ticket"]["priority"] == "P1"
    assert payload["ticket"]["organisation"]["code"] == customer_a.code

    replay = services.replay_delivery(actor=admin_user, delivery=delivery)
    outbox.deliver_pending()
    replay.refresh_from_db()
    assert replay.status == DeliveryStatus.SUCCEEDED
    assert replay.replay_of == delivery
    third = receiver.requests[2]
    _verify(third)
    assert third.header("X-SASMS-Idempotency-Key") == delivery.idempotency_key
    assert third.header("X-SASMS-Delivery") == str(replay.pk) != first.header("X-SASMS-Delivery")
    assert third.json() == payload
    assert subscription.deliveries.count() == 2


def test_a_4xx_answer_is_not_retried(receiver: Receiver, customer_a: Organisation) -> None:
    _subscription(receiver)
    receiver.answer((404, b"no such hook"))
    _p1(customer_a)
    outbox.deliver_pending()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, 404)
    assert delivery.attempt_log.get().response_excerpt == "no such hook"
    assert OutboxMessage.objects.get(idempotency_key=f"integrations.delivery:{delivery.pk}").status == "sent"


def test_an_unreachable_receiver_is_retried(customer_a: Organisation) -> None:
    services.create_subscription(
        actor=None, name="Down", url="http://127.0.0.1:9/hook", secret=SECRET, events=[EventType.CREATED]
    )
    _p1(customer_a)
    outbox.deliver_pending()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_status_code is None
    assert "Connection refused" in delivery.last_error or "URLError" in delivery.last_error


def test_status_changes_reach_subscribers_of_the_specific_event(
    receiver: Receiver, customer_a: Organisation, agent: User
) -> None:
    _subscription(receiver, events=[EventType.RESOLVED])
    ticket = ticket_services.create_ticket(actor=None, organisation=customer_a, title="Fan noise")
    ticket_services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    ticket_services.transition_ticket(actor=agent, ticket=ticket, action="start")
    ticket_services.transition_ticket(
        actor=agent,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="Fan",
    )
    outbox.deliver_pending()
    [request] = receiver.requests
    assert request.header("X-SASMS-Event") == EventType.RESOLVED
    assert request.json()["event"]["types"] == [EventType.RESOLVED, EventType.STATUS_CHANGED]


def test_delivery_log_pages_show_attempts_and_replay(
    receiver: Receiver,
    customer_a: Organisation,
    admin_user: User,
    agent: User,
    client_for: Callable[[User], Client],
) -> None:
    _subscription(receiver)
    receiver.answer((500, b"boom"))
    _p1(customer_a)
    outbox.deliver_pending()
    delivery = Delivery.objects.get()
    client = client_for(admin_user)
    listed = client.get(reverse("integrations:delivery_list"), {"status": "retrying"})
    assert listed.status_code == 200
    assert "CMDB" in listed.content.decode()
    export = client.get(reverse("integrations:delivery_list"), {"export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxml")
    page = client.get(reverse("integrations:delivery_detail", args=[delivery.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="attempt"' in html
    assert "boom" in html
    assert 'data-testid="next-try"' in html
    replayed = client.post(reverse("integrations:delivery_replay", args=[delivery.pk]))
    replay = Delivery.objects.exclude(pk=delivery.pk).get()
    assert replayed.status_code == 302
    assert replayed["Location"].endswith(f"/{replay.pk}/")
    assert client_for(agent).get(reverse("integrations:delivery_list")).status_code == 403
    assert (
        client_for(agent).post(reverse("integrations:delivery_replay", args=[delivery.pk])).status_code == 403
    )


def test_deliveries_api_reads_and_replays(
    receiver: Receiver, customer_a: Organisation, admin_user: User, api_for: Callable[[User], Any]
) -> None:
    _subscription(receiver)
    _p1(customer_a)
    outbox.deliver_pending()
    delivery = Delivery.objects.get()
    client = api_for(admin_user)
    detail = client.get(f"/api/v1/integrations/deliveries/{delivery.pk}/")
    assert detail.status_code == 200
    assert detail.json()["attempt_log"][0]["status_code"] == 200
    replay = client.post(f"/api/v1/integrations/deliveries/{delivery.pk}/replay/")
    assert replay.status_code == 202
    assert replay.json()["replay_of"] == delivery.pk
    assert client.get("/api/v1/integrations/deliveries/999999/").status_code == 404


def test_test_messages_reach_the_receiver(
    receiver: Receiver, admin_user: User, client_for: Callable[[User], Client]
) -> None:
    robot = _robot(receiver, RobotKind.WECOM, "/hook")
    response = client_for(admin_user).post(reverse("integrations:robot_test", args=[robot.pk]))
    assert response.status_code == 302
    outbox.deliver_pending()
    [request] = receiver.requests
    assert "Test message from SASMS" in request.json()["markdown"]["content"]
    assert Delivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_finished_deliveries_past_the_retention_are_purged(
    receiver: Receiver, customer_a: Organisation, settings: Any
) -> None:
    from sasms.integrations.tasks import purge_deliveries

    settings.SASMS_INTEGRATIONS_DELIVERY_RETENTION_DAYS = 30
    _subscription(receiver)
    receiver.answer((200, b"ok"), (503, b"busy"))
    _p1(customer_a)
    outbox.deliver_pending()
    _p1(customer_a, title="Second")
    outbox.deliver_pending()
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["retrying", "succeeded"]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=29)):
        assert purge_deliveries.apply().get() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert purge_deliveries.apply().get() == 1
    assert list(Delivery.objects.values_list("status", flat=True)) == ["retrying"]  # still being tried
