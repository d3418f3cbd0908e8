"""Portal home and servers: what the customer sees about their fleet, contracts and life cycle."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.contracts.models import Contract, CoveredServer, ServiceProduct
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract_a(customer_a: Organisation, server_a: Server) -> Contract:
    today = timezone.localdate()
    product = ServiceProduct.objects.order_by("pk").first()
    assert product is not None  # seeded by the contracts app's migration
    contract = Contract.objects.create(
        number="HT-2026-001",
        organisation=customer_a,
        product=product,
        start_date=today - datetime.timedelta(days=300),
        end_date=today + datetime.timedelta(days=40),
        status="active",
    )
    CoveredServer.objects.create(contract=contract, server=server_a)
    return contract


def test_home_shows_requests_servers_contracts_and_eosl(
    portal_request: Callable[..., Ticket],
    contract_a: Contract,
    server_a: Server,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    customer_user: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: object,
) -> None:
    ticket = portal_request()
    vendor = server_a.vendor
    old = asset_services.create_server_model(
        actor=None, vendor=vendor, name="R720", eosl_date=datetime.date(2099, 1, 1)
    )
    make_server(customer_a, serial="LATER01", model=old)
    client = client_for(customer_user)
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        response = client.get(reverse("portal:home"))
    body = response.content.decode()
    assert 'data-testid="card-open">1<' in body
    assert 'data-testid="card-servers">2<' in body
    assert 'data-testid="card-expiring">1<' in body
    assert 'data-testid="card-eosl">1<' in body  # R740 within 12 months; R720 in 2099 is not
    assert ticket.number in body
    assert contract_a.number in body
    assert "CN7A1234" in body
    assert "LATER01" not in body.split('data-testid="eosl-servers"')[1]
    assert 'data-testid="deflection-card"' not in body  # customer admins only


def test_server_list_and_detail(
    portal_request: Callable[..., Ticket],
    contract_a: Contract,
    server_a: Server,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    ticket = portal_request()
    client = client_for(customer_user)
    listing = client.get(reverse("portal:server_list"), {"q": "cn7"}).content.decode()
    assert reverse("portal:server_detail", args=[server_a.pk]) in listing
    assert (
        client.get(reverse("portal:server_list"), {"warranty": "expired"}).content.decode().count("CN7A1234")
        == 0
    )
    export = client.get(reverse("portal:server_list"), {"export": "csv"})
    assert "CN7A1234" in b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    detail = client.get(reverse("portal:server_detail", args=[server_a.pk])).content.decode()
    assert "Covered by contract" in detail
    assert contract_a.number in detail
    assert ticket.number in detail
    assert reverse("portal:request_create") + "?server=CN7A1234" in detail
    new_page = client.get(reverse("portal:request_create"), {"server": "CN7A1234"}).content.decode()
    assert 'value="CN7A1234"' in new_page
