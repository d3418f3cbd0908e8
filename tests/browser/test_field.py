"""The field engineer's phone in a real browser (phone viewport, touch, geolocation): the visit from
accept to signature and report, and the same steps taken with the network off, sent once when it
returns, with the times they really happened."""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Geolocation, Page, expect

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.core.models import OutboxMessage
from sasms.field import services
from sasms.field.models import SyncedAction, Visit, VisitNote
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket, TicketEvent
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SITE = {"latitude": 31.230416, "longitude": 121.473701}
HERE: Geolocation = {"latitude": 31.2306, "longitude": 121.4739, "accuracy": 18}


def _visit(customer_a: Organisation, make_user: Callable[..., User]) -> tuple[Visit, User]:
    engineer = make_user(Role.FIELD_ENGINEER, language="en", full_name="Zheng Qiang")
    dispatcher = make_user(Role.DISPATCHER, language="en")
    site = asset_services.create_site(
        actor=None,
        organisation=customer_a,
        name="Pudong DC",
        city="上海",
        latitude=Decimal(str(SITE["latitude"])),
        longitude=Decimal(str(SITE["longitude"])),
    )
    vendor = asset_services.create_vendor(actor=None, name="Huawei", code="huawei")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="FusionServer 2288H V6")
    server = asset_services.create_server(
        actor=None, model=model, serial="2102313XYZ", organisation=customer_a, site=site, rack="A07"
    )
    contact = Contact.objects.create(organisation=customer_a, name="王伟", email="wang@a.example")
    ticket = ticket_services.create_ticket(
        actor=None,
        organisation=customer_a,
        requester=contact,
        server=server,
        title="电源模块 2 故障 PSU 2 failed",
        component="psu",
    )
    start = timezone.now() + datetime.timedelta(minutes=30)
    visit = services.schedule_visit(
        actor=dispatcher,
        ticket=ticket,
        engineer=engineer,
        window_start=start,
        window_end=start + datetime.timedelta(hours=2),
        access_notes="Badge at gate 2",
    )
    return visit, engineer


def _on_phone(page: Page, live_server: Any, engineer: User) -> None:
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation(HERE)
    sign_in(page, live_server, engineer.email, PASSWORD)


def step(page: Page, name: str) -> None:
    """Tap a step's button and wait for the page to come back with the server's view."""
    with page.expect_navigation():
        page.click(f"[data-testid=step-{name}]")


def _sign(page: Page) -> None:
    pad = page.locator("[data-testid=signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 30 + step * 22, y + box["height"] * (0.7 - 0.4 * (step % 2)), steps=3)
    page.mouse.up()


def test_phone_flow_from_accept_to_signature_and_report(
    phone_page: Page, live_server: Any, customer_a: Organisation, make_user: Callable[..., User]
) -> None:
    page = phone_page
    visit, engineer = _visit(customer_a, make_user)
    _on_phone(page, live_server, engineer)
    page.goto(f"{live_server.url}/field/")
    card = page.locator("[data-testid=visit-card]")
    expect(card).to_have_count(1)
    card.click()
    expect(page).to_have_url(re.compile(rf"/field/visits/{visit.pk}/$"))
    expect(page.locator("[data-testid=access-notes]")).to_contain_text("Badge at gate 2")
    status = page.locator("[data-testid=visit-status]")

    # Online, each step is sent at once and the page reloads with the server's view.
    step(page, "accept")
    expect(status).to_have_text("Accepted")
    step(page, "travel")
    expect(status).to_have_text("Travelling")
    step(page, "check-in")
    expect(status).to_have_text("On site")
    expect(page.locator("[data-testid=checked-in-at]")).to_contain_text("m from the site")
    checked = Visit.objects.get(pk=visit.pk)
    assert float(checked.latitude or 0) == pytest.approx(HERE["latitude"], abs=1e-5)
    assert float(checked.longitude or 0) == pytest.approx(HERE["longitude"], abs=1e-5)
    assert checked.accuracy_m == 18
    assert checked.distance_to_site_m is not None
    assert checked.distance_to_site_m < 100

    page.fill("[data-testid=note-body]", "PSU 2 swapped, both supplies green. 电源已更换。")
    step(page, "note")
    expect(page.locator("[data-testid=log-note]")).to_contain_text("电源已更换")

    _sign(page)
    page.fill("[data-testid=signer-name]", "王伟")
    step(page, "sign")
    expect(page.locator("[data-testid=signature]")).to_contain_text("王伟")
    expect(page.locator("[data-testid=signature-pad]")).to_be_hidden()

    page.fill("[data-testid=summary]", "PSU 2 replaced.")
    step(page, "check-out")
    expect(status).to_have_text("Checked out")
    link = page.locator("[data-testid=report-link]")
    expect(link).to_be_visible()
    expect(page.locator("[data-testid=report-sent]")).to_contain_text("wang@a.example")
    pdf = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    done = Visit.objects.get(pk=visit.pk)
    assert done.status == "checked_out"
    assert done.signer_name == "王伟"
    assert done.report_sent_to == "wang@a.example"
    assert OutboxMessage.objects.filter(idempotency_key=f"field:visit:{visit.pk}:report").count() == 1
    steps = list(
        TicketEvent.objects.filter(ticket_id=visit.ticket_id, kind="visit").values_list(
            "data__step", flat=True
        )
    )
    assert steps == ["scheduled", "accepted", "travelling", "checked_in", "signed", "checked_out"]
    assert SyncedAction.objects.filter(visit=visit).count() == 6


def _cached(page: Page, path: str) -> bool:
    return bool(
        page.evaluate(
            "path => caches.open('sasms-field-pages')"
            ".then(c => c.match(location.origin + path)).then(r => !!r)",
            path,
        )
    )


def _wait_until_cached(page: Page, path: str) -> None:
    """The worker fetches the listed visits in the background; wait (bounded) until it kept this one."""
    for _attempt in range(100):
        if _cached(page, path):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{path} was not kept for offline reading")


def test_offline_steps_are_sent_once_with_their_own_times(
    phone_page: Page, live_server: Any, customer_a: Organisation, make_user: Callable[..., User]
) -> None:
    page = phone_page
    visit, engineer = _visit(customer_a, make_user)
    visit = services.accept_visit(actor=engineer, visit=visit)
    visit = services.start_travel(actor=engineer, visit=visit)
    _on_phone(page, live_server, engineer)
    # The visit list hands every assigned visit to the service worker to keep for offline reading.
    page.goto(f"{live_server.url}/field/")
    path = f"/field/visits/{visit.pk}/"
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    _wait_until_cached(page, path)

    page.context.set_offline(True)
    page.goto(f"{live_server.url}{path}")  # served from the phone's cache
    expect(page.locator("[data-testid=net-offline]")).to_be_visible()
    status = page.locator("[data-testid=visit-status]")
    expect(status).to_have_text("Travelling")
    before = timezone.now()
    page.click("[data-testid=step-check-in]")
    expect(status).to_have_text("On site")  # the page shows the visit as it will be
    page.fill("[data-testid=note-body]", "No signal in hall 3; PSU swapped.")
    page.click("[data-testid=step-note]")
    expect(page.locator("[data-testid=log-pending]")).to_contain_text("No signal in hall 3")
    _sign(page)
    page.fill("[data-testid=signer-name]", "王伟")
    page.click("[data-testid=step-sign]")
    expect(page.locator("[data-testid=pending-step]")).to_have_count(3)
    expect(page.locator("[data-testid=pending-count]")).to_contain_text("3")
    after = timezone.now()
    # Nothing has reached the server yet.
    assert Visit.objects.get(pk=visit.pk).status == "travelling"
    assert not SyncedAction.objects.exists()

    page.context.set_offline(False)
    expect(page.locator("[data-testid=log-note]")).to_contain_text("No signal in hall 3")
    expect(status).to_have_text("On site")
    expect(page.locator("[data-testid=signature]")).to_contain_text("王伟")
    expect(page.locator("[data-testid=pending-box]")).to_be_hidden()
    assert _cached(page, path)

    synced = list(SyncedAction.objects.filter(visit=visit).order_by("occurred_at"))
    assert [s.action for s in synced] == ["check_in", "note", "sign"]
    for record in synced:
        # Each step carries the moment it was taken offline, not the moment it arrived.
        assert before - datetime.timedelta(seconds=1) <= record.occurred_at <= after
        assert record.received_at > after
    done = Visit.objects.get(pk=visit.pk)
    assert done.checked_in_at == synced[0].occurred_at
    assert done.signed_at == synced[2].occurred_at
    assert VisitNote.objects.get(visit=visit).occurred_at == synced[1].occurred_at
    assert TicketEvent.objects.filter(ticket_id=visit.ticket_id, data__step="checked_in").count() == 1
    assert Ticket.objects.get(pk=visit.ticket_id).visit_count == 1
