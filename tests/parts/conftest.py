"""Parts fixtures: a small catalogue, four depots around Shanghai and Beijing, a request on a
Shanghai server, and helpers to put stock on the shelf through the services."""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel, Site, Vendor
from sasms.parts import services
from sasms.parts.models import Depot, Part, StockBalance
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket

SHANGHAI = (Decimal("31.230400"), Decimal("121.473700"))


@pytest.fixture
def clerk(make_user: Callable[..., User]) -> User:
    return make_user(Role.PARTS_CLERK, language="en")


@pytest.fixture
def engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.ENGINEER, language="en")


@pytest.fixture
def field_engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.FIELD_ENGINEER, language="en")


@pytest.fixture
def dell(db: None) -> Vendor:
    return asset_services.create_vendor(actor=None, name="Dell", code="dell")


@pytest.fixture
def r750(dell: Vendor) -> ServerModel:
    return asset_services.create_server_model(actor=None, vendor=dell, name="PowerEdge R750")


@pytest.fixture
def site_sh(customer_a: Organisation) -> Site:
    return asset_services.create_site(
        actor=None,
        organisation=customer_a,
        name="Shanghai DC-1",
        city="上海",
        latitude=SHANGHAI[0],
        longitude=SHANGHAI[1],
    )


@pytest.fixture
def server_a(r750: ServerModel, customer_a: Organisation, site_sh: Site) -> Server:
    today = datetime.date.today()
    server = asset_services.create_server(
        actor=None,
        model=r750,
        serial="CN7PARTS1",
        organisation=customer_a,
        site=site_sh,
        warranty_start=today - datetime.timedelta(days=100),
        warranty_end=today + datetime.timedelta(days=900),
    )
    asset_services.add_component(
        actor=None, server=server, kind="disk", slot="DISK3", part_number="DISK-4T", serial="OLD-DISK-3"
    )
    return server


@pytest.fixture
def server_b(r750: ServerModel, customer_b: Organisation) -> Server:
    return asset_services.create_server(actor=None, model=r750, serial="CN7PARTSB", organisation=customer_b)


def _depot(code: str, name: str, kind: str, tier: str, lat: str, lon: str) -> Depot:
    return services.create_depot(
        actor=None,
        code=code,
        name=name,
        kind=kind,
        service_tier=tier,
        city=name.split()[0],
        latitude=Decimal(lat),
        longitude=Decimal(lon),
    )


@pytest.fixture
def depots(db: None) -> dict[str, Depot]:
    """Shanghai forward (4 h, ~3 km from the site), Shanghai central (NBD, ~28 km), Hangzhou
    forward (4 h, ~165 km), Beijing regional (NBD, ~1 070 km)."""
    return {
        "sh": _depot("sh-fsl", "Shanghai forward", "forward", "4h", "31.240000", "121.500000"),
        "central": _depot("sh-central", "Shanghai central", "central", "nbd", "31.380000", "121.250000"),
        "hz": _depot("hz-fsl", "Hangzhou forward", "forward", "4h", "30.274100", "120.155100"),
        "bj": _depot("bj-rdc", "Beijing regional", "regional", "nbd", "39.904200", "116.407400"),
    }


@pytest.fixture
def disk(dell: Vendor, r750: ServerModel) -> Part:
    return services.create_part(
        actor=None,
        part_number="disk-4t",
        description="4 TB 7.2k SATA disk",
        kind="disk",
        vendor=dell,
        unit_cost=Decimal("1450.00"),
        compatible_models=[r750],
    )


@pytest.fixture
def disk_sub(dell: Vendor, r750: ServerModel, disk: Part) -> Part:
    part = services.create_part(
        actor=None,
        part_number="DISK-4T-B",
        description="4 TB 7.2k SATA disk (second source)",
        kind="disk",
        vendor=dell,
        unit_cost=Decimal("1390.00"),
        compatible_models=[r750],
    )
    from sasms.parts.models import Substitute

    Substitute.objects.create(part=disk, substitute=part)
    Substitute.objects.create(part=part, substitute=disk)
    return part


@pytest.fixture
def board(dell: Vendor, r750: ServerModel) -> Part:
    return services.create_part(
        actor=None,
        part_number="MB-R750",
        description="R750 mainboard",
        kind="mainboard",
        vendor=dell,
        unit_cost=Decimal("9800.00"),
        serialised=True,
        compatible_models=[r750],
    )


@pytest.fixture
def stock() -> Callable[..., None]:
    def put(part: Part, depot: Depot, quantity: int, condition: str = "new", serials: Any = ()) -> None:
        services.receive_stock(
            actor=None, part=part, depot=depot, quantity=quantity, condition=condition, serials=serials
        )

    return put


# Wednesday 10:00 in Shanghai. A request opened on a Saturday afternoon is not due on site until
# Monday, when a next-business-day depot arrives in time too; tests that compare depots against
# the request's own SLA clocks open it on a working morning, whatever day they run.
WORKING_MORNING = datetime.datetime(2026, 11, 18, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def working_morning() -> Iterator[None]:
    """Request this before ``ticket`` so that the request, its clocks and the page share the time."""
    with time_machine.travel(WORKING_MORNING, tick=True):
        yield


@pytest.fixture
def ticket(customer_a: Organisation, server_a: Server) -> Ticket:
    return ticket_services.create_ticket(
        actor=None,
        organisation=customer_a,
        server=server_a,
        title="Disk 3 predictive failure",
        component="disk",
        impact="1",
        urgency="1",  # P1: on-site (and parts) within the next business day
    )


@pytest.fixture
def ticket_b(customer_b: Organisation, server_b: Server) -> Ticket:
    return ticket_services.create_ticket(
        actor=None, organisation=customer_b, server=server_b, title="B's disk", component="disk"
    )


def balance(part: Part, depot: Depot, condition: str = "new") -> tuple[int, int]:
    row = StockBalance.objects.filter(part=part, depot=depot, condition=condition).first()
    return (row.on_hand, row.reserved) if row else (0, 0)
