"""Defective parts back from site and the RMA flow with the vendor, through to stock again."""

from collections.abc import Callable

import pytest

from sasms.accounts.models import User
from sasms.core.errors import Conflict, ServiceError
from sasms.parts import services
from sasms.parts.models import DefectiveReturn, Depot, Movement, Part, SerialUnit
from sasms.parts.reconcile import reconcile
from sasms.tickets.models import Ticket
from tests.parts.conftest import balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def expected(disk: Part, depots: dict[str, Depot], ticket: Ticket) -> DefectiveReturn:
    import datetime

    return DefectiveReturn.objects.create(
        ticket=ticket,
        part=disk,
        depot=depots["sh"],
        removed_serial="OLD-DISK-3",
        due_date=datetime.date.today() + datetime.timedelta(days=10),
    )


def test_full_rma_flow_repaired_back_in_stock_as_refurbished(
    clerk: User, disk: Part, depots: dict[str, Depot], expected: DefectiveReturn
) -> None:
    services.receive_defective(actor=clerk, item=expected)
    assert balance(disk, depots["sh"], "defective") == (1, 0)
    assert SerialUnit.objects.get(serial="OLD-DISK-3").status == "defective"
    case = services.open_rma(
        actor=clerk, part=disk, depot=depots["sh"], serial="OLD-DISK-3", defective_return=expected
    )
    assert case.number == f"RMA{case.created_at:%Y}{case.pk:06d}"
    assert case.vendor.code == "dell"
    assert balance(disk, depots["sh"], "defective") == (1, 1)
    with pytest.raises(ServiceError) as error:
        services.advance_rma(actor=clerk, case=case, status="shipped")  # carrier and tracking required
    assert "carrier" in error.value.fields
    with pytest.raises(Conflict) as conflict:
        services.advance_rma(actor=clerk, case=case, status="back_in_stock")
    assert "status" in conflict.value.fields
    services.advance_rma(
        actor=clerk, case=case, status="shipped", carrier="SF Express", tracking_number="SF9"
    )
    assert balance(disk, depots["sh"], "defective") == (0, 0)
    assert SerialUnit.objects.get(serial="OLD-DISK-3").status == "at_vendor"
    services.advance_rma(actor=clerk, case=case, status="received_by_vendor", vendor_reference="DELL-778")
    services.advance_rma(actor=clerk, case=case, status="repaired")
    services.advance_rma(actor=clerk, case=case, status="back_in_stock", depot=depots["central"])
    assert balance(disk, depots["central"], "refurbished") == (1, 0)
    unit = SerialUnit.objects.get(serial="OLD-DISK-3")
    assert (unit.status, unit.condition, unit.depot_id) == ("in_stock", "refurbished", depots["central"].pk)
    case = services.advance_rma(actor=clerk, case=case, status="closed")
    assert case.status == "closed"
    assert case.closed_at is not None
    assert case.vendor_reference == "DELL-778"
    assert list(Movement.objects.filter(rma=case).order_by("id").values_list("kind", flat=True)) == [
        "reserve",
        "ship_to_vendor",
        "receive_repaired",
    ]
    assert reconcile().ok


def test_replacement_comes_back_new_with_its_own_serial(
    clerk: User, board: Part, depots: dict[str, Depot], stock: Callable[..., None]
) -> None:
    services.receive_stock(actor=clerk, part=board, depot=depots["central"], quantity=1, serials=["MB-OLD"])
    services.adjust_stock(
        actor=clerk, part=board, depot=depots["central"], condition="new", change=-1, reason="failed test"
    )
    services.adjust_stock(
        actor=clerk,
        part=board,
        depot=depots["central"],
        condition="defective",
        change=1,
        reason="failed test",
    )
    case = services.open_rma(actor=clerk, part=board, depot=depots["central"])
    services.advance_rma(actor=clerk, case=case, status="shipped", carrier="EMS", tracking_number="E1")
    services.advance_rma(actor=clerk, case=case, status="received_by_vendor")
    services.advance_rma(actor=clerk, case=case, status="replaced")
    with pytest.raises(ServiceError) as error:
        services.advance_rma(actor=clerk, case=case, status="back_in_stock")
    assert "replacement_serial" in error.value.fields
    services.advance_rma(actor=clerk, case=case, status="back_in_stock", replacement_serial="MB-NEW")
    assert balance(board, depots["central"], "new") == (1, 0)
    assert SerialUnit.objects.get(serial="MB-NEW").status == "in_stock"
    assert reconcile().ok


def test_rma_needs_defective_stock_and_can_be_cancelled(
    clerk: User, disk: Part, depots: dict[str, Depot], expected: DefectiveReturn
) -> None:
    with pytest.raises(Conflict) as error:
        services.open_rma(actor=clerk, part=disk, depot=depots["sh"])
    assert error.value.code == "not_available"
    services.receive_defective(actor=clerk, item=expected)
    with pytest.raises(Conflict):
        services.receive_defective(actor=clerk, item=expected)
    case = services.open_rma(actor=clerk, part=disk, depot=depots["sh"])
    services.advance_rma(actor=clerk, case=case, status="cancelled")
    assert balance(disk, depots["sh"], "defective") == (1, 0)
    services.scrap_stock(
        actor=clerk, part=disk, depot=depots["sh"], serial="OLD-DISK-3", reason="beyond repair"
    )
    assert balance(disk, depots["sh"], "defective") == (0, 0)
    assert SerialUnit.objects.get(serial="OLD-DISK-3").status == "scrapped"
    assert reconcile().ok


def test_write_off_needs_a_reason(clerk: User, expected: DefectiveReturn) -> None:
    with pytest.raises(ServiceError) as error:
        services.write_off_return(actor=clerk, item=expected, reason="")
    assert "reason" in error.value.fields
    item = services.write_off_return(
        actor=clerk, item=expected, reason="Customer keeps disks (data security)"
    )
    assert item.status == "written_off"
