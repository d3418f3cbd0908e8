"""One service request from the phone call to its closure, through the pages and services people use.

The agent opens it by phone for a server on a 7×24×4 contract; auto-dispatch gives it to the
engineer nearby; the agent answers; the dispatcher schedules the visit; the parts clerk reserves
the disk; the engineer accepts, travels, checks in, fits the disk, has the customer sign, checks
out and resolves; the customer reads the visit on the portal, downloads its report, answers the
survey and confirms the resolution. Each step's effect on the request, its SLA clocks, the depot's
stock, the outbox and the portal is asserted exactly, and so is each follower of the request's
journey (``sasms.journey.followers``, ``docs/request-journey.md``): clocks, auto-dispatch and the
engineer's position, the part booked, the survey invitation, no classification for a phone call,
and the webhook deliveries, which carry the SR number from the first event on. A second test tries
steps that must be refused along the way and asserts that each of them changed nothing at all.

Time stands still and moves only when a step says so, on a fixed Tuesday morning. The contract's
7×24 calendar has no holidays and no closing hours, so every due time below is plain arithmetic
and the test means the same in any year it runs.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Component, Server
from sasms.contracts import services as contract_services
from sasms.contracts.models import Contract, ServiceProduct
from sasms.core.errors import Conflict, NotFound, PermissionDenied
from sasms.core.models import AuditEntry, OutboxMessage
from sasms.dispatch import services as dispatch_services
from sasms.dispatch.models import EngineerProfile
from sasms.dispatch.selectors import clear_settings_cache
from sasms.feedback.models import Survey, SurveyResponse
from sasms.field import services as field_services
from sasms.field.models import Visit
from sasms.integrations import services as integration_services
from sasms.integrations.models import Delivery
from sasms.integrations.services.classification import CLASSIFY_TOPIC
from sasms.journey.followers import FOLLOWERS
from sasms.parts import services as parts_services
from sasms.parts.models import DefectiveReturn, Depot, Movement, Part, Problem, Reservation, StockBalance
from sasms.parts.services.reservations import NotAvailable
from sasms.sla.models import BusinessCalendar, ClockEntry, SlaClock
from sasms.sla.specs import clear_spec_cache
from sasms.tickets import events
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind, Level, Status
from sasms.tickets.models import Ticket, TicketEvent
from tests.field.conftest import signature_png

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Tuesday morning. Nothing below depends on it being a working day (7×24), but a reader of a
# failure should not have to wonder whether a holiday got in the way.
T0 = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
SITE = (Decimal("39.908722"), Decimal("116.397499"))
# The contract's P2 targets (mission-critical-7x24x4), in minutes.
P2 = {"response": 60, "dispatch": 60, "update": 120, "onsite": 240, "resolution": 480}
SUMMARY = "Replaced disk 3 (DISK-4T); RAID 5 rebuilt and optimal."


def minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[Any]:
    """Stand still two hours before the call (when the world below is set up) until told to move."""
    traveller = time_machine.travel(T0 - datetime.timedelta(hours=2), tick=False)
    coordinates = traveller.start()
    clear_spec_cache()
    clear_settings_cache()
    yield coordinates
    traveller.stop()
    clear_spec_cache()
    clear_settings_cache()


@pytest.fixture
def at(_frozen: Any) -> Callable[[float], datetime.datetime]:
    """Move to ``T0 + n minutes`` and return that moment."""

    def move(n: float) -> datetime.datetime:
        moment = T0 + minutes(n)
        _frozen.move_to(moment)
        return moment

    return move


@dataclass
class World:
    agent: User
    dispatcher: User
    clerk: User
    manager: User
    engineer: User
    customer: User
    stranger: User
    contact: Contact
    server: Server
    contract: Contract
    part: Part
    depot: Depot


@pytest.fixture
def world(make_user: Callable[..., User], customer_a: Organisation, customer_b: Organisation) -> World:
    manager = make_user(Role.SERVICE_MANAGER, language="en")
    clerk = make_user(Role.PARTS_CLERK, language="en")
    vendor = asset_services.create_vendor(actor=None, name="Inspur", code="inspur")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="NF5280M6")
    site = asset_services.create_site(
        actor=None,
        organisation=customer_a,
        name="亦庄数据中心 DC-1",
        city="北京",
        latitude=SITE[0],
        longitude=SITE[1],
    )
    server = asset_services.create_server(
        actor=None,
        model=model,
        serial="CN7A1234",
        hostname="db01.a.example",
        organisation=customer_a,
        site=site,
        warranty_start=datetime.date(2025, 1, 1),
        warranty_end=datetime.date(2027, 12, 31),
    )
    asset_services.add_component(
        actor=None, server=server, kind="disk", slot="DISK3", part_number="DISK-4T", serial="OLD-DISK-3"
    )
    contract = contract_services.create_contract(
        actor=manager,
        number="HT-2026-0042",
        organisation=customer_a,
        product=ServiceProduct.objects.get(code="mission-critical-7x24x4"),
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    contract = contract_services.transition_contract(actor=manager, contract=contract, status="active")
    contract_services.cover_servers(actor=manager, contract=contract, servers=[server])

    engineer = make_user(Role.FIELD_ENGINEER, language="en", full_name="Zheng Qiang 郑强")
    profile = dispatch_services.create_profile(
        actor=None,
        user=engineer,
        calendar=BusinessCalendar.objects.get(code="7x24"),
        max_concurrent=5,
        home_label="Yizhuang",
        home_latitude=39.80,
        home_longitude=116.50,
    )
    dispatch_services.set_skills(
        actor=None, profile=profile, levels={("category", "hardware"): 3, ("component", "disk"): 3}
    )
    dispatch_services.add_certification(
        actor=None,
        profile=profile,
        name="Inspur server engineer",
        vendor=vendor,
        valid_until=datetime.date(2027, 6, 30),
    )
    dispatch_services.update_settings(actor=manager, auto_dispatch_priorities=["P1", "P2"])

    part = parts_services.create_part(
        actor=clerk,
        part_number="DISK-4T",
        description="4 TB 7.2k SATA disk",
        kind="disk",
        vendor=vendor,
        unit_cost=Decimal("1450.00"),
        compatible_models=[model],
    )
    depot = parts_services.create_depot(
        actor=clerk,
        code="bj-fsl",
        name="Beijing forward",
        kind="forward",
        service_tier="4h",
        city="北京",
        latitude=Decimal("39.950000"),
        longitude=Decimal("116.450000"),
    )
    parts_services.receive_stock(actor=clerk, part=part, depot=depot, quantity=3, reference="PO-1")

    contact = Contact.objects.create(
        organisation=customer_a, name="王伟", phone="+86 138 0013 8000", email="wang@a.example"
    )
    return World(
        agent=make_user(Role.AGENT, language="en", full_name="Desk Agent"),
        dispatcher=make_user(Role.DISPATCHER, language="en"),
        clerk=clerk,
        manager=manager,
        engineer=engineer,
        # The caller also uses the portal, under the same address: the survey goes to them.
        customer=make_user(Role.CUSTOMER, language="en", email="wang@a.example", full_name="王伟"),
        stranger=make_user(Role.CUSTOMER, organisation=customer_b, language="en"),
        contact=contact,
        server=server,
        contract=contract,
        part=part,
        depot=depot,
    )


# --- reading the effects ------------------------------------------------------------------------


def clocks(ticket: Ticket) -> dict[str, tuple[str, Any, Any, Any]]:
    """``kind: (state, due, met, breached)`` of each of the request's clocks."""
    return {
        c.kind: (c.state, c.due_at, c.met_at, c.breached_at)
        for c in SlaClock.objects.filter(ticket=ticket).order_by("kind")
    }


def stock(world: World) -> tuple[int, int]:
    """``(on hand, reserved)`` of new DISK-4T at the depot."""
    balance = StockBalance.objects.get(part=world.part, depot=world.depot, condition="new")
    return balance.on_hand, balance.reserved


def state(ticket: Ticket) -> tuple[str, int | None]:
    ticket.refresh_from_db()
    return ticket.status, ticket.assignee_id


def statuses(ticket: Ticket) -> list[tuple[str, str]]:
    events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS).order_by("id")
    return [(e.data["from"], e.data["to"]) for e in events]


def mails() -> list[tuple[str, str]]:
    """``(recipient, subject)`` of every e-mail queued so far, oldest first."""
    rows = OutboxMessage.objects.filter(topic="email").order_by("id").values_list("payload", flat=True)
    return [(", ".join(p["to"]), p["subject"]) for p in rows]


def deliveries(ticket: Ticket) -> list[tuple[str, str, str, str]]:
    """``(event type, SR number on the row, number in the payload, its address)`` per webhook delivery."""
    return [
        (d.event_type, d.ticket_number, d.payload["ticket"]["number"], d.payload["ticket"]["url"])
        for d in Delivery.objects.filter(ticket=ticket).order_by("id")
    ]


def open_by_phone(world: World, client: Client, capture: Any) -> Ticket:
    """The agent takes the call on the phone intake page; auto-dispatch runs once it commits."""
    with capture(execute=True):
        response = client.post(
            reverse("tickets:intake"),
            {
                "organisation": world.contact.organisation_id,
                "requester": world.contact.pk,
                "server_identifier": "CN7A1234",
                "channel": "phone",
                "type": "incident",
                "category": "hardware",
                "component": "disk",
                "impact": Level.HIGH,
                "urgency": Level.MEDIUM,
                "service_kind": "",
                "title": "Disk 3 amber LED, RAID degraded 硬盘告警",
                "description": "The caller reads a predictive-failure alert on bay 3.",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])
    return ticket


def schedule_on_page(world: World, client: Client, ticket: Ticket, start: datetime.datetime) -> Visit:
    local = start.astimezone(SHANGHAI)
    response = client.post(
        reverse("field:schedule", args=[ticket.number]),
        {
            "engineer": world.engineer.pk,
            "window_start": local.strftime("%Y-%m-%dT%H:%M"),
            "window_end": (local + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "access_notes": "Badge at gate 2; rack R12.",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    return Visit.objects.get(ticket=ticket)


# --- the journey ----------------------------------------------------------------------------------


def test_a_request_from_the_phone_call_to_its_closure(
    world: World,
    at: Callable[[float], datetime.datetime],
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    agent_page = client_for(world.agent)
    # The customer's CMDB listens for new and resolved requests (the last follower delivers).
    integration_services.create_subscription(
        actor=None,
        name="Customer CMDB",
        url="https://cmdb.a.example/sasms-events",
        secret="s" * 32,
        events=["ticket.created", "ticket.resolved"],
    )

    # 09:00 — the call. The agent looks the server up and sees its entitlement at once.
    t_call = at(0)
    lookup = agent_page.get(
        reverse("tickets:intake_servers"),
        {"organisation": str(world.contact.organisation_id), "server_identifier": "CN7A1234"},
    ).content.decode()
    assert lookup.count('data-testid="server-match"') == 1
    assert "Covered by contract HT-2026-0042 (7×24×4 关键业务 7×24×4 mission critical) until" in lookup
    assert stock(world) == (3, 0)

    ticket = open_by_phone(world, agent_page, django_capture_on_commit_callbacks)
    assert ticket.number.startswith("SR20260310")
    assert (ticket.priority, ticket.channel, ticket.entitled) == ("P2", "phone", True)
    entitlement = ticket.entitlement
    assert (entitlement["source"], entitlement["rule"], entitlement["contract_number"]) == (
        "contract",
        "contract",
        "HT-2026-0042",
    )
    assert (entitlement["product_code"], entitlement["sla_coverage_hours"]) == (
        "mission-critical-7x24x4",
        "7x24",
    )
    assert entitlement["targets"]["P2"] == {
        "response_minutes": 60,
        "dispatch_minutes": 60,
        "update_minutes": 120,
        "onsite_minutes": 240,
        "resolution_minutes": 480,
    }
    # Auto-dispatch gave it to the engineer nearby the moment it was opened: dispatch clock met.
    assert state(ticket) == (Status.ASSIGNED, world.engineer.pk)
    dispatch_event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.DISPATCH)
    assert (dispatch_event.data["mode"], dispatch_event.data["engineer_id"]) == ("auto", world.engineer.pk)
    assert clocks(ticket) == {
        "dispatch": ("met", None, t_call, None),
        "onsite": ("running", t_call + minutes(P2["onsite"]), None, None),  # hardware replacement
        "resolution": ("running", t_call + minutes(P2["resolution"]), None, None),
        "response": ("running", t_call + minutes(P2["response"]), None, None),
    }
    # The caller hears the request was received; the engineer that it is theirs.
    n, title, engineer_mail = ticket.number, ticket.title, world.engineer.email
    sent = [
        ("wang@a.example", f"[{n}] We have received your request: {title}"),
        (engineer_mail, f"[{n}] Assigned to you: {title}"),
    ]
    assert mails() == sent
    # The webhook announces the request under its SR number: followers run after numbering.
    assert [row[:3] for row in deliveries(ticket)] == [("ticket.created", n, n)]
    assert deliveries(ticket)[0][3].endswith(reverse("tickets:detail", args=[n]))
    # A phone call is not an automatic request: nothing is queued for the classifier.
    assert not OutboxMessage.objects.filter(topic=CLASSIFY_TOPIC).exists()

    # 09:10 — the agent's first public reply meets the response clock and starts the updates.
    t_reply = at(10)
    ticket_services.add_comment(
        actor=world.agent, ticket=ticket, body="An engineer is on the way with a replacement disk."
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at == t_reply
    assert clocks(ticket)["response"] == ("met", None, t_reply, None)
    assert clocks(ticket)["update"] == ("running", t_reply + minutes(P2["update"]), None, None)
    # The reply reaches the caller and the engineer, who watches the request since it became theirs.
    sent += [(engineer_mail, f"[{n}] New reply: {title}"), ("wang@a.example", f"[{n}] New reply: {title}")]
    assert mails() == sent

    # 09:15 — the dispatcher schedules the visit on the request page for the same engineer.
    t_schedule = at(15)
    visit = schedule_on_page(world, client_for(world.dispatcher), ticket, T0 + minutes(60))
    assert (visit.status, visit.engineer_id, visit.created_at) == ("scheduled", world.engineer.pk, t_schedule)
    assert visit.window_start == T0 + minutes(60)
    assert state(ticket) == (Status.ASSIGNED, world.engineer.pk)
    # The on-site clock already ran from the call; the visit does not restart it.
    assert clocks(ticket)["onsite"] == ("running", t_call + minutes(P2["onsite"]), None, None)
    sent += [(engineer_mail, f"Field visit for {n}")]
    assert mails() == sent

    # 09:20 — the parts clerk reserves the disk at the forward depot: the parts clock starts.
    t_reserve = at(20)
    reservation = parts_services.reserve_part(
        actor=world.clerk, ticket=ticket, part=world.part, depot=world.depot, quantity=1
    )
    assert (reservation.status, reservation.condition) == ("reserved", "new")
    assert stock(world) == (3, 1)
    assert clocks(ticket)["parts"] == ("running", t_reserve + minutes(P2["onsite"]), None, None)
    assert mails() == sent  # the clerk's reservation is the provider's business

    # 09:25 accept, 09:40 travel — the engineer's steps start the work.
    at(25)
    visit = field_services.accept_visit(actor=world.engineer, visit=visit)
    assert state(ticket) == (Status.IN_PROGRESS, world.engineer.pk)
    assert statuses(ticket) == [(Status.ASSIGNED, Status.IN_PROGRESS)]
    at(40)
    visit = field_services.start_travel(actor=world.engineer, visit=visit)

    # 10:30 — on site: the on-site clock is met, the request counts one visit.
    t_check_in = at(90)
    visit = field_services.check_in(
        actor=world.engineer, visit=visit, latitude=39.9088, longitude=116.3976, accuracy=10
    )
    assert (visit.status, visit.checked_in_at) == ("on_site", t_check_in)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.visit_count) == (Status.IN_PROGRESS, 1)
    assert clocks(ticket)["onsite"] == ("met", None, t_check_in, None)
    # Dispatch follows the check-in: the engineer is known to be at the site now.
    profile = EngineerProfile.objects.get(user=world.engineer)
    assert (profile.position_latitude, profile.position_longitude, profile.position_at) == (
        Decimal("39.908800"),
        Decimal("116.397600"),
        t_check_in,
    )
    assert profile.position_ticket_id == ticket.pk

    # 10:45 — the disk is fitted: the reservation is consumed, the parts clock met, the swap
    # recorded on the server and the failed disk expected back at the depot.
    t_part = at(105)
    field_services.add_part(
        actor=world.engineer,
        visit=visit,
        part_number="disk-4t",
        serial="NEW-DISK-9",
        removed_serial="OLD-DISK-3",
    )
    assert stock(world) == (2, 0)
    reservation.refresh_from_db()
    assert (reservation.status, reservation.consumed_quantity) == ("consumed", 1)
    assert list(Movement.objects.filter(part=world.part).order_by("id").values_list("kind", "quantity")) == [
        ("receive", 3),
        ("reserve", 1),
        ("issue", 1),
    ]
    assert clocks(ticket)["parts"] == ("met", None, t_part, None)
    assert not Problem.objects.exists()
    old, new = Component.objects.filter(server=world.server).order_by("id")
    assert (old.serial, old.removed_at, old.service_request_ref) == ("OLD-DISK-3", t_part, ticket.number)
    assert (new.serial, new.removed_at, new.slot) == ("NEW-DISK-9", None, "DISK3")
    defective = DefectiveReturn.objects.get(ticket=ticket)
    assert (defective.depot_id, defective.removed_serial, defective.due_date) == (
        world.depot.pk,
        "OLD-DISK-3",
        datetime.date(2026, 3, 10) + datetime.timedelta(days=world.part.return_days),
    )

    # 11:00 signature, 11:05 check-out: the service report is made and mailed to the contact.
    at(120)
    field_services.sign_visit(actor=world.engineer, visit=visit, signer_name="王伟", image=signature_png())
    t_out = at(125)
    with django_capture_on_commit_callbacks(execute=True):
        visit = field_services.check_out(actor=world.engineer, visit=visit, summary=SUMMARY)
    visit.refresh_from_db()
    assert (visit.status, visit.checked_out_at, visit.report_sent_to) == (
        "checked_out",
        t_out,
        "wang@a.example",
    )
    sent += [("wang@a.example", f"Service report {n}")]
    assert mails() == sent
    report_mail = OutboxMessage.objects.get(idempotency_key=f"field:visit:{visit.pk}:report")
    assert [a["content_type"] for a in report_mail.payload["attachments"]] == ["application/pdf"]
    assert state(ticket) == (Status.IN_PROGRESS, world.engineer.pk)  # resolving is a decision

    # 11:08 — the engineer resolves from the visit page: the resolution clock is met, the update
    # clock stops before its due time, and the customer is invited to rate the service.
    t_resolve = at(128)
    engineer_page = client_for(world.engineer)
    response = engineer_page.post(
        reverse("field:resolve", args=[visit.pk]),
        {"resolution_code": "part_replaced", "resolution_summary": SUMMARY},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id, ticket.resolved_at) == (
        Status.RESOLVED,
        world.engineer.pk,
        t_resolve,
    )
    assert (ticket.resolution_code, ticket.resolution_summary, ticket.first_time_fix) == (
        "part_replaced",
        SUMMARY,
        True,
    )
    assert clocks(ticket) == {
        "dispatch": ("met", None, t_call, None),
        "onsite": ("met", None, t_check_in, None),
        "parts": ("met", None, t_part, None),
        "resolution": ("met", None, t_resolve, None),
        "response": ("met", None, t_reply, None),
        "update": ("stopped", None, None, None),
    }
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.recipient, survey.engineer_id, survey.language, survey.rounds) == (
        "wang@a.example",
        world.engineer.pk,
        "en",
        1,
    )
    sent += [
        ("wang@a.example", f"[{n}] How did we do? Please rate our service"),
        ("wang@a.example", f"[{n}] Status: Resolved"),
    ]
    assert mails() == sent
    invitation = OutboxMessage.objects.get(idempotency_key=f"portal:survey:{survey.pk}:invitation:1")
    assert [row[:3] for row in deliveries(ticket)] == [("ticket.created", n, n), ("ticket.resolved", n, n)]
    assert reverse("portal:survey_link", args=["x"]).removesuffix("x/") in invitation.payload["body"]

    # 11:30 — the customer reads the request on the portal: the visit, its engineer, the work
    # done and the part, and downloads the signed report.
    at(150)
    portal = client_for(world.customer)
    page = portal.get(reverse("portal:request_detail", args=[ticket.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="portal-visit"') == 1
    assert f'data-testid="visit-engineer">{world.engineer.full_name}</dd>' in html
    assert f'data-testid="visit-summary">{SUMMARY}</dd>' in html
    assert "DISK-4T × 1" in html
    assert "Badge at gate 2" not in html  # the engineer's access notes are not the customer's business
    report_url = reverse("portal:visit_report", args=[ticket.number, visit.pk])
    assert report_url in html
    report = portal.get(report_url)
    assert (report.status_code, report["Content-Type"]) == (200, "application/pdf")
    assert report.content.startswith(b"%PDF")

    # 12:00 — the survey is answered on the portal; 12:05 — the customer confirms: closed.
    t_answer = at(180)
    answered = portal.post(
        reverse("portal:survey", args=[ticket.number]),
        {"response_speed": 5, "expertise": 5, "resolution": 4, "attitude": 5, "comment": "快速专业"},
    )
    assert answered.status_code == 302
    score = SurveyResponse.objects.get(survey=survey)
    assert (score.average, score.engineer_id, score.respondent_id, score.channel, score.created_at) == (
        Decimal("4.75"),
        world.engineer.pk,
        world.customer.pk,
        "web",
        t_answer,
    )
    t_close = at(185)
    closed = portal.post(reverse("portal:request_status", args=[ticket.number]), {"action": "close"})
    assert closed.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at, ticket.customer_confirmed_at) == (
        Status.CLOSED,
        t_close,
        t_close,
    )
    assert statuses(ticket) == [
        (Status.ASSIGNED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.RESOLVED),
        (Status.RESOLVED, Status.CLOSED),
    ]
    # Closing moves no clock, and no clock ever breached.
    assert set(clocks(ticket).values()) == {
        ("met", None, t_call, None),
        ("met", None, t_check_in, None),
        ("met", None, t_part, None),
        ("met", None, t_resolve, None),
        ("met", None, t_reply, None),
        ("stopped", None, None, None),
    }
    assert not SlaClock.objects.filter(ticket=ticket, breached_at__isnull=False).exists()
    sent += [("wang@a.example", f"[{n}] Status: Closed")]
    assert mails() == sent
    assert stock(world) == (2, 0)
    final = portal.get(reverse("portal:request_detail", args=[ticket.number])).content.decode()
    assert 'data-testid="portal-visit"' in final
    assert reverse("portal:survey", args=[ticket.number]) not in final  # answered: not asked again


# --- the journey itself --------------------------------------------------------------------------


def test_the_journey_is_one_ordered_list_that_sees_the_number(
    world: World, at: Callable[[float], datetime.datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [f.name for f in events.journey()] == [
        "sla.clocks",
        "dispatch.auto_dispatch",
        "parts.book_usage",
        "feedback.survey_invitation",
        "integrations.classification",
        "integrations.deliveries",
    ]
    assert events.journey() == tuple(FOLLOWERS)
    # Only booking a used part keeps the step when it fails (a problem row for the clerk).
    assert {f.name for f in FOLLOWERS if f.on_failure == "problem_row"} == {"parts.book_usage"}

    seen: list[tuple[str, str, int]] = []

    def probe(event: TicketEvent) -> None:
        # What a follower sees: the request as saved, numbered, and the clocks moved before it.
        seen.append((event.kind, event.ticket.number, SlaClock.objects.filter(ticket=event.ticket).count()))

    monkeypatch.setattr(events, "_journey", (*events.journey(), events.Follower("probe", probe)))
    at(0)
    ticket = ticket_services.create_ticket(
        actor=world.agent, organisation=world.server.organisation, server=world.server, title="Fan noise"
    )
    assert ticket.number.startswith("SR20260310")
    clocks_started = SlaClock.objects.filter(ticket=ticket).count()
    assert clocks_started > 0  # the clocks follower ran before the probe, in the same event
    assert seen[0] == (EventKind.CREATED, ticket.number, clocks_started)


def test_a_failing_follower_rolls_the_step_back_and_says_so(
    world: World, at: Callable[[float], datetime.datetime], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(event: TicketEvent) -> None:
        raise RuntimeError("the follower broke")

    monkeypatch.setattr(events, "_journey", (*events.journey(), events.Follower("broken", broken)))
    at(0)
    with pytest.raises(RuntimeError, match="the follower broke"):
        ticket_services.create_ticket(
            actor=world.agent, organisation=world.server.organisation, server=world.server, title="Fan noise"
        )
    # Nothing of the request stays: no request, event, clock or outbox row.
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()
    assert not SlaClock.objects.exists()
    assert not OutboxMessage.objects.exists()
    failure = next(r for r in caplog.records if r.name == "sasms.tickets.events")
    assert "follower 'broken' failed" in failure.getMessage()
    assert failure.exc_info is not None


# --- refusals -------------------------------------------------------------------------------------


def everything(ticket: Ticket, visit: Visit) -> dict[str, Any]:
    """All that a refused step could have touched, read fresh from the database."""
    fresh = Ticket.objects.get(pk=ticket.pk)
    row = Visit.objects.get(pk=visit.pk)
    return {
        "ticket": (
            fresh.status,
            fresh.assignee_id,
            fresh.updated_at,
            fresh.closed_at,
            fresh.resolved_at,
            fresh.visit_count,
        ),
        "visit": (row.status, row.checked_in_at, row.checked_out_at, row.signed_at, row.updated_at),
        "timeline": TicketEvent.objects.filter(ticket=ticket).count(),
        "clocks": clocks(ticket),
        "clock_entries": ClockEntry.objects.filter(clock__ticket=ticket).count(),
        "stock": list(StockBalance.objects.order_by("id").values_list("id", "on_hand", "reserved")),
        "movements": Movement.objects.count(),
        "reservations": list(Reservation.objects.order_by("id").values_list("id", "status", "quantity")),
        "audit": AuditEntry.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "surveys": Survey.objects.count(),
    }


def status_error(response: HttpResponseBase) -> str:
    """The refusal the portal's request page shows above its sections."""
    assert isinstance(response, HttpResponse)
    html = response.content.decode()
    start = html.index('data-testid="status-error">') + len('data-testid="status-error">')
    return html[start : html.index("</div>", start)].strip()


def test_refused_steps_change_nothing(
    world: World,
    at: Callable[[float], datetime.datetime],
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    at(0)
    ticket = open_by_phone(world, client_for(world.agent), django_capture_on_commit_callbacks)
    at(15)
    visit = schedule_on_page(world, client_for(world.dispatcher), ticket, T0 + minutes(60))
    at(20)
    parts_services.reserve_part(actor=world.clerk, ticket=ticket, part=world.part, depot=world.depot)
    at(25)
    visit = field_services.accept_visit(actor=world.engineer, visit=visit)
    at(40)
    visit = field_services.start_travel(actor=world.engineer, visit=visit)
    at(60)
    before = everything(ticket, visit)
    assert before["ticket"][:2] == (Status.IN_PROGRESS, world.engineer.pk)
    assert before["visit"][0] == "travelling"

    # The engineer, still on the road, checks out, fits a part and lets the customer sign.
    refusals: list[tuple[Callable[[], Any], type[Exception], str]] = [
        (
            lambda: field_services.check_out(actor=world.engineer, visit=visit, summary="Done"),
            Conflict,
            "Check in on site before checking out.",
        ),
        (
            lambda: field_services.add_part(actor=world.engineer, visit=visit, part_number="DISK-4T"),
            Conflict,
            "Check in on site first.",
        ),
        (
            lambda: field_services.sign_visit(
                actor=world.engineer, visit=visit, signer_name="王伟", image=signature_png()
            ),
            Conflict,
            "The customer can sign only after the engineer has checked in.",
        ),
        # Another engineer records a step of this visit.
        (
            lambda: field_services.check_in(actor=world.dispatcher, visit=visit),
            PermissionDenied,
            "This visit is assigned to another engineer; only they can record its steps.",
        ),
        # The clerk reserves more disks than the depot has free (two of three are left).
        (
            lambda: parts_services.reserve_part(
                actor=world.clerk, ticket=ticket, part=world.part, depot=world.depot, quantity=3
            ),
            NotAvailable,
            "Not available: 3 × DISK-4T requested at Beijing forward, 2 free.",
        ),
        # Staff close the request before it is resolved.
        (
            lambda: ticket_services.transition_ticket(
                actor=world.agent, ticket=ticket, action="close", confirmed=True
            ),
            Conflict,
            "A request that is “In progress” cannot “Close”.",
        ),
        # A customer of another organisation reaches for the visit through the service.
        (
            lambda: field_services.check_out(actor=world.stranger, visit=visit),
            NotFound,
            "Not found.",
        ),
    ]
    for attempt, error, message in refusals:
        with pytest.raises(error) as caught:
            attempt()
        assert message in str(getattr(caught.value, "message", caught.value)), message
        assert everything(ticket, visit) == before, message

    # On the portal: the customer cannot confirm a resolution that has not happened ...
    own = client_for(world.customer)
    refused = own.post(reverse("portal:request_status", args=[ticket.number]), {"action": "close"})
    assert refused.status_code == 422
    # The page says why, though it no longer offers the step (a tab left open from earlier).
    assert status_error(refused) == "A request that is “In progress” cannot “Close”."
    assert everything(ticket, visit) == before
    refused = own.post(
        reverse("portal:request_status", args=[ticket.number]), {"action": "cancel", "reason": "Fixed it"}
    )
    assert refused.status_code == 422
    assert status_error(refused) == "Work has started; please ask the service desk to cancel this request."
    assert everything(ticket, visit) == before
    # ... and a customer of another organisation sees neither the request nor its visit, and
    # cannot close it, write on it or answer its survey.
    stranger = client_for(world.stranger)
    for url in (
        reverse("portal:request_detail", args=[ticket.number]),
        reverse("portal:visit_report", args=[ticket.number, visit.pk]),
        reverse("field:report", args=[visit.pk]),
        reverse("portal:survey", args=[ticket.number]),
    ):
        assert stranger.get(url).status_code == 404, url
    # The engineer's visit page is staff-only: every customer gets the same answer, whoever's it is.
    engineer_page = reverse("field:visit", args=[visit.pk])
    assert stranger.get(engineer_page).status_code == own.get(engineer_page).status_code == 403
    for url, data in (
        (reverse("portal:request_status", args=[ticket.number]), {"action": "cancel", "reason": "x"}),
        (reverse("portal:request_reply", args=[ticket.number]), {"body": "I am someone else"}),
        (
            reverse("portal:survey", args=[ticket.number]),
            {"response_speed": 1, "expertise": 1, "resolution": 1, "attitude": 1},
        ),
    ):
        assert stranger.post(url, data).status_code == 404, url
    assert everything(ticket, visit) == before

    # The same steps in their right order still go through afterwards.
    at(90)
    visit = field_services.check_in(actor=world.engineer, visit=visit, latitude=39.9088, longitude=116.3976)
    field_services.add_part(actor=world.engineer, visit=visit, part_number="DISK-4T")
    assert stock(world) == (2, 0)
