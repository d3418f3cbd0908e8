"""The PM checklist on the engineer's phone (phone viewport, touch): kept offline by the field
service worker, an answer taken with the network off and sent once when it returns with the time it
was taken, then a finding raised as a request in one tap."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.contracts import services as contract_services
from sasms.contracts.models import ServiceProduct
from sasms.maintenance import services
from sasms.maintenance.models import ChecklistAnswer, PmVisit
from tests.browser.conftest import sign_in
from tests.browser.test_field import _wait_until_cached
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pm_visit(customer_a: Organisation, make_user: Callable[..., User]) -> tuple[PmVisit, User]:
    engineer = make_user(Role.FIELD_ENGINEER, language="en", full_name="Zheng Qiang")
    dispatcher = make_user(Role.DISPATCHER, language="en")
    site = asset_services.create_site(
        actor=None, organisation=customer_a, name="Pudong DC", access_notes="Gate 2"
    )
    vendor = asset_services.create_vendor(actor=None, name="Huawei", code="huawei")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="FusionServer 2288H V6")
    servers = [
        asset_services.create_server(
            actor=None, model=model, serial=f"2102313X{n}", organisation=customer_a, site=site
        )
        for n in range(2)
    ]
    Contact.objects.create(organisation=customer_a, name="王伟", email="wang@a.example", is_primary=True)
    product = ServiceProduct.objects.create(
        code="pm-phone", name="PM phone", coverage_hours="5x9", pm_visits_per_year=1
    )
    today = timezone.localdate()
    contract = contract_services.create_contract(
        actor=None,
        number="PM-PHONE",
        organisation=customer_a,
        product=product,
        start_date=today,
        end_date=today + datetime.timedelta(days=364),
    )
    contract_services.cover_servers(actor=None, contract=contract, servers=servers)
    plan = services.confirm_plan(
        actor=dispatcher, plan=services.propose_plan(actor=dispatcher, contract=contract), engineer=engineer
    )
    pm_visit = plan.visits.select_related("field_visit").get()
    return pm_visit, engineer


def test_pm_checklist_on_a_phone_offline_then_a_finding_becomes_a_request(
    phone_page: Page, live_server: Any, customer_a: Organisation, make_user: Callable[..., User]
) -> None:
    page = phone_page
    pm_visit, engineer = _pm_visit(customer_a, make_user)
    assert pm_visit.field_visit is not None
    sign_in(page, live_server, engineer.email, PASSWORD)
    visit_path = f"/field/visits/{pm_visit.field_visit.pk}/"
    checklist_path = f"{visit_path}pm/"
    page.goto(f"{live_server.url}{visit_path}")
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    # The visit page asks the service worker to keep the checklist for offline use.
    _wait_until_cached(page, checklist_path)
    page.click("[data-testid=pm-checklist-link]")
    expect(page.locator("[data-testid=pm-server]")).to_have_count(2)

    page.context.set_offline(True)
    page.goto(f"{live_server.url}{checklist_path}")  # served from the phone's cache
    expect(page.locator("[data-testid=net-offline]")).to_be_visible()
    line = page.locator("form[data-pm-answer]").filter(has_text="RAID virtual disks optimal").first
    line.locator("label", has_text="Fault").click()
    line.locator("input[name=value]").fill("VD0 degraded")
    before = timezone.now()
    line.locator("[data-testid=pm-save]").click()
    expect(line.locator("[data-testid=pm-state]")).to_contain_text("Saved on this phone")
    after = timezone.now()
    assert not ChecklistAnswer.objects.exists()  # nothing has reached the server yet

    page.context.set_offline(False)
    # Sent when the network is back; the page then shows the server's view with the one-tap button.
    raise_button = page.locator("[data-testid=pm-raise]")
    expect(raise_button).to_be_visible()
    answer = ChecklistAnswer.objects.get()
    assert answer.result == "fault"
    assert answer.value == "VD0 degraded"
    assert before - datetime.timedelta(seconds=1) <= answer.occurred_at <= after  # the moment it was taken

    with page.expect_navigation():
        raise_button.click()
    answer.refresh_from_db()
    assert answer.finding_ticket is not None
    assert answer.finding_ticket.component == "disk"
    expect(page.locator("[data-testid=pm-finding-ticket]")).to_contain_text(answer.finding_ticket.number)
