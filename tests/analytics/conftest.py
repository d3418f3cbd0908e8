"""Analytics fixtures: a small fleet and a builder that writes requests with every measure.

Rows are written directly (as the SLA and parts tests do for data they are not about), with
explicit times, so each figure in the tests can be checked by hand. Times are Asia/Shanghai.
"""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sasms.accounts.models import Organisation, Team, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server, ServerModel, Vendor
from sasms.feedback.models import Survey, SurveyResponse
from sasms.field.models import Visit
from sasms.parts.models import Depot, Movement, Part
from sasms.sla.models import BusinessCalendar, ClockState, SlaClock
from sasms.tickets.choices import Category, ResolutionCode, Status, TicketType
from sasms.tickets.models import Ticket

SH = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def sh(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=SH)  # type: ignore[arg-type, misc]


@dataclass
class Fleet:
    """Two vendors, three models, servers at customers A and B, two teams and three engineers."""

    customer_a: Organisation
    customer_b: Organisation
    dell: Vendor
    hpe: Vendor
    r750: ServerModel
    r650: ServerModel
    dl380: ServerModel
    servers: dict[str, Server]
    teams: dict[str, Team]
    engineers: dict[str, User]
    calendar: BusinessCalendar
    part: Part
    depot: Depot
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def fleet(customer_a: Organisation, customer_b: Organisation, make_user: Callable[..., User]) -> Fleet:
    dell = Vendor.objects.create(name="Dell", code="dell")
    hpe = Vendor.objects.create(name="HPE", code="hpe")
    r750 = ServerModel.objects.create(vendor=dell, name="PowerEdge R750")
    r650 = ServerModel.objects.create(vendor=dell, name="PowerEdge R650")
    dl380 = ServerModel.objects.create(vendor=hpe, name="ProLiant DL380")

    def server(serial: str, model: ServerModel, org: Organisation, installed: datetime.date | None) -> Server:
        return Server.objects.create(
            vendor=model.vendor, model=model, serial=serial, organisation=org, installation_date=installed
        )

    servers = {
        "a1": server("A1", r750, customer_a, datetime.date(2025, 1, 1)),
        "a2": server("A2", r750, customer_a, datetime.date(2026, 3, 1)),
        "a3": server("A3", dl380, customer_a, datetime.date(2025, 6, 1)),
        "b1": server("B1", r650, customer_b, datetime.date(2025, 1, 1)),
        "b2": server("B2", dl380, customer_b, None),
    }
    teams = {
        "north": Team.objects.create(name="North field", kind="field"),
        "south": Team.objects.create(name="South field", kind="field"),
    }
    engineers = {
        name: make_user(Role.ENGINEER, full_name=full, language="en")
        for name, full in (("wang", "Wang Wei"), ("li", "Li Na"), ("zhao", "Zhao Lei"))
    }
    part = Part.objects.create(part_number="disk-4t", description="4 TB disk", kind="disk", vendor=dell)
    depot = Depot.objects.create(
        code="sh-fsl",
        name="Shanghai forward",
        city="Shanghai",
        latitude=Decimal("31.24"),
        longitude=Decimal("121.5"),
    )
    return Fleet(
        customer_a,
        customer_b,
        dell,
        hpe,
        r750,
        r650,
        dl380,
        servers,
        teams,
        engineers,
        BusinessCalendar.objects.get(code="cn-5x9"),
        part,
        depot,
    )


def make_request(
    fleet: Fleet,
    *,
    created: datetime.datetime,
    org: Organisation | None = None,
    server: Server | None = None,
    team: Team | None = None,
    engineer: User | None = None,
    priority: str = "P3",
    type: str = TicketType.INCIDENT,
    category: str = Category.HARDWARE,
    component: str = "",
    responded: datetime.datetime | None = None,
    resolved: datetime.datetime | None = None,
    status: str = "",
    first_time_fix: bool | None = None,
    reopen_count: int = 0,
    work_minutes: int = 0,
) -> Ticket:
    """One request; ``status`` defaults to resolved when ``resolved`` is given, else in progress."""
    number = next(_numbers)
    return Ticket.objects.create(
        number=f"SR-T-{number:06d}",
        organisation=org or (server.organisation if server else fleet.customer_a),
        server=server,
        title=f"Request {number}",
        service_kind="hardware_replacement",
        type=type,
        category=category,
        component=component,
        priority=priority,
        team=team,
        assignee=engineer,
        created_at=created,
        updated_at=resolved or responded or created,
        first_response_at=responded,
        resolved_at=resolved,
        status=status or (Status.RESOLVED if resolved else Status.IN_PROGRESS),
        resolution_code=ResolutionCode.choices[0][0] if resolved else "",
        first_time_fix=first_time_fix,
        reopen_count=reopen_count,
        work_minutes=work_minutes,
    )


def add_clock(
    fleet: Fleet,
    ticket: Ticket,
    kind: str,
    *,
    state: str = ClockState.MET,
    consumed: float = 0,
    breached: bool = False,
    cycle: int = 1,
    cycles_missed: int = 0,
) -> SlaClock:
    return SlaClock.objects.create(
        ticket=ticket,
        kind=kind,
        calendar=fleet.calendar,
        target_minutes=60,
        started_at=ticket.created_at,
        state=state,
        consumed_minutes=consumed,
        breached_at=ticket.created_at + datetime.timedelta(hours=1) if breached else None,
        met_at=ticket.created_at if state == ClockState.MET else None,
        cycle=cycle,
        cycles_missed=cycles_missed,
    )


def add_survey(
    ticket: Ticket, scores: tuple[int, int, int, int], answered: datetime.datetime
) -> SurveyResponse:
    survey = Survey.objects.create(
        ticket=ticket, organisation=ticket.organisation, engineer=ticket.assignee, resolved_at=answered
    )
    average = Decimal(sum(scores)) / 4
    return SurveyResponse.objects.create(
        survey=survey,
        ticket=ticket,
        organisation=ticket.organisation,
        engineer=ticket.assignee,
        channel="web",
        response_speed=scores[0],
        expertise=scores[1],
        resolution=scores[2],
        attitude=scores[3],
        average=average.quantize(Decimal("0.01")),
        created_at=answered,
    )


def add_visit(ticket: Ticket, engineer: User, *, checked_in: datetime.datetime | None) -> Visit:
    window = checked_in or ticket.created_at
    return Visit.objects.create(
        ticket=ticket,
        engineer=engineer,
        status="checked_out" if checked_in else "cancelled",
        window_start=window,
        window_end=window + datetime.timedelta(hours=4),
        travel_started_at=checked_in - datetime.timedelta(minutes=40) if checked_in else None,
        checked_in_at=checked_in,
        updated_at=checked_in or ticket.created_at,
    )


def add_movement(fleet: Fleet, ticket: Ticket, kind: str, quantity: int, unit_cost: str) -> Movement:
    sign = -1 if kind == "issue" else 1
    return Movement.objects.create(
        kind=kind,
        part=fleet.part,
        depot=fleet.depot,
        condition="new",
        quantity=quantity,
        on_hand_delta=sign * quantity,
        reserved_delta=0,
        unit_cost=Decimal(unit_cost),
        ticket=ticket,
    )
