"""The customer portal in a real browser, on a phone: open a request with a file, follow it, and
rate the service once a staff member has resolved it (through the services, between steps)."""

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.core.models import OutboxMessage
from sasms.feedback.models import SurveyResponse
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Attachment, Ticket
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


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


def _resolve(ticket: Ticket, engineer: User) -> None:
    ticket = ticket_services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    ticket = ticket_services.transition_ticket(actor=engineer, ticket=ticket, action="start")
    ticket_services.add_comment(actor=engineer, ticket=ticket, body="Disk 3 replaced, rebuild running.")
    ticket_services.transition_ticket(
        actor=engineer,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="Replaced disk 3; the array is optimal again.",
    )


def test_customer_on_a_phone_opens_follows_and_rates_a_request(
    phone_page: Page,
    live_server: Any,
    make_user: Callable[..., User],
    customer_a: Organisation,
    tmp_path: Path,
) -> None:
    page = phone_page
    refused: list[str] = []  # anything the Content-Security-Policy blocks shows up here
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    customer = make_user(Role.CUSTOMER, language="en")
    engineer = make_user(Role.ENGINEER, language="en", full_name="Engineer Li")
    server = _server(customer_a)
    log = tmp_path / "messages.log"
    log.write_text("Nov 24 10:01:02 db01 kernel: sd 0:0:3:0: [sdd] Medium Error\n")

    sign_in(page, live_server, customer.email, PASSWORD)
    page.goto(f"{live_server.url}/portal/")
    page.click("[data-testid=quick-new-request]")
    expect(page).to_have_url(re.compile(r"/portal/requests/new/$"))
    page.wait_for_load_state()  # htmx is loaded (deferred) before the customer types
    # The server is picked from the customer's own servers as the serial is typed.
    page.fill("#id_server", "cn7")
    page.click("[data-testid=server-choice]")
    expect(page.locator("#id_server")).to_have_value("CN7A1234")
    page.fill("#id_title", "Disk 3 amber LED, RAID degraded")
    page.fill("#id_description", "Since 10:00 this morning.")
    page.check("#id_impact_0")
    page.check("#id_urgency_0")
    page.set_input_files("#id_attachments", str(log))
    page.click("[data-testid=request-submit]")
    expect(page).to_have_url(re.compile(r"/portal/requests/SR\d+/$"))
    ticket = Ticket.objects.get()
    expect(page.locator("[data-testid=ticket-number]")).to_have_text(ticket.number)
    expect(page.locator("[data-testid=ticket-status]")).to_have_text("New")
    expect(page.locator("[data-testid=attachments]")).to_contain_text("messages.log")
    assert (ticket.server_id, ticket.priority, ticket.channel) == (server.pk, "P1", "portal")
    assert Attachment.objects.filter(ticket=ticket, original_name="messages.log").exists()
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{live_server.url}/portal/requests/")
    expect(page.locator("[data-testid=request-cards]")).to_contain_text(ticket.number)

    _resolve(ticket, engineer)
    page.goto(f"{live_server.url}/portal/requests/{ticket.number}/")
    expect(page.locator("[data-testid=ticket-status]")).to_have_text("Resolved")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("Disk 3 replaced, rebuild running.")
    expect(page.locator("[data-testid=resolution-actions]")).to_contain_text("the array is optimal again")
    assert OutboxMessage.objects.filter(idempotency_key__startswith="portal:survey:").count() == 1

    page.click("[data-testid=survey-link]")
    for field, score in (("response_speed", 5), ("expertise", 4), ("resolution", 5), ("attitude", 5)):
        page.click(f"label[for=id_{field}_{score - 1}]")
    page.fill("#id_comment", "Fast and friendly, thank you.")
    page.click("[data-testid=survey-submit]")
    expect(page.locator("[data-testid=survey-done]")).to_contain_text("4.75")
    answer = SurveyResponse.objects.get()
    assert (answer.expertise, answer.engineer_id, answer.channel) == (4, engineer.pk, "web")

    page.click("[data-testid=confirm-resolution]")
    expect(page.locator("[data-testid=ticket-status]")).to_have_text("Closed")
    assert refused == []


def test_survey_from_the_email_link_without_signing_in(
    phone_page: Page, live_server: Any, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    customer = make_user(Role.CUSTOMER, language="en")
    engineer = make_user(Role.ENGINEER, language="en")
    from sasms.portal.services import submit_request

    ticket = submit_request(
        actor=customer,
        title="PSU 2 failed",
        server=_server(customer_a),
        kind="incident",
        category="hardware",
        impact="2",
        urgency="2",
    )
    _resolve(ticket, engineer)
    body = OutboxMessage.objects.get(idempotency_key__startswith="portal:survey:").payload["body"]
    path = re.search(r"(/portal/survey/\S+/)", body)
    assert path is not None
    page = phone_page
    page.goto(f"{live_server.url}{path.group(1)}")
    expect(page.locator("h1")).to_have_text("How did we do?")
    page.click("[data-testid=survey-submit]")  # nothing chosen: each question says so
    expect(page.locator("[data-testid=error-expertise]")).to_be_visible()
    for field in ("response_speed", "expertise", "resolution", "attitude"):
        page.click(f"label[for=id_{field}_2]")
    page.click("[data-testid=survey-submit]")
    expect(page.locator("[data-testid=survey-thanks]")).to_contain_text(ticket.number)
    assert SurveyResponse.objects.get().channel == "link"


def test_an_article_suggested_while_typing_solves_the_problem(
    phone_page: Page, live_server: Any, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    from sasms.feedback.models import Deflection
    from tests.portal.knowledge_helpers import publish_customer_article

    customer = make_user(Role.CUSTOMER, language="en")
    article = publish_customer_article(
        editor=make_user(Role.ENGINEER, language="en"),
        reviewer=make_user(Role.SERVICE_MANAGER, language="en"),
        title="Reset a forgotten BMC password",
        body="Use the front-panel reset jumper, then log in with the factory password.",
    )
    page = phone_page
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server, customer.email, PASSWORD)
    page.goto(f"{live_server.url}/portal/requests/new/")
    page.fill("#id_title", "forgotten BMC password")
    suggestion = page.locator("[data-testid=kb-suggest-article]")
    expect(suggestion).to_contain_text("Reset a forgotten BMC password")
    suggestion.locator("[data-testid=deflect]").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("body")).to_contain_text("Glad that helped")
    deflection = Deflection.objects.get()
    assert (deflection.article_id, deflection.user_id) == (article.pk, customer.pk)
    assert "BMC password" in deflection.query
    assert not Ticket.objects.exists()
    assert refused == []
