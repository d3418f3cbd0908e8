"""Calendar specs and a brute-force reference shared by the calendar-math tests."""

import datetime
from zoneinfo import ZoneInfo

import chinese_calendar  # type: ignore[import-untyped]

from sasms.sla.calendar_math import CalendarSpec, DayHours

NINE_TO_SIX: DayHours = ((9 * 60, 18 * 60),)
FIVE_BY_NINE = (NINE_TO_SIX,) * 5 + ((), ())
UTC = datetime.UTC


def china_5x9(tz: str = "Asia/Shanghai") -> CalendarSpec:
    return CalendarSpec.build(
        tz=tz,
        weekly=FIVE_BY_NINE,
        holidays=chinese_calendar.holidays,
        workdays=list(chinese_calendar.workdays),
    )


def at(tz: str, *parts: int, fold: int = 0) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=ZoneInfo(tz), fold=fold)  # type: ignore[misc, arg-type]


def reference_minutes(spec: CalendarSpec, day: datetime.date) -> frozenset[int]:
    """The day's business minutes, derived from the spec's raw fields, not its lookups."""
    if spec.is_24x7:
        hours = [(0, 1440)]
    elif day in spec.holidays:
        return frozenset()
    else:
        workdays = dict(spec.workdays)
        hours = list(workdays[day]) if day in workdays else list(spec.weekly[day.weekday()])
    minutes = {minute for start, end in hours for minute in range(start, end)}
    for outage_day, (start, end) in spec.outages:
        if outage_day == day:
            minutes -= set(range(start, end))
    return frozenset(minutes)


class Reference:
    """Minute-by-minute business time: slow, obviously right, for small ranges only."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self.zone = ZoneInfo(spec.tz)
        self.days: dict[datetime.date, frozenset[int]] = {}

    def is_business_minute(self, instant: datetime.datetime) -> bool:
        """Whether the UTC minute starting at ``instant`` is business time (local wall-clock rule)."""
        local = instant.astimezone(self.zone)
        day = local.date()
        if day not in self.days:
            self.days[day] = reference_minutes(self.spec, day)
        return local.hour * 60 + local.minute in self.days[day]

    def between(self, t1: datetime.datetime, t2: datetime.datetime) -> datetime.timedelta:
        step = datetime.timedelta(minutes=1)
        total, cursor = 0, t1.astimezone(UTC)
        while cursor < t2:
            total += self.is_business_minute(cursor)
            cursor += step
        return total * step

    def add(self, start: datetime.datetime, minutes: int) -> datetime.datetime:
        step = datetime.timedelta(minutes=1)
        cursor, counted = start.astimezone(UTC), 0
        while True:
            if self.is_business_minute(cursor):
                counted += 1
                if counted == minutes:
                    return cursor + step
            cursor += step
