import datetime
from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.test import Client
from django.utils import timezone

from sasms.accounts.models import User
from sasms.core.models import OutboxMessage, OutboxStatus
from sasms.ops.metrics import REQUEST_LATENCY

pytestmark = pytest.mark.django_db


def _value(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith((name + " ", name + "{")):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in metrics")


def test_metrics_show_outbox_backlog_and_sla_lag(client: Client) -> None:
    old = timezone.now() - datetime.timedelta(minutes=10)
    OutboxMessage.objects.create(topic="email", payload={}, idempotency_key="ops-1", created_at=old)
    OutboxMessage.objects.create(topic="email", payload={}, idempotency_key="ops-2")
    OutboxMessage.objects.create(topic="email", payload={}, idempotency_key="ops-3", status=OutboxStatus.SENT)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert _value(text, "sasms_outbox_pending") == 2
    assert 590 <= _value(text, "sasms_outbox_oldest_pending_age_seconds") < 3600
    assert _value(text, "sasms_sla_clocks_due") == 0
    assert _value(text, "sasms_sla_sweep_lag_seconds") == 0


def test_request_latency_is_labelled_by_url_name(client: Client, make_user: Callable[..., User]) -> None:
    before = REQUEST_LATENCY.labels(view="ops:healthz", method="GET", status="2xx")._sum.get()
    client.get("/healthz")
    client.get("/no-such-page-at-all/")
    text = client.get("/metrics").content.decode()
    assert 'sasms_http_request_duration_seconds_count{method="GET",status="2xx",view="ops:healthz"}' in text
    assert 'view="unmatched"' in text
    assert "/no-such-page" not in text  # raw paths never become labels
    assert REQUEST_LATENCY.labels(view="ops:healthz", method="GET", status="2xx")._sum.get() > before


def test_metrics_refuse_other_networks_without_the_token(settings: Any) -> None:
    settings.SASMS_METRICS_TOKEN = "s3cret-scrape-token"
    remote = Client(REMOTE_ADDR="203.0.113.9")
    assert remote.get("/metrics").status_code == 403
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200
    settings.SASMS_METRICS_ALLOWED_NETWORKS = ["203.0.113.0/24"]
    assert remote.get("/metrics").status_code == 200


def test_queue_depth_per_queue_on_a_redis_broker(client: Client, settings: Any) -> None:
    url = "redis://127.0.0.1:6379/13"
    conn = redis.Redis.from_url(url)
    conn.delete("notify", "sla", "notify\x06\x163")
    conn.rpush("notify", "a", "b")
    conn.rpush("notify\x06\x163", "c")  # a priority-3 task of the same queue
    conn.rpush("sla", "d")
    settings.CELERY_BROKER_URL = url
    try:
        text = client.get("/metrics").content.decode()
    finally:
        conn.delete("notify", "sla", "notify\x06\x163")
    assert 'sasms_celery_queue_length{queue="notify"} 3.0' in text
    assert 'sasms_celery_queue_length{queue="sla"} 1.0' in text
    assert 'sasms_celery_queue_length{queue="intake"} 0.0' in text
    assert "sasms_broker_up 1.0" in text
