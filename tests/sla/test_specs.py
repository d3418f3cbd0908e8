"""Loading specs from the database: cached per calendar and year, never a query per day."""

import datetime
from datetime import timedelta

import pytest

from sasms.core.errors import NotFound, ServiceError
from sasms.sla import services, specs
from sasms.sla.models import WorkingInterval
from tests.sla.helpers import UTC, at

pytestmark = pytest.mark.django_db
SH = "Asia/Shanghai"
H = timedelta(hours=1)


def test_cold_load_is_three_queries_and_warm_is_one(cn_5x9, django_assert_num_queries):
    with django_assert_num_queries(3):  # calendar row, weekly hours, special days of all years
        spec = specs.calendar_spec_for(cn_5x9.pk, years=(2024, 2027))
    assert datetime.date(2026, 10, 1) in spec.holidays
    with django_assert_num_queries(1):  # only the version check
        assert specs.calendar_spec_for(cn_5x9.pk, years=(2024, 2027)) is spec
    with django_assert_num_queries(2):  # one more year: version check + that year's days
        specs.calendar_spec_for(cn_5x9.pk, years=(2023, 2027))


def test_a_due_time_months_out_costs_a_constant_number_of_queries(cn_5x9, django_assert_num_queries):
    start = at(SH, 2026, 1, 5, 9)
    with django_assert_num_queries(3):
        due = specs.due_at(calendar_id=cn_5x9.pk, start=start, duration=200 * 9 * H)
    assert due.year == 2026
    with django_assert_num_queries(1):
        assert specs.business_time(calendar_id=cn_5x9.pk, start=start, end=due) == 200 * 9 * H


def test_computations_beyond_the_loaded_years_load_more(cn_5x9, django_assert_max_num_queries):
    start = at(SH, 2020, 1, 2, 9)
    with django_assert_max_num_queries(12):
        due = specs.due_at(calendar_id=cn_5x9.pk, start=start, duration=5 * 248 * 9 * H)
    assert due.year in (2024, 2025)
    assert specs.business_time(calendar_id=cn_5x9.pk, start=start, end=due) == 5 * 248 * 9 * H


def test_edits_invalidate_the_cache(cn_5x9, manager):
    start = at(SH, 2026, 11, 30, 17)
    before = specs.due_at(calendar_id=cn_5x9.pk, start=start, duration=2 * H)
    assert before == at(SH, 2026, 12, 1, 10).astimezone(UTC)
    services.add_special_day(actor=manager, calendar=cn_5x9, date=datetime.date(2026, 12, 1), kind="holiday")
    after = specs.due_at(calendar_id=cn_5x9.pk, start=start, duration=2 * H)
    assert after == at(SH, 2026, 12, 2, 10).astimezone(UTC)
    services.set_weekly_hours(
        actor=manager, calendar=cn_5x9, hours={d: [(8 * 60, 20 * 60)] for d in range(5)}
    )
    assert specs.due_at(calendar_id=cn_5x9.pk, start=start, duration=2 * H) == at(
        SH, 2026, 11, 30, 19
    ).astimezone(UTC)


def test_unknown_calendar_and_calendar_without_hours(manager):
    with pytest.raises(NotFound):
        specs.calendar_spec_for(999_999)
    closed = services.create_calendar(actor=manager, name="Closed", code="closed", coverage="5x9")
    # The services refuse an empty week; a calendar left without hours otherwise still answers
    # with a field error, never a crash.
    WorkingInterval.objects.filter(calendar=closed).delete()
    with pytest.raises(ServiceError) as caught:
        specs.due_at(calendar_id=closed.pk, start=at(SH, 2026, 1, 1), duration=H)
    assert "duration_minutes" in caught.value.fields
