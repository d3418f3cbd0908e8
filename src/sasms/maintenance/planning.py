"""Where the PM visits of a contract year go: pure arithmetic, no database.

The contract year is cut into ``rounds`` equal segments; each round visits every covered site once
(more than once when its servers need more time than one visit's capacity). A visit's target day is
the middle of its segment; it goes on the first admissible day from there to the segment's end,
else on the last admissible day before it. A day is admissible when the contract's calendar has
working hours on it long enough for the visit (public holidays have none; make-up workdays do),
no blackout window of the customer covers it for that site, it is not before ``earliest`` and no
other visit of the plan is on it already (one engineer can then do the whole plan).

A 7×24 calendar counts every hour for the SLA clocks, but nobody plans maintenance at 3 a.m.:
PM visits on such contracts use :data:`DAYTIME` on every day that is not a holiday of the calendar.
"""

import calendar as month_calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sasms.sla.calendar_math import CalendarSpec

DAYTIME: tuple[tuple[int, int], ...] = ((9 * 60, 18 * 60),)


@dataclass(frozen=True)
class Blackout:
    site_id: int | None  # None: every site
    start: datetime.date
    end: datetime.date

    def covers(self, day: datetime.date, site_id: int | None) -> bool:
        return self.start <= day <= self.end and (self.site_id is None or self.site_id == site_id)


@dataclass(frozen=True)
class ServerWork:
    server_id: int
    site_id: int | None
    minutes: int


@dataclass
class PlannedVisit:
    round: int
    site_id: int | None
    server_ids: list[int]
    minutes: int
    day: datetime.date | None = None
    window_start: datetime.datetime | None = None
    window_end: datetime.datetime | None = None

    @property
    def due_date(self) -> datetime.date | None:
        return month_end(self.day) if self.day is not None else None


@dataclass
class Plan:
    visits: list[PlannedVisit] = field(default_factory=list)
    unplaced: list[PlannedVisit] = field(default_factory=list)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=month_calendar.monthrange(day.year, day.month)[1])


def contract_year(start: datetime.date, contract_end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """One year from ``start`` (the day before its anniversary), cut at the contract's end."""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + 1, day=28)
    return start, min(anniversary - datetime.timedelta(days=1), contract_end)


def group_servers(work: Iterable[ServerWork], capacity: int) -> list[tuple[int | None, list[ServerWork]]]:
    """Servers of each site packed, in the order given, into groups of at most ``capacity``
    minutes of work; a server longer than the capacity is a group alone."""
    by_site: dict[int | None, list[ServerWork]] = {}
    for item in work:
        by_site.setdefault(item.site_id, []).append(item)
    groups: list[tuple[int | None, list[ServerWork]]] = []
    for site_id in sorted(by_site, key=lambda s: (s is None, s or 0)):
        current: list[ServerWork] = []
        used = 0
        for item in by_site[site_id]:
            if current and used + item.minutes > capacity:
                groups.append((site_id, current))
                current, used = [], 0
            current.append(item)
            used += item.minutes
        if current:
            groups.append((site_id, current))
    return groups


def day_hours(spec: CalendarSpec, day: datetime.date) -> tuple[tuple[int, int], ...]:
    if spec.is_24x7:
        return () if day in spec.holidays else DAYTIME
    return tuple(spec.local_hours(day))


def fits(spec: CalendarSpec, day: datetime.date, minutes: int) -> tuple[int, int] | None:
    """The visit's start and end minute on ``day``, or None when the working day is too short."""
    hours = day_hours(spec, day)
    if not hours:
        return None
    start, end = hours[0][0], hours[-1][1]
    if start + minutes > end:
        return None
    return start, start + minutes


def admissible(
    spec: CalendarSpec,
    day: datetime.date,
    minutes: int,
    site_id: int | None,
    blackouts: Sequence[Blackout],
) -> tuple[int, int] | None:
    if any(b.covers(day, site_id) for b in blackouts):
        return None
    return fits(spec, day, minutes)


def _moment(spec: CalendarSpec, day: datetime.date, minute: int) -> datetime.datetime:
    clock = datetime.time(minute // 60, minute % 60) if minute < 24 * 60 else datetime.time(23, 59)
    return datetime.datetime.combine(day, clock, tzinfo=ZoneInfo(spec.tz))


def place(visit: PlannedVisit, day: datetime.date, spec: CalendarSpec, span: tuple[int, int]) -> PlannedVisit:
    visit.day = day
    visit.window_start = _moment(spec, day, span[0])
    visit.window_end = _moment(spec, day, span[1])
    return visit


def propose(
    *,
    spec: CalendarSpec,
    year_start: datetime.date,
    year_end: datetime.date,
    rounds: int,
    work: Sequence[ServerWork],
    capacity: int,
    blackouts: Sequence[Blackout] = (),
    earliest: datetime.date | None = None,
) -> Plan:
    plan = Plan()
    if rounds <= 0 or not work:
        return plan
    groups = group_servers(work, capacity)
    length = (year_end - year_start).days + 1
    used: set[datetime.date] = set()
    floor = max(year_start, earliest) if earliest is not None else year_start
    for number in range(rounds):
        seg_start = year_start + datetime.timedelta(days=length * number // rounds)
        seg_end = year_start + datetime.timedelta(days=length * (number + 1) // rounds - 1)
        target = year_start + datetime.timedelta(days=(length * (2 * number + 1)) // (2 * rounds))
        for site_id, group in groups:
            visit = PlannedVisit(
                round=number + 1,
                site_id=site_id,
                server_ids=[w.server_id for w in group],
                minutes=sum(w.minutes for w in group),
            )
            forward = [target + datetime.timedelta(days=n) for n in range((seg_end - target).days + 1)]
            backward = [target - datetime.timedelta(days=n) for n in range(1, (target - seg_start).days + 1)]
            for day in (*forward, *backward):
                if day < floor or day in used:
                    continue
                span = admissible(spec, day, visit.minutes, site_id, blackouts)
                if span is not None:
                    used.add(day)
                    plan.visits.append(place(visit, day, spec, span))
                    break
            else:
                plan.unplaced.append(visit)
    return plan
