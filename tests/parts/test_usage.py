"""Parts used on a field visit (the field app's timeline event): the reservation is consumed, the
server's component history records the swap, the defective part is expected back — and nothing
about a bad part number ever breaks the visit."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from sasms.accounts.models import User
from sasms.assets.models import Component
from sasms.parts import services
from sasms.parts.models import DefectiveReturn, Depot, Movement, Part, Problem, SerialUnit
from sasms.parts.reconcile import reconcile
from sasms.parts.services import usage
from sasms.tickets.choices import EventKind
from sasms.tickets.events import record_event
from sasms.tickets.models import Ticket, TicketEvent
from tests.parts.conftest import balance

pytestmark = pytest.mark.django_db


def used(ticket: Ticket, actor: User, **data: Any) -> TicketEvent:
    """What ``sasms.field`` records when an engineer enters a part on the phone."""
    at = data.pop("occurred_at", timezone.now() - datetime.timedelta(minutes=5))
    payload = {
        "step": "used",
        "visit_id": 7,
        "quantity": 1,
        "serial": "",
        "removed_serial": "",
        "occurred_at": at.isoformat(),
    }
    payload.update(data)
    return record_event(ticket=ticket, actor=actor, kind=EventKind.PARTS, data=payload)


def test_used_part_consumes_the_reservation_and_records_the_swap(
    field_engineer: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["sh"], 3)
    reservation = services.reserve_part(actor=field_engineer, ticket=ticket, part=disk, depot=depots["sh"])
    at = timezone.now()  # on site after the reservation, in the same minute
    used(
        ticket,
        field_engineer,
        part_number="DISK-4T",
        serial="NEW-DISK-9",
        removed_serial="OLD-DISK-3",
        occurred_at=at,
    )
    reservation.refresh_from_db()
    assert (reservation.status, reservation.consumed_quantity, reservation.delivered_at) == (
        "consumed",
        1,
        at,
    )
    assert balance(disk, depots["sh"]) == (2, 0)
    issue = Movement.objects.get(kind="issue")
    assert (issue.reservation_id, issue.ticket_id, issue.serial, issue.occurred_at) == (
        reservation.pk,
        ticket.pk,
        "NEW-DISK-9",
        at,
    )
    steps = [
        e.data["step"] for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PARTS).order_by("id")
    ]
    assert steps == ["reserved", "used", "delivered"]  # used on site: so it was delivered there
    delivered = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PARTS).order_by("id").last()
    assert delivered is not None
    assert delivered.data == {"step": "delivered", "occurred_at": at.isoformat()}
    old = Component.objects.get(serial="OLD-DISK-3")
    assert old.removed_at == at
    assert old.service_request_ref == ticket.number
    new = Component.objects.get(serial="NEW-DISK-9")
    assert (new.server_id, new.slot, new.part_number, new.removed_at) == (
        ticket.server_id,
        "DISK3",
        "DISK-4T",
        None,
    )
    item = DefectiveReturn.objects.get()
    assert (item.depot_id, item.removed_serial, item.component_id, item.status) == (
        depots["sh"].pk,
        "OLD-DISK-3",
        old.pk,
        "expected",
    )
    assert item.due_date == timezone.localdate(at) + datetime.timedelta(days=10)
    assert not Problem.objects.exists()
    assert reconcile().ok


def test_used_without_reservation_issues_from_the_nearest_depot(
    field_engineer: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["bj"], 5)
    stock(disk, depots["hz"], 5)
    used(ticket, field_engineer, part_number="disk-4t", quantity=2)
    assert balance(disk, depots["hz"]) == (3, 0)
    assert balance(disk, depots["bj"]) == (5, 0)
    assert DefectiveReturn.objects.get().depot_id == depots["hz"].pk
    assert reconcile().ok


def test_a_substitute_used_consumes_the_reservation_of_the_original(
    field_engineer: User,
    disk: Part,
    disk_sub: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 1)
    reservation = services.reserve_part(actor=field_engineer, ticket=ticket, part=disk, depot=depots["sh"])
    used(ticket, field_engineer, part_number="DISK-4T-B")
    reservation.refresh_from_db()
    assert reservation.status == "consumed"
    assert balance(disk, depots["sh"]) == (0, 0)


def test_unknown_part_number_never_breaks_the_visit(
    field_engineer: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["sh"], 1)
    event = used(ticket, field_engineer, part_number="NO-SUCH-PART", serial="X1", removed_serial="OLD-DISK-3")
    assert TicketEvent.objects.filter(pk=event.pk).exists()
    problem = Problem.objects.get()
    assert (problem.kind, problem.part_number, problem.ticket_id) == (
        "unknown_part",
        "NO-SUCH-PART",
        ticket.pk,
    )
    assert not Movement.objects.filter(kind="issue").exists()
    # The swap on the server is history all the same.
    assert Component.objects.get(serial="OLD-DISK-3").removed_at is not None


def test_no_stock_and_unknown_removed_serial_become_problems(
    field_engineer: User, disk: Part, ticket: Ticket, depots: dict[str, Depot]
) -> None:
    used(ticket, field_engineer, part_number="DISK-4T", removed_serial="NOT-IN-SERVER")
    assert sorted(Problem.objects.values_list("kind", flat=True)) == ["no_stock", "removed_serial_unknown"]
    assert not DefectiveReturn.objects.exists()


def test_a_failing_booking_is_rolled_back_and_reported(
    field_engineer: User,
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stock(disk, depots["sh"], 1)
    real = usage._issue

    def broken(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # the issue is written, then something fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(usage, "_issue", broken)
    event = used(ticket, field_engineer, part_number="DISK-4T", removed_serial="OLD-DISK-3")
    assert TicketEvent.objects.filter(pk=event.pk).exists()
    problem = Problem.objects.get()
    assert problem.kind == "booking_failed"
    assert "disk full" in problem.details["error"]
    assert balance(disk, depots["sh"]) == (1, 0)  # nothing half-booked
    assert Component.objects.get(serial="OLD-DISK-3").removed_at is None
    assert reconcile().ok


def test_serialised_unit_is_tracked_into_the_server(
    field_engineer: User,
    clerk: User,
    board: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(board, depots["central"], 2, serials=["MB-A", "MB-B"])
    services.reserve_part(actor=clerk, ticket=ticket, part=board, depot=depots["central"])
    used(ticket, field_engineer, part_number="MB-R750", serial="MB-B")
    unit = SerialUnit.objects.get(serial="MB-B")
    assert (unit.status, unit.server_id, unit.depot_id) == ("installed", ticket.server_id, None)
    used(ticket, field_engineer, part_number="MB-R750", serial="MB-UNKNOWN")
    assert list(Problem.objects.values_list("kind", flat=True)) == ["serial_not_in_stock"]
