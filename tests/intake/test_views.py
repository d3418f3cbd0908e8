"""Intake pages: lists (filter, paginate, export), forms, the token page, triage decisions, the panel."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Contact, Organisation, User
from sasms.assets.models import Server
from sasms.intake.models import AlertSource, BmcEndpoint, Mailbox, TriageItem
from sasms.intake.services import config
from sasms.intake.services.alerts import ingest_alerts, parse_payload
from sasms.intake.services.mail import receive_email
from sasms.tickets.models import Ticket
from tests.intake.conftest import alert_fixture
from tests.intake.test_mail_intake import build

LISTS = [
    "intake:triage_list",
    "intake:alert_list",
    "intake:message_list",
    "intake:mailbox_list",
    "intake:source_list",
    "intake:bmc_list",
]


@pytest.fixture
def filled(
    am_source: tuple[AlertSource, str],
    covered_server: Server,
    mailbox: Mailbox,
    contact_a: Contact,
    admin_user: User,
) -> None:
    source = am_source[0]
    ingest_alerts(
        source=source, alerts=parse_payload(source, alert_fixture("01-firing-single-critical.json"))
    )
    ingest_alerts(source=source, alerts=parse_payload(source, alert_fixture("03-firing-amtool-added.json")))
    receive_email(raw=build(), mailbox=mailbox)
    receive_email(raw=build(sender="stranger@x.example", subject="陌生人的邮件"), mailbox=mailbox)
    config.create_bmc_endpoint(actor=admin_user, server=covered_server, address="10.1.1.1", username="u")


@pytest.mark.corpus
@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_list_renders_and_exports(
    name: str, language: str, filled: None, admin_user: User, client_for: Any
):
    client: Client = client_for(admin_user)
    client.cookies["sasms_language"] = language
    page = client.get(reverse(name))
    assert page.status_code == 200
    assert ('lang="zh-hans"' if language == "zh-hans" else 'lang="en"') in page.content.decode()
    assert b'data-testid="intake-tabs"' in page.content
    assert b'data-testid="list-table"' in page.content
    partial = client.get(reverse(name), HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    csv = client.get(reverse(name), {"export": "csv"})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert client.get(reverse(name), {"export": "xlsx"}).status_code == 200


@pytest.mark.corpus
def test_chinese_labels_on_the_triage_page(filled: None, admin_user: User, client_for: Any):
    client = client_for(admin_user)
    client.cookies["sasms_language"] = "zh-hans"
    text = client.get(reverse("intake:triage_list")).content.decode()
    assert "陌生人的邮件" in text


@pytest.mark.corpus
def test_filters_narrow_the_lists(filled: None, agent: User, client_for: Any):
    client = client_for(agent)
    unknown = client.get(reverse("intake:triage_list"), {"channel": "monitoring"}).content.decode()
    assert "QSBP74100021" in unknown
    assert "陌生人的邮件" not in unknown
    placed = client.get(reverse("intake:alert_list"), {"unplaced": "false"}).content.decode()
    assert "RedfishDriveHealthCritical" in placed
    assert "RedfishMemoryCorrectableErrors" not in placed
    created = client.get(reverse("intake:message_list"), {"outcome": "created"}).content.decode()
    assert "服务器硬盘故障" in created
    assert "陌生人的邮件" not in created


@pytest.mark.corpus
def test_who_sees_what(filled: None, agent: User, customer_user: User, client_for: Any):
    agent_client = client_for(agent)
    assert agent_client.get(reverse("intake:triage_list")).status_code == 200
    for name in ("intake:mailbox_list", "intake:source_list", "intake:bmc_list", "intake:mailbox_create"):
        assert agent_client.get(reverse(name)).status_code == 403
    customer = client_for(customer_user)
    for name in LISTS:
        assert customer.get(reverse(name)).status_code == 403
    item = TriageItem.objects.first()
    assert item is not None
    assert customer.get(reverse("intake:triage_detail", args=[item.pk])).status_code == 403


def test_create_alert_source_shows_the_token_once(
    admin_user: User, client_for: Any, customer_a: Organisation
):
    client = client_for(admin_user)
    response = client.post(
        reverse("intake:source_create"),
        {
            "name": "Zabbix SH",
            "kind": "zabbix",
            "min_severity": "warning",
            "correlation_minutes": "120",
            "auto_resolve": "on",
            "time_zone": "Asia/Shanghai",
            "is_active": "on",
            "organisation": customer_a.pk,
        },
    )
    assert response.status_code == 200
    source = AlertSource.objects.get()
    text = response.content.decode()
    assert f"/intake/alerts/{source.pk}/" in text
    token = (
        text.split('data-testid="token-secret" id="token-secret"')[0].rsplit('value="', 1)[1].split('"')[0]
    )
    assert config.digests_match(token, source.token_digest)
    listing = client.get(reverse("intake:source_list")).content.decode()
    assert token not in listing
    assert source.token_prefix in listing


def test_forms_report_errors_and_keep_passwords_out(
    admin_user: User, client_for: Any, covered_server: Server
):
    client = client_for(admin_user)
    bad = client.post(reverse("intake:mailbox_create"), {"name": "", "port": "99999"})
    assert bad.status_code == 400
    assert not Mailbox.objects.exists()
    ok = client.post(
        reverse("intake:bmc_create"),
        {
            "server": "srv-db-01",
            "address": "10.0.0.8",
            "scheme": "https",
            "username": "root",
            "password": "pw1",
            "auth": "session",
            "verify_tls": "on",
            "poll_interval_minutes": "5",
            "is_active": "on",
        },
    )
    assert ok.status_code == 302
    endpoint = BmcEndpoint.objects.get()
    assert endpoint.server == covered_server
    edit = client.get(reverse("intake:bmc_edit", args=[endpoint.pk])).content.decode()
    assert "pw1" not in edit
    assert endpoint.password_encrypted not in edit
    unknown = client.post(
        reverse("intake:bmc_create"), {"server": "NO-SUCH", "address": "x", "username": "u"}
    )
    assert unknown.status_code == 400
    assert "No single server" in unknown.content.decode()


@pytest.mark.corpus
def test_triage_page_decides(filled: None, agent: User, client_for: Any, customer_a: Organisation):
    client = client_for(agent)
    item = TriageItem.objects.get(origin__contains="stranger@x.example")
    page = client.get(reverse("intake:triage_detail", args=[item.pk]))
    assert page.status_code == 200
    assert "陌生人的邮件" in page.content.decode()
    missing = client.post(
        reverse("intake:triage_detail", args=[item.pk]), {"action": "attach", "attach-number": "SR0"}
    )
    assert missing.status_code == 400
    assert "no request with this number" in missing.content.decode()
    created = client.post(
        reverse("intake:triage_detail", args=[item.pk]),
        {"action": "create", "create-organisation": customer_a.pk, "create-title": "Stranger's problem"},
    )
    ticket = Ticket.objects.get(title="Stranger's problem")
    assert created.status_code == 302
    assert created["Location"] == reverse("tickets:detail", args=[ticket.number])
    item.refresh_from_db()
    assert item.status == "resolved"
    again = client.post(reverse("intake:triage_detail", args=[item.pk]), {"action": "discard"}, follow=True)
    assert "Someone has already decided this item." in again.content.decode()
    item.refresh_from_db()
    assert item.resolution == "created"


@pytest.mark.corpus
def test_request_page_shows_its_alerts_to_staff_only(
    filled: None, agent: User, client_for: Any, make_user: Any, customer_a: Organisation
):
    ticket = Ticket.objects.get(channel="monitoring")
    staff_page = client_for(agent).get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="intake-monitoring"' in staff_page
    assert "RedfishDriveHealthCritical" in staff_page
    customer = make_user("customer", organisation=customer_a)
    response = client_for(customer).get(reverse("tickets:detail", args=[ticket.number]))
    assert 'data-testid="intake-monitoring"' not in response.content.decode()


@pytest.mark.corpus
def test_raw_email_download(filled: None, agent: User, client_for: Any):
    from sasms.intake.models import ProcessedMessage

    record = ProcessedMessage.objects.filter(outcome="created").get()
    response = client_for(agent).get(reverse("intake:message_raw", args=[record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert b"".join(response.streaming_content).startswith(b"From:")
