"""Intake in a real browser: an administrator registers an alert source and sees its token once;
an agent takes an unknown sender's e-mail out of triage into a request."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.intake.models import AlertSource, TriageItem
from sasms.intake.services.config import digests_match
from sasms.intake.services.mail import receive_email
from sasms.tickets.models import Ticket
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.intake.test_mail_intake import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_registers_an_alert_source(
    page: Page, live_server: object, make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.ADMINISTRATOR, language="en")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server}/intake/sources/")
    page.get_by_role("link", name="New alert source").click()
    page.fill("#id_name", "Prometheus Beijing")
    page.select_option("#id_kind", "alertmanager")
    page.get_by_test_id("save").click()
    secret = page.get_by_test_id("token-secret")
    expect(secret).to_be_visible()
    source = AlertSource.objects.get()
    token = secret.input_value()
    assert digests_match(token, source.token_digest)
    expect(page.get_by_test_id("webhook-url")).to_contain_text(f"/intake/alerts/{source.pk}/")
    page.goto(f"{live_server}/intake/sources/")
    expect(page.get_by_test_id("list-table")).to_contain_text("Prometheus Beijing")
    expect(page.get_by_test_id("list-table")).not_to_contain_text(token)


def test_agent_turns_a_triaged_email_into_a_request(
    page: Page, live_server: object, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    agent = make_user(Role.AGENT, language="en")
    receive_email(raw=build(sender="new.customer@a.example", subject="阵列卡告警 RAID degraded"))
    item = TriageItem.objects.get()
    sign_in(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server}/intake/triage/")
    expect(page.get_by_test_id("intake-tabs")).to_contain_text("Triage")
    page.get_by_role("link", name="阵列卡告警 RAID degraded").click()
    expect(page.get_by_test_id("triage-reason")).to_have_text("Unknown sender")
    form = page.get_by_test_id("triage-create")
    form.locator("#id_create-organisation").select_option(str(customer_a.pk))
    form.get_by_role("button", name="Create request").click()
    ticket = Ticket.objects.get()
    expect(page).to_have_url(f"{live_server}/requests/{ticket.number}/")
    assert ticket.title == "阵列卡告警 RAID degraded"
    item.refresh_from_db()
    assert item.ticket == ticket
