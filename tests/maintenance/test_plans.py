"""PM plans over a contract year: spread, calendar hours, 2027 holidays, blackouts, grouping,
review and confirmation into scheduled field visits."""

import datetime
from collections.abc import Callable

import pytest
from django.db.models import Count

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import ServerModel, Site
from sasms.contracts.models import Contract
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.field.models import Visit
from sasms.maintenance import planning, services
from sasms.maintenance.choices import PlanStatus, PmVisitStatus
from sasms.maintenance.models import PmPlan
from sasms.sla.calendar_math import CalendarSpec
from sasms.sla.clocks.store import calendar_ids_by_coverage
from sasms.sla.specs import calendar_spec_for
from sasms.tickets.choices import TicketType
from tests.maintenance.conftest import make_servers

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


def cn_5x9() -> CalendarSpec:
    return calendar_spec_for(calendar_ids_by_coverage()["5x9"], years=(2026, 2028))


def test_four_rounds_spread_over_the_contract_year_one_visit_per_site(plan: PmPlan) -> None:
    visits = list(plan.visits.order_by("planned_date"))
    assert plan.status == PlanStatus.PROPOSED
    assert len(visits) == 8  # 4 rounds × 2 sites
    assert {v.round for v in visits} == {1, 2, 3, 4}
    for number, (first, last) in enumerate(
        [
            ("2027-01-01", "2027-04-01"),
            ("2027-04-02", "2027-07-01"),
            ("2027-07-02", "2027-09-30"),
            ("2027-10-01", "2027-12-31"),
        ],
        start=1,
    ):
        days = [v.planned_date for v in visits if v.round == number]
        assert all(datetime.date.fromisoformat(first) <= d <= datetime.date.fromisoformat(last) for d in days)
    # No two visits on one day: one engineer can do the whole plan.
    assert len({v.planned_date for v in visits}) == len(visits)
    # Inside the 5×9 hours, in Shanghai time.
    spec = cn_5x9()
    for v in visits:
        local = v.window_start.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
        assert (local.hour, local.minute) == (9, 0)
        assert v.window_end - v.window_start == datetime.timedelta(minutes=v.minutes)
        assert spec.local_hours(v.planned_date)
        assert v.due_date == planning.month_end(v.planned_date)


def test_2027_spring_festival_holidays_are_skipped() -> None:
    spec = cn_5x9()
    # The calendar provides 2027's Spring Festival (provisional, from the statute) as holidays.
    assert datetime.date(2027, 2, 5) in spec.holidays
    assert not spec.local_hours(datetime.date(2027, 2, 8))  # a Monday, a holiday
    # One round over a year whose middle is Friday 5 February 2027.
    start = datetime.date(2026, 8, 7)
    proposal = planning.propose(
        spec=spec,
        year_start=start,
        year_end=datetime.date(2027, 8, 6),
        rounds=1,
        work=[planning.ServerWork(1, 10, 45)],
        capacity=480,
        earliest=TODAY,
    )
    (visit,) = proposal.visits
    expected = next(
        datetime.date(2027, 2, 5) + datetime.timedelta(days=n)
        for n in range(30)
        if spec.local_hours(datetime.date(2027, 2, 5) + datetime.timedelta(days=n))
    )
    assert expected > datetime.date(2027, 2, 10)
    assert visit.day == expected
    # A blackout window of the customer pushes it on to the next free working day.
    blackout = planning.Blackout(None, expected, expected + datetime.timedelta(days=3))
    moved = planning.propose(
        spec=spec,
        year_start=start,
        year_end=datetime.date(2027, 8, 6),
        rounds=1,
        work=[planning.ServerWork(1, 10, 45)],
        capacity=480,
        blackouts=[blackout],
        earliest=TODAY,
    )
    assert moved.visits[0].day is not None
    assert moved.visits[0].day > blackout.end
    assert spec.local_hours(moved.visits[0].day)


def test_blackout_windows_of_the_customer_and_of_one_site_are_respected(
    dispatcher: User, contract: Contract, sites: list[Site], customer_a: Organisation
) -> None:
    # Q1 frozen at every site; all of May frozen at DC-2 only.
    services.create_blackout(
        actor=dispatcher,
        organisation=customer_a,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2027, 3, 20),
        reason="Year-end closing",
    )
    services.create_blackout(
        actor=dispatcher,
        organisation=customer_a,
        site=sites[1],
        start_date=datetime.date(2027, 5, 1),
        end_date=datetime.date(2027, 5, 31),
    )
    plan = services.propose_plan(actor=dispatcher, contract=contract, today=TODAY)
    for visit in plan.visits.all():
        assert not (datetime.date(2027, 1, 1) <= visit.planned_date <= datetime.date(2027, 3, 20))
        if visit.site_id == sites[1].pk:
            assert visit.planned_date.month != 5
    round_one = plan.visits.filter(round=1)
    assert round_one.count() == 2  # both still fit in what is left of the first quarter
    assert all(v.planned_date <= datetime.date(2027, 4, 1) for v in round_one)


def test_blackout_refused_for_another_customers_site_and_reversed_dates(
    dispatcher: User, customer_a: Organisation, customer_b: Organisation, sites: list[Site]
) -> None:
    with pytest.raises(ServiceError) as caught:
        services.create_blackout(
            actor=dispatcher,
            organisation=customer_b,
            site=sites[0],
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2027, 1, 2),
        )
    assert "site" in caught.value.fields
    with pytest.raises(ServiceError) as caught:
        services.create_blackout(
            actor=dispatcher,
            organisation=customer_a,
            start_date=datetime.date(2027, 1, 5),
            end_date=datetime.date(2027, 1, 2),
        )
    assert "end_date" in caught.value.fields


def test_servers_of_a_site_are_grouped_while_the_engineers_time_allows(
    dispatcher: User, contract: Contract, customer_a: Organisation, model_a: ServerModel, sites: list[Site]
) -> None:
    from sasms.contracts import services as contract_services

    more = make_servers(customer_a, model_a, sites[0], 9, "DC1B-")  # 12 servers at DC-1 in all
    contract_services.cover_servers(actor=None, contract=contract, servers=more)
    services.set_model_duration(actor=dispatcher, server_model=model_a, minutes=60)
    plan = services.propose_plan(actor=dispatcher, contract=contract, capacity_minutes=480, today=TODAY)
    round_one = plan.visits.filter(round=1).annotate(n=Count("servers")).order_by("site_id", "id")
    sizes = [(v.site_id, v.n, v.minutes) for v in round_one]
    # 12 × 60 min at DC-1 → 8 + 4 servers; DC-2's 2 servers in one visit.
    assert sizes == [(sites[0].pk, 8, 480), (sites[0].pk, 4, 240), (sites[1].pk, 2, 120)]


def test_group_servers_is_per_site_and_never_splits_below_one_server() -> None:
    work = [planning.ServerWork(1, 1, 300), planning.ServerWork(2, 1, 300), planning.ServerWork(3, 2, 900)]
    groups = planning.group_servers(work, 480)
    assert [(site, [w.server_id for w in g]) for site, g in groups] == [(1, [1]), (1, [2]), (2, [3])]


def test_one_plan_per_contract_year_and_only_dispatchers_propose(
    plan: PmPlan, dispatcher: User, contract: Contract, make_user: Callable[..., User]
) -> None:
    with pytest.raises(Conflict):
        services.propose_plan(actor=dispatcher, contract=contract, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.propose_plan(actor=make_user(Role.AGENT), contract=contract, today=TODAY)
    services.cancel_plan(actor=dispatcher, plan=plan)
    again = services.propose_plan(actor=dispatcher, contract=contract, today=TODAY)
    assert again.visits.count() == 8


def test_visits_are_editable_before_confirming_within_the_same_rules(
    plan: PmPlan, dispatcher: User, engineer: User
) -> None:
    visit = plan.visits.order_by("planned_date").first()
    assert visit is not None
    with pytest.raises(ServiceError) as caught:
        services.update_pm_visit(actor=dispatcher, pm_visit=visit, planned_date=datetime.date(2027, 2, 8))
    assert "holiday" in caught.value.fields["planned_date"][0]
    moved = services.update_pm_visit(
        actor=dispatcher, pm_visit=visit, planned_date=datetime.date(2027, 3, 3), engineer=engineer
    )
    assert moved.planned_date == datetime.date(2027, 3, 3)
    assert moved.due_date == datetime.date(2027, 3, 31)
    assert moved.engineer == engineer


def test_confirm_schedules_each_visit_as_a_preventive_request_with_contact_and_access_notes(
    confirmed: PmPlan, engineer: User, dispatcher: User, sites: list[Site]
) -> None:
    assert confirmed.status == PlanStatus.CONFIRMED
    visits = list(confirmed.visits.select_related("ticket", "field_visit"))
    assert len(visits) == 8
    for pm_visit in visits:
        assert pm_visit.status == PmVisitStatus.SCHEDULED
        field_visit = pm_visit.field_visit
        assert isinstance(field_visit, Visit)
        assert field_visit.engineer == engineer
        assert (field_visit.window_start, field_visit.window_end) == (
            pm_visit.window_start,
            pm_visit.window_end,
        )
        assert field_visit.contact is not None
        assert field_visit.contact.name == "王伟"
        assert pm_visit.ticket is not None
        assert pm_visit.ticket.type == TicketType.PREVENTIVE
        assert pm_visit.ticket.assignee == engineer
        if pm_visit.site_id == sites[0].pk:
            assert field_visit.access_notes == "Gate 2, badge ZZ-1"
    with pytest.raises(Conflict):
        services.update_pm_visit(actor=dispatcher, pm_visit=visits[0], planned_date=datetime.date(2027, 3, 3))


def test_confirm_without_engineer_changes_nothing(plan: PmPlan, dispatcher: User) -> None:
    with pytest.raises(ServiceError) as caught:
        services.confirm_plan(actor=dispatcher, plan=plan)
    assert "engineer" in caught.value.fields
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert not Visit.objects.exists()
