"""Report fixtures: customer A's estate and one quarter (2026 Q3) of requests, hand-checked.

Customer A has four servers: two Dell PowerEdge R730 (EOSL 2026-06-30, past at the quarter's
end), one R740 (EOSL 2027-03-31, within 12 months) and one R760 (no EOSL date). In 2026 Q3 A
opened five requests: three disk faults on server A1 (the 2nd and 3rd are repeat failures: same
server and component within 30 days), one software request and one open network request.
Response clocks: 3 of 4 met (75 %); resolution clocks: 4 of 4 met. Survey answers: 5.0 and 2.5
(mean 3.75). Customer B has one request of its own, marked ZZSECRETB.
"""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server, ServerModel, Vendor
from sasms.feedback.models import Survey, SurveyResponse
from sasms.sla.models import BusinessCalendar, ClockState, SlaClock
from sasms.tickets.choices import Category, ResolutionCode, Status, TicketType
from sasms.tickets.models import Ticket

SH = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def sh(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=SH)  # type: ignore[arg-type, misc]


@dataclass
class Quarter:
    customer_a: Organisation
    customer_b: Organisation
    servers: dict[str, Server]
    tickets: list[Ticket]


def request(
    org: Organisation,
    created: datetime.datetime,
    *,
    server: Server | None = None,
    category: str = Category.HARDWARE,
    component: str = "",
    priority: str = "P3",
    resolved: datetime.datetime | None = None,
    title: str = "",
) -> Ticket:
    number = next(_numbers)
    return Ticket.objects.create(
        number=f"SR-R-{number:06d}",
        organisation=org,
        server=server,
        title=title or f"Request {number}",
        service_kind="hardware_replacement",
        type=TicketType.INCIDENT,
        category=category,
        component=component,
        priority=priority,
        created_at=created,
        updated_at=resolved or created,
        first_response_at=created + datetime.timedelta(minutes=20),
        resolved_at=resolved,
        status=Status.RESOLVED if resolved else Status.IN_PROGRESS,
        resolution_code=ResolutionCode.choices[0][0] if resolved else "",
    )


def clock(ticket: Ticket, kind: str, *, breached: bool = False) -> SlaClock:
    return SlaClock.objects.create(
        ticket=ticket,
        kind=kind,
        calendar=BusinessCalendar.objects.get(code="cn-5x9"),
        target_minutes=60,
        started_at=ticket.created_at,
        state=ClockState.MET,
        breached_at=ticket.created_at + datetime.timedelta(hours=1) if breached else None,
        met_at=ticket.created_at + datetime.timedelta(minutes=90 if breached else 20),
    )


def survey(ticket: Ticket, scores: tuple[int, int, int, int]) -> SurveyResponse:
    answered = (ticket.resolved_at or ticket.created_at) + datetime.timedelta(hours=2)
    invitation = Survey.objects.create(ticket=ticket, organisation=ticket.organisation, resolved_at=answered)
    return SurveyResponse.objects.create(
        survey=invitation,
        ticket=ticket,
        organisation=ticket.organisation,
        channel="web",
        response_speed=scores[0],
        expertise=scores[1],
        resolution=scores[2],
        attitude=scores[3],
        average=(Decimal(sum(scores)) / 4).quantize(Decimal("0.01")),
        created_at=answered,
    )


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    # Rendered reports are saved in the default storage: each test gets its own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def quarter(customer_a: Organisation, customer_b: Organisation) -> Quarter:
    from sasms.analytics.refresh import refresh_full

    dell = Vendor.objects.create(name="Dell", code="dell")
    r730 = ServerModel.objects.create(
        vendor=dell, name="PowerEdge R730", eosl_date=datetime.date(2026, 6, 30)
    )
    r740 = ServerModel.objects.create(
        vendor=dell, name="PowerEdge R740", eosl_date=datetime.date(2027, 3, 31)
    )
    r760 = ServerModel.objects.create(vendor=dell, name="PowerEdge R760")

    def server(serial: str, model: ServerModel, org: Organisation) -> Server:
        return Server.objects.create(
            vendor=dell,
            model=model,
            serial=serial,
            organisation=org,
            installation_date=datetime.date(2024, 1, 1),
            warranty_start=datetime.date(2024, 1, 1),
            warranty_end=datetime.date(2026, 11, 30),
        )

    servers = {
        "a1": server("A1", r730, customer_a),
        "a2": server("A2", r730, customer_a),
        "a3": server("A3", r740, customer_a),
        "a4": server("A4", r760, customer_a),
        "b1": server("ZZSECRETB-1", r760, customer_b),
    }
    a1 = servers["a1"]
    t1 = request(
        customer_a,
        sh(2026, 7, 6, 10),
        server=a1,
        component="disk",
        priority="P2",
        resolved=sh(2026, 7, 6, 14),
    )
    t2 = request(customer_a, sh(2026, 7, 20, 10), server=a1, component="disk", resolved=sh(2026, 7, 21, 10))
    t3 = request(customer_a, sh(2026, 8, 3, 10), server=a1, component="disk", resolved=sh(2026, 8, 4, 10))
    t4 = request(
        customer_a,
        sh(2026, 8, 10, 10),
        server=servers["a4"],
        category=Category.SOFTWARE,
        component="os",
        resolved=sh(2026, 8, 10, 15),
    )
    t5 = request(customer_a, sh(2026, 9, 14, 10), category=Category.NETWORK, priority="P4")
    for ticket in (t1, t2, t3, t4):
        clock(ticket, "response", breached=ticket is t3)
        clock(ticket, "resolution")
    survey(t1, (5, 5, 5, 5))
    survey(t2, (2, 3, 2, 3))
    b = request(
        customer_b,
        sh(2026, 8, 1, 9),
        server=servers["b1"],
        component="psu",
        resolved=sh(2026, 8, 1, 12),
        title="ZZSECRETB",
    )
    clock(b, "response", breached=True)
    refresh_full()
    return Quarter(customer_a, customer_b, servers, [t1, t2, t3, t4, t5])


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en")


@pytest.fixture
def customer_admin_a(make_user: Callable[..., User], customer_a: Organisation) -> User:
    return make_user(Role.CUSTOMER_ADMIN, organisation=customer_a, language="en")


@pytest.fixture
def customer_admin_b(make_user: Callable[..., User], customer_b: Organisation) -> User:
    return make_user(Role.CUSTOMER_ADMIN, organisation=customer_b, language="en")
