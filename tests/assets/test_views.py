import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Component, Server, ServerModel, ServerStatus, Site
from sasms.core.models import AuditEntry

ClientFor = Callable[[User], Client]


def _content(response: Any) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


# --- tenant isolation: every page, as customer A, for customer B's rows --------------------------

OTHER_ORG_PAGES = [
    ("assets:server_detail", "server"),
    ("assets:server_edit", "server"),
    ("assets:component_create", "server"),
    ("assets:site_detail", "site"),
    ("assets:site_edit", "site"),
    ("assets:customer_overview", "organisation"),
]


@pytest.mark.parametrize(("url_name", "target"), OTHER_ORG_PAGES)
def test_customer_gets_404_for_other_organisations_rows(
    client_for: ClientFor,
    customer_user: User,
    server_b: Server,
    site_b: Site,
    customer_b: Organisation,
    url_name: str,
    target: str,
) -> None:
    pk = {"server": server_b.pk, "site": site_b.pk, "organisation": customer_b.pk}[target]
    response = client_for(customer_user).get(reverse(url_name, args=[pk]))
    assert response.status_code in (403, 404)
    if url_name in ("assets:server_detail", "assets:site_detail", "assets:customer_overview"):
        assert response.status_code == 404


def test_component_pages_of_other_organisation_are_404(
    client_for: ClientFor, make_user: Callable[..., User], customer_b: Organisation, disk_a: Component
) -> None:
    # A customer-b *engineer* does not exist; use a staff member of customer B's organisation.
    user = make_user("customer", organisation=customer_b)
    response = client_for(user).get(reverse("assets:server_detail", args=[disk_a.server_id]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url_name",
    [
        "assets:server_create",
        "assets:site_create",
        "assets:vendor_create",
        "assets:model_create",
        "assets:import",
    ],
)
def test_customer_cannot_open_write_pages(client_for: ClientFor, customer_user: User, url_name: str) -> None:
    assert client_for(customer_user).get(reverse(url_name)).status_code == 403


def test_customer_cannot_post_edits(client_for: ClientFor, customer_user: User, server_a: Server) -> None:
    response = client_for(customer_user).post(
        reverse("assets:server_edit", args=[server_a.pk]), {"serial": "HACK"}
    )
    assert response.status_code == 403
    server_a.refresh_from_db()
    assert server_a.serial == "ABC1234"


def test_lists_show_only_own_rows(
    client_for: ClientFor, customer_user: User, server_a: Server, server_b: Server
) -> None:
    client = client_for(customer_user)
    servers = _content(client.get(reverse("assets:server_list")))
    assert server_a.serial in servers
    assert server_b.serial not in servers
    sites = _content(client.get(reverse("assets:site_list")))
    assert "Beijing DC-1" in sites
    assert "Shanghai DC-1" not in sites
    export = _content(client.get(reverse("assets:server_list") + "?export=csv"))
    assert server_a.serial in export
    assert server_b.serial not in export
    lifecycle = _content(client.get(reverse("assets:lifecycle") + "?export=csv"))
    assert server_b.serial not in lifecycle


def test_customer_sees_own_server_read_only(
    client_for: ClientFor, customer_user: User, server_a: Server
) -> None:
    response = client_for(customer_user).get(reverse("assets:server_detail", args=[server_a.pk]))
    assert response.status_code == 200
    assert reverse("assets:server_edit", args=[server_a.pk]) not in response.content.decode()


# --- pages ----------------------------------------------------------------------------------------


def test_server_list_filters_and_search(
    client_for: ClientFor,
    agent: User,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    customer_b: Organisation,
    server_model: ServerModel,
) -> None:
    make_server(customer_a, serial="AAA111", hostname="alpha", status=ServerStatus.IN_STOCK)
    make_server(customer_b, serial="BBB222", hostname="beta", warranty_end=datetime.date(2001, 1, 1))
    client = client_for(agent)
    url = reverse("assets:server_list")
    body = _content(client.get(url, {"q": "alp"}))
    assert "AAA111" in body
    assert "BBB222" not in body
    body = _content(client.get(url, {"organisation": customer_b.pk}))
    assert "BBB222" in body
    assert "AAA111" not in body
    body = _content(client.get(url, {"status": "in_stock"}))
    assert "AAA111" in body
    assert "BBB222" not in body
    body = _content(client.get(url, {"warranty": "expired"}))
    assert "BBB222" in body
    assert "AAA111" not in body
    body = _content(client.get(url, {"model": str(server_model.pk), "eosl": "24"}))
    assert "AAA111" in body
    partial = client.get(url, {"q": "BBB"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "BBB222" in partial.content.decode()


def test_server_exports(client_for: ClientFor, agent: User, server_a: Server) -> None:
    client = client_for(agent)
    response = client.get(reverse("assets:server_list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(_content(response).lstrip("\ufeff"))))
    assert rows[1][0] == "ABC1234"
    assert len(rows) == 2
    response = client.get(reverse("assets:server_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert next(c.value for c in sheet[2]) == "ABC1234"
    for name in ("assets:site_list", "assets:vendor_list", "assets:model_list", "assets:lifecycle"):
        assert client.get(reverse(name), {"export": "xlsx"}).status_code == 200


def test_server_detail_shows_components_history_and_timeline(
    client_for: ClientFor, engineer: User, disk_a: Component
) -> None:
    from sasms.assets import services

    services.replace_component(
        actor=engineer, component=disk_a, reason="media error", service_request_ref="SR-1"
    )
    body = client_for(engineer).get(reverse("assets:server_detail", args=[disk_a.server_id])).content.decode()
    assert 'data-testid="components"' in body
    assert "media error" in body
    assert "SR-1" in body
    assert "component.remove" in body


def test_engineer_creates_and_edits_server_through_form(
    client_for: ClientFor, engineer: User, server_model: ServerModel, customer_a: Organisation, site_a: Site
) -> None:
    client = client_for(engineer)
    response = client.post(
        reverse("assets:server_create"),
        {
            "model": server_model.pk,
            "serial": "NEW001",
            "organisation": customer_a.pk,
            "site": site_a.pk,
            "status": "in_service",
            "warranty_start": "2025-01-01",
            "warranty_end": "2024-01-01",
        },
    )
    assert response.status_code == 200  # refused: the warranty ends before it starts
    assert not Server.objects.filter(serial="NEW001").exists()
    response = client.post(
        reverse("assets:server_create"),
        {"model": server_model.pk, "serial": "NEW001", "organisation": customer_a.pk, "status": "in_service"},
    )
    server = Server.objects.get(serial="NEW001")
    assert response.status_code == 302
    response = client.post(
        reverse("assets:component_create", args=[server.pk]),
        {"kind": "psu", "slot": "PSU1", "capacity": "800 W"},
    )
    assert response.status_code == 302
    assert server.components.get().capacity == "800 W"


def test_customer_overview_and_lifecycle(
    client_for: ClientFor,
    customer_admin: User,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    site_a: Site,
) -> None:
    soon = datetime.date.today() + datetime.timedelta(days=30)
    server = make_server(customer_a, serial="EXP1", site=site_a, warranty_end=soon)
    client = client_for(customer_admin)
    body = client.get(reverse("assets:customer_overview", args=[customer_a.pk])).content.decode()
    assert "EXP1" in body
    assert "Beijing DC-1" in body
    lifecycle = _content(client.get(reverse("assets:lifecycle"), {"export": "csv"}))
    assert server.serial in lifecycle
    page = client.get(reverse("assets:lifecycle")).content.decode()
    assert 'data-testid="lifecycle-per-customer"' in page
    assert customer_a.name in page


def test_site_vendor_model_forms(client_for: ClientFor, engineer: User, customer_a: Organisation) -> None:
    client = client_for(engineer)
    assert (
        client.post(reverse("assets:vendor_create"), {"name": "Inspur", "code": "inspur"}).status_code == 302
    )
    response = client.post(
        reverse("assets:site_create"),
        {
            "organisation": customer_a.pk,
            "kind": "data_centre",
            "name": "Wuhan DC",
            "time_zone": "Asia/Shanghai",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="site.create").exists()


def test_server_list_contract_filter(
    client_for: ClientFor,
    agent: User,
    make_server: Callable[..., Server],
    customer_a: Organisation,
) -> None:
    from sasms.contracts import services as contract_services
    from sasms.contracts.models import Contract, ServiceProduct

    today = datetime.date.today()
    covered = make_server(customer_a, serial="COVERED1")
    ending = make_server(customer_a, serial="ENDING1")
    make_server(customer_a, serial="BARE1")
    product = ServiceProduct.objects.order_by("pk").first()
    assert product is not None  # the catalogue is seeded by the contracts migrations
    for number, server, end in (
        ("HT-1", covered, today + datetime.timedelta(days=400)),
        ("HT-2", ending, today + datetime.timedelta(days=20)),
    ):
        contract = contract_services.create_contract(
            actor=None,
            number=number,
            organisation=customer_a,
            product=product,
            start_date=today - datetime.timedelta(days=10),
            end_date=end,
        )
        contract_services.cover_servers(actor=None, contract=contract, servers=[server])
    Contract.objects.update(status="active")
    client = client_for(agent)
    url = reverse("assets:server_list")

    def serials(state: str) -> set[str]:
        rows = _content(client.get(url, {"contract": state, "export": "csv"})).splitlines()[1:]
        return {row.split(",")[0] for row in rows}

    assert serials("active") == {"COVERED1", "ENDING1"}
    assert serials("expiring") == {"ENDING1"}
    assert serials("none") == {"BARE1"}
    overview = client.get(reverse("assets:customer_overview", args=[customer_a.pk])).content.decode()
    assert "HT-1" in overview
    assert "HT-2" in overview
