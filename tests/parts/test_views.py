"""The parts pages: every list filters, paginates and exports in both languages; forms refuse bad
input by field and change nothing; the request page's panel reserves parts-first; customers get
404 from every parts page."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from sasms.accounts.models import User
from sasms.parts import services
from sasms.parts.models import DefectiveReturn, Depot, Movement, Part, Problem, Reservation, RmaCase, Transfer
from sasms.parts.urls import urlpatterns
from sasms.tickets.models import Ticket
from tests.parts.conftest import balance

pytestmark = pytest.mark.django_db

LISTS = [
    "parts:stock_list",
    "parts:movement_list",
    "parts:reservation_list",
    "parts:transfer_list",
    "parts:return_list",
    "parts:rma_list",
    "parts:part_list",
    "parts:depot_list",
    "parts:policy_list",
    "parts:forecast_list",
    "parts:stock_report",
    "parts:rma_ageing",
    "parts:vendor_turnaround",
    "parts:problem_list",
]


@pytest.fixture
def world(
    clerk: User,
    engineer: User,
    disk: Part,
    board: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> dict[str, Any]:
    """One of everything, so every page has rows."""
    stock(disk, depots["sh"], 6)
    stock(disk, depots["central"], 10)
    stock(board, depots["central"], 1, serials=["MB-1"])
    reservation = services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"])
    transfer = services.request_transfer(
        actor=clerk, part=disk, from_depot=depots["central"], to_depot=depots["hz"], quantity=2
    )
    services.set_policy(actor=clerk, part=disk, depot=depots["hz"], min_quantity=2, max_quantity=6)
    item = DefectiveReturn.objects.create(
        ticket=ticket, part=disk, depot=depots["sh"], removed_serial="OLD-1", due_date="2026-01-01"
    )
    services.receive_defective(actor=clerk, item=item)
    case = services.open_rma(
        actor=clerk, part=disk, depot=depots["sh"], serial="OLD-1", defective_return=item
    )
    problem = Problem.objects.create(kind="unknown_part", ticket=ticket, part_number="NOPE")
    services.compute_forecasts()
    return {"reservation": reservation, "transfer": transfer, "case": case, "problem": problem, "item": item}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_list_renders_filters_paginates_and_exports(
    clerk: User, client_for: Callable[[User], Client], world: dict[str, Any], language: str
) -> None:
    clerk.language = language
    clerk.save()
    client = client_for(clerk)
    client.cookies["sasms_language"] = language
    for name in LISTS:
        url = reverse(name)
        page = client.get(url)
        assert page.status_code == 200, url
        assert f'<html lang="{language}">'.encode() in page.content
        assert b'data-testid="parts-tabs"' in page.content
        assert b'data-testid="list-table"' in page.content, url
        assert client.get(url, {"page": 2}).status_code == 200
        partial = client.get(url, HTTP_HX_REQUEST="true")
        assert partial.status_code == 200
        assert b"<html" not in partial.content
        csv = client.get(url, {"export": "csv"})
        assert csv.status_code == 200, url
        assert csv["Content-Type"].startswith("text/csv"), url
        assert len(b"".join(csv.streaming_content).splitlines()) >= 2, url  # type: ignore[attr-defined]
        xlsx = client.get(url, {"export": "xlsx"})
        assert xlsx.status_code == 200
        assert xlsx.content[:2] == b"PK"


def test_filters_narrow_the_lists(
    clerk: User, client_for: Callable[[User], Client], world: dict[str, Any], depots: dict[str, Depot]
) -> None:
    client = client_for(clerk)
    stock = client.get(reverse("parts:stock_list"), {"depot": str(depots["central"].pk), "export": "csv"})
    rows = b"".join(stock.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert len(rows) == 3
    assert all("Shanghai central" in r for r in rows[1:])
    movements = client.get(reverse("parts:movement_list"), {"kind": "ship_to_vendor"})
    assert b"empty-state" in movements.content
    reserved = client.get(reverse("parts:movement_list"), {"kind": "reserve", "export": "csv"})
    assert len(b"".join(reserved.streaming_content).splitlines()) == 4  # type: ignore[attr-defined]
    assert b"RMA" in client.get(reverse("parts:rma_list"), {"open": "yes", "age": "7"}).content
    assert b"empty-state" in client.get(reverse("parts:rma_list"), {"age": "older"}).content
    bad = client.get(reverse("parts:movement_list"), {"since": "not-a-date"})
    assert bad.status_code == 200


def test_detail_pages(
    clerk: User,
    client_for: Callable[[User], Client],
    world: dict[str, Any],
    disk: Part,
    depots: dict[str, Depot],
) -> None:
    client = client_for(clerk)
    part_page = client.get(reverse("parts:part_detail", args=[disk.pk]))
    assert part_page.status_code == 200
    assert b"DISK-4T" in part_page.content
    assert b'data-testid="part-stock"' in part_page.content
    assert client.get(reverse("parts:depot_detail", args=[depots["sh"].pk])).status_code == 200
    rma = client.get(reverse("parts:rma_detail", args=[world["case"].pk]))
    assert rma.status_code == 200
    assert b'data-testid="rma-advance"' in rma.content
    board = client.get(reverse("parts:rma_board"))
    assert board.status_code == 200
    assert world["case"].number.encode() in board.content
    assert b'data-testid="rma-column-requested"' in board.content
    history = client.get(reverse("parts:serial_history"), {"serial": "OLD-1"})
    assert history.status_code == 200
    assert b"Return defective" in history.content
    assert b"serial-not-found" in client.get(reverse("parts:serial_history"), {"serial": "ZZZ"}).content
    for name in (
        "parts:receive",
        "parts:adjust",
        "parts:scrap",
        "parts:return_good",
        "parts:import",
        "parts:part_create",
        "parts:depot_create",
        "parts:transfer_create",
        "parts:rma_create",
        "parts:policy_set",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_receive_form_refuses_bad_input_by_field(
    clerk: User, client_for: Callable[[User], Client], disk: Part, depots: dict[str, Depot]
) -> None:
    client = client_for(clerk)
    url = reverse("parts:receive")
    response = client.post(url, {"part": "NOPE", "depot": depots["sh"].pk, "quantity": 2, "condition": "new"})
    assert response.status_code == 400
    assert b"Unknown part number." in response.content
    response = client.post(
        url, {"part": "DISK-4T", "depot": depots["sh"].pk, "quantity": -2, "condition": "new"}
    )
    assert response.status_code == 400
    assert b"The quantity must be at least 1." in response.content
    assert not Movement.objects.exists()
    response = client.post(
        url,
        {"part": "disk-4t", "depot": depots["sh"].pk, "quantity": 2, "condition": "new", "reference": "PO-7"},
    )
    assert response.status_code == 302
    assert balance(disk, depots["sh"]) == (2, 0)


def test_transfer_form_refuses_the_same_depot(
    clerk: User,
    client_for: Callable[[User], Client],
    disk: Part,
    depots: dict[str, Depot],
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 2)
    response = client_for(clerk).post(
        reverse("parts:transfer_create"),
        {
            "part": "DISK-4T",
            "from_depot": depots["sh"].pk,
            "to_depot": depots["sh"].pk,
            "quantity": 1,
            "condition": "new",
        },
    )
    assert response.status_code == 400
    assert b"A transfer goes to another depot." in response.content
    assert not Transfer.objects.exists()


def test_engineers_read_but_do_not_write(
    engineer: User, client_for: Callable[[User], Client], world: dict[str, Any]
) -> None:
    client = client_for(engineer)
    assert client.get(reverse("parts:stock_list")).status_code == 200
    assert client.get(reverse("parts:receive")).status_code == 403
    response = client.post(reverse("parts:transfer_action", args=[world["transfer"].pk, "ship"]))
    assert response.status_code == 403
    world["transfer"].refresh_from_db()
    assert world["transfer"].status == "requested"


def test_request_panel_suggests_and_reserves_parts_first(
    working_morning: None,
    engineer: User,
    client_for: Callable[[User], Client],
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 1)
    stock(disk, depots["bj"], 4)
    client = client_for(engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.number]))
    assert b'data-testid="parts-panel"' in page.content
    assert b'data-testid="suggestion-DISK-4T"' in page.content
    assert b"Shanghai forward" in page.content
    response = client.post(
        reverse("parts:request_reserve", args=[ticket.number]),
        {"part": disk.pk, "depot": depots["sh"].pk, "quantity": 1},
    )
    assert response.status_code == 302
    reservation = Reservation.objects.get()
    assert reservation.needed_by is not None  # chosen against the on-site clock
    again = client.post(
        reverse("parts:request_reserve", args=[ticket.number]),
        {"part": disk.pk, "depot": depots["sh"].pk, "quantity": 1},
        follow=True,
    )
    assert b"Not available" in again.content
    assert b"Beijing regional: 4" in again.content
    by_number = client.post(
        reverse("parts:request_reserve", args=[ticket.number]), {"part_number": "disk-4t", "quantity": 2}
    )
    assert by_number.status_code == 302
    assert balance(disk, depots["bj"]) == (4, 2)
    deliver = client.post(reverse("parts:reservation_action", args=[reservation.pk, "deliver"]))
    assert deliver.status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == "delivered"


def test_panel_asks_for_a_transfer_when_no_depot_near_can(
    working_morning: None,
    engineer: User,
    client_for: Callable[[User], Client],
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["bj"], 4)  # a next-business-day depot ~1 070 km away
    client = client_for(engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.number]))
    assert b'data-testid="transfer-DISK-4T"' in page.content
    response = client.post(
        reverse("parts:request_transfer", args=[ticket.number]),
        {"part": disk.pk, "from_depot": depots["bj"].pk, "to_depot": depots["sh"].pk, "quantity": 1},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.ticket_id, transfer.from_depot_id, transfer.to_depot_id) == (
        ticket.pk,
        depots["bj"].pk,
        depots["sh"].pk,
    )


def test_the_panel_is_staff_only(
    customer_user: User, client_for: Callable[[User], Client], ticket: Ticket, disk: Part
) -> None:
    page = client_for(customer_user).get(reverse("tickets:detail", args=[ticket.number]))
    assert page.status_code == 200
    assert b"parts-panel" not in page.content


def _urls(world: dict[str, Any], disk: Part, depots: dict[str, Depot], ticket: Ticket) -> list[str]:
    """Every parts URL with real ids filled in."""
    args = {
        "pk": None,
        "other": disk.pk,
        "number": ticket.number,
        "action": "ship",
    }
    ids = {
        "part_detail": disk.pk,
        "part_edit": disk.pk,
        "substitute_add": disk.pk,
        "substitute_remove": disk.pk,
        "depot_detail": depots["sh"].pk,
        "depot_edit": depots["sh"].pk,
        "reservation_action": world["reservation"].pk,
        "transfer_action": world["transfer"].pk,
        "return_receive": world["item"].pk,
        "return_write_off": world["item"].pk,
        "rma_detail": world["case"].pk,
        "problem_resolve": world["problem"].pk,
    }
    urls = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        name = str(pattern.name)
        kwargs = {}
        for key in pattern.pattern.converters:
            kwargs[key] = ids[name] if key == "pk" else args[key]
        urls.append(reverse(f"parts:{name}", kwargs=kwargs))
    return urls


def test_customers_get_404_from_every_parts_page(
    customer_user: User,
    client_for: Callable[[User], Client],
    world: dict[str, Any],
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
) -> None:
    client = client_for(customer_user)
    before = Movement.objects.count(), Reservation.objects.count(), RmaCase.objects.count()
    for url in _urls(world, disk, depots, ticket):
        if url == reverse("parts:home"):
            assert client.get(url, follow=True).status_code == 404
            continue
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"quantity": 1, "part": disk.pk, "depot": depots["sh"].pk}).status_code in (
            404,
            405,
        ), url
    assert (Movement.objects.count(), Reservation.objects.count(), RmaCase.objects.count()) == before


def test_stock_list_queries_do_not_grow_with_rows(
    clerk: User,
    client_for: Callable[[User], Client],
    world: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(clerk)
    with django_assert_max_num_queries(12):
        client.get(reverse("parts:stock_list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("parts:movement_list"))
