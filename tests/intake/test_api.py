"""The intake API: settings for administrators, alerts / e-mails / triage for the service desk."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Server
from sasms.intake.models import AlertSource, BmcEndpoint, Mailbox, TriageItem
from sasms.intake.services import config
from sasms.intake.services.alerts import ingest_alerts, parse_payload
from sasms.tickets.models import Ticket
from tests.intake.conftest import alert_fixture

BASE = "/api/v1/intake"


def test_alert_source_created_over_the_api_returns_its_token_once(admin_user: User, api_for: Any):
    client: APIClient = api_for(admin_user)
    response = client.post(f"{BASE}/alert-sources/", {"name": "AM", "kind": "alertmanager"}, format="json")
    assert response.status_code == 201
    body = response.json()
    source = AlertSource.objects.get()
    assert config.digests_match(body["token"], source.token_digest)
    assert body["webhook"].endswith(f"/intake/alerts/{source.pk}/")
    listed = client.get(f"{BASE}/alert-sources/").json()["results"]
    assert "token" not in listed[0]
    assert listed[0]["token_prefix"] == source.token_prefix
    rotated = client.post(f"{BASE}/alert-sources/{source.pk}/rotate-token/").json()
    assert rotated["token"] != body["token"]


def test_mailbox_api_never_returns_the_password(admin_user: User, api_for: Any, customer_a: Organisation):
    client: APIClient = api_for(admin_user)
    created = client.post(
        f"{BASE}/mailboxes/",
        {
            "name": "Support",
            "address": "support@sasms.example",
            "host": "imap.example",
            "username": "u",
            "password": "hunter2",
            "organisation": customer_a.pk,
        },
        format="json",
    )
    assert created.status_code == 201
    assert "password" not in created.json()
    assert "hunter2" not in created.content.decode()
    mailbox = Mailbox.objects.get()
    patched = client.patch(f"{BASE}/mailboxes/{mailbox.pk}/", {"folder": "Support"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["folder"] == "Support"
    unknown = client.patch(f"{BASE}/mailboxes/{mailbox.pk}/", {"colour": "red"}, format="json")
    assert unknown.status_code == 400
    assert "colour" in unknown.json()["error"]["fields"]


def test_settings_endpoints_refuse_the_service_desk(agent: User, api_for: Any):
    client: APIClient = api_for(agent)
    for path in ("mailboxes", "alert-sources", "bmc-endpoints"):
        assert client.get(f"{BASE}/{path}/").status_code == 403
    assert (
        client.post(f"{BASE}/alert-sources/", {"name": "x", "kind": "generic"}, format="json").status_code
        == 403
    )


def test_bmc_endpoint_api(admin_user: User, api_for: Any, covered_server: Server):
    client: APIClient = api_for(admin_user)
    created = client.post(
        f"{BASE}/bmc-endpoints/",
        {
            "server": covered_server.pk,
            "address": "127.0.0.1",
            "port": 9,
            "scheme": "http",
            "username": "root",
            "password": "calvin",
        },
        format="json",
    )
    assert created.status_code == 201
    endpoint = BmcEndpoint.objects.get()
    assert created.json()["log_since"] is not None
    polled = client.post(f"{BASE}/bmc-endpoints/{endpoint.pk}/poll/").json()
    assert polled["status"] == "unreachable"
    token = client.post(f"{BASE}/bmc-endpoints/{endpoint.pk}/push-token/").json()
    assert token["url"].endswith(f"/intake/bmc/{endpoint.pk}/events/")
    assert token["token"].startswith("sasms_bmc_")


@pytest.mark.corpus
def test_alerts_and_triage_for_the_service_desk(
    agent: User,
    api_for: Any,
    am_source: tuple[AlertSource, str],
    covered_server: Server,
    customer_a: Organisation,
):
    source = am_source[0]
    ingest_alerts(
        source=source, alerts=parse_payload(source, alert_fixture("01-firing-single-critical.json"))
    )
    ingest_alerts(source=source, alerts=parse_payload(source, alert_fixture("03-firing-amtool-added.json")))
    client: APIClient = api_for(agent)
    alerts = client.get(f"{BASE}/alerts/", {"status": "firing"}).json()
    assert alerts["count"] == 2
    placed = [a for a in alerts["results"] if a["ticket"]]
    assert [a["ticket"] for a in placed] == [Ticket.objects.get().number]
    item = TriageItem.objects.get()
    assert client.get(f"{BASE}/triage/", {"status": "open"}).json()["count"] == 1
    bad = client.post(f"{BASE}/triage/{item.pk}/attach/", {"number": "SR0000"}, format="json")
    assert bad.status_code == 404
    assert "number" in bad.json()["error"]["fields"]
    created = client.post(
        f"{BASE}/triage/{item.pk}/create-request/", {"organisation": customer_a.pk}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["status"] == "resolved"
    assert created.json()["ticket"].startswith("SR")
    again = client.post(f"{BASE}/triage/{item.pk}/discard/", {}, format="json")
    assert again.status_code == 409


def test_customers_get_nothing(customer_user: User, api_for: Any):
    client: APIClient = api_for(customer_user)
    for path in ("alerts", "messages", "triage", "mailboxes"):
        assert client.get(f"{BASE}/{path}/").status_code == 403
