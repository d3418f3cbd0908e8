"""Every movement type, its effect on the balance, the ledger that proves it, and refusals that
change nothing."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, transaction

from sasms.accounts.models import User
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.parts import services
from sasms.parts.models import Depot, Movement, Part, SerialUnit, StockBalance
from sasms.parts.reconcile import reconcile, repair
from sasms.tickets.models import Ticket
from tests.parts.conftest import balance

pytestmark = pytest.mark.django_db


def kinds() -> list[str]:
    return list(Movement.objects.order_by("id").values_list("kind", flat=True))


def test_receive_adds_on_hand_with_a_ledger_row_and_audit(
    clerk: User, disk: Part, depots: dict[str, Depot]
) -> None:
    moved = services.receive_stock(actor=clerk, part=disk, depot=depots["sh"], quantity=5, reference="PO-1")
    assert balance(disk, depots["sh"]) == (5, 0)
    assert [(m.kind, m.on_hand_delta, m.reserved_delta, m.reason) for m in moved] == [
        ("receive", 5, 0, "PO-1")
    ]
    assert moved[0].unit_cost == Decimal("1450.00")
    assert AuditEntry.objects.filter(action="parts.stock.receive", actor=clerk).count() == 1
    assert reconcile().ok


def test_refused_input_changes_nothing(clerk: User, disk: Part, depots: dict[str, Depot]) -> None:
    for quantity in (0, -3, "2", 1.5, True):
        with pytest.raises(ServiceError) as error:
            services.receive_stock(actor=clerk, part=disk, depot=depots["sh"], quantity=quantity)  # type: ignore[arg-type]
        assert "quantity" in error.value.fields
    with pytest.raises(ServiceError) as error:
        services.receive_stock(actor=clerk, part=disk, depot=depots["sh"], quantity=1, condition="defective")
    assert "condition" in error.value.fields
    with pytest.raises(ServiceError) as error:
        services.adjust_stock(
            actor=clerk, part=disk, depot=depots["sh"], condition="new", change=0, reason="x"
        )
    assert "change" in error.value.fields
    with pytest.raises(ServiceError) as error:
        services.adjust_stock(
            actor=clerk, part=disk, depot=depots["sh"], condition="new", change=2, reason=" "
        )
    assert "reason" in error.value.fields
    assert Movement.objects.count() == 0
    assert not StockBalance.objects.exclude(on_hand=0).exists()


def test_only_parts_clerks_move_stock(
    engineer: User, customer_user: User, disk: Part, depots: dict[str, Depot]
) -> None:
    with pytest.raises(PermissionDenied):
        services.receive_stock(actor=engineer, part=disk, depot=depots["sh"], quantity=1)
    with pytest.raises(ServiceError) as error:  # a customer does not learn that stock exists at all
        services.receive_stock(actor=customer_user, part=disk, depot=depots["sh"], quantity=1)
    assert error.value.code == "not_found"
    assert Movement.objects.count() == 0


def test_adjust_up_and_down_with_reason_but_never_below_reserved(
    clerk: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["sh"], 4)
    services.reserve_part(actor=clerk, ticket=ticket, part=disk, depot=depots["sh"], quantity=3)
    services.adjust_stock(
        actor=clerk, part=disk, depot=depots["sh"], condition="new", change=2, reason="count"
    )
    services.adjust_stock(
        actor=clerk, part=disk, depot=depots["sh"], condition="new", change=-3, reason="lost"
    )
    assert balance(disk, depots["sh"]) == (3, 3)
    with pytest.raises(Conflict) as error:
        services.adjust_stock(
            actor=clerk, part=disk, depot=depots["sh"], condition="new", change=-1, reason="x"
        )
    assert "change" in error.value.fields
    assert balance(disk, depots["sh"]) == (3, 3)
    assert list(
        Movement.objects.filter(kind="adjust").values_list("on_hand_delta", "reason").order_by("id")
    ) == [
        (2, "count"),
        (-3, "lost"),
    ]
    assert reconcile().ok


def test_reserve_release_and_issue_through_a_visit(
    clerk: User,
    engineer: User,
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 3)
    first = services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"], quantity=2)
    assert balance(disk, depots["sh"]) == (3, 2)
    services.release_reservation(actor=engineer, reservation=first, reason="wrong size")
    assert balance(disk, depots["sh"]) == (3, 0)
    assert kinds()[-2:] == ["reserve", "release"]
    first.refresh_from_db()
    assert first.status == "released"
    assert first.closed_at is not None
    with pytest.raises(Conflict):
        services.release_reservation(actor=engineer, reservation=first)
    assert reconcile().ok


def test_return_good_and_scrap(
    clerk: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["sh"], 2)
    services.return_good(
        actor=clerk, part=disk, depot=depots["sh"], quantity=1, ticket=ticket, reason="unused"
    )
    services.scrap_stock(
        actor=clerk, part=disk, depot=depots["sh"], condition="new", quantity=2, reason="dropped"
    )
    assert balance(disk, depots["sh"]) == (1, 0)
    with pytest.raises(Conflict) as error:
        services.scrap_stock(
            actor=clerk, part=disk, depot=depots["sh"], condition="new", quantity=2, reason="x"
        )
    assert error.value.code == "not_available"
    assert kinds()[-2:] == ["return_good", "scrap"]
    assert reconcile().ok


def test_transfer_out_and_in_and_not_to_the_same_depot(
    clerk: User, disk: Part, depots: dict[str, Depot], stock: Callable[..., None]
) -> None:
    stock(disk, depots["central"], 10)
    with pytest.raises(ServiceError) as error:
        services.request_transfer(
            actor=clerk, part=disk, from_depot=depots["central"], to_depot=depots["central"], quantity=1
        )
    assert "to_depot" in error.value.fields
    transfer = services.request_transfer(
        actor=clerk, part=disk, from_depot=depots["central"], to_depot=depots["sh"], quantity=4
    )
    assert balance(disk, depots["central"]) == (10, 4)
    with pytest.raises(Conflict):
        services.receive_transfer(actor=clerk, transfer=transfer)  # not shipped yet
    services.ship_transfer(actor=clerk, transfer=transfer, carrier="SF Express", tracking_number="SF123")
    assert balance(disk, depots["central"]) == (6, 0)
    services.receive_transfer(actor=clerk, transfer=transfer)
    assert balance(disk, depots["sh"]) == (4, 0)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.carrier, transfer.tracking_number) == (
        "received",
        "SF Express",
        "SF123",
    )
    assert kinds()[-3:] == ["reserve", "transfer_out", "transfer_in"]
    other = services.request_transfer(
        actor=clerk, part=disk, from_depot=depots["central"], to_depot=depots["hz"], quantity=6
    )
    services.cancel_transfer(actor=clerk, transfer=other)
    assert balance(disk, depots["central"]) == (6, 0)
    with pytest.raises(services.NotAvailable):
        services.request_transfer(
            actor=clerk, part=disk, from_depot=depots["central"], to_depot=depots["hz"], quantity=7
        )
    assert reconcile().ok


def test_serialised_parts_need_one_serial_per_unit(
    clerk: User, board: Part, depots: dict[str, Depot]
) -> None:
    with pytest.raises(ServiceError) as error:
        services.receive_stock(actor=clerk, part=board, depot=depots["central"], quantity=2, serials=["MB1"])
    assert "serials" in error.value.fields
    services.receive_stock(
        actor=clerk, part=board, depot=depots["central"], quantity=2, serials=["MB1", "MB2"]
    )
    assert balance(board, depots["central"]) == (2, 0)
    assert list(Movement.objects.filter(part=board).order_by("id").values_list("serial", "quantity")) == [
        ("MB1", 1),
        ("MB2", 1),
    ]
    assert set(SerialUnit.objects.values_list("serial", "status")) == {
        ("MB1", "in_stock"),
        ("MB2", "in_stock"),
    }
    with pytest.raises(Conflict) as error:
        services.receive_stock(actor=clerk, part=board, depot=depots["sh"], quantity=1, serials=["MB2"])
    assert "serials" in error.value.fields


def test_the_ledger_cannot_be_changed(clerk: User, disk: Part, depots: dict[str, Depot]) -> None:
    movement = services.receive_stock(actor=clerk, part=disk, depot=depots["sh"], quantity=1)[0]
    with pytest.raises(RuntimeError):
        movement.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Movement.objects.filter(pk=movement.pk).update(quantity=7)
    assert Movement.objects.get(pk=movement.pk).quantity == 1


def test_the_database_refuses_negative_stock(disk: Part, depots: dict[str, Depot]) -> None:
    row = StockBalance.objects.create(part=disk, depot=depots["sh"], condition="new", on_hand=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(pk=row.pk).update(on_hand=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(pk=row.pk).update(reserved=2)


def test_reconcile_command_reports_a_tampered_balance_and_repairs_it(
    clerk: User,
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    stock(disk, depots["sh"], 5)
    services.reserve_part(actor=clerk, ticket=ticket, part=disk, depot=depots["sh"], quantity=2)
    call_command("parts_reconcile")
    assert "0 differences" in capsys.readouterr().out
    StockBalance.objects.filter(part=disk, depot=depots["sh"], condition="new").update(on_hand=9)
    with pytest.raises(CommandError):
        call_command("parts_reconcile")
    out = capsys.readouterr().out
    assert "DISK-4T @ sh-fsl (new): on_hand is 9, ledger says 5" in out
    assert "1 differences" in out
    call_command("parts_reconcile", "--repair")
    assert "repaired 1 balance rows" in capsys.readouterr().out
    assert balance(disk, depots["sh"]) == (5, 2)
    assert AuditEntry.objects.filter(action="parts.balance.repair").count() == 1
    assert reconcile().ok
    assert repair(actor=None) == 0


def test_reconcile_sees_reserved_stock_without_a_hold(
    clerk: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["sh"], 5)
    reservation = services.reserve_part(actor=clerk, ticket=ticket, part=disk, depot=depots["sh"], quantity=2)
    type(reservation).objects.filter(pk=reservation.pk).update(status="released")  # tampered: hold gone
    report = reconcile()
    assert [(d.what, d.stored, d.expected) for d in report.differences] == [("holds", 2, 0)]
