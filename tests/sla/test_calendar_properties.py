"""Property-based tests of the calendar arithmetic, against a minute-by-minute reference.

Example counts are bounded so the whole SLA suite stays well under half a minute.
"""

import datetime
import os
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasms.sla.calendar_math import CalendarSpec, add_business_time, business_time_between, is_business_time
from tests.sla.helpers import UTC, Reference, china_5x9

# Each zone paired with a window holding its daylight-saving switch, a year end or a holiday.
SCENARIOS = [
    ("America/New_York", datetime.datetime(2026, 3, 5, tzinfo=UTC)),  # spring switch Mar 8
    ("America/New_York", datetime.datetime(2026, 10, 29, tzinfo=UTC)),  # autumn switch Nov 1
    ("Europe/Berlin", datetime.datetime(2026, 3, 26, tzinfo=UTC)),  # spring switch Mar 29
    ("Europe/Berlin", datetime.datetime(2026, 10, 22, tzinfo=UTC)),  # autumn switch Oct 25
    ("Australia/Lord_Howe", datetime.datetime(2026, 10, 1, tzinfo=UTC)),  # 30-minute switch Oct 4
    ("Asia/Shanghai", datetime.datetime(2026, 9, 28, tzinfo=UTC)),  # National Day
    ("Asia/Shanghai", datetime.datetime(2025, 12, 29, tzinfo=UTC)),  # year boundary
    ("Asia/Kathmandu", datetime.datetime(2026, 12, 28, tzinfo=UTC)),  # +05:45, year boundary
]
WINDOW_STARTS = sorted({base for _zone, base in SCENARIOS})
WINDOW = timedelta(days=6)
MINUTE = timedelta(minutes=1)
# No example database: runs leave nothing behind in the tree (like -p no:cacheprovider).
# SLA_HYPOTHESIS_EXAMPLES raises the count for a deep run; the default keeps the suite fast.
EXAMPLES = int(os.environ.get("SLA_HYPOTHESIS_EXAMPLES", "40"))
BOUNDED = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(BOUNDED, max_examples=EXAMPLES)
REFERENCE = settings(BOUNDED, max_examples=EXAMPLES)


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    cuts = sorted(set(draw(st.lists(st.integers(0, 96).map(lambda q: q * 15), max_size=4))))
    return tuple((cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i] < cuts[i + 1])


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[CalendarSpec, datetime.datetime]:
    """A random calendar whose special days lie around one of the windows, and that window."""
    zone, base = draw(st.sampled_from(SCENARIOS))
    weekly = [draw(day_hours()) for _day in range(7)]
    window_start = base.date()
    dates = [window_start + timedelta(days=n) for n in range(-1, 9)]
    holidays = draw(st.sets(st.sampled_from(dates), max_size=3))
    workday_dates = draw(st.sets(st.sampled_from([d for d in dates if d not in holidays]), max_size=2))
    workdays = {d: draw(day_hours()) or None for d in workday_dates}
    outages = draw(st.lists(st.tuples(st.sampled_from(dates), day_hours().filter(len)), max_size=2))
    if not any(weekly):  # a calendar with no weekly hours has no due time past its make-up days
        weekly[0] = ((9 * 60, 18 * 60),)
    spec = CalendarSpec.build(
        tz=zone,
        weekly=weekly,
        holidays=holidays,
        workdays=workdays,
        outages=[(d, hours[0]) for d, hours in outages],
        is_24x7=draw(st.integers(0, 9)) == 0,
    )
    return spec, base


def calendars() -> st.SearchStrategy[CalendarSpec]:
    return scenarios().map(lambda scenario: scenario[0])


def near(base: datetime.datetime) -> st.SearchStrategy[datetime.datetime]:
    return st.integers(0, int(WINDOW / MINUTE)).map(lambda minutes: base + minutes * MINUTE)


def instants() -> st.SearchStrategy[datetime.datetime]:
    return st.sampled_from(WINDOW_STARTS).flatmap(near)


durations = st.integers(0, 3 * 24 * 60).map(lambda m: m * MINUTE)


@FAST
@given(calendars(), instants(), durations)
def test_adding_then_measuring_gives_the_duration_back(spec, start, duration):
    due = add_business_time(spec, start, duration)
    assert due >= start
    assert business_time_between(spec, start, due) == duration


@FAST
@given(calendars(), instants(), instants(), durations)
def test_due_times_are_monotonic_in_the_start(spec, first, second, duration):
    early, late = sorted((first, second))
    assert add_business_time(spec, early, duration) <= add_business_time(spec, late, duration)


@FAST
@given(calendars(), instants(), durations, durations)
def test_due_times_are_monotonic_in_the_duration(spec, start, first, second):
    short, long = sorted((first, second))
    assert add_business_time(spec, start, short) <= add_business_time(spec, start, long)


@FAST
@given(calendars(), instants(), instants(), instants())
def test_business_time_is_additive_over_a_split_point(spec, a, b, c):
    assert business_time_between(spec, a, c) == business_time_between(spec, a, b) + business_time_between(
        spec, b, c
    )
    assert business_time_between(spec, a, b) == -business_time_between(spec, b, a)


@FAST
@given(st.data(), scenarios(), st.integers(1, 24 * 60))
def test_no_business_time_accrues_outside_business_hours(data, scenario, minutes):
    spec, base = scenario
    start = data.draw(near(base))
    reference = Reference(spec)
    # Extend from start while the minutes are closed; business time over that stretch is zero.
    end = start
    while end < start + minutes * MINUTE and not reference.is_business_minute(end):
        end += MINUTE
    assert business_time_between(spec, start, end) == timedelta(0)


@FAST
@given(instants(), durations)
def test_china_5x9_weekends_and_holidays_are_closed(start, duration):
    spec = china_5x9()
    due = add_business_time(spec, start, duration)
    if duration:
        reference = Reference(spec)
        assert reference.is_business_minute(due - MINUTE)


@REFERENCE
@given(st.data(), scenarios(), st.integers(0, 3 * 24 * 60))
def test_business_time_agrees_with_a_minute_by_minute_reference(data, scenario, minutes):
    spec, base = scenario
    start = data.draw(near(base))
    end = start + minutes * MINUTE
    assert business_time_between(spec, start, end) == Reference(spec).between(start, end)


@REFERENCE
@given(st.data(), scenarios(), st.integers(1, 2 * 9 * 60))
def test_due_times_agree_with_a_minute_by_minute_reference(data, scenario, minutes):
    spec, base = scenario
    start = data.draw(near(base))
    reference = Reference(spec)
    horizon = start + timedelta(days=6)
    if reference.between(start, horizon) < minutes * MINUTE:
        return  # the reference only walks a few days; due times further out are covered above
    assert add_business_time(spec, start, minutes * MINUTE) == reference.add(start, minutes)


@REFERENCE
@given(st.data(), scenarios())
def test_is_business_time_agrees_with_the_reference(data, scenario):
    spec, base = scenario
    moment = data.draw(near(base))
    assert is_business_time(spec, moment) == Reference(spec).is_business_minute(moment)
