"""Reservations for a request: free stock, alternatives when short, the timeline events the SLA
engine's parts clock runs on, and choosing the depot that meets the SLA."""

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from sasms.accounts.models import User
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.parts import services
from sasms.parts.deadlines import part_deadline
from sasms.parts.models import Depot, Movement, Part
from sasms.parts.planner import plan_parts
from sasms.parts.reconcile import reconcile
from sasms.sla.deadlines import deadlines_for
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent
from tests.parts.conftest import balance

pytestmark = pytest.mark.django_db


def parts_events(ticket: Ticket) -> list[dict[str, object]]:
    return [e.data for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PARTS).order_by("id")]


def test_reserve_holds_stock_and_starts_the_parts_clock(
    engineer: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["sh"], 2)
    reservation = services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"])
    assert balance(disk, depots["sh"]) == (2, 1)
    assert (reservation.status, reservation.condition, reservation.quantity) == ("reserved", "new", 1)
    # Picked at once and driven ~3 km from a 4-hour depot: well within the hour.
    assert reservation.eta is not None
    assert reservation.eta - reservation.created_at < datetime.timedelta(hours=1)
    [data] = parts_events(ticket)
    assert set(data) == {"step", "occurred_at", "depot", "eta"}
    assert (data["step"], data["depot"]) == ("reserved", "sh-fsl")
    assert datetime.datetime.fromisoformat(str(data["eta"])) == reservation.eta
    clocks = {d.clock: d for d in deadlines_for([ticket.pk])[ticket.pk]}
    assert clocks["parts"].state == "running"


def test_delivery_meets_the_parts_clock_once_nothing_is_on_its_way(
    engineer: User,
    disk: Part,
    board: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 2)
    stock(board, depots["central"], 1, serials=["MB-1"])
    first = services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"])
    second = services.reserve_part(actor=engineer, ticket=ticket, part=board, depot=depots["central"])
    services.mark_delivered(actor=engineer, reservation=first)
    assert [d["step"] for d in parts_events(ticket)] == [
        "reserved",
        "reserved",
    ]  # the board is still on its way
    services.mark_delivered(actor=engineer, reservation=second)
    last = parts_events(ticket)[-1]
    assert set(last) == {"step", "occurred_at"}
    assert last["step"] == "delivered"
    clocks = {d.clock: d for d in deadlines_for([ticket.pk])[ticket.pk]}
    assert clocks["parts"].state == "met"
    with pytest.raises(Conflict):
        services.mark_delivered(actor=engineer, reservation=first)


def test_not_available_names_other_depots_and_substitutes(
    engineer: User,
    disk: Part,
    disk_sub: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 1)
    stock(disk, depots["hz"], 3)
    stock(disk, depots["bj"], 5)
    stock(disk_sub, depots["central"], 2)
    before = Movement.objects.count()
    with pytest.raises(services.NotAvailable) as error:
        services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"], quantity=2)
    found = [(a.part_number, a.depot_code, a.available, a.substitute) for a in error.value.alternatives]
    # Nearest first (from the site), the part itself before its substitutes.
    assert found == [
        ("DISK-4T", "hz-fsl", 3, False),
        ("DISK-4T", "bj-rdc", 5, False),
        ("DISK-4T-B", "sh-central", 2, True),
    ]
    message = error.value.message
    assert "Not available" in message
    assert "Hangzhou forward: 3" in message
    assert "substitute DISK-4T-B" in message
    assert error.value.fields["quantity"]
    assert parts_events(ticket) == []  # the timeline event went with the refused reservation
    assert Movement.objects.count() == before
    assert balance(disk, depots["sh"]) == (1, 0)


def test_bad_input_and_closed_requests_are_refused(
    engineer: User,
    field_engineer: User,
    clerk: User,
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 5)
    for quantity in (0, -1, 1000):
        with pytest.raises(ServiceError) as error:
            services.reserve_part(
                actor=engineer, ticket=ticket, part=disk, depot=depots["sh"], quantity=quantity
            )
        assert "quantity" in error.value.fields
    closed = services.update_depot(actor=clerk, depot=depots["hz"], is_active=False)
    with pytest.raises(ServiceError) as error:
        services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=closed)
    assert "depot" in error.value.fields
    Ticket.objects.filter(pk=ticket.pk).update(status="cancelled")
    ticket.refresh_from_db()
    with pytest.raises(ServiceError) as error:
        services.reserve_part(actor=field_engineer, ticket=ticket, part=disk, depot=depots["sh"])
    assert "ticket" in error.value.fields
    assert balance(disk, depots["sh"]) == (5, 0)


def test_parts_clerks_and_ticket_workers_reserve_others_do_not(
    make_user: Callable[..., User],
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 5)
    for role in ("parts_clerk", "engineer", "agent", "dispatcher"):
        services.reserve_part(actor=make_user(role), ticket=ticket, part=disk, depot=depots["sh"])
    with pytest.raises(ServiceError) as error:
        services.reserve_part(actor=make_user("customer"), ticket=ticket, part=disk, depot=depots["sh"])
    assert error.value.code == "not_found"
    assert balance(disk, depots["sh"]) == (5, 4)


def test_refurbished_stock_is_used_when_new_runs_out(
    engineer: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["sh"], 1)
    stock(disk, depots["sh"], 2, condition="refurbished")
    services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"], quantity=2)
    assert balance(disk, depots["sh"], "refurbished") == (2, 2)
    assert balance(disk, depots["sh"], "new") == (1, 0)


def test_the_depot_chosen_is_the_nearest_that_meets_the_sla(
    disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    # Monday 10:00 in Shanghai: a 4-hour depot drives now, a next-business-day depot delivers Tuesday noon.
    now = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)
    stock(disk, depots["central"], 4)  # ~28 km but next business day
    stock(disk, depots["hz"], 2)  # ~165 km, 4-hour depot: about 4 h on the road
    stock(disk, depots["bj"], 9)
    due_in_5h = now + datetime.timedelta(hours=5)
    plan = plan_parts(ticket, [disk], now=now, due=due_in_5h).plans[0]
    assert plan.best is not None
    assert plan.best.depot.code == "hz-fsl"
    assert plan.best.meets_sla is True
    assert [o.depot.code for o in plan.options] == ["hz-fsl", "sh-central", "bj-rdc"]
    assert plan.transfer is None
    # Within two days the nearer central warehouse is good enough, and nearest wins.
    relaxed = plan_parts(ticket, [disk], now=now, due=now + datetime.timedelta(days=2)).plans[0]
    assert relaxed.best is not None
    assert relaxed.best.depot.code == "sh-central"
    # Within one hour nobody makes it: the nearest with stock is offered with a transfer to the site's depot.
    tight = plan_parts(ticket, [disk], now=now, due=now + datetime.timedelta(hours=1)).plans[0]
    assert tight.best is not None
    assert tight.best.meets_sla is False
    assert tight.best.depot.code == "sh-central"
    assert tight.transfer is not None
    assert (tight.transfer.source.code, tight.transfer.target.code) == ("sh-central", "sh-fsl")
    # Two units: Hangzhou has only two free, so a request for three goes to the central warehouse.
    three = plan_parts(ticket, [disk], now=now, due=due_in_5h, quantity=3).plans[0]
    assert three.best is not None
    assert three.best.depot.code == "sh-central"


def test_part_deadline_is_the_on_site_clock_of_the_request(ticket: Ticket) -> None:
    clocks = {d.clock: d for d in deadlines_for([ticket.pk])[ticket.pk]}
    assert part_deadline(ticket.pk) == clocks["onsite"].due_at


def test_a_transfer_for_a_request_is_reserved_for_it_on_arrival(
    engineer: User,
    clerk: User,
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["bj"], 3)
    transfer = services.request_transfer(
        actor=engineer, ticket=ticket, part=disk, from_depot=depots["bj"], to_depot=depots["sh"], quantity=1
    )
    with pytest.raises(PermissionDenied):  # engineers ask; clerks ship
        services.ship_transfer(actor=engineer, transfer=transfer)
    services.ship_transfer(actor=clerk, transfer=transfer)
    services.receive_transfer(actor=clerk, transfer=transfer)
    [reservation] = ticket.part_reservations.all()
    assert (reservation.depot.code, reservation.status) == ("sh-fsl", "reserved")
    assert balance(disk, depots["sh"]) == (1, 1)
    assert balance(disk, depots["bj"]) == (2, 0)
    assert reconcile().ok


def test_reservations_are_timestamped_now(
    engineer: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["sh"], 1)
    before = timezone.now()
    reservation = services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"])
    assert before <= reservation.created_at <= timezone.now()
