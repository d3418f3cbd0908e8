"""Every KPI on a small data set checked by hand, from the rollups and directly (docs/kpis.md).

The period is Mon 2026-03-02 to Sun 2026-03-08 (Asia/Shanghai). Seven requests:

R1  A, server a1 (Dell R750), disk, north/wang, P1: responded after 30 min, resolved after 1 day,
    fixed first time, 120 work min, 1 visit, parts 2 issued − 1 returned × 1 450; survey 5.0.
    Clocks: response met (30 business min), resolution met (540), dispatch met late, updates 1 kept
    and 1 missed.
R2  A, server a1, disk (a repeat of R1 within 30 days), north/li, P2: responded after 20 min,
    resolved after 2 days, not fixed first time, reopened once, 60 work min, 2 visits (and one
    cancelled); survey 3.5. Clocks: response met (20), resolution met late (1 080).
R3  B, server b1 (Dell R650), PSU, south/zhao: responded after 60 min (45 business min), open.
R4  A, no server, software, P4: open, never answered, no clocks.
R5  A, server a3 (HPE DL380), fan, wang: opened 2026-02-10, resolved in the period (23 days
    2 hours), first-time fix unknown, 30 work min.
R6  B, server b2 (DL380, no installation date), memory, zhao: opened 2026-01-20, open.
R7  A, server a2 (R750, installed 2026-03-01), PSU: cancelled the day it was opened; its stopped
    response clock is not decided.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

import pytest

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.analytics import kpis
from sasms.analytics.drilldown import requests_behind
from sasms.analytics.kpis import KpiFilter, Mean, Ratio
from sasms.analytics.refresh import refresh_full
from sasms.sla.models import ClockState
from sasms.tickets.choices import Category, Status
from sasms.tickets.models import Ticket
from tests.analytics.conftest import Fleet, add_clock, add_movement, add_survey, add_visit, make_request, sh

START, END = datetime.date(2026, 3, 2), datetime.date(2026, 3, 8)
SOURCES = ("rollup", "direct")


@pytest.fixture
def week(fleet: Fleet) -> dict[str, Ticket]:
    f, e, t, s = fleet, fleet.engineers, fleet.teams, fleet.servers
    r1 = make_request(
        f, created=sh(2026, 3, 2, 10), server=s["a1"], component="disk", team=t["north"], engineer=e["wang"],
        priority="P1", responded=sh(2026, 3, 2, 10, 30), resolved=sh(2026, 3, 3, 10), first_time_fix=True,
        work_minutes=120,
    )  # fmt: skip
    add_clock(f, r1, "response", consumed=30)
    add_clock(f, r1, "resolution", consumed=540)
    add_clock(f, r1, "dispatch", consumed=70, breached=True)
    add_clock(f, r1, "update", state=ClockState.STOPPED, cycle=3, cycles_missed=1, breached=True)
    add_survey(r1, (5, 5, 5, 5), sh(2026, 3, 4, 9))
    add_visit(r1, e["wang"], checked_in=sh(2026, 3, 2, 14))
    add_movement(f, r1, "issue", 2, "1450.00")
    add_movement(f, r1, "return_good", 1, "1450.00")
    r2 = make_request(
        f, created=sh(2026, 3, 3, 9), server=s["a1"], component="disk", team=t["north"], engineer=e["li"],
        priority="P2", responded=sh(2026, 3, 3, 9, 20), resolved=sh(2026, 3, 5, 9), first_time_fix=False,
        reopen_count=1, work_minutes=60,
    )  # fmt: skip
    add_clock(f, r2, "response", consumed=20)
    add_clock(f, r2, "resolution", consumed=1080, breached=True)
    add_survey(r2, (3, 3, 4, 4), sh(2026, 3, 6, 9))
    add_visit(r2, e["li"], checked_in=sh(2026, 3, 3, 14))
    add_visit(r2, e["wang"], checked_in=sh(2026, 3, 4, 14))
    add_visit(r2, e["li"], checked_in=None)
    r3 = make_request(
        f, created=sh(2026, 3, 4, 11), server=s["b1"], component="psu", team=t["south"], engineer=e["zhao"],
        responded=sh(2026, 3, 4, 12),
    )  # fmt: skip
    add_clock(f, r3, "response", consumed=45)
    add_clock(f, r3, "resolution", state=ClockState.RUNNING, consumed=100)
    r4 = make_request(f, created=sh(2026, 3, 6, 15), category=Category.SOFTWARE, priority="P4")
    r5 = make_request(
        f, created=sh(2026, 2, 10, 10), server=s["a3"], component="fan", engineer=e["wang"],
        responded=sh(2026, 2, 10, 10, 10), resolved=sh(2026, 3, 5, 12), work_minutes=30,
    )  # fmt: skip
    r6 = make_request(f, created=sh(2026, 1, 20, 10), server=s["b2"], component="memory", engineer=e["zhao"])
    r7 = make_request(f, created=sh(2026, 3, 5, 8), server=s["a2"], component="psu", status=Status.CANCELLED)
    Ticket.objects.filter(pk=r7.pk).update(closed_at=sh(2026, 3, 5, 12), updated_at=sh(2026, 3, 5, 12))
    add_clock(f, r7, "response", state=ClockState.STOPPED, consumed=5)
    refresh_full()
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5, "r6": r6, "r7": r7}


@pytest.mark.parametrize("source", SOURCES)
def test_summary_of_the_week(week: dict[str, Ticket], source: kpis.Source) -> None:
    s = kpis.summary(KpiFilter(START, END), source=source)
    assert (s.created, s.resolved, s.backlog) == (5, 3, 3)
    assert (s.mtta_wall.count, s.mtta_wall.value) == (3, 36.7)
    assert s.mtta_wall.total == pytest.approx(110)
    assert (s.mtta_business.count, s.mtta_business.total, s.mtta_business.value) == (3, 95, 31.7)
    # R5 waited 23 days and 2 hours: wall time counts every minute, the business mean has no R5
    # (no resolution clock).
    assert s.mttr_wall.count == 3
    assert s.mttr_wall.total == pytest.approx(1440 + 2880 + 23 * 1440 + 120)
    assert (s.mttr_business.count, s.mttr_business.value) == (2, 810.0)
    assert s.sla_by_kind == {
        "response": Ratio(3, 3),
        "dispatch": Ratio(0, 1),
        "resolution": Ratio(1, 2),
        "update": Ratio(1, 2),
    }
    assert (s.sla, s.sla.percent) == (Ratio(5, 8), 62.5)
    assert (s.first_time_fix, s.repeat_failure, s.reopen) == (Ratio(1, 2), Ratio(1, 3), Ratio(1, 3))
    assert (s.csat.count, s.csat.total, s.csat_satisfied) == (2, 8.5, Ratio(1, 2))
    assert (s.cost_labour, s.cost_parts, s.cost_travel) == (
        Decimal("1050.00"),
        Decimal("1450.00"),
        Decimal("600.00"),
    )
    assert s.cost_per_request == Decimal("1033.33")


@pytest.mark.parametrize("source", SOURCES)
def test_rates_come_from_settings(week: dict[str, Ticket], source: kpis.Source, settings: Any) -> None:
    settings.SASMS_ANALYTICS_LABOUR_RATE_PER_HOUR = "600"
    settings.SASMS_ANALYTICS_VISIT_FEE = "50.5"
    s = kpis.summary(KpiFilter(START, END), source=source)
    assert (s.cost_labour, s.cost_travel) == (Decimal("2100.00"), Decimal("151.50"))


@pytest.mark.parametrize("source", SOURCES)
def test_volume_and_ageing(week: dict[str, Ticket], source: kpis.Source) -> None:
    volume = kpis.volume_series(KpiFilter(START, END), source=source)
    assert [(p.day.day, p.created, p.resolved) for p in volume] == [
        (2, 1, 0), (3, 1, 1), (4, 1, 0), (5, 1, 2), (6, 1, 0), (7, 0, 0), (8, 0, 0),
    ]  # fmt: skip
    ageing = kpis.backlog_ageing(KpiFilter(START, END), source=source)
    assert [(b.key, b.count) for b in ageing] == [
        ("lt1d", 0),
        ("1to3d", 1),
        ("3to7d", 1),
        ("7to30d", 0),
        ("gt30d", 1),
    ]
    # At the end of 4 March R2 was still open (it was resolved on the 5th) and R3 was new.
    earlier = kpis.backlog_ageing(KpiFilter(START, datetime.date(2026, 3, 4)), source=source)
    assert [(b.key, b.count) for b in earlier] == [
        ("lt1d", 1),
        ("1to3d", 1),
        ("3to7d", 0),
        ("7to30d", 1),
        ("gt30d", 1),
    ]


@pytest.mark.parametrize("source", SOURCES)
def test_fault_distribution_and_afr(week: dict[str, Ticket], fleet: Fleet, source: kpis.Source) -> None:
    week_filter = KpiFilter(START, END)
    by_vendor = kpis.fault_distribution(week_filter, "vendor", source=source)
    assert [(r.key, r.label, r.faults) for r in by_vendor] == [(str(fleet.dell.pk), "Dell", 4)]
    by_model = kpis.fault_distribution(week_filter, "model", source=source)
    assert [(r.label, r.faults) for r in by_model] == [("Dell PowerEdge R750", 3), ("Dell PowerEdge R650", 1)]
    by_component = kpis.fault_distribution(week_filter, "component", source=source)
    assert [(r.key, r.faults) for r in by_component] == [("disk", 2), ("psu", 2)]
    afr = {row.model: row for row in kpis.annualised_failure_rates(week_filter, source=source)}
    # a1 and a2 (installed before the period) run all 7 days; b2 has no installation date.
    assert (afr["PowerEdge R750"].faults, afr["PowerEdge R750"].installed) == (3, 2)
    assert afr["PowerEdge R750"].server_years == pytest.approx(14 / 365.25, abs=1e-4)
    assert afr["PowerEdge R750"].afr_percent == round(100 * 3 / round(14 / 365.25, 4), 2)
    assert (afr["ProLiant DL380"].faults, afr["ProLiant DL380"].installed) == (0, 1)
    assert afr["ProLiant DL380"].afr_percent == 0
    # February: a2 is installed on 1 March, so only a1 runs; R5 (fan, DL380) is February's fault.
    february = {
        r.model: r
        for r in kpis.annualised_failure_rates(
            KpiFilter(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)), source=source
        )
    }
    assert (february["PowerEdge R750"].installed, february["ProLiant DL380"].faults) == (1, 1)
    assert february["PowerEdge R750"].server_years == pytest.approx(28 / 365.25, abs=1e-4)


@pytest.mark.parametrize("source", SOURCES)
def test_engineer_workload(week: dict[str, Ticket], fleet: Fleet, source: kpis.Source) -> None:
    rows = kpis.engineer_workload(KpiFilter(START, END), source=source)
    assert [(r.engineer, r.open_assigned, r.resolved, r.work_minutes, r.visits) for r in rows] == [
        ("Wang Wei", 0, 2, 150, 1),
        ("Li Na", 0, 1, 60, 2),
        ("Zhao Lei", 2, 0, 0, 0),
    ]
    assert [(r.first_time_fix, r.csat) for r in rows] == [
        (Ratio(1, 1), Mean(5.0, 1)),
        (Ratio(0, 1), Mean(3.5, 1)),
        (Ratio(0, 0), Mean(0.0, 0)),
    ]


@pytest.mark.parametrize("source", SOURCES)
def test_filters_cut_every_figure(week: dict[str, Ticket], fleet: Fleet, source: kpis.Source) -> None:
    b = kpis.summary(KpiFilter(START, END, organisation_id=fleet.customer_b.pk), source=source)
    assert (b.created, b.resolved, b.backlog, b.mtta_wall.count, b.csat.count) == (1, 0, 2, 1, 0)
    north = kpis.summary(KpiFilter(START, END, team_id=fleet.teams["north"].pk), source=source)
    assert (north.created, north.resolved, north.repeat_failure) == (2, 2, Ratio(1, 2))
    hpe = kpis.summary(KpiFilter(START, END, vendor_id=fleet.hpe.pk), source=source)
    assert (hpe.created, hpe.resolved, hpe.first_time_fix) == (0, 1, Ratio(0, 0))
    p1 = kpis.summary(
        KpiFilter(START, END, priority="P1", engineer_id=fleet.engineers["wang"].pk), source=source
    )
    assert (p1.resolved, p1.cost_parts, p1.sla) == (1, Decimal("1450.00"), Ratio(3, 5))
    software = kpis.summary(KpiFilter(START, END, category=Category.SOFTWARE, model_id=None), source=source)
    assert (software.created, software.backlog) == (1, 1)
    r750 = kpis.fault_distribution(KpiFilter(START, END, model_id=fleet.r750.pk), "component", source=source)
    assert [(r.key, r.faults) for r in r750] == [("disk", 2), ("psu", 1)]


def test_every_number_drills_down_to_exactly_its_requests(week: dict[str, Ticket], fleet: Fleet) -> None:
    f = KpiFilter(START, END)
    s = kpis.summary(f)
    ids = {name: t.pk for name, t in week.items()}

    def behind(metric: kpis.Metric, **kw: str) -> set[int]:
        return set(requests_behind(f, metric, **kw).values_list("pk", flat=True))

    assert len(behind("created")) == s.created
    assert behind("resolved") == {ids["r1"], ids["r2"], ids["r5"]}
    assert s.resolved == 3
    assert len(behind("backlog")) == s.backlog
    assert len(behind("responded")) == s.mtta_wall.count
    assert len(behind("ftf")) == s.first_time_fix.denominator
    assert len(behind("ftf_missed")) == s.first_time_fix.denominator - s.first_time_fix.numerator
    assert behind("repeat") == {ids["r2"]}
    assert s.repeat_failure.numerator == 1
    assert behind("reopened") == {ids["r2"]}
    assert s.reopen.numerator == 1
    assert len(behind("csat")) == s.csat.count
    assert behind("csat_low") == {ids["r2"]}
    assert s.csat_satisfied.denominator - s.csat_satisfied.numerator == 1
    for kind in ("response", "dispatch", "resolution"):
        ratio = s.sla_by_kind[kind]
        assert len(behind("sla_breached", kind=kind)) == ratio.denominator - ratio.numerator
    assert behind("sla_breached") == {ids["r1"], ids["r2"]}
    for bucket in kpis.backlog_ageing(f):
        assert len(behind("backlog", bucket=bucket.key)) == bucket.count
    dimensions: tuple[Literal["vendor", "model", "component"], ...] = ("vendor", "model", "component")
    for by in dimensions:
        for row in kpis.fault_distribution(f, by):
            assert len(behind("faults", bucket=f"{by}:{row.key}")) == row.faults
    for engineer in kpis.engineer_workload(f):
        mine = KpiFilter(START, END, engineer_id=engineer.engineer_id)
        assert requests_behind(mine, "resolved").count() == engineer.resolved
        assert requests_behind(mine, "backlog").count() == engineer.open_assigned


def test_customers_are_pinned_to_their_own_organisation(
    week: dict[str, Ticket], fleet: Fleet, make_user: Callable[..., User]
) -> None:
    customer = make_user(Role.CUSTOMER_ADMIN, organisation=fleet.customer_b)
    pinned = KpiFilter.for_actor(customer, start=START, end=END, organisation_id=fleet.customer_a.pk)
    assert pinned.organisation_id == fleet.customer_b.pk
    for source in SOURCES:
        board = kpis.dashboard(pinned, source=source)  # type: ignore[arg-type]
        assert (board.summary.created, board.summary.backlog, board.summary.resolved) == (1, 2, 0)
        assert [r.label for r in board.by_model] == ["Dell PowerEdge R650"]
        assert {r.engineer for r in board.engineers} == {"Zhao Lei"}
    assert set(requests_behind(pinned, "backlog").values_list("organisation_id", flat=True)) == {
        fleet.customer_b.pk
    }
    manager = make_user(Role.SERVICE_MANAGER)
    chosen = KpiFilter.for_actor(manager, start=START, end=END, organisation_id=fleet.customer_a.pk)
    assert chosen.organisation_id == fleet.customer_a.pk
    assert KpiFilter.for_actor(manager, start=START, end=END).organisation_id is None
