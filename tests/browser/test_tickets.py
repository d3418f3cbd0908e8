"""Service requests in a real browser: phone intake, and working a request from new to closed."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.tickets import services
from sasms.tickets.models import Ticket
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _server(organisation: Organisation) -> Server:
    vendor = asset_services.create_vendor(actor=None, name="Inspur", code="inspur")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="NF5280M6")
    today = timezone.localdate()
    return asset_services.create_server(
        actor=None,
        model=model,
        serial="CN7A1234",
        hostname="db01.a.example",
        organisation=organisation,
        warranty_start=today - datetime.timedelta(days=30),
        warranty_end=today + datetime.timedelta(days=700),
    )


def test_phone_intake_finds_caller_server_and_entitlement(
    page: Page, live_server: object, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    agent = make_user(Role.AGENT, language="en")
    Contact.objects.create(organisation=customer_a, name="Wang Wei 王伟", phone="+86 138-0013-8000")
    server = _server(customer_a)
    # A request solved before, shown while the agent types a similar one.
    solved = services.create_ticket(
        actor=None, organisation=customer_a, server=server, title="RAID degraded after disk failure"
    )
    solved = services.assign_ticket(actor=agent, ticket=solved, assignee=agent)
    solved = services.transition_ticket(actor=agent, ticket=solved, action="start")
    solved = services.transition_ticket(
        actor=agent,
        ticket=solved,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="Replaced disk 3, rebuild finished.",
    )
    sign_in(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server.url}/requests/intake/")  # type: ignore[attr-defined]
    page.fill("[data-testid=caller-search]", "13800138000")
    page.locator("[data-testid=caller-results] a", has_text="Wang Wei").click()
    expect(page.locator("[data-testid=caller]")).to_contain_text("Customer A")
    page.fill("#id_server_identifier", "cn7a1234")
    expect(page.locator("[data-testid=intake-entitlement]")).to_contain_text("base warranty")
    page.select_option("#id_component", "disk")
    page.select_option("#id_impact", "1")
    page.select_option("#id_urgency", "1")
    page.fill("#id_title", "Disk 3 failed, RAID degraded")
    similar = page.locator("[data-testid=similar-request]")
    expect(similar).to_have_count(1)
    expect(similar).to_contain_text(solved.number)
    expect(similar.locator("mark").first).to_be_visible()
    page.click("[data-testid=intake-submit]")
    expect(page).to_have_url(re.compile(r"/requests/SR\d+/$"))
    created = Ticket.objects.exclude(pk=solved.pk).get()
    expect(page.locator("[data-testid=ticket-number]")).to_have_text(created.number)
    expect(page.locator("[data-testid=entitlement]")).to_contain_text("base warranty")
    ticket = created
    assert ticket.priority == "P1"
    assert ticket.requester is not None
    assert ticket.server is not None
    assert ticket.server.serial == "CN7A1234"


def test_working_a_request_from_new_to_closed(
    page: Page, live_server: object, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    engineer = make_user(Role.ENGINEER, language="en")
    ticket = services.create_ticket(
        actor=None, organisation=customer_a, server=_server(customer_a), title="PSU 2 failed", component="psu"
    )
    sign_in(page, live_server, engineer.email, PASSWORD)
    page.goto(f"{live_server.url}/requests/{ticket.number}/")  # type: ignore[attr-defined]
    status = page.locator("[data-testid=ticket-status]")
    expect(status).to_have_text("New")
    expect(page.locator("[data-testid=transition-resolve]")).to_have_count(0)
    page.click("[data-testid=take]")
    expect(status).to_have_text("Assigned")
    page.click("[data-testid=transition-start]")
    expect(status).to_have_text("In progress")
    # The composer posts with htmx: the reply appears without a page load.
    page.evaluate("window.__marker = 1")
    page.fill("#composer textarea", "Replacement PSU is on its way.")
    page.click("[data-testid=composer-submit]")
    expect(page.locator("[data-testid=event-reply]")).to_contain_text("Replacement PSU is on its way.")
    assert page.evaluate("window.__marker") == 1
    page.click("[data-testid=check-collect_logs]")
    expect(page.locator("[data-testid=check-collect_logs]")).to_have_attribute("aria-pressed", "true")
    page.click("[data-testid=transition-resolve]")
    page.select_option("#move-resolve select[name=resolution_code]", "part_replaced")
    page.fill("#move-resolve textarea[name=resolution_summary]", "Replaced PSU 2; redundancy restored.")
    page.click("[data-testid=confirm-resolve]")
    expect(status).to_have_text("Resolved")
    expect(page.locator("[data-testid=resolution]")).to_contain_text("redundancy restored")
    page.click("[data-testid=transition-close]")
    page.check("[data-testid=close-confirmed]")
    page.click("[data-testid=confirm-close]")
    expect(status).to_have_text("Closed")
    expect(page.locator("[data-testid=transitions]")).to_have_count(0)
    closed = Ticket.objects.get(pk=ticket.pk)
    assert closed.status == "closed"
    assert closed.first_time_fix is True
