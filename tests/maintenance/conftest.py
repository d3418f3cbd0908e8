"""PM fixtures: a 5×9 contract with four PM visits a year over 2027, two sites of customer A with
servers on them, a dispatcher and a field engineer."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel, Site
from sasms.contracts import services as contract_services
from sasms.contracts.models import Contract, ServiceProduct
from sasms.maintenance import services
from sasms.maintenance.models import PmPlan

YEAR_START = datetime.date(2027, 1, 1)
YEAR_END = datetime.date(2027, 12, 31)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dispatcher(make_user: Callable[..., User]) -> User:
    return make_user(Role.DISPATCHER, language="en")


@pytest.fixture
def engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.FIELD_ENGINEER, language="en", full_name="Zheng Qiang 郑强")


@pytest.fixture
def pm_product(db: None) -> ServiceProduct:
    return ServiceProduct.objects.create(
        code="pm-test-5x9", name="PM test 5×9", coverage_hours="5x9", pm_visits_per_year=4
    )


@pytest.fixture
def model_a(db: None) -> ServerModel:
    vendor = asset_services.create_vendor(actor=None, name="Inspur", code="inspur")
    return asset_services.create_server_model(actor=None, vendor=vendor, name="NF5280M6")


@pytest.fixture
def sites(customer_a: Organisation) -> list[Site]:
    return [
        asset_services.create_site(
            actor=None, organisation=customer_a, name="亦庄数据中心 DC-1", access_notes="Gate 2, badge ZZ-1"
        ),
        asset_services.create_site(actor=None, organisation=customer_a, name="Shanghai DC-2"),
    ]


def make_servers(
    customer: Organisation, model: ServerModel, site: Site, count: int, prefix: str
) -> list[Server]:
    return [
        asset_services.create_server(
            actor=None, model=model, serial=f"{prefix}{n:03d}", organisation=customer, site=site
        )
        for n in range(count)
    ]


@pytest.fixture
def contract(
    customer_a: Organisation, pm_product: ServiceProduct, model_a: ServerModel, sites: list[Site]
) -> Contract:
    contract = contract_services.create_contract(
        actor=None,
        number="PM-2027-A",
        organisation=customer_a,
        product=pm_product,
        start_date=YEAR_START,
        end_date=YEAR_END,
    )
    servers = make_servers(customer_a, model_a, sites[0], 3, "DC1-") + make_servers(
        customer_a, model_a, sites[1], 2, "DC2-"
    )
    contract_services.cover_servers(actor=None, contract=contract, servers=servers)
    return contract


@pytest.fixture
def contact_a(customer_a: Organisation) -> Contact:
    return Contact.objects.create(
        organisation=customer_a, name="王伟", email="wang@a.example", is_primary=True
    )


@pytest.fixture
def plan(dispatcher: User, contract: Contract, contact_a: Contact) -> PmPlan:
    return services.propose_plan(actor=dispatcher, contract=contract, today=datetime.date(2026, 12, 1))


@pytest.fixture
def confirmed(plan: PmPlan, dispatcher: User, engineer: User) -> PmPlan:
    return services.confirm_plan(actor=dispatcher, plan=plan, engineer=engineer)
