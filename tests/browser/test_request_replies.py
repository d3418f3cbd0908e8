"""The request page in a real browser (under the site's Content Security Policy): an htmx reply
refreshes the SLA clocks without a reload, and the time-and-materials decision is chosen and
confirmed with no script of its own."""

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.tickets import services
from sasms.tickets.models import Ticket
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _server(organisation: Organisation, *, warranty_days: int) -> Server:
    vendor = asset_services.create_vendor(actor=None, name="Lenovo", code="lenovo")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="SR650 V3")
    today = timezone.localdate()
    return asset_services.create_server(
        actor=None,
        model=model,
        serial="J1000REPLY",
        organisation=organisation,
        warranty_start=today - datetime.timedelta(days=2000),
        warranty_end=today + datetime.timedelta(days=warranty_days),
    )


def test_htmx_reply_refreshes_the_sla_panel(
    page: Page, live_server: object, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    agent = make_user(Role.AGENT, language="en")
    ticket = services.create_ticket(
        actor=None, organisation=customer_a, server=_server(customer_a, warranty_days=500), title="ECC errors"
    )
    sign_in(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server}/requests/{ticket.number}/")
    response_clock = page.get_by_test_id("sla-clocks").get_by_test_id("clock-response")
    expect(response_clock).not_to_have_attribute("data-risk", "met")
    page.evaluate("window.__marker = 1")
    page.fill("#composer textarea", "We are looking into it.")
    page.click("[data-testid=composer-submit]")
    expect(page.locator("[data-testid=event-reply]")).to_contain_text("We are looking into it.")
    expect(page.get_by_test_id("sla-clocks").get_by_test_id("clock-response")).to_have_attribute(
        "data-risk", "met"
    )
    assert page.evaluate("window.__marker") == 1  # no reload
    # Cancelled meanwhile (another tab, a colleague): the reply is refused and the page says why.
    services.transition_ticket(actor=agent, ticket=ticket, action="cancel", reason="duplicate")
    page.fill("#composer textarea", "One more thing")
    page.click("[data-testid=composer-submit]")
    expect(page.locator("#conversation")).to_contain_text("replies and notes can no longer be added")
    expect(page.get_by_test_id("composer")).to_have_count(0)
    assert page.evaluate("window.__marker") == 1


def test_time_and_materials_needs_a_choice_and_a_confirmation(
    page: Page, live_server: object, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    agent = make_user(Role.AGENT, language="en")
    ticket = services.create_ticket(
        actor=None, organisation=customer_a, server=_server(customer_a, warranty_days=-10), title="Fan noise"
    )
    assert ticket.time_and_materials == "pending"
    sign_in(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server}/requests/{ticket.number}/")
    card = page.get_by_test_id("time-and-materials")
    expect(card.locator("select[name=decision]")).to_have_value("")
    # Neither an empty choice nor an unconfirmed one leaves the page: the browser holds them back.
    card.get_by_test_id("tm-save").click()
    card.locator("select[name=decision]").select_option("accepted")
    card.get_by_test_id("tm-save").click()
    assert Ticket.objects.get(pk=ticket.pk).time_and_materials == "pending"
    card.locator("input[name=confirmed]").check()
    card.get_by_test_id("tm-save").click()
    expect(page.get_by_test_id("tm-current")).to_contain_text("accepted")
    expect(page.get_by_test_id("tm-decision")).to_contain_text("accepted")
    assert Ticket.objects.get(pk=ticket.pk).time_and_materials == "accepted"
