"""The SLA clocks on the request page, in a real browser: risk colours and the "why" ledger."""

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.sla.models import SlaClock
from sasms.tickets import services
from sasms.tickets.choices import Level
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_page_shows_each_clock_with_its_ledger(
    page: Page, live_server: object, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    agent = make_user(Role.AGENT, language="en")
    vendor = asset_services.create_vendor(actor=None, name="Lenovo", code="lenovo")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="SR650 V3")
    server = asset_services.create_server(
        actor=None,
        model=model,
        serial="J1000ABC",
        organisation=customer_a,
        warranty_start=timezone.localdate() - datetime.timedelta(days=10),
        warranty_end=timezone.localdate() + datetime.timedelta(days=1000),
    )
    ticket = services.create_ticket(
        actor=None,
        organisation=customer_a,
        server=server,
        title="Memory ECC errors",
        impact=Level.HIGH,
        urgency=Level.HIGH,
    )
    # The response clock was met already; the dispatch clock is long overdue.
    services.add_comment(actor=agent, ticket=ticket, body="Looking into it")
    SlaClock.objects.filter(ticket=ticket, kind="dispatch").update(
        breached_at=timezone.now() - datetime.timedelta(hours=1)
    )
    sign_in(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server}/requests/{ticket.number}/")
    panel = page.get_by_test_id("sla-clocks")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("clock-response")).to_have_attribute("data-risk", "met")
    expect(panel.get_by_test_id("clock-dispatch")).to_have_attribute("data-risk", "danger")
    expect(panel.get_by_test_id("clock-dispatch").get_by_test_id("clock-state")).to_have_text("Breached")
    resolution = panel.get_by_test_id("clock-resolution")
    resolution.locator("summary").click()
    ledger = resolution.get_by_test_id("clock-ledger")
    expect(ledger).to_be_visible()
    expect(ledger).to_contain_text("Started")
    expect(ledger).to_contain_text("5×9")
