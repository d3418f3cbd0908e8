"""The health-check page in a real browser: make a check, filter the fleet, raise a request in one click."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.tickets.models import Ticket
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_makes_a_health_check_and_raises_a_request_from_it(
    page: Page, live_server: Any, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    today = timezone.localdate()
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    old = asset_services.create_server_model(
        actor=None, vendor=vendor, name="R730", eosl_date=today - datetime.timedelta(days=1)
    )
    new = asset_services.create_server_model(actor=None, vendor=vendor, name="R760")
    warranty = {"warranty_start": today, "warranty_end": today + datetime.timedelta(days=900)}
    asset_services.create_server(actor=None, model=old, serial="OLD-1", organisation=customer_a, **warranty)
    asset_services.create_server(actor=None, model=new, serial="NEW-1", organisation=customer_a, **warranty)
    manager = make_user(Role.SERVICE_MANAGER, language="en")

    sign_in(page, live_server, manager.email, PASSWORD)
    page.goto(f"{live_server.url}/health-checks/")
    page.select_option("[data-testid=health-customer]", label=customer_a.name)
    with page.expect_navigation():
        page.click("[data-testid=run-health-check]")
    expect(page.get_by_test_id("servers-total")).to_have_text("2")
    expect(page.get_by_test_id("servers-red")).to_have_text("1")
    expect(page.get_by_test_id("servers-green")).to_have_text("1")
    table = page.get_by_test_id("list-table")
    expect(table).to_contain_text("Past end of service life")

    page.select_option("#id_grade", "red")  # the htmx filter swaps the table in place
    expect(table).not_to_contain_text("NEW-1")
    expect(table).to_contain_text("OLD-1")

    with page.expect_navigation():
        page.get_by_test_id("raise-request").first.click()
    ticket = Ticket.objects.get(server__serial="OLD-1")
    expect(page.locator("body")).to_contain_text(f"Request {ticket.number} opened.")
    expect(page.get_by_test_id("list-table")).to_contain_text(ticket.number)
