"""MTTA and MTTR in business time come from the SLA clocks the live services keep.

The warranty server works to the basic-warranty product on the 5×9 China calendar (Mon–Fri
09:00–18:00, public holidays off, make-up workdays on). Times are Asia/Shanghai.
"""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.analytics import kpis
from sasms.analytics.kpis import KpiFilter
from sasms.analytics.refresh import refresh_full
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.sla.specs import clear_spec_cache
from sasms.tickets import services
from sasms.tickets.choices import Level
from sasms.tickets.models import Ticket
from tests.analytics.conftest import sh

SOURCES = ("rollup", "direct")


@pytest.fixture(autouse=True)
def _fresh_spec_cache() -> Iterator[None]:
    clear_spec_cache()
    yield
    clear_spec_cache()


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
def warranty_server(customer_a: Organisation) -> Server:
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="PowerEdge R750")
    return asset_services.create_server(
        actor=None,
        model=model,
        serial="CN7WARR01",
        organisation=customer_a,
        warranty_start=datetime.date(2025, 1, 1),
        warranty_end=datetime.date(2028, 12, 31),
    )


@pytest.fixture
def engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.ENGINEER, language="en")


@pytest.fixture
def answered(
    travel: Callable[[datetime.datetime], None],
    customer_a: Organisation,
    warranty_server: Server,
    engineer: User,
) -> Callable[[datetime.datetime, datetime.datetime], Ticket]:
    """A P1 request opened at one moment and answered publicly by an engineer at another."""
    requester = Contact.objects.create(organisation=customer_a, name="李娜", email="li@a.example")

    def make(opened: datetime.datetime, reply: datetime.datetime) -> Ticket:
        travel(opened)
        ticket = services.create_ticket(
            actor=None,
            organisation=customer_a,
            server=warranty_server,
            requester=requester,
            title="PSU 2 failed",
            impact=Level.HIGH,
            urgency=Level.HIGH,
        )
        travel(reply)
        services.add_comment(actor=engineer, ticket=ticket, body="We are on it.")
        return ticket

    return make


@pytest.mark.parametrize("source", SOURCES)
def test_friday_evening_to_monday_morning_is_forty_business_minutes(
    answered: Callable[[datetime.datetime, datetime.datetime], Ticket], source: kpis.Source
) -> None:
    # Opened Fri 2026-03-06 17:50, answered Mon 2026-03-09 09:30: 10 minutes on Friday, 30 on Monday.
    answered(sh(2026, 3, 6, 17, 50), sh(2026, 3, 9, 9, 30))
    refresh_full()
    s = kpis.summary(KpiFilter(datetime.date(2026, 3, 9), datetime.date(2026, 3, 9)), source=source)
    assert (s.mtta_business.count, s.mtta_business.value) == (1, 40.0)
    assert s.mtta_wall.value == 2 * 24 * 60 + 15 * 60 + 40  # 2 days 15 h 40 min of wall time
    # SLA attainment counts on the request's creation day (as the SLA report does).
    assert s.sla_by_kind == {}  # counted on the creation day (6 March), outside this period
    friday = kpis.summary(KpiFilter(datetime.date(2026, 3, 6), datetime.date(2026, 3, 6)), source=source)
    assert friday.sla_by_kind["response"].denominator == 1
    assert friday.sla_by_kind["response"].numerator == 0  # 40 business minutes > the 15-minute target


@pytest.mark.parametrize("source", SOURCES)
def test_the_national_day_holiday_is_not_business_time(
    answered: Callable[[datetime.datetime, datetime.datetime], Ticket], source: kpis.Source
) -> None:
    # Opened Wed 2026-09-30 17:00; 1–7 October are public holidays; answered Thu 8 October 09:30.
    answered(sh(2026, 9, 30, 17, 0), sh(2026, 10, 8, 9, 30))
    refresh_full()
    s = kpis.summary(KpiFilter(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)), source=source)
    assert (s.mtta_business.count, s.mtta_business.value) == (1, 90.0)
    assert s.mtta_wall.value == 7 * 24 * 60 + 16 * 60 + 30


@pytest.mark.parametrize("source", SOURCES)
def test_an_answer_within_business_hours_counts_the_same_in_both(
    answered: Callable[[datetime.datetime, datetime.datetime], Ticket], source: kpis.Source
) -> None:
    answered(sh(2026, 3, 2, 10, 0), sh(2026, 3, 2, 10, 12))
    refresh_full()
    s = kpis.summary(KpiFilter(datetime.date(2026, 3, 2), datetime.date(2026, 3, 2)), source=source)
    assert (s.mtta_business.value, s.mtta_wall.value) == (12.0, 12.0)
    assert s.sla_by_kind["response"].percent == 100.0
