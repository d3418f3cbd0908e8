"""A request gains (or changes, or loses) its server after it was opened: page, API and service.

The entitlement is taken again at the request's creation instant, the SLA clocks move to the new
targets with a ledger entry, the timeline and the audit log say what happened.
"""

import datetime
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
    retarget = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PRIORITY)
    assert retarget.public is False
    assert retarget.data["priority"] == [ticket.priority, ticket.priority]
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
