"""A contract that promises new parts: refurbished stock is refused unless someone allowed to
override gives a reason, and the override is kept on the reservation, the timeline and the audit."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server
from sasms.contracts import services as contract_services
from sasms.contracts.models import Contract, ContractStatus, ServiceProduct
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.parts import services
from sasms.parts.models import Depot, Movement, Part, Reservation
from sasms.parts.quality import new_parts_required
from sasms.parts.services.reservations import NewPartsRequired
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent
from tests.parts.conftest import balance

pytestmark = pytest.mark.django_db


def _contract(organisation: Organisation, server: Server, code: str) -> Contract:
    today = datetime.date.today()
    contract = contract_services.create_contract(
        actor=None,
        number=f"HT-{code}",
        organisation=organisation,
        product=ServiceProduct.objects.get(code=code),
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=300),
    )
    contract_services.cover_servers(actor=None, contract=contract, servers=[server])
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ACTIVE)
    return contract


@pytest.fixture
def new_only_ticket(customer_a: Organisation, server_a: Server) -> Ticket:
    """A request on a server under a 5×9 NBD contract, whose product promises new parts."""
    _contract(customer_a, server_a, "nbd-5x9")
    ticket = ticket_services.create_ticket(
        actor=None,
        organisation=customer_a,
        server=server_a,
        title="Disk 3 failed",
        component="disk",
        impact="1",
        urgency="1",
    )
    assert new_parts_required(ticket)
    return ticket


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en")


def test_warranty_request_may_take_refurbished_parts(
    engineer: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    assert not new_parts_required(ticket)
    stock(disk, depots["sh"], 1, condition="refurbished")
    reservation = services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"])
    assert reservation.condition == "refurbished"
    assert reservation.quality_override_reason == ""


def test_new_only_contract_refuses_refurbished_and_changes_nothing(
    engineer: User,
    disk: Part,
    depots: dict[str, Depot],
    new_only_ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 2, condition="refurbished")
    events = TicketEvent.objects.filter(ticket=new_only_ticket).count()
    movements = Movement.objects.count()
    # Left to choose, the service used to fall back to the refurbished shelf without a word.
    with pytest.raises(NewPartsRequired) as refused:
        services.reserve_part(actor=engineer, ticket=new_only_ticket, part=disk, depot=depots["sh"])
    assert refused.value.status == 409
    assert "requires new parts" in refused.value.fields["condition"][0]
    with pytest.raises(NewPartsRequired):
        services.reserve_part(
            actor=engineer,
            ticket=new_only_ticket,
            part=disk,
            depot=depots["sh"],
            condition="refurbished",
        )
    assert not Reservation.objects.exists()
    assert balance(disk, depots["sh"], "refurbished") == (2, 0)
    assert TicketEvent.objects.filter(ticket=new_only_ticket).count() == events
    assert Movement.objects.count() == movements


def test_new_only_contract_takes_new_stock_before_anything(
    engineer: User,
    disk: Part,
    depots: dict[str, Depot],
    new_only_ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 3, condition="refurbished")
    stock(disk, depots["sh"], 1)
    reservation = services.reserve_part(actor=engineer, ticket=new_only_ticket, part=disk, depot=depots["sh"])
    assert reservation.condition == "new"
    with pytest.raises(NewPartsRequired):
        services.reserve_part(actor=engineer, ticket=new_only_ticket, part=disk, depot=depots["sh"])


def test_override_needs_permission_and_a_reason_and_is_audited(
    engineer: User,
    clerk: User,
    manager: User,
    disk: Part,
    depots: dict[str, Depot],
    new_only_ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 2, condition="refurbished")
    with pytest.raises(PermissionDenied) as denied:
        services.reserve_part(
            actor=engineer,
            ticket=new_only_ticket,
            part=disk,
            depot=depots["sh"],
            override_reason="customer agreed on the phone",
        )
    assert "override_reason" in denied.value.fields
    with pytest.raises(NewPartsRequired):  # blank reason: no override at all
        services.reserve_part(
            actor=clerk, ticket=new_only_ticket, part=disk, depot=depots["sh"], override_reason="   "
        )
    assert not Reservation.objects.exists()

    reason = "No new unit in the region before the P1 deadline; customer agreed"
    reservation = services.reserve_part(
        actor=clerk, ticket=new_only_ticket, part=disk, depot=depots["sh"], override_reason=reason
    )
    assert (reservation.condition, reservation.quality_override_reason) == ("refurbished", reason)
    entry = AuditEntry.objects.get(action="parts.reservation.quality_override")
    assert entry.actor_id == clerk.pk
    assert entry.changes["override_reason"] == [None, reason]
    assert entry.changes["condition"] == ["new", "refurbished"]
    event = TicketEvent.objects.get(
        ticket=new_only_ticket, kind=EventKind.PARTS, data__step="quality_override"
    )
    assert reason in event.body
    assert not event.public
    # A service manager may override too.
    second = services.reserve_part(
        actor=manager, ticket=new_only_ticket, part=disk, depot=depots["sh"], override_reason=reason
    )
    assert second.condition == "refurbished"


def test_override_on_a_contract_that_allows_refurbished_is_refused(
    clerk: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["sh"], 1, condition="refurbished")
    with pytest.raises(ServiceError) as refused:
        services.reserve_part(
            actor=clerk, ticket=ticket, part=disk, depot=depots["sh"], override_reason="because"
        )
    assert "override_reason" in refused.value.fields
    assert not Reservation.objects.exists()


def test_api_refuses_refurbished_with_409_and_accepts_an_override(
    engineer: User,
    clerk: User,
    api_for: Callable[[User], APIClient],
    disk: Part,
    depots: dict[str, Depot],
    new_only_ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 1, condition="refurbished")
    body = {"ticket": new_only_ticket.number, "part": "DISK-4T", "depot": "sh-fsl"}
    refused = api_for(engineer).post("/api/v1/part-reservations/", body, format="json")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "new_parts_required"
    assert "condition" in error["fields"]
    explicit = api_for(engineer).post(
        "/api/v1/part-reservations/", {**body, "condition": "refurbished"}, format="json"
    )
    assert explicit.status_code == 409
    denied = api_for(engineer).post(
        "/api/v1/part-reservations/", {**body, "override_reason": "agreed"}, format="json"
    )
    assert denied.status_code == 403
    assert "override_reason" in denied.json()["error"]["fields"]
    assert not Reservation.objects.exists()
    # Without a depot the planner also looks at refurbished stock once an override is given.
    accepted = api_for(clerk).post(
        "/api/v1/part-reservations/",
        {"ticket": new_only_ticket.number, "part": "DISK-4T", "override_reason": "agreed by phone"},
        format="json",
    )
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["condition"] == "refurbished"
    assert accepted.json()["quality_override_reason"] == "agreed by phone"


def test_page_refuses_refurbished_and_offers_the_override_to_managers_only(
    working_morning: None,
    engineer: User,
    manager: User,
    client_for: Callable[[User], Client],
    disk: Part,
    depots: dict[str, Depot],
    new_only_ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 1, condition="refurbished")
    url = reverse("parts:request_reserve", args=[new_only_ticket.number])
    engineer_client = client_for(engineer)
    page = engineer_client.get(reverse("tickets:detail", args=[new_only_ticket.number]))
    assert b'data-testid="new-parts-only"' in page.content
    assert b'data-testid="reserve-override"' not in page.content
    refused = engineer_client.post(
        url, {"part": disk.pk, "depot": depots["sh"].pk, "quantity": 1}, follow=True
    )
    assert b"requires new parts" in refused.content
    assert not Reservation.objects.exists()

    manager_client = client_for(manager)
    page = manager_client.get(reverse("tickets:detail", args=[new_only_ticket.number]))
    assert b'data-testid="reserve-override"' in page.content
    done = manager_client.post(
        url,
        {"part_number": "disk-4t", "quantity": 1, "override_reason": "customer agreed"},
        follow=True,
    )
    assert done.status_code == 200
    reservation = Reservation.objects.get()
    assert (reservation.condition, reservation.quality_override_reason) == ("refurbished", "customer agreed")
    assert f'data-testid="quality-override-{reservation.pk}"'.encode() in done.content
