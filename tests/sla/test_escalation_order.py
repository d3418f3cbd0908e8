"""Escalation steps fire once each and in order, however late the sweep comes.

A P3 request on the 5×9 China calendar with a policy that escalates a tier at 100 % and again at
150 % of the response target. Swept once after both points, or once between them and once after,
the request ends at tier 3 with the two steps fired in order.
"""

import datetime
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sasms.accounts.models import Organisation, User
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.sla import policies
from sasms.sla.clocks.services import sweep
from sasms.sla.models import ClockEntry, FiredStep, SlaClock
from sasms.tickets import services
from sasms.tickets.choices import EventKind
from sasms.tickets.models import TicketEvent

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def sh(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=SH)  # type: ignore[arg-type, misc]


@pytest.fixture
def travel() -> Iterator[Callable[[datetime.datetime], None]]:
    travellers: list[Any] = []

    def go(moment: datetime.datetime) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def server(customer_a: Organisation) -> Server:
    vendor = asset_services.create_vendor(actor=None, name="Inspur", code="inspur")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="NF5280M6")
    return asset_services.create_server(
        actor=None,
        model=model,
        serial="CN7ESC001",
        organisation=customer_a,
        warranty_start=datetime.date(2025, 1, 1),
        warranty_end=datetime.date(2028, 12, 31),
    )


@pytest.mark.parametrize(
    "sweeps",
    [
        # One late sweep finds both breach steps due at once.
        [datetime.datetime(2026, 3, 10, 12, 0, tzinfo=SH)],
        # A sweep between the 100 % point (Wed 16:00) and the 150 % point (Fri 10:00), then one after.
        [datetime.datetime(2026, 3, 5, 12, 0, tzinfo=SH), datetime.datetime(2026, 3, 6, 12, 0, tzinfo=SH)],
    ],
    ids=["one-late-sweep", "two-sweeps"],
)
def test_two_breach_steps_raise_the_tier_from_1_to_3_in_order(
    sweeps: list[datetime.datetime],
    travel: Callable[[datetime.datetime], None],
    customer_a: Organisation,
    server: Server,
    make_user: Callable[..., User],
) -> None:
    manager = make_user("service_manager")
    policies.save_policy(
        actor=manager,
        name="P3 two-step escalation",
        priorities=["P3"],
        around_the_clock=True,
        is_active=True,
        steps=[
            policies.StepInput("response", "1.5", ["escalate_tier"]),
            policies.StepInput("response", "1", ["escalate_tier"]),
        ],
    )
    travel(sh(2026, 3, 2, 10, 0))  # Monday
    ticket = services.create_ticket(actor=None, organisation=customer_a, server=server, title="ECC errors")
    assert (ticket.priority, ticket.tier) == ("P3", 1)
    fired = 0
    for moment in sweeps:
        travel(moment)
        result = sweep()
        assert result.errors == []
        fired += result.steps_fired
    assert sweep().steps_fired == 0  # nothing fires twice
    ticket.refresh_from_db()
    assert ticket.tier == 3
    assert fired == 2
    response = SlaClock.objects.get(ticket=ticket, kind="response")
    assert response.steps_fired == 2
    assert FiredStep.objects.filter(clock=response).count() == 2
    sla_events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA).order_by("id")
    assert [event.data["fraction"] for event in sla_events] == ["1.00", "1.50"]
    tiers = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.TIER).order_by("id")
    assert [(event.data["from"], event.data["to"]) for event in tiers] == [(1, 2), (2, 3)]
    escalations = ClockEntry.objects.filter(clock=response, kind="escalation").order_by("id")
    assert [entry.reason for entry in escalations] == ["100%", "150%"]
