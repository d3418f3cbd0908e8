"""Dispatch in a real browser: the recommendation panel assigns with one click; the board draws its chart."""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.dispatch import services
from sasms.sla.models import BusinessCalendar
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _engineer(make_user: Callable[..., User], name: str, at: tuple[float, float], vendor: object) -> User:
    user = make_user(Role.FIELD_ENGINEER, full_name=name, language="en")
    profile = services.create_profile(
        actor=None,
        user=user,
        calendar=BusinessCalendar.objects.get(code="7x24"),
        home_label=name,
        home_latitude=at[0],
        home_longitude=at[1],
    )
    services.set_skills(
        actor=None, profile=profile, levels={("category", "hardware"): 4, ("component", "disk"): 4}
    )
    services.add_certification(
        actor=None,
        profile=profile,
        name="Dell PowerEdge Professional",
        vendor=vendor,  # type: ignore[arg-type]
        valid_until=timezone.localdate() + datetime.timedelta(days=200),
    )
    return user


def test_recommendation_panel_assigns_and_board_renders(
    page: Page, live_server: object, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    dispatcher = make_user(Role.DISPATCHER, language="en")
    dell = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    model = asset_services.create_server_model(actor=None, vendor=dell, name="PowerEdge R750")
    site = asset_services.create_site(
        actor=None,
        organisation=customer_a,
        name="Pudong DC",
        latitude=Decimal("31.230400"),
        longitude=Decimal("121.473700"),
    )
    server = asset_services.create_server(
        actor=None, model=model, serial="CN7A1234", organisation=customer_a, site=site
    )
    near = _engineer(make_user, "Near Suzhou", (31.2990, 120.5853), dell)
    _engineer(make_user, "Far Beijing", (39.9042, 116.4074), dell)
    ticket = ticket_services.create_ticket(
        actor=None, organisation=customer_a, server=server, title="Disk 3 failed", component="disk"
    )
    other = ticket_services.create_ticket(
        actor=None, organisation=customer_a, server=server, title="PSU alarm", component="psu"
    )

    sign_in(page, live_server, dispatcher.email, PASSWORD)
    page.goto(f"{live_server.url}/requests/{ticket.number}/")  # type: ignore[attr-defined]
    candidates = page.locator("[data-testid=candidate]")
    # Beijing is beyond the default travel limit (500 km) while Suzhou is within it.
    expect(candidates).to_have_count(1)
    expect(candidates.first).to_contain_text("Near Suzhou")
    expect(page.locator("[data-testid=excluded-candidate]")).to_contain_text("Far Beijing")
    candidates.first.locator("summary").click()
    expect(candidates.first.locator("[data-factor=travel]")).to_contain_text("km from the home base")
    page.click(f"[data-testid=assign-{near.pk}]")
    expect(page.locator("[data-testid=ticket-status]")).to_have_text("Assigned")
    ticket.refresh_from_db()
    assert ticket.assignee_id == near.pk
    assert TicketEvent.objects.filter(
        ticket=ticket, kind=EventKind.DISPATCH, data__mode="recommendation"
    ).exists()

    page.goto(f"{live_server.url}/dispatch/")  # type: ignore[attr-defined]
    expect(page.locator("[data-testid=unassigned]")).to_contain_text(other.number)
    chart = page.locator("[data-testid=dispatch-chart] svg")
    expect(chart).to_be_visible()
    expect(chart.locator("a[data-kind=engineer-on]")).to_have_count(2)
    expect(chart.locator("a[data-kind=site-selected]")).to_have_count(1)
    page.click("[data-testid=compute-proposal]")
    rows = page.locator("[data-testid=proposal-row]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Near Suzhou")
    page.check(f"[data-testid=row-{other.number}]")
    page.click("[data-testid=apply-selected]")
    expect(rows.first).to_contain_text("Assigned")
    assert Ticket.objects.get(pk=other.pk).assignee_id == near.pk
