"""A request gains (or changes, or loses) its server after it was opened: page, API and service.

The entitlement is taken again at the request's creation instant, the SLA clocks move to the new
targets with a ledger entry, the timeline and the audit log say what happened.
"""

import datetime
import io
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server
from sasms.contracts import services as contract_services
from sasms.contracts.models import Contract, ContractStatus, ServiceProduct
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.sla.models import ClockEntry, SlaClock
from sasms.tickets import services
from sasms.tickets.choices import EventKind, Level
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SH)  # a Monday, a workday


@pytest.fixture
def at_work() -> Iterator[None]:
    with time_machine.travel(OPENED, tick=False):
        yield


@pytest.fixture
def critical_server(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    """A server on a 7×24×4 contract, outside its (long gone) base warranty."""
    server = make_server(
        customer_a,
        serial="7X24SRV01",
        hostname="core-db-01.a.example",
        warranty_start=datetime.date(2019, 1, 1),
        warranty_end=datetime.date(2022, 1, 1),
    )
    contract = contract_services.create_contract(
        actor=None,
        number="HT-7X24-0001",
        organisation=customer_a,
        product=ServiceProduct.objects.get(code="mission-critical-7x24x4"),
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        monthly_fee=12000,
    )
    contract_services.cover_servers(actor=None, contract=contract, servers=[server])
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ACTIVE)
    return server


@pytest.fixture
def warranty_server(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    return make_server(
        customer_a,
        serial="WARR0001",
        warranty_start=datetime.date(2025, 1, 1),
        warranty_end=datetime.date(2028, 12, 31),
    )


def open_request(organisation: Organisation, contact: Contact, server: Server | None = None) -> Ticket:
    return services.create_ticket(
        actor=None, organisation=organisation, requester=contact, server=server, title="Disk failed"
    )


def clocks(ticket: Ticket) -> dict[str, SlaClock]:
    return {c.kind: c for c in SlaClock.objects.filter(ticket=ticket)}


def test_naming_the_server_later_takes_its_entitlement_at_creation(
    at_work: None,
    customer_a: Organisation,
    contact_a: Contact,
    critical_server: Server,
    engineer: User,
) -> None:
    ticket = open_request(customer_a, contact_a)
    assert (ticket.entitled, ticket.entitlement["rule"], ticket.time_and_materials) == (
        False,
        "no_server",
        "pending",
    )
    with time_machine.travel(OPENED + datetime.timedelta(hours=2), tick=False):
        services.set_ticket_server(
            actor=engineer, ticket=ticket, server=critical_server, reason="Serial from the customer"
        )
    ticket.refresh_from_db()
    assert ticket.server == critical_server
    assert ticket.entitled is True
    assert ticket.time_and_materials == ""
    assert ticket.entitlement == services.entitlement_snapshot(critical_server, ticket.created_at)
    assert ticket.entitlement["rule"] == "contract"
    assert ticket.entitlement["contract_number"] == "HT-7X24-0001"
    assert ticket.entitlement["taken_at"] == ticket.created_at.isoformat()
    change = TicketEvent.objects.get(ticket=ticket, kind=EventKind.UPDATED)
    assert change.public is True
    assert change.data["server"] == ["", "7X24SRV01"]
    assert change.data["entitled"] == [False, True]
    assert change.body == "Serial from the customer"
    # The SLA follows through a coverage note, not a make-believe priority change.
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PRIORITY).exists()
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE)
    assert note.public is False
    assert note.data["sla_coverage"]["from"]["rule"] == "no_server"
    assert note.data["sla_coverage"]["to"]["contract"] == "HT-7X24-0001"
    assert "HT-7X24-0001" in note.body
    entry = AuditEntry.objects.get(action="ticket.server", object_id=str(ticket.pk))
    assert entry.changes["server"] == [None, critical_server.pk]
    assert entry.changes["entitled"] == [False, True]


def test_changing_the_server_re_targets_the_running_clocks_with_a_ledger_entry(
    at_work: None,
    customer_a: Organisation,
    contact_a: Contact,
    warranty_server: Server,
    critical_server: Server,
    engineer: User,
) -> None:
    ticket = open_request(customer_a, contact_a, warranty_server)
    assert ticket.priority == "P3"
    assert clocks(ticket)["resolution"].target_minutes == 1620  # basic warranty, P3
    with time_machine.travel(OPENED + datetime.timedelta(hours=1), tick=False):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)
    resolution = clocks(ticket)["resolution"]
    assert resolution.target_minutes == 4320  # 7×24×4, P3
    entry = ClockEntry.objects.get(clock=resolution, kind="retargeted")
    assert entry.data["previous"] == 1620


def test_clearing_the_server_asks_for_a_time_and_materials_decision(
    at_work: None, customer_a: Organisation, contact_a: Contact, critical_server: Server, engineer: User
) -> None:
    ticket = open_request(customer_a, contact_a, critical_server)
    assert ticket.entitled is True
    services.set_ticket_server(actor=engineer, ticket=ticket, server=None)
    ticket.refresh_from_db()
    assert (ticket.server, ticket.entitled, ticket.time_and_materials) == (None, False, "pending")
    assert ticket.entitlement["rule"] == "no_server"


def test_another_organisations_server_is_refused_and_nothing_changes(
    at_work: None,
    customer_a: Organisation,
    contact_a: Contact,
    server_b: Server,
    engineer: User,
) -> None:
    ticket = open_request(customer_a, contact_a)
    before = TicketEvent.objects.filter(ticket=ticket).count()
    with pytest.raises(ServiceError) as raised:
        services.set_ticket_server(actor=engineer, ticket=ticket, server=server_b)
    assert raised.value.fields == {"server": ["The server belongs to another organisation."]}
    ticket.refresh_from_db()
    assert ticket.server is None
    assert TicketEvent.objects.filter(ticket=ticket).count() == before


def test_customers_cannot_set_the_server(
    customer_a: Organisation, contact_a: Contact, customer_user: User, critical_server: Server
) -> None:
    ticket = open_request(customer_a, contact_a)
    with pytest.raises(PermissionDenied):
        services.set_ticket_server(actor=customer_user, ticket=ticket, server=critical_server)


def test_a_closed_request_keeps_its_server(
    customer_a: Organisation, contact_a: Contact, critical_server: Server, engineer: User
) -> None:
    ticket = open_request(customer_a, contact_a)
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    with pytest.raises(Conflict):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)


def test_setting_the_same_server_again_changes_nothing(
    customer_a: Organisation, contact_a: Contact, critical_server: Server, engineer: User
) -> None:
    ticket = open_request(customer_a, contact_a, critical_server)
    services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.UPDATED).exists()


# --- The page ------------------------------------------------------------------------------------


@pytest.fixture
def agent_client(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> Client:
    return client_for(make_user(Role.AGENT, language="en"))


def test_page_sets_the_server_by_serial_in_any_case(
    agent_client: Client, customer_a: Organisation, contact_a: Contact, critical_server: Server
) -> None:
    ticket = open_request(customer_a, contact_a)
    page = agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="server-form"' in page
    response = agent_client.post(
        reverse("tickets:server", args=[ticket.number]), {"server": "7x24srv01", "reason": ""}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.server == critical_server
    page = response.content.decode()
    assert 'data-testid="server-change"' in page
    assert "Covered by contract HT-7X24-0001" in page


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("XYZ9876", "The server belongs to another organisation."),
        ("NOSUCH01", "No server has this serial number, asset tag or host name."),
        ("", "Give the serial number, asset tag or host name."),
    ],
)
def test_page_names_what_is_wrong_and_changes_nothing(
    agent_client: Client,
    customer_a: Organisation,
    contact_a: Contact,
    server_b: Server,
    identifier: str,
    message: str,
) -> None:
    ticket = open_request(customer_a, contact_a)
    response = agent_client.post(
        reverse("tickets:server", args=[ticket.number]), {"server": identifier}, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.server is None


def test_customers_get_no_server_form(
    client_for: Callable[[User], Client],
    customer_user: User,
    customer_a: Organisation,
    contact_a: Contact,
    critical_server: Server,
) -> None:
    ticket = open_request(customer_a, contact_a)
    client = client_for(customer_user)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="server-form"' not in page
    response = client.post(reverse("tickets:server", args=[ticket.number]), {"server": "7X24SRV01"})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.server is None


# --- The API -------------------------------------------------------------------------------------


def url(ticket: Ticket) -> str:
    return f"/api/v1/tickets/{ticket.number}/"


@pytest.fixture
def agent_api(make_user: Callable[..., User], api_for: Callable[[User], APIClient]) -> APIClient:
    return api_for(make_user(Role.AGENT, language="en"))


def test_api_sets_the_server_by_id_and_by_identifier(
    agent_api: APIClient,
    customer_a: Organisation,
    contact_a: Contact,
    critical_server: Server,
    warranty_server: Server,
) -> None:
    ticket = open_request(customer_a, contact_a)
    response = agent_api.patch(url(ticket), {"server": critical_server.pk}, format="json")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    assert (body["server"], body["server_serial"], body["entitled"]) == (
        critical_server.pk,
        "7X24SRV01",
        True,
    )
    assert body["server_hostname"] == "core-db-01.a.example"
    assert body["entitlement"]["rule"] == "contract"
    response = agent_api.patch(url(ticket), {"server_identifier": "warr0001"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["server"] == warranty_server.pk
    response = agent_api.patch(url(ticket), {"server": None}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["server"] is None
    assert response.json()["entitlement"]["rule"] == "no_server"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"server": "foreign"}, "server"),
        ({"server": 999999}, "server"),
        ({"server_identifier": "XYZ9876"}, "server"),
        ({"server": "own", "server_identifier": "WARR0001"}, "server_identifier"),
        ({"server": "not-a-number"}, "server"),
    ],
)
def test_api_bad_server_is_a_4xx_naming_the_field(
    agent_api: APIClient,
    customer_a: Organisation,
    contact_a: Contact,
    server_b: Server,
    critical_server: Server,
    payload: dict[str, Any],
    field: str,
) -> None:
    ticket = open_request(customer_a, contact_a)
    values = {"foreign": server_b.pk, "own": critical_server.pk}
    data = {k: values.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    response = agent_api.patch(url(ticket), data, format="json")
    assert response.status_code == 400, response.content
    assert field in str(response.json())
    ticket.refresh_from_db()
    assert ticket.server is None


def test_api_customer_cannot_set_the_server(
    api_for: Callable[[User], APIClient],
    customer_user: User,
    customer_a: Organisation,
    contact_a: Contact,
    critical_server: Server,
) -> None:
    ticket = open_request(customer_a, contact_a)
    response = api_for(customer_user).patch(url(ticket), {"server": critical_server.pk}, format="json")
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.server is None


def test_priority_rerate_after_the_server_uses_the_new_terms(
    at_work: None,
    customer_a: Organisation,
    contact_a: Contact,
    warranty_server: Server,
    critical_server: Server,
    engineer: User,
) -> None:
    ticket = open_request(customer_a, contact_a, warranty_server)
    services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)
    services.change_priority(actor=engineer, ticket=ticket, impact=Level.HIGH, urgency=Level.HIGH)
    assert clocks(ticket)["resolution"].target_minutes == 240  # 7×24×4, P1


# --- Coverage changed: the clocks are rebuilt for the new terms ---------------------------------

FRIDAY = datetime.datetime(2026, 3, 6, 17, 30, tzinfo=SH)  # half an hour before a 5×9 weekend


def open_p2(organisation: Organisation, contact: Contact, server: Server | None = None) -> Ticket:
    """A P2 hardware replacement (on-site clock from the start when the terms have one)."""
    ticket = services.create_ticket(
        actor=None,
        organisation=organisation,
        requester=contact,
        server=server,
        title="Disk failed",
        impact=Level.HIGH,
        urgency=Level.MEDIUM,
        service_kind="hardware_replacement",
    )
    assert ticket.priority == "P2"
    return ticket


def coverage_lines(ticket: Ticket) -> dict[str, list[ClockEntry]]:
    lines: dict[str, list[ClockEntry]] = {}
    for entry in ClockEntry.objects.filter(clock__ticket=ticket, reason="coverage changed").select_related(
        "clock"
    ):
        lines.setdefault(entry.clock.kind, []).append(entry)
    return lines


def assert_verify_clean(ticket: Ticket, now: datetime.datetime) -> None:
    from django.core.management import call_command

    from sasms.sla.clocks.replay import verify

    assert verify(ticket_ids=[ticket.pk], now=now) == (1, [])
    with time_machine.travel(now, tick=False):
        call_command("sla", "verify", "--ticket", ticket.number, stdout=io.StringIO())


def test_time_and_materials_request_named_on_a_7x24x4_server_starts_every_clock_on_7x24(
    customer_a: Organisation, contact_a: Contact, critical_server: Server, engineer: User
) -> None:
    from sasms.integrations.events import event_types

    with time_machine.travel(FRIDAY, tick=False):
        ticket = open_p2(customer_a, contact_a)
    before = clocks(ticket)
    assert set(before) == {"response"}  # time and materials: a first response only, 5×9
    assert before["response"].calendar.code == "cn-5x9"
    assert before["response"].due_at == datetime.datetime(2026, 3, 9, 9, 30, tzinfo=SH)
    changed_at = FRIDAY + datetime.timedelta(minutes=15)
    with time_machine.travel(changed_at, tick=False):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)
    after = clocks(ticket)
    assert set(after) == {"response", "dispatch", "onsite", "resolution"}
    # As if the request had carried the contract from its creation: due = created + target on 7×24.
    expected = {"response": 60, "dispatch": 60, "onsite": 240, "resolution": 480}
    for kind, target in expected.items():
        clock = after[kind]
        assert clock.calendar.code == "7x24", kind
        assert (clock.state, clock.target_minutes, clock.breached_at) == ("running", target, None), kind
        assert clock.started_at == FRIDAY, kind
        assert clock.due_at == FRIDAY + datetime.timedelta(minutes=target), kind
    lines = coverage_lines(ticket)
    assert {kind: len(entries) for kind, entries in lines.items()} == dict.fromkeys(expected, 1)
    assert lines["response"][0].kind == "retargeted"
    assert lines["response"][0].data["from"]["coverage_hours"] == "5x9"
    assert lines["response"][0].data["to"]["coverage_hours"] == "7x24"
    assert lines["response"][0].data["to"]["contract"] == "HT-7X24-0001"
    assert lines["resolution"][0].kind == "started"
    assert lines["resolution"][0].consumed_minutes == 15  # business time since creation, on 7×24
    # A coverage note on the timeline, no priority change (so no priority_changed webhook).
    events = list(TicketEvent.objects.filter(ticket=ticket))
    assert not [e for e in events if e.kind == EventKind.PRIORITY]
    assert not [e for e in events if "ticket.priority_changed" in event_types(e)]
    assert [e.kind for e in events if "sla_coverage" in e.data] == [EventKind.NOTE]
    assert_verify_clean(ticket, changed_at + datetime.timedelta(minutes=1))


def test_covered_request_losing_its_server_stops_the_dropped_clocks_and_withdraws_the_breach(
    customer_a: Organisation, contact_a: Contact, critical_server: Server, engineer: User
) -> None:
    from sasms.sla.clocks.services import sweep

    with time_machine.travel(FRIDAY, tick=False):
        ticket = open_p2(customer_a, contact_a, critical_server)
    assert set(clocks(ticket)) == {"response", "dispatch", "onsite", "resolution"}
    swept_at = FRIDAY + datetime.timedelta(minutes=90)
    with time_machine.travel(swept_at, tick=False):
        sweep(now=swept_at)
    breached = clocks(ticket)
    # 60 minutes on 7×24: response and dispatch were breached at 18:30.
    assert breached["response"].breached_at == FRIDAY + datetime.timedelta(minutes=60)
    assert breached["dispatch"].breached_at == FRIDAY + datetime.timedelta(minutes=60)
    changed_at = swept_at + datetime.timedelta(minutes=5)
    with time_machine.travel(changed_at, tick=False):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=None)
    after = clocks(ticket)
    response = after["response"]
    # Time and materials, P2: a first response in 60 minutes of 5×9 — due Monday, not breached.
    assert response.calendar.code == "cn-5x9"
    assert (response.state, response.target_minutes, response.breached_at) == ("running", 60, None)
    assert response.due_at == datetime.datetime(2026, 3, 9, 9, 30, tzinfo=SH)
    for kind in ("dispatch", "onsite", "resolution"):
        assert (after[kind].state, after[kind].breached_at, after[kind].next_check_at) == (
            "stopped",
            None,
            None,
        ), kind
    lines = coverage_lines(ticket)
    assert {kind: len(entries) for kind, entries in lines.items()} == dict.fromkeys(
        ("response", "dispatch", "onsite", "resolution"), 1
    )
    # The withdrawn breach stays on record in the ledger.
    assert lines["response"][0].data["breach_withdrawn"] == response_breach_iso(breached["response"])
    assert lines["dispatch"][0].kind == "stopped"
    assert lines["dispatch"][0].data["breach_withdrawn"] == response_breach_iso(breached["dispatch"])
    assert "breach_withdrawn" not in lines["resolution"][0].data
    assert_verify_clean(ticket, changed_at + datetime.timedelta(minutes=1))


def response_breach_iso(clock: SlaClock) -> str:
    assert clock.breached_at is not None
    return clock.breached_at.isoformat()


def test_a_met_response_stays_met_and_is_judged_on_the_new_terms(
    customer_a: Organisation, contact_a: Contact, critical_server: Server, engineer: User
) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        ticket = open_p2(customer_a, contact_a)
    replied_at = FRIDAY + datetime.timedelta(minutes=20)
    with time_machine.travel(replied_at, tick=False):
        services.add_comment(actor=engineer, ticket=ticket, body="Looking into it.")
    assert clocks(ticket)["response"].state == "met"
    changed_at = FRIDAY + datetime.timedelta(minutes=45)
    with time_machine.travel(changed_at, tick=False):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)
    response = clocks(ticket)["response"]
    assert (response.state, response.met_at, response.breached_at) == ("met", replied_at, None)
    assert (response.calendar.code, response.target_minutes) == ("7x24", 60)
    assert response.consumed_minutes == 20
    line = coverage_lines(ticket)["response"]
    assert len(line) == 1
    assert line[0].data["previous_calendar"] != response.calendar_id
    # The update clock started at the first public reply, as the contract would have had it.
    update = clocks(ticket)["update"]
    assert (update.started_at, update.target_minutes, update.state) == (replied_at, 120, "running")
    assert_verify_clean(ticket, changed_at + datetime.timedelta(minutes=1))


def test_a_response_met_late_on_the_new_terms_is_recorded_as_breached(
    customer_a: Organisation, contact_a: Contact, critical_server: Server, engineer: User
) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        ticket = open_p2(customer_a, contact_a)
    replied_at = FRIDAY + datetime.timedelta(minutes=75)  # within 5×9 terms, late on 7×24
    with time_machine.travel(replied_at, tick=False):
        services.add_comment(actor=engineer, ticket=ticket, body="Looking into it.")
    assert clocks(ticket)["response"].breached_at is None
    changed_at = FRIDAY + datetime.timedelta(minutes=80)
    with time_machine.travel(changed_at, tick=False):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)
    response = clocks(ticket)["response"]
    assert (response.state, response.met_at) == ("met", replied_at)
    assert response.breached_at == FRIDAY + datetime.timedelta(minutes=60)
    assert coverage_lines(ticket)["response"][0].data["breached"] == response.breached_at.isoformat()
    assert_verify_clean(ticket, changed_at + datetime.timedelta(minutes=1))


def test_pauses_recorded_so_far_count_in_the_new_clocks(
    customer_a: Organisation, contact_a: Contact, critical_server: Server, engineer: User
) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        ticket = open_p2(customer_a, contact_a)
    with time_machine.travel(FRIDAY + datetime.timedelta(minutes=2), tick=False):
        services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
        services.transition_ticket(actor=engineer, ticket=ticket, action="start")
    with time_machine.travel(FRIDAY + datetime.timedelta(minutes=10), tick=False):
        services.transition_ticket(actor=engineer, ticket=ticket, action="wait_customer")
    changed_at = FRIDAY + datetime.timedelta(minutes=40)
    with time_machine.travel(changed_at, tick=False):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)
    resolution = clocks(ticket)["resolution"]
    # The 7×24×4 product pauses the resolution clock while the request waits for the customer.
    assert (resolution.state, resolution.consumed_minutes, resolution.due_at) == ("paused", 10, None)
    # Assigned two minutes in: the dispatch commitment the contract brings was met then.
    dispatch = clocks(ticket)["dispatch"]
    assert (dispatch.state, dispatch.met_at) == ("met", FRIDAY + datetime.timedelta(minutes=2))
    assert_verify_clean(ticket, changed_at + datetime.timedelta(minutes=1))


def test_changing_back_and_forth_keeps_one_line_per_clock_per_change_and_verify_clean(
    customer_a: Organisation, contact_a: Contact, critical_server: Server, engineer: User
) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        ticket = open_p2(customer_a, contact_a)
    with time_machine.travel(FRIDAY + datetime.timedelta(minutes=5), tick=False):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)
    with time_machine.travel(FRIDAY + datetime.timedelta(minutes=10), tick=False):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=None)
    changed_at = FRIDAY + datetime.timedelta(minutes=15)
    with time_machine.travel(changed_at, tick=False):
        services.set_ticket_server(actor=engineer, ticket=ticket, server=critical_server)
    lines = coverage_lines(ticket)
    assert {kind: len(entries) for kind, entries in lines.items()} == {
        "response": 3,
        "dispatch": 3,
        "onsite": 3,
        "resolution": 3,
    }
    after = clocks(ticket)
    assert after["resolution"].state == "running"
    assert after["resolution"].due_at == FRIDAY + datetime.timedelta(minutes=480)
    assert_verify_clean(ticket, changed_at + datetime.timedelta(minutes=1))


def test_api_patch_and_page_rebuild_the_clocks(
    agent_api: APIClient,
    agent_client: Client,
    customer_a: Organisation,
    contact_a: Contact,
    critical_server: Server,
) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        by_api = open_p2(customer_a, contact_a)
        by_page = open_p2(customer_a, contact_a)
    changed_at = FRIDAY + datetime.timedelta(minutes=15)
    with time_machine.travel(changed_at, tick=False):
        patched = agent_api.patch(url(by_api), {"server": critical_server.pk}, format="json")
        assert patched.status_code == 200, patched.content
        posted = agent_client.post(
            reverse("tickets:server", args=[by_page.number]), {"server": "7X24SRV01"}, follow=True
        )
        assert posted.status_code == 200
        page = posted.content.decode()
    assert 'data-testid="coverage-changed"' in page
    for ticket in (by_api, by_page):
        resolution = clocks(ticket)["resolution"]
        assert resolution.due_at == FRIDAY + datetime.timedelta(minutes=480)
        assert set(coverage_lines(ticket)) == {"response", "dispatch", "onsite", "resolution"}
        assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PRIORITY).exists()
        assert_verify_clean(ticket, changed_at + datetime.timedelta(minutes=1))


def test_verify_still_reports_a_stopped_clock_the_terms_never_had(
    customer_a: Organisation, contact_a: Contact
) -> None:
    from sasms.sla.clocks.replay import verify
    from sasms.sla.models import BusinessCalendar

    with time_machine.travel(FRIDAY, tick=False):
        ticket = open_p2(customer_a, contact_a)
    # Written some other way than a coverage change: no ledger line explains it.
    SlaClock.objects.create(
        ticket=ticket,
        kind="resolution",
        calendar=BusinessCalendar.objects.get(code="7x24"),
        target_minutes=480,
        started_at=FRIDAY,
        state="stopped",
    )
    checked, differences = verify(ticket_ids=[ticket.pk], now=FRIDAY + datetime.timedelta(minutes=5))
    assert checked == 1
    assert [(d.clock, d.field, d.stored) for d in differences] == [("resolution", "clock", "present")]
