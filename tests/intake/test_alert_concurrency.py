"""Duplicate and concurrent deliveries on PostgreSQL: eight threads at once, one request."""

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sasms.assets.models import Server
from sasms.intake.models import Alert, AlertSource
from sasms.tickets.models import Ticket
from tests.intake.conftest import alert_fixture

pytestmark = [pytest.mark.postgresql, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]
SENDERS = 8


def concurrently(bodies: list[bytes], url: str, token: str) -> list[int]:
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send(body: bytes) -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post(
                url, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
            with lock:
                statuses.append(response.status_code)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return statuses


def test_same_payload_eight_times_at_once_is_one_request_and_one_alert(
    am_source: tuple[AlertSource, str], covered_server: Server
):
    source, token = am_source
    url = reverse("intake:alert_webhook", args=[source.pk])
    statuses = concurrently([alert_fixture("01-firing-single-critical.json")] * SENDERS, url, token)
    assert statuses == [200] * SENDERS
    assert Ticket.objects.count() == 1
    alert = Alert.objects.get()
    assert alert.receive_count == SENDERS
    assert alert.ticket == Ticket.objects.get()


def test_a_storm_of_different_alerts_at_once_is_one_request(
    am_source: tuple[AlertSource, str], covered_server: Server, make_alert: Callable[[int], bytes]
):
    source, token = am_source
    url = reverse("intake:alert_webhook", args=[source.pk])
    statuses = concurrently([make_alert(i) for i in range(SENDERS)], url, token)
    assert statuses == [200] * SENDERS
    ticket = Ticket.objects.get()
    assert Alert.objects.filter(ticket=ticket).count() == SENDERS


@pytest.fixture
def make_alert() -> Callable[[int], bytes]:
    def make(index: int) -> bytes:
        payload: dict[str, Any] = json.loads(alert_fixture("01-firing-single-critical.json"))
        alert = payload["alerts"][0]
        alert["labels"] = {**alert["labels"], "alertname": f"Storm{index}"}
        alert["fingerprint"] = f"{index:016x}"
        return json.dumps(payload).encode()

    return make
