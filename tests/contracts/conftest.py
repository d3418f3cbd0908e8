"""Contract fixtures: servers made through the assets services, contracts through ours."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel, Site, Vendor
from sasms.contracts import services
from sasms.contracts.models import Contract, ContractStatus, ServiceProduct

D = datetime.date
START, END = D(2026, 1, 1), D(2026, 12, 31)  # the default contract term


@pytest.fixture(autouse=True)
def _english() -> Any:
    # Messages are asserted in English; the default language is zh-hans.
    with translation.override("en"):
        yield


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en", email="manager@example.com")


@pytest.fixture
def vendor(db: None) -> Vendor:
    return asset_services.create_vendor(actor=None, name="Inspur", code="inspur")


@pytest.fixture
def server_model(vendor: Vendor) -> ServerModel:
    return asset_services.create_server_model(
        actor=None, vendor=vendor, name="NF5280M6", eol_date=D(2027, 1, 31), eosl_date=D(2030, 6, 30)
    )


@pytest.fixture
def old_model(vendor: Vendor) -> ServerModel:
    """A model past end of service life since 2025-12-31."""
    return asset_services.create_server_model(
        actor=None, vendor=vendor, name="NF5270M4", eol_date=D(2021, 6, 30), eosl_date=D(2025, 12, 31)
    )


@pytest.fixture
def site_utc(customer_a: Organisation) -> Site:
    return asset_services.create_site(actor=None, organisation=customer_a, name="London POP", time_zone="UTC")


@pytest.fixture
def make_server(server_model: ServerModel) -> Callable[..., Server]:
    counter = {"n": 0}

    def make(organisation: Organisation, **fields: Any) -> Server:
        counter["n"] += 1
        return asset_services.create_server(
            actor=None,
            model=fields.pop("model", server_model),
            serial=fields.pop("serial", f"CSN{counter['n']:05d}"),
            organisation=organisation,
            **fields,
        )

    return make


@pytest.fixture
def server_a(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    return make_server(customer_a, hostname="db01.a.example")


@pytest.fixture
def server_b(make_server: Callable[..., Server], customer_b: Organisation) -> Server:
    return make_server(customer_b, hostname="web01.b.example")


def product(code: str) -> ServiceProduct:
    return ServiceProduct.objects.get(code=code)


@pytest.fixture
def make_contract() -> Callable[..., Contract]:
    counter = {"n": 0}

    def make(
        organisation: Organisation,
        *,
        servers: list[Server] = (),  # type: ignore[assignment]
        status: str = ContractStatus.ACTIVE,
        code: str = "nbd-5x9",
        start: datetime.date = START,
        end: datetime.date = END,
        **details: Any,
    ) -> Contract:
        counter["n"] += 1
        contract = services.create_contract(
            actor=None,
            number=details.pop("number", f"HT-2026-{counter['n']:04d}"),
            organisation=organisation,
            product=product(code),
            start_date=start,
            end_date=end,
            **details,
        )
        if servers:
            services.cover_servers(actor=None, contract=contract, servers=servers)
        if status != ContractStatus.DRAFT:
            # Straight to the wanted state, whatever today's date: fixtures set up history.
            Contract.objects.filter(pk=contract.pk).update(status=status)
            contract.refresh_from_db()
        return contract

    return make
