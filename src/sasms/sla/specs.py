"""Loading calendar specs from the database, cached per calendar and year.

``calendar_spec_for`` costs one primary-key query when warm (the calendar's version, so an edit in
another process is seen at once) and at most three when cold (calendar, weekly hours, the special
days of every missing year in one query) — never a query per day. The cache is process-local and
keyed by ``(calendar id, version, updated_at)``: services bump the version on every edit, and the
timestamp keeps a reused id (test databases roll back) from meeting a stale entry.

``due_at`` and ``business_time`` wrap the pure arithmetic: they load the years around the
request and, should the computation run past them, load more and compute again.
"""

import datetime
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from sasms.core.errors import NotFound, ServiceError
from sasms.sla import calendar_math
from sasms.sla.calendar_math import CalendarRangeError, CalendarSpec, Interval, NoBusinessTimeError
from sasms.sla.models import BusinessCalendar, SpecialDay, SpecialDayKind, SpecialDaySource, WorkingInterval

CacheKey = tuple[int, int, str]
_MAX_ENTRIES = 2048
_MAX_YEARS = 60


@dataclass(frozen=True)
class _Base:
    tz: str
    is_24x7: bool
    weekly: tuple[tuple[Interval, ...], ...]


@dataclass(frozen=True)
class _Year:
    holidays: tuple[datetime.date, ...]
    workdays: tuple[tuple[datetime.date, tuple[Interval, ...]], ...]
    outages: tuple[tuple[datetime.date, Interval], ...]
    provisional: bool = False


@dataclass(frozen=True)
class Stamp:
    """Which data a computation used: the calendar's version and its provisional years."""

    version: int
    tz: str
    provisional_years: frozenset[int]

    def provisional_between(self, start: datetime.datetime, end: datetime.datetime) -> list[int]:
        """The provisional years (local to the calendar) that ``start``..``end`` touches."""
        zone = ZoneInfo(self.tz)
        first, last = start.astimezone(zone).year, end.astimezone(zone).year
        return sorted(year for year in self.provisional_years if first <= year <= last)


class _Lru:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.limit:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_bases = _Lru(_MAX_ENTRIES)
_years = _Lru(_MAX_ENTRIES * 8)
_specs = _Lru(_MAX_ENTRIES)


_pinned = threading.local()
# The stamp of the spec each calendar's last computation in this thread used (no extra query).
_last_stamps = threading.local()


def last_stamp(calendar_id: int) -> Stamp | None:
    """The :class:`Stamp` of the spec this thread last loaded for ``calendar_id``."""
    stamps: dict[int, Stamp] | None = getattr(_last_stamps, "stamps", None)
    return stamps.get(calendar_id) if stamps is not None else None


def _remember(calendar_id: int, stamp: Stamp) -> None:
    stamps: dict[int, Stamp] | None = getattr(_last_stamps, "stamps", None)
    if stamps is None:
        stamps = _last_stamps.stamps = {}
    stamps[calendar_id] = stamp


@contextmanager
def pinned_specs() -> Iterator[None]:
    """Within the block, each calendar's spec is checked against the database once, not per call.

    For one unit of work (a timeline event, one swept clock) that computes several due times on
    the same calendar; an edit made meanwhile is seen by the next block.
    """
    outer = getattr(_pinned, "specs", None)
    if outer is None:
        _pinned.specs = {}
    try:
        yield
    finally:
        if outer is None:
            _pinned.specs = None


def clear_spec_cache() -> None:
    for cache in (_bases, _years, _specs):
        cache.clear()


def _standard_hours(weekly: tuple[tuple[Interval, ...], ...]) -> tuple[Interval, ...]:
    return next((day for day in weekly if day), ((9 * 60, 18 * 60),))


def _load_base(calendar_id: int, tz: str, is_24x7: bool) -> _Base:
    weekly: list[list[Interval]] = [[] for _day in range(7)]
    rows = WorkingInterval.objects.filter(calendar_id=calendar_id).values_list(
        "weekday", "start_minute", "end_minute"
    )
    for weekday, start, end in rows:
        weekly[weekday].append((start, end))
    return _Base(tz=tz, is_24x7=is_24x7, weekly=tuple(tuple(sorted(day)) for day in weekly))


def _load_years(calendar_id: int, years: list[int], base: _Base) -> dict[int, _Year]:
    rows = SpecialDay.objects.filter(
        calendar_id=calendar_id,
        date__gte=datetime.date(min(years), 1, 1),
        date__lte=datetime.date(max(years), 12, 31),
    ).values_list("date", "kind", "start_minute", "end_minute", "source")
    collected: dict[int, tuple[list[Any], list[Any], list[Any]]] = {y: ([], [], []) for y in years}
    provisional: set[int] = set()
    standard = _standard_hours(base.weekly)
    for day, kind, start, end, source in rows:
        bucket = collected.get(day.year)
        if bucket is None:
            continue
        if source == SpecialDaySource.PROVISIONAL:
            provisional.add(day.year)
        holidays, workdays, outages = bucket
        if kind == SpecialDayKind.HOLIDAY:
            holidays.append(day)
        elif kind == SpecialDayKind.WORKDAY:
            workdays.append((day, ((start, end),) if start is not None else standard))
        else:
            outages.append((day, (start, end) if start is not None else (0, calendar_math.DAY_MINUTES)))
    return {
        year: _Year(tuple(sorted(h)), tuple(sorted(w)), tuple(sorted(o)), year in provisional)
        for year, (h, w, o) in collected.items()
    }


def calendar_spec_for(calendar_id: int, *, years: tuple[int, int] | None = None) -> CalendarSpec:
    """The spec of one calendar, covering ``years`` (inclusive; default: last, this and next year).

    Raises :class:`~sasms.core.errors.NotFound` for an unknown calendar.
    """
    if years is None:
        this_year = datetime.date.today().year
        years = (this_year - 1, this_year + 1)
    first_year, last_year = years
    pinned: dict[tuple[int, int, int], tuple[CalendarSpec, Stamp]] | None = getattr(_pinned, "specs", None)
    if pinned is not None:
        held = pinned.get((calendar_id, first_year, last_year))
        if held is None:
            held = pinned[(calendar_id, first_year, last_year)] = _calendar_spec_for(
                calendar_id, first_year, last_year
            )
    else:
        held = _calendar_spec_for(calendar_id, first_year, last_year)
    _remember(calendar_id, held[1])
    return held[0]


def _calendar_spec_for(calendar_id: int, first_year: int, last_year: int) -> tuple[CalendarSpec, Stamp]:
    row = BusinessCalendar.objects.filter(pk=calendar_id).values_list(
        "version", "updated_at", "time_zone", "is_24x7"
    )
    found = row.first()
    if found is None:
        raise NotFound(_("Not found."))
    version, updated_at, tz, is_24x7 = found
    key: CacheKey = (calendar_id, version, updated_at.isoformat())
    spec_key = (key, first_year, last_year)
    cached: tuple[CalendarSpec, Stamp] | None = _specs.get(spec_key)
    if cached is not None:
        return cached
    base: _Base | None = _bases.get(key)
    if base is None:
        base = _load_base(calendar_id, tz, is_24x7)
        _bases.put(key, base)
    wanted = range(first_year, last_year + 1)
    chunks: dict[int, _Year] = {}
    missing = []
    for year in wanted:
        chunk = _years.get((key, year))
        if chunk is None:
            missing.append(year)
        else:
            chunks[year] = chunk
    if missing:
        for year, chunk in _load_years(calendar_id, missing, base).items():
            _years.put((key, year), chunk)
            chunks[year] = chunk
    spec = CalendarSpec(
        tz=base.tz,
        weekly=base.weekly,
        holidays=frozenset(day for chunk in chunks.values() for day in chunk.holidays),
        workdays=tuple(item for year in wanted for item in chunks[year].workdays),
        outages=tuple(item for year in wanted for item in chunks[year].outages),
        is_24x7=base.is_24x7,
        valid_from=datetime.date(first_year, 1, 1),
        valid_until=datetime.date(last_year, 12, 31),
    )
    stamp = Stamp(
        version=version,
        tz=base.tz,
        provisional_years=frozenset(year for year in wanted if chunks[year].provisional),
    )
    _specs.put(spec_key, (spec, stamp))
    return spec, stamp


def _no_business_time(message: str) -> ServiceError:
    return ServiceError(message, code="no_business_time", fields={"duration_minutes": [message]})


def _compute(calendar_id: int, around: datetime.datetime, compute: Any) -> Any:
    first_year, last_year = around.year - 1, around.year + 1
    while True:
        spec = calendar_spec_for(calendar_id, years=(first_year, last_year))
        try:
            return compute(spec)
        except CalendarRangeError as exc:
            if exc.date.year < first_year:
                first_year = exc.date.year - 1
            else:
                last_year = max(last_year + 1, exc.date.year + 1)
            if last_year - first_year > _MAX_YEARS:
                message = _("The calendar has no business time within %(years)d years.") % {
                    "years": _MAX_YEARS
                }
                raise _no_business_time(message) from exc
        except NoBusinessTimeError as exc:
            message = _("The calendar has no business time to reach this duration.")
            raise _no_business_time(message) from exc


def due_at(*, calendar_id: int, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
    """``start`` plus ``duration`` of the calendar's business time (aware UTC)."""
    return _compute(calendar_id, start, lambda spec: calendar_math.add_business_time(spec, start, duration))  # type: ignore[no-any-return]


def business_time(
    *, calendar_id: int, start: datetime.datetime, end: datetime.datetime
) -> datetime.timedelta:
    """The calendar's business time between ``start`` and ``end`` (negative if ``end`` is earlier)."""
    return _compute(calendar_id, start, lambda spec: calendar_math.business_time_between(spec, start, end))  # type: ignore[no-any-return]
