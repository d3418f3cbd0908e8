"""The parts API: reads, every write through the services, field-named errors, 409 with
alternatives when stock is short, and 404 for customers everywhere."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from sasms.accounts.models import User
from sasms.parts.models import Depot, Movement, Part, Reservation
from sasms.tickets.models import Ticket
from tests.parts.conftest import balance

pytestmark = pytest.mark.django_db


def test_catalogue_and_depots(
    clerk: User,
    api_for: Callable[[User], APIClient],
    disk: Part,
    disk_sub: Part,
    depots: dict[str, Depot],
    r750: Any,
    dell: Any,
) -> None:
    client = api_for(clerk)
    listing = client.get("/api/v1/parts/", {"kind": "disk"}).json()
    assert listing["count"] == 2
    assert {p["part_number"]: p["substitutes"] for p in listing["results"]} == {
        "DISK-4T": ["DISK-4T-B"],
        "DISK-4T-B": ["DISK-4T"],
    }
    created = client.post(
        "/api/v1/parts/",
        {
            "part_number": "psu-800",
            "description": "800 W PSU",
            "kind": "psu",
            "vendor": dell.pk,
            "compatible_models": [r750.pk],
            "unit_cost": "620.00",
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["part_number"] == "PSU-800"
    duplicate = client.post(
        "/api/v1/parts/",
        {"part_number": "PSU-800", "description": "x", "kind": "psu", "vendor": dell.pk},
        format="json",
    )
    assert duplicate.status_code == 409
    assert "part_number" in duplicate.json()["error"]["fields"]
    bad = client.post(
        "/api/v1/parts/",
        {"part_number": "bad number!", "description": "x", "kind": "psu", "vendor": 999},
        format="json",
    )
    assert bad.status_code in (400, 404)
    assert bad.json()["error"]["fields"]
    depot = client.post(
        "/api/v1/depots/",
        {
            "code": "gz-fsl",
            "name": "Guangzhou forward",
            "kind": "forward",
            "service_tier": "4h",
            "city": "广州",
            "latitude": "23.129100",
            "longitude": "113.264400",
        },
        format="json",
    )
    assert depot.status_code == 201
    wrong = client.post(
        "/api/v1/depots/",
        {"code": "x", "name": "x", "city": "x", "latitude": "91", "longitude": "0"},
        format="json",
    )
    assert wrong.status_code == 400
    assert "latitude" in wrong.json()["error"]["fields"]
    assert (
        client.patch(f"/api/v1/depots/{depots['hz'].pk}/", {"is_active": False}, format="json").json()[
            "is_active"
        ]
        is False
    )


def test_movements_through_the_api(
    clerk: User, api_for: Callable[[User], APIClient], disk: Part, depots: dict[str, Depot]
) -> None:
    client = api_for(clerk)
    received = client.post(
        "/api/v1/stock-movements/receive/",
        {"part": "DISK-4T", "depot": "sh-fsl", "quantity": 4},
        format="json",
    )
    assert received.status_code == 201
    assert received.json()[0]["on_hand_delta"] == 4
    for body, field in (
        ({"part": "NOPE", "depot": "sh-fsl", "quantity": 1}, "part"),
        ({"part": "DISK-4T", "depot": "nowhere", "quantity": 1}, "depot"),
        ({"part": "DISK-4T", "depot": "sh-fsl", "quantity": -1}, "quantity"),
        ({"part": "DISK-4T", "depot": "sh-fsl", "quantity": 1, "colour": "red"}, "colour"),
    ):
        response = client.post("/api/v1/stock-movements/receive/", body, format="json")
        assert response.status_code in (400, 404), body
        assert field in response.json()["error"]["fields"], body
    adjust = client.post(
        "/api/v1/stock-movements/adjust/",
        {"part": "DISK-4T", "depot": "sh-fsl", "condition": "new", "change": -1, "reason": "count"},
        format="json",
    )
    assert adjust.status_code == 201
    scrap = client.post(
        "/api/v1/stock-movements/scrap/",
        {"part": "DISK-4T", "depot": "sh-fsl", "condition": "new", "quantity": 1, "reason": "dropped"},
        format="json",
    )
    assert scrap.status_code == 201
    good = client.post(
        "/api/v1/stock-movements/return-good/",
        {"part": "DISK-4T", "depot": "sh-fsl", "quantity": 1},
        format="json",
    )
    assert good.status_code == 201
    assert balance(disk, depots["sh"]) == (3, 0)
    ledger = client.get("/api/v1/stock-movements/", {"kind": "adjust"}).json()
    assert ledger["count"] == 1
    assert ledger["results"][0]["reason"] == "count"
    stock = client.get("/api/v1/stock/", {"depot": depots["sh"].pk}).json()["results"]
    assert [(r["part_number"], r["on_hand"], r["available"]) for r in stock] == [("DISK-4T", 3, 3)]
    availability = client.get(f"/api/v1/parts/{disk.pk}/availability/").json()
    assert availability == [
        {
            "depot": "sh-fsl",
            "depot_name": "Shanghai forward",
            "condition": "new",
            "on_hand": 3,
            "reserved": 0,
            "available": 3,
        }
    ]


def test_reservation_api_and_not_available_with_alternatives(
    engineer: User,
    api_for: Callable[[User], APIClient],
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 1)
    stock(disk, depots["hz"], 2)
    client = api_for(engineer)
    chosen = client.post(
        "/api/v1/part-reservations/", {"ticket": ticket.number, "part": "DISK-4T"}, format="json"
    )
    assert chosen.status_code == 201
    assert chosen.json()["depot_code"] == "sh-fsl"
    refused = client.post(
        "/api/v1/part-reservations/",
        {"ticket": ticket.number, "part": "DISK-4T", "depot": "sh-fsl"},
        format="json",
    )
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "not_available"
    assert "quantity" in error["fields"]
    assert error["alternatives"] == [
        {
            "part_number": "DISK-4T",
            "depot": "hz-fsl",
            "depot_name": "Hangzhou forward",
            "available": 2,
            "substitute": False,
            "distance_km": pytest.approx(165, abs=5),
        }
    ]
    assert (
        client.post(
            "/api/v1/part-reservations/", {"ticket": "SR0", "part": "DISK-4T"}, format="json"
        ).status_code
        == 404
    )
    reservation_id = chosen.json()["id"]
    delivered = client.post(f"/api/v1/part-reservations/{reservation_id}/deliver/", {}, format="json")
    assert delivered.status_code == 200
    assert delivered.json()["status"] == "delivered"
    released = client.post(
        f"/api/v1/part-reservations/{reservation_id}/release/", {"reason": "not needed"}, format="json"
    )
    assert released.status_code == 200
    assert released.json()["status"] == "released"
    again = client.post(f"/api/v1/part-reservations/{reservation_id}/release/", {}, format="json")
    assert again.status_code == 409


def test_transfer_rma_and_problem_endpoints(
    clerk: User,
    api_for: Callable[[User], APIClient],
    disk: Part,
    depots: dict[str, Depot],
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["central"], 3)
    client = api_for(clerk)
    same = client.post(
        "/api/v1/part-transfers/",
        {"part": "DISK-4T", "from_depot": "sh-central", "to_depot": "sh-central", "quantity": 1},
        format="json",
    )
    assert same.status_code == 400
    assert "to_depot" in same.json()["error"]["fields"]
    transfer = client.post(
        "/api/v1/part-transfers/",
        {"part": "DISK-4T", "from_depot": "sh-central", "to_depot": "sh-fsl", "quantity": 2},
        format="json",
    ).json()
    assert (
        client.post(
            f"/api/v1/part-transfers/{transfer['id']}/ship/", {"carrier": "SF"}, format="json"
        ).json()["status"]
        == "shipped"
    )
    assert (
        client.post(f"/api/v1/part-transfers/{transfer['id']}/receive/", format="json").json()["status"]
        == "received"
    )
    client.post(
        "/api/v1/stock-movements/adjust/",
        {"part": "DISK-4T", "depot": "sh-fsl", "condition": "defective", "change": 1, "reason": "found"},
        format="json",
    )
    case = client.post("/api/v1/rma-cases/", {"part": "DISK-4T", "depot": "sh-fsl"}, format="json")
    assert case.status_code == 201
    assert case.json()["status"] == "requested"
    wrong = client.post(
        f"/api/v1/rma-cases/{case.json()['id']}/advance/", {"status": "closed"}, format="json"
    )
    assert wrong.status_code == 409
    assert "status" in wrong.json()["error"]["fields"]
    shipped = client.post(
        f"/api/v1/rma-cases/{case.json()['id']}/advance/",
        {"status": "shipped", "carrier": "SF", "tracking_number": "1"},
        format="json",
    )
    assert shipped.json()["status"] == "shipped"
    assert client.get("/api/v1/parts-problems/").json()["count"] == 0
    policy = client.post(
        "/api/v1/stock-policies/",
        {"part": "DISK-4T", "depot": "sh-fsl", "min_quantity": 3, "max_quantity": 9},
        format="json",
    )
    assert policy.status_code == 201
    assert policy.json()["suggested"] == 7
    assert client.get("/api/v1/part-forecasts/").status_code == 200


def test_engineers_cannot_move_stock_by_api(
    engineer: User, api_for: Callable[[User], APIClient], disk: Part, depots: dict[str, Depot]
) -> None:
    response = api_for(engineer).post(
        "/api/v1/stock-movements/receive/",
        {"part": "DISK-4T", "depot": "sh-fsl", "quantity": 4},
        format="json",
    )
    assert response.status_code == 403
    assert not Movement.objects.exists()


def test_customers_get_404_from_every_endpoint(
    customer_user: User,
    api_for: Callable[[User], APIClient],
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
    engineer: User,
) -> None:
    stock(disk, depots["sh"], 2)
    from sasms.parts import services

    reservation = services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"])
    client = api_for(customer_user)
    for url in (
        "/api/v1/parts/",
        f"/api/v1/parts/{disk.pk}/",
        f"/api/v1/parts/{disk.pk}/availability/",
        "/api/v1/depots/",
        f"/api/v1/depots/{depots['sh'].pk}/",
        "/api/v1/stock/",
        "/api/v1/stock-movements/",
        "/api/v1/part-reservations/",
        f"/api/v1/part-reservations/{reservation.pk}/",
        "/api/v1/part-transfers/",
        "/api/v1/defective-returns/",
        "/api/v1/rma-cases/",
        "/api/v1/parts-problems/",
        "/api/v1/stock-policies/",
        "/api/v1/part-forecasts/",
    ):
        assert client.get(url).status_code == 404, url
    for url, body in (
        ("/api/v1/part-reservations/", {"ticket": ticket.number, "part": "DISK-4T", "depot": "sh-fsl"}),
        (f"/api/v1/part-reservations/{reservation.pk}/release/", {}),
        ("/api/v1/stock-movements/receive/", {"part": "DISK-4T", "depot": "sh-fsl", "quantity": 1}),
    ):
        assert client.post(url, body, format="json").status_code == 404, url
    assert Reservation.objects.get().status == "reserved"
    assert balance(disk, depots["sh"]) == (2, 1)


def test_schema_lists_the_parts_endpoints(clerk: User, api_for: Callable[[User], APIClient]) -> None:
    paths = api_for(clerk).get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/v1/parts/",
        "/api/v1/part-reservations/{id}/release/",
        "/api/v1/rma-cases/{id}/advance/",
        "/api/v1/stock-movements/receive/",
    ):
        assert path in paths
