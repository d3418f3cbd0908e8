"""Dispatch fixtures: a customer site in Shanghai, Dell servers, engineers with profiles around it."""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel, Site, Vendor
from sasms.dispatch import services
from sasms.dispatch.models import EngineerProfile
from sasms.sla.models import BusinessCalendar
from sasms.sla.specs import clear_spec_cache
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket

SHANGHAI = (31.2304, 121.4737)
SUZHOU = (31.2990, 120.5853)  # ~85 km west
HANGZHOU = (30.2741, 120.1551)  # ~165 km south-west
BEIJING = (39.9042, 116.4074)  # ~1 070 km north
SH_TZ = datetime.timezone(datetime.timedelta(hours=8))


def sh(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=SH_TZ)  # type: ignore[misc, arg-type]


@pytest.fixture(autouse=True)
def _fresh_spec_cache() -> Iterator[None]:
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def travel() -> Iterator[Callable[[datetime.datetime], None]]:
    travellers: list[Any] = []

    def go(moment: datetime.datetime) -> None:
        for traveller in travellers:
            traveller.stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def cal_7x24(db: None) -> BusinessCalendar:
    return BusinessCalendar.objects.get(code="7x24")


@pytest.fixture
def cal_5x9(db: None) -> BusinessCalendar:
    return BusinessCalendar.objects.get(code="cn-5x9")


@pytest.fixture
def dispatcher(make_user: Callable[..., User]) -> User:
    return make_user(Role.DISPATCHER, language="en")


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en")


@pytest.fixture
def customer_b_user(make_user: Callable[..., User], customer_b: Organisation) -> User:
    return make_user(Role.CUSTOMER, organisation=customer_b, language="en")


@pytest.fixture
def dell(db: None) -> Vendor:
    return asset_services.create_vendor(actor=None, name="Dell", code="dell")


@pytest.fixture
def hpe(db: None) -> Vendor:
    return asset_services.create_vendor(actor=None, name="HPE", code="hpe")


@pytest.fixture
def r750(dell: Vendor) -> ServerModel:
    return asset_services.create_server_model(actor=None, vendor=dell, name="PowerEdge R750")


@pytest.fixture
def site_a(customer_a: Organisation) -> Site:
    return asset_services.create_site(
        actor=None,
        organisation=customer_a,
        name="Pudong DC",
        latitude=Decimal(f"{SHANGHAI[0]:.6f}"),
        longitude=Decimal(f"{SHANGHAI[1]:.6f}"),
    )


@pytest.fixture
def server_a(r750: ServerModel, customer_a: Organisation, site_a: Site) -> Server:
    today = timezone.localdate()
    return asset_services.create_server(
        actor=None,
        model=r750,
        serial="CN7A1234",
        organisation=customer_a,
        site=site_a,
        warranty_start=today - datetime.timedelta(days=100),
        warranty_end=today + datetime.timedelta(days=900),
    )


@pytest.fixture
def make_ticket(customer_a: Organisation, server_a: Server) -> Callable[..., Ticket]:
    def make(**fields: Any) -> Ticket:
        values: dict[str, Any] = {
            "actor": None,
            "organisation": customer_a,
            "server": server_a,
            "title": "Disk 3 predictive failure",
            "category": "hardware",
            "component": "disk",
        }
        values.update(fields)
        return ticket_services.create_ticket(**values)

    return make


@pytest.fixture
def ticket(make_ticket: Callable[..., Ticket]) -> Ticket:
    return make_ticket()


@pytest.fixture
def make_engineer(
    make_user: Callable[..., User], cal_7x24: BusinessCalendar, dell: Vendor
) -> Callable[..., EngineerProfile]:
    """An engineer with a profile; 7×24 shifts, a valid Dell certification and disk skill 3 by default."""

    def make(
        name: str,
        at: tuple[float, float] = SHANGHAI,
        *,
        calendar: BusinessCalendar | None = None,
        skills: dict[tuple[str, str], int] | None = None,
        certified: bool = True,
        capacity: int = 5,
        role: str = Role.FIELD_ENGINEER,
        **fields: Any,
    ) -> EngineerProfile:
        user = make_user(role, full_name=name, language="en")
        profile = services.create_profile(
            actor=None,
            user=user,
            calendar=calendar or cal_7x24,
            max_concurrent=capacity,
            home_label=name,
            home_latitude=at[0],
            home_longitude=at[1],
            **fields,
        )
        services.set_skills(
            actor=None,
            profile=profile,
            levels=skills if skills is not None else {("category", "hardware"): 3, ("component", "disk"): 3},
        )
        if certified:
            services.add_certification(
                actor=None,
                profile=profile,
                name="Dell PowerEdge Professional",
                vendor=dell,
                valid_until=timezone.localdate() + datetime.timedelta(days=365),
            )
        return profile

    return make


@pytest.fixture(autouse=True)
def _fresh_settings_cache() -> Iterator[None]:
    from sasms.dispatch.selectors import clear_settings_cache

    clear_settings_cache()
    yield
    clear_settings_cache()
