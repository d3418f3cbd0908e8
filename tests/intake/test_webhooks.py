"""The alert webhook and the Redfish event endpoint over HTTP: tokens, limits, errors, results."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.intake.alerts import MAX_BODY_BYTES
from sasms.intake.choices import SourceKind
from sasms.intake.models import Alert, AlertSource, BmcEndpoint
from sasms.intake.services import config
from sasms.tickets.models import Ticket
from tests.intake.conftest import alert_fixture


def post(client: Client, url: str, body: bytes, token: str | None, **extra: Any) -> Any:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    headers.update(extra)
    return client.post(url, data=body, content_type="application/json", **headers)


@pytest.fixture
def url(am_source: tuple[AlertSource, str]) -> str:
    return reverse("intake:alert_webhook", args=[am_source[0].pk])


@pytest.mark.corpus
def test_valid_delivery_opens_a_request(
    client: Client, url: str, am_source: tuple[AlertSource, str], covered_server: Server
):
    response = post(client, url, alert_fixture("01-firing-single-critical.json"), am_source[1])
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["received"], body["new"]) == ("ok", 1, 1)
    assert body["requests_opened"] == [Ticket.objects.get().number]


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        (None, 401, "not_authenticated"),
        ("sasms_alert_wrong", 403, "invalid_token"),
        ("", 401, "not_authenticated"),
    ],
)
@pytest.mark.corpus
def test_missing_or_wrong_token_stores_nothing(
    client: Client, url: str, covered_server: Server, token: str | None, status: int, code: str
):
    response = post(client, url, alert_fixture("01-firing-single-critical.json"), token)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Alert.objects.exists()
    assert not Ticket.objects.exists()


def test_a_token_only_opens_its_own_source(
    client: Client, make_source: Any, am_source: tuple[AlertSource, str], covered_server: Server
):
    _other, other_token = make_source(SourceKind.ALERTMANAGER, name="other")
    response = post(client, reverse("intake:alert_webhook", args=[am_source[0].pk]), b"{}", other_token)
    assert response.status_code == 403
    missing = post(client, reverse("intake:alert_webhook", args=[999999]), b"{}", other_token)
    assert missing.status_code == 403  # an unknown source answers like a wrong token


@pytest.mark.corpus
def test_inactive_source_and_rotated_token_are_refused(
    client: Client, url: str, am_source: tuple[AlertSource, str], admin_user: User
):
    source, token = am_source
    issued = config.rotate_alert_source_token(actor=admin_user, source=source)
    assert post(client, url, b"{}", token).status_code == 403
    config.update_alert_source(actor=admin_user, source=source, is_active=False)
    response = post(client, url, alert_fixture("01-firing-single-critical.json"), issued.token)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "source_inactive")


def test_huge_body_is_refused_before_reading(client: Client, url: str, am_source: tuple[AlertSource, str]):
    body = b'{"alerts": [' + b" " * (MAX_BODY_BYTES + 10) + b"]}"
    response = post(client, url, body, am_source[1])
    assert (response.status_code, response.json()["error"]["code"]) == (413, "too_large")
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("body", "code", "field", "fragment"),
    [
        (b'{"version": "4", "alerts": [', "invalid_json", "$", "Expecting"),
        (b"\xff\xfe{}", "invalid_encoding", "$", "not UTF-8"),
        (b"[1, 2]", "type", "$", "expected an object"),
        (
            json.dumps(
                {
                    "version": "4",
                    "status": "firing",
                    "groupKey": "k",
                    "alerts": [{"status": "firing", "labels": {"alertname": "X"}, "startsAt": "yesterday"}],
                }
            ).encode(),
            "invalid",
            "alerts[0].startsAt",
            "not an RFC 3339 time",
        ),
        (
            b'{"version": "3", "status": "firing", "groupKey": "k", "alerts": []}',
            "invalid",
            "version",
            "unsupported",
        ),
    ],
)
def test_malformed_payloads_get_400_naming_the_problem(
    client: Client,
    url: str,
    am_source: tuple[AlertSource, str],
    body: bytes,
    code: str,
    field: str,
    fragment: str,
):
    response = post(client, url, body, am_source[1])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert any(fragment in message for message in error["fields"][field])
    assert not Alert.objects.exists()


def test_only_post_is_allowed(client: Client, url: str, am_source: tuple[AlertSource, str]):
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {am_source[1]}")
    assert (response.status_code, response["Allow"]) == (405, "POST")


def test_noop_endpoint_answers_without_a_database(client: Client):
    # No database fixture: any query would fail this test.
    response = client.post(reverse("intake:noop"), data=b"{}", content_type="application/json")
    assert response.json() == {"status": "ok"}


# --- Redfish EventService pushes ---------------------------------------------------------------------


@pytest.fixture
def endpoint(admin_user: User, covered_server: Server) -> tuple[BmcEndpoint, str]:
    endpoint = config.create_bmc_endpoint(
        actor=admin_user, server=covered_server, address="10.0.0.5", username="admin", password="pw"
    )
    issued = config.issue_bmc_push_token(actor=admin_user, endpoint=endpoint)
    return issued.endpoint, issued.token


EVENT = json.dumps(
    {
        "@odata.type": "#Event.v1_7_0.Event",
        "Events": [
            {"EventType": "Alert", "MessageId": "Power.1.0.PowerSupplyFailed", "Severity": "Critical",
             "Message": "PSU 2 failed", "OriginOfCondition": {"@odata.id": "/redfish/v1/Chassis/1/Power"}}
        ],
    }
).encode()  # fmt: skip


def test_pushed_event_makes_the_bmc_due(client: Client, endpoint: tuple[BmcEndpoint, str]):
    bmc, token = endpoint
    BmcEndpoint.objects.filter(pk=bmc.pk).update(next_poll_at=None, last_event_at=None)
    response = post(client, reverse("intake:bmc_events", args=[bmc.pk]), EVENT, token)
    assert response.status_code == 202
    assert response.json() == {"status": "accepted", "events": 1}
    bmc.refresh_from_db()
    assert bmc.last_event_at is not None
    assert bmc.next_poll_at == bmc.last_event_at


@pytest.mark.parametrize(
    ("token", "body", "status"),
    [
        (None, EVENT, 401),
        ("sasms_bmc_wrong", EVENT, 403),
        ("ok", b"not json", 400),
        ("ok", b'{"Events": {"a": 1}}', 400),
        ("ok", b'{"Events": [1]}', 400),
    ],
)
def test_bad_pushes_change_nothing(
    client: Client, endpoint: tuple[BmcEndpoint, str], token: str | None, body: bytes, status: int
):
    bmc, real = endpoint
    BmcEndpoint.objects.filter(pk=bmc.pk).update(last_event_at=None)
    response = post(
        client, reverse("intake:bmc_events", args=[bmc.pk]), body, real if token == "ok" else token
    )
    assert response.status_code == status
    assert "error" in response.json()
    bmc.refresh_from_db()
    assert bmc.last_event_at is None


@pytest.mark.corpus
def test_token_guessing_and_floods_are_throttled_per_address(
    client: Client, url: str, am_source: tuple[AlertSource, str], settings: Any
):
    settings.SASMS_WEBHOOK_AUTH_FAILURE_RATE = "3/m"
    body = alert_fixture("01-firing-single-critical.json")
    assert [post(client, url, body, "wrong").status_code for _ in range(4)] == [403, 403, 403, 403]
    refused = post(client, url, body, am_source[1])  # past the limit: even the right token is refused
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert "Retry-After" in refused
    assert not Alert.objects.exists()
    other = post(client, url, body, am_source[1], REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
