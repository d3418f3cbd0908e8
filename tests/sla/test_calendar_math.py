"""Explicit cases: Chinese holidays and make-up days, year boundaries, daylight saving, 7×24."""

import datetime
from datetime import timedelta

import pytest

from sasms.sla.calendar_math import (
    CalendarRangeError,
    CalendarSpec,
    NoBusinessTimeError,
    add_business_time,
    business_time_between,
    local_date,
)
from tests.sla.helpers import FIVE_BY_NINE, UTC, Reference, at, china_5x9

SH = "Asia/Shanghai"
H = timedelta(hours=1)


@pytest.fixture(scope="module")
def cn() -> CalendarSpec:
    return china_5x9()


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # National Day 2026: Oct 1–7 off; Sun Sep 20 and Sat Oct 10 are make-up workdays.
        ((2026, 9, 30, 17), 2, (2026, 10, 8, 10)),
        ((2026, 10, 9, 17), 2, (2026, 10, 10, 10)),
        ((2026, 9, 18, 17), 2, (2026, 9, 20, 10)),
        ((2026, 10, 1, 12), 1, (2026, 10, 8, 10)),
        # Spring Festival 2026: Feb 15–23 off; Sat Feb 14 and Sat Feb 28 are make-up workdays.
        ((2026, 2, 13, 17), 2, (2026, 2, 14, 10)),
        ((2026, 2, 14, 17), 2, (2026, 2, 24, 10)),
        ((2026, 2, 27, 17), 2, (2026, 2, 28, 10)),
        # New Year across the year boundary: Jan 1–3 2026 off, Sun Jan 4 a make-up workday.
        ((2025, 12, 31, 17), 2, (2026, 1, 4, 10)),
        ((2025, 12, 31, 17), 11, (2026, 1, 5, 10)),
        # Evenings, nights and weekends start the clock at the next opening.
        ((2026, 11, 20, 20), 1, (2026, 11, 23, 10)),
        ((2026, 11, 24, 3), 9, (2026, 11, 24, 18)),
    ],
)
def test_due_times_in_china(cn, start, hours, due):
    assert add_business_time(cn, at(SH, *start), hours * H) == at(SH, *due).astimezone(UTC)


def test_national_day_and_spring_festival_business_time(cn):
    assert business_time_between(cn, at(SH, 2026, 9, 30, 9), at(SH, 2026, 10, 9, 9)) == 18 * H
    assert business_time_between(cn, at(SH, 2026, 10, 1), at(SH, 2026, 10, 8)) == timedelta(0)
    assert business_time_between(cn, at(SH, 2026, 2, 14), at(SH, 2026, 2, 25)) == 18 * H
    assert business_time_between(cn, at(SH, 2025, 12, 31, 12), at(SH, 2026, 1, 5, 12)) == 18 * H


def test_whole_years_count_the_official_workdays(cn):
    # 2024 had 251 working days; 2025 and 2026 have 248 (two more holidays since 2025).
    assert business_time_between(cn, at(SH, 2024, 1, 1), at(SH, 2025, 1, 1)) == 251 * 9 * H
    assert business_time_between(cn, at(SH, 2025, 1, 1), at(SH, 2026, 1, 1)) == 248 * 9 * H
    assert business_time_between(cn, at(SH, 2026, 1, 1), at(SH, 2027, 1, 1)) == 248 * 9 * H
    due = add_business_time(cn, at(SH, 2024, 1, 1), 251 * 9 * H)
    assert due == at(SH, 2024, 12, 31, 18).astimezone(UTC)


def test_results_are_utc_and_inputs_may_be_in_any_zone(cn):
    due = add_business_time(cn, datetime.datetime(2026, 11, 24, 1, 0, tzinfo=UTC), H)
    assert due.tzinfo == UTC
    assert due == at(SH, 2026, 11, 24, 10).astimezone(UTC)


def test_zero_negative_and_naive_inputs(cn):
    saturday = at(SH, 2026, 11, 21, 12)
    assert add_business_time(cn, saturday, timedelta(0)) == saturday
    with pytest.raises(ValueError, match="negative"):
        add_business_time(cn, saturday, -H)
    with pytest.raises(ValueError, match="aware"):
        add_business_time(cn, datetime.datetime(2026, 1, 1), H)
    assert business_time_between(cn, at(SH, 2026, 11, 24, 18), at(SH, 2026, 11, 24, 9)) == -9 * H


# --- Daylight saving -------------------------------------------------------------------------

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"


def test_five_by_nine_keeps_local_hours_across_dst_in_berlin():
    spec = CalendarSpec.build(tz=BERLIN, weekly=FIVE_BY_NINE)
    # Fri before the spring switch (Sun Mar 29 2026) to Mon after it: 1 h + 1 h.
    assert add_business_time(spec, at(BERLIN, 2026, 3, 27, 17), 2 * H) == at(
        BERLIN, 2026, 3, 30, 10
    ).astimezone(UTC)
    assert business_time_between(spec, at(BERLIN, 2026, 3, 27, 12), at(BERLIN, 2026, 3, 30, 12)) == 9 * H
    # 100 working days from January end at 18:00 local, whatever the offset did in between.
    due = add_business_time(spec, at(BERLIN, 2026, 1, 5, 9), 100 * 9 * H)
    assert due == at(BERLIN, 2026, 5, 22, 18).astimezone(UTC)
    assert due.astimezone(at(BERLIN, 2026, 1, 1).tzinfo).hour == 18


def test_intervals_crossing_the_switch_count_real_time():
    night = ((60, 240),)  # 01:00–04:00 every day: straddles 02:00→03:00 and 03:00→02:00
    spec = CalendarSpec.build(tz=BERLIN, weekly=(night,) * 7)
    spring, autumn = at(BERLIN, 2026, 3, 29), at(BERLIN, 2026, 10, 25)
    assert business_time_between(spec, spring, spring + 24 * H) == 2 * H
    assert business_time_between(spec, autumn, autumn + 25 * H) == 4 * H
    assert add_business_time(spec, spring, 2 * H) == at(BERLIN, 2026, 3, 29, 4).astimezone(UTC)
    # 03:30 on the autumn day happens once, after the repeated hour.
    assert add_business_time(spec, autumn, 3.5 * H) == at(BERLIN, 2026, 10, 25, 3, 30).astimezone(UTC)
    # The start of the repeated hour, first pass (CEST) and second pass (CET).
    first, second = at(BERLIN, 2026, 10, 25, 2, 30, fold=0), at(BERLIN, 2026, 10, 25, 2, 30, fold=1)
    assert business_time_between(spec, first, second) == H
    reference = Reference(spec)
    for start in (spring - 2 * H, autumn - 2 * H):
        assert business_time_between(spec, start, start + 30 * H) == reference.between(start, start + 30 * H)


def test_new_york_week_of_the_switch():
    spec = CalendarSpec.build(tz=NEW_YORK, weekly=FIVE_BY_NINE)
    due = add_business_time(spec, at(NEW_YORK, 2026, 3, 6, 17), 2 * H)
    assert due == datetime.datetime(2026, 3, 9, 14, tzinfo=UTC)  # 10:00 EDT
    around = CalendarSpec.build(tz=NEW_YORK, weekly=(((0, 1440),),) * 7)
    assert business_time_between(around, at(NEW_YORK, 2026, 3, 7, 12), at(NEW_YORK, 2026, 3, 8, 12)) == 23 * H
    assert (
        business_time_between(around, at(NEW_YORK, 2026, 10, 31, 12), at(NEW_YORK, 2026, 11, 1, 12)) == 25 * H
    )


# --- 7×24, outages, odd calendars -------------------------------------------------------------


def test_seven_by_24_ignores_holidays_but_not_outages():
    outage_day = datetime.date(2026, 10, 2)
    spec = CalendarSpec.build(
        tz=SH,
        weekly=(),
        is_24x7=True,
        holidays=[datetime.date(2026, 10, 1)],
        outages=[(outage_day, (120, 240))],
    )
    start = at(SH, 2026, 10, 1, 0)
    assert business_time_between(spec, start, start + 48 * H) == 46 * H
    assert add_business_time(spec, at(SH, 2026, 10, 2, 1), 2 * H) == at(SH, 2026, 10, 2, 5).astimezone(UTC)
    assert add_business_time(spec, at(SH, 2026, 10, 2, 3), H) == at(SH, 2026, 10, 2, 5).astimezone(UTC)


def test_outages_and_make_up_hours_on_a_business_calendar():
    spec = CalendarSpec.build(
        tz=SH,
        weekly=FIVE_BY_NINE,
        workdays={datetime.date(2026, 11, 28): [(600, 720)]},
        outages=[(datetime.date(2026, 11, 27), (720, 840))],
    )
    assert business_time_between(spec, at(SH, 2026, 11, 27), at(SH, 2026, 11, 29)) == 7 * H + 2 * H
    assert local_date(spec, at(SH, 2026, 11, 28, 0, 30)) == datetime.date(2026, 11, 28)


def test_a_calendar_without_business_time_says_so():
    empty = CalendarSpec.build(tz=SH, weekly=())
    with pytest.raises(NoBusinessTimeError):
        add_business_time(empty, at(SH, 2026, 1, 1), H)
    with pytest.raises(ValueError, match="overlap"):
        CalendarSpec(tz=SH, weekly=(((540, 720), (700, 800)),) + ((),) * 6)
    with pytest.raises(ValueError, match="time zone"):
        CalendarSpec.build(tz="Mars/Olympus", weekly=FIVE_BY_NINE)


def test_a_bounded_spec_refuses_dates_it_was_not_loaded_for():
    spec = CalendarSpec.build(
        tz=SH,
        weekly=FIVE_BY_NINE,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2026, 12, 31),
    )
    with pytest.raises(CalendarRangeError) as caught:
        add_business_time(spec, at(SH, 2026, 12, 31, 17), 2 * H)
    assert caught.value.date == datetime.date(2027, 1, 1)


def test_long_durations_skip_regular_weeks(cn):
    due = add_business_time(cn, at(SH, 2020, 1, 2, 9), 5 * 250 * 9 * H)
    assert due.year == 2025
    # Only irregular stretches are walked day by day: far fewer days than the 1 800 in five years.
    assert len(cn._days) < 700
    assert hash(cn) == hash(china_5x9())
    assert cn == china_5x9()


def test_skipped_weeks_still_see_the_switch_inside_them():
    night = ((60, 240),)
    spec = CalendarSpec.build(tz=BERLIN, weekly=(night,) * 7)
    # Jan 1 to Jul 1 2026: 181 nights of 3 h, one of them an hour short (Mar 29).
    assert business_time_between(spec, at(BERLIN, 2026, 1, 1), at(BERLIN, 2026, 7, 1)) == (181 * 3 - 1) * H
    assert add_business_time(spec, at(BERLIN, 2026, 1, 1), (181 * 3 - 1) * H) == at(
        BERLIN, 2026, 6, 30, 4
    ).astimezone(UTC)
    year = business_time_between(spec, at(BERLIN, 2026, 1, 1), at(BERLIN, 2027, 1, 1))
    assert year == 365 * 3 * H  # the short spring night and the long autumn night cancel out
