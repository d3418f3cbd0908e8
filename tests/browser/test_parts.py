"""Spare parts in a real browser: parts-first from the request page, and the clerk's stock work."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.parts import services
from sasms.parts.models import Depot, Part, Reservation, StockBalance
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(customer_a: Organisation) -> tuple[Part, dict[str, Depot], Ticket]:
    vendor = asset_services.create_vendor(actor=None, name="Inspur", code="inspur")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="NF5280M6")
    site = asset_services.create_site(
        actor=None,
        organisation=customer_a,
        name="Shanghai DC-1",
        latitude=Decimal("31.2304"),
        longitude=Decimal("121.4737"),
    )
    today = datetime.date.today()
    server = asset_services.create_server(
        actor=None,
        model=model,
        serial="21BROWSER1",
        organisation=customer_a,
        site=site,
        warranty_start=today - datetime.timedelta(days=30),
        warranty_end=today + datetime.timedelta(days=700),
    )
    part = services.create_part(
        actor=None,
        part_number="YZCA-00417",
        description="NF5280M6 2.4TB SAS disk",
        kind="disk",
        vendor=vendor,
        compatible_models=[model],
    )
    depots = {
        "sh": services.create_depot(
            actor=None,
            code="sh-fsl",
            name="Shanghai forward",
            kind="forward",
            service_tier="4h",
            city="上海",
            latitude=Decimal("31.24"),
            longitude=Decimal("121.50"),
        ),
        "bj": services.create_depot(
            actor=None,
            code="bj-rdc",
            name="Beijing regional",
            kind="regional",
            service_tier="nbd",
            city="北京",
            latitude=Decimal("39.9"),
            longitude=Decimal("116.4"),
        ),
    }
    services.receive_stock(actor=None, part=part, depot=depots["sh"], quantity=2)
    services.receive_stock(actor=None, part=part, depot=depots["bj"], quantity=6)
    ticket = ticket_services.create_ticket(
        actor=None,
        organisation=customer_a,
        server=server,
        title="Disk 2 offline",
        component="disk",
        impact="1",
        urgency="1",
    )
    return part, depots, ticket


def test_engineer_reserves_parts_first_from_the_request_page(
    page: Page, live_server: Any, make_user: Callable[..., User], shop: tuple[Part, dict[str, Depot], Ticket]
) -> None:
    part, depots, ticket = shop
    engineer = make_user(Role.ENGINEER, language="en")
    sign_in(page, live_server, engineer.email, PASSWORD)
    page.goto(f"{live_server.url}{reverse('tickets:detail', args=[ticket.number])}")
    panel = page.get_by_test_id("parts-panel")
    expect(panel.get_by_test_id("suggestion-YZCA-00417")).to_contain_text("Shanghai forward")
    expect(panel.get_by_test_id("best-depot")).to_contain_text("meets the SLA")
    panel.get_by_test_id("reserve-YZCA-00417").click()
    expect(page.get_by_role("alert").first).to_contain_text("Reserved 1 × YZCA-00417 at Shanghai forward")
    reservation = Reservation.objects.get()
    item = page.get_by_test_id(f"reservation-{reservation.pk}")
    expect(item).to_have_attribute("data-status", "reserved")
    item.get_by_test_id(f"deliver-{reservation.pk}").click()
    expect(page.get_by_test_id(f"reservation-{reservation.pk}")).to_have_attribute("data-status", "delivered")
    assert StockBalance.objects.get(part=part, depot=depots["sh"], condition="new").reserved == 1


def test_clerk_receives_stock_and_filters_the_stock_list(
    page: Page, live_server: Any, make_user: Callable[..., User], shop: tuple[Part, dict[str, Depot], Ticket]
) -> None:
    part, depots, _ticket = shop
    clerk = make_user(Role.PARTS_CLERK, language="en")
    sign_in(page, live_server, clerk.email, PASSWORD)
    page.goto(f"{live_server.url}/parts/stock/")
    expect(page.get_by_test_id("list-table")).to_contain_text("Beijing regional")
    page.get_by_role("link", name="Receive").first.click()
    page.fill("#id_part", "yzca-00417")
    page.select_option("#id_depot", str(depots["sh"].pk))
    page.fill("#id_quantity", "0")
    page.get_by_test_id("parts-form-submit").click()
    expect(page.get_by_test_id("parts-form")).to_contain_text("The quantity must be at least 1.")
    page.fill("#id_quantity", "3")
    page.fill("#id_reference", "PO-2026-118")
    page.get_by_test_id("parts-form-submit").click()
    expect(page.get_by_test_id("list-table")).to_contain_text("PO-2026-118")  # the ledger, newest first
    page.goto(f"{live_server.url}/parts/stock/")
    page.select_option("#id_depot", str(depots["sh"].pk))  # htmx swaps the table in place
    table = page.get_by_test_id("list-table")
    expect(table).not_to_contain_text("Beijing regional")
    expect(table).to_contain_text("Shanghai forward")
    assert f"depot={depots['sh'].pk}" in page.url
    expect(page.get_by_test_id("export-csv")).to_have_attribute(
        "href", f"?q=&depot={depots['sh'].pk}&condition=&kind=&in_stock=&export=csv"
    )
    assert StockBalance.objects.get(part=part, depot=depots["sh"], condition="new").on_hand == 5
