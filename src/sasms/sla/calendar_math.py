"""Business-time arithmetic over a business calendar: pure functions, no database.

A :class:`CalendarSpec` says which instants are business time: the local wall-clock intervals of
each weekday, holidays (no business time), make-up workdays (调休: business time on a day that
would otherwise be off) and outage windows (never business time). An instant counts when its
local wall-clock time on its local date lies in one of that date's intervals — so on a
daylight-saving day an interval counts the real time that passes, not the wall-clock difference.

:func:`add_business_time` and :func:`business_time_between` walk the calendar day by day only
around irregular dates (special days, daylight-saving switches); whole regular weeks in between
are skipped arithmetically, so a due time three months out costs no more than one a week out.
Internally instants are integer microseconds since the Unix epoch (UTC) and wall-clock times
integer microseconds of the local calendar, which keeps the arithmetic exact.
"""

import bisect
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Interval = tuple[int, int]  # minutes after local midnight, [start, end), 0 <= start < end <= 1440
DayHours = tuple[Interval, ...]

UTC = datetime.UTC
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
US = 1_000_000
MINUTE_US = 60 * US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US
DAY_MINUTES = 24 * 60
# Every zone's UTC offset lies within these bounds; the instants of one local date lie within
# [local midnight - 14 h, next local midnight + 12 h].
_MAX_OFFSET_US = 14 * HOUR_US
_MIN_OFFSET_US = -12 * HOUR_US
_SAMPLE_STEP_US = 3 * HOUR_US  # no zone switches offset twice within three hours
_IDLE_DAYS_LIMIT = 3700  # ten years without a minute of business time: the calendar has none
_DAY_CACHE_LIMIT = 20_000


class CalendarRangeError(ValueError):
    """The computation needs a date outside the range the spec was loaded for."""

    def __init__(self, date: datetime.date) -> None:
        super().__init__(f"the calendar was not loaded for {date.isoformat()}")
        self.date = date


class NoBusinessTimeError(ValueError):
    """The calendar has no business time left to reach the requested duration."""


def _check_day_hours(hours: Iterable[Interval], what: str) -> DayHours:
    cleaned = sorted((int(start), int(end)) for start, end in hours)
    for start, end in cleaned:
        if not 0 <= start < end <= DAY_MINUTES:
            raise ValueError(f"{what}: interval {start}-{end} is not within one day")
    for (_s1, e1), (s2, _e2) in pairwise(cleaned):
        if s2 < e1:
            raise ValueError(f"{what}: intervals overlap")
    return tuple(cleaned)


def _merge(hours: Iterable[Interval]) -> DayHours:
    merged: list[list[int]] = []
    for start, end in sorted(hours):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def _subtract(hours: DayHours, holes: DayHours) -> DayHours:
    result: list[Interval] = []
    for start, end in hours:
        pieces = [(start, end)]
        for h_start, h_end in holes:
            next_pieces: list[Interval] = []
            for p_start, p_end in pieces:
                if h_end <= p_start or h_start >= p_end:
                    next_pieces.append((p_start, p_end))
                    continue
                if p_start < h_start:
                    next_pieces.append((p_start, h_start))
                if h_end < p_end:
                    next_pieces.append((h_end, p_end))
            pieces = next_pieces
        result.extend(pieces)
    return tuple(result)


def to_us(moment: datetime.datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business-time arithmetic needs time-zone-aware datetimes")
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def from_us(instant: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(microseconds=instant)


@lru_cache(maxsize=64)
def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


def _offset_us(zone: ZoneInfo, instant: int) -> int:
    offset = datetime.datetime.fromtimestamp(instant // US, zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has an offset
    return offset // datetime.timedelta(microseconds=1)


@lru_cache(maxsize=65_536)
def _day_pieces(zone_key: str, ordinal: int) -> tuple[tuple[int, int, int], ...]:
    """Constant-offset stretches ``(first, end, offset)`` of UTC time around one local date.

    Offsets are sampled every three hours across the window; a change between two samples is
    pinned to the second by bisection.
    """
    zone = _zone(zone_key)
    midnight = (ordinal - EPOCH_ORDINAL) * DAY_US
    low, high = midnight - _MAX_OFFSET_US, midnight + DAY_US - _MIN_OFFSET_US
    pieces: list[tuple[int, int, int]] = []
    piece_start, offset = low, _offset_us(zone, low)
    probe = low
    while probe < high:
        next_probe = min(probe + _SAMPLE_STEP_US, high)
        next_offset = _offset_us(zone, next_probe)
        if next_offset != offset:
            lo_s, hi_s = probe // US, next_probe // US  # offset(lo) == old, offset(hi) == new
            while hi_s - lo_s > 1:
                mid = (lo_s + hi_s) // 2
                if _offset_us(zone, mid * US) == offset:
                    lo_s = mid
                else:
                    hi_s = mid
            switch = hi_s * US
            pieces.append((piece_start, switch, offset))
            piece_start, offset = switch, next_offset
        probe = next_probe
    pieces.append((piece_start, high, offset))
    return tuple(pieces)


@lru_cache(maxsize=4096)
def _switch_ordinals(zone_key: str, year: int) -> tuple[int, ...]:
    """Local dates of ``year`` (as ordinals) whose instants span more than one UTC offset."""
    zone = _zone(zone_key)
    first = datetime.date(year, 1, 1).toordinal()
    last = datetime.date(year, 12, 31).toordinal()
    switches: set[int] = set()
    previous = _offset_us(zone, (first - 1 - EPOCH_ORDINAL) * DAY_US + 12 * HOUR_US)
    for ordinal in range(first, last + 2):
        offset = _offset_us(zone, (ordinal - EPOCH_ORDINAL) * DAY_US + 12 * HOUR_US)
        if offset != previous:
            # A switch between two UTC noons lies on one of three local dates, whatever the offset.
            switches.update((ordinal - 1, ordinal, ordinal + 1))
        previous = offset
    return tuple(sorted(switches))


@dataclass(frozen=True)
class CalendarSpec:
    """Everything the arithmetic needs to know about one business calendar, immutable and hashable.

    ``weekly`` holds seven tuples of ``(start_minute, end_minute)``, Monday first; ``workdays``
    pairs each make-up date with its hours; ``outages`` pairs a date with a window that never
    counts. ``is_24x7`` counts every instant except outages (weekly hours and holidays do not
    apply). ``valid_from``/``valid_until`` bound the dates whose special days were loaded: asking
    about a date outside raises :class:`CalendarRangeError` instead of silently ignoring holidays.
    Use :meth:`build` to construct one from loose data.
    """

    tz: str
    weekly: tuple[DayHours, ...]
    holidays: frozenset[datetime.date] = frozenset()
    workdays: tuple[tuple[datetime.date, DayHours], ...] = ()
    outages: tuple[tuple[datetime.date, Interval], ...] = ()
    is_24x7: bool = False
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    # Memoised lookups, not part of the value.
    _hash: int = field(init=False, repr=False, compare=False, default=0)
    _workday_hours: dict[int, DayHours] = field(init=False, repr=False, compare=False, default_factory=dict)
    _outage_hours: dict[int, DayHours] = field(init=False, repr=False, compare=False, default_factory=dict)
    _holiday_ordinals: frozenset[int] = field(init=False, repr=False, compare=False, default=frozenset())
    _special_ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())
    _days: dict[int, tuple[tuple[int, int], ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _outage_instants: list[tuple[int, int]] = field(
        init=False, repr=False, compare=False, default_factory=list
    )
    _irregular: dict[int, int] = field(init=False, repr=False, compare=False, default_factory=dict)
    _week_us: int = field(init=False, repr=False, compare=False, default=0)
    _last_workday: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        try:
            _zone(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.tz!r}") from exc
        if len(self.weekly) != 7:
            raise ValueError("weekly hours need seven days, Monday first")
        weekly = tuple(_check_day_hours(day, f"weekday {index}") for index, day in enumerate(self.weekly))
        object.__setattr__(self, "weekly", weekly)
        workdays: dict[int, DayHours] = {}
        for day, hours in self.workdays:
            if day in self.holidays:
                raise ValueError(f"{day.isoformat()} is both a holiday and a make-up workday")
            workdays[day.toordinal()] = _merge(_check_day_hours(hours, f"make-up day {day}"))
        outages: dict[int, list[Interval]] = {}
        for day, window in self.outages:
            outages.setdefault(day.toordinal(), []).extend(_check_day_hours([window], f"outage {day}"))
        self._workday_hours.update(workdays)
        self._outage_hours.update({o: _merge(hours) for o, hours in outages.items()})
        holiday_ordinals = frozenset(d.toordinal() for d in self.holidays)
        object.__setattr__(self, "_holiday_ordinals", holiday_ordinals)
        special = holiday_ordinals | set(workdays) | set(outages)
        object.__setattr__(self, "_special_ordinals", tuple(sorted(special)))
        object.__setattr__(self, "_week_us", self.week_minutes * MINUTE_US)
        object.__setattr__(self, "_last_workday", max(workdays, default=0))
        value = (self.tz, weekly, self.holidays, self.workdays, self.outages, self.is_24x7)
        object.__setattr__(self, "_hash", hash((*value, self.valid_from, self.valid_until)))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def build(
        cls,
        *,
        tz: str,
        weekly: Mapping[int, Iterable[Interval]] | Iterable[Iterable[Interval]],
        holidays: Iterable[datetime.date] = (),
        workdays: Mapping[datetime.date, Iterable[Interval] | None] | Iterable[datetime.date] = (),
        outages: Iterable[tuple[datetime.date, Interval]] = (),
        is_24x7: bool = False,
        valid_from: datetime.date | None = None,
        valid_until: datetime.date | None = None,
    ) -> "CalendarSpec":
        """A spec from loose data; a make-up day without hours works the standard workday's hours."""
        if isinstance(weekly, Mapping):
            days = tuple(_merge(weekly.get(index, ())) for index in range(7))
        else:
            days = tuple(_merge(day) for day in weekly)
            days += ((),) * (7 - len(days))  # days not given are days off
        standard = next((days[i] for i in (0, 1, 2, 3, 4, 5, 6) if days[i]), ((9 * 60, 18 * 60),))
        pairs = workdays.items() if isinstance(workdays, Mapping) else ((d, None) for d in workdays)
        resolved = tuple(sorted((day, _merge(hours) if hours else standard) for day, hours in pairs))
        return cls(
            tz=tz,
            weekly=days,
            holidays=frozenset(holidays),
            workdays=resolved,
            outages=tuple(sorted(outages)),
            is_24x7=is_24x7,
            valid_from=valid_from,
            valid_until=valid_until,
        )

    # --- What one local date contributes ----------------------------------------------------

    @property
    def week_minutes(self) -> int:
        return sum(end - start for day in self.weekly for start, end in day)

    def local_hours(self, day: datetime.date) -> DayHours:
        """The business intervals of one local date, in wall-clock minutes."""
        return self._local_hours(day.toordinal())

    def _local_hours(self, ordinal: int) -> DayHours:
        if self.is_24x7:
            hours: DayHours = ((0, DAY_MINUTES),)
        elif ordinal in self._holiday_ordinals:
            return ()
        elif ordinal in self._workday_hours:
            hours = self._workday_hours[ordinal]
        else:
            hours = self.weekly[(ordinal - 1) % 7]  # date.fromordinal(1) is a Monday
        holes = self._outage_hours.get(ordinal)
        return _subtract(hours, holes) if holes else hours

    def _check_range(self, ordinal: int) -> None:
        if (self.valid_from is not None and ordinal < self.valid_from.toordinal()) or (
            self.valid_until is not None and ordinal > self.valid_until.toordinal()
        ):
            raise CalendarRangeError(datetime.date.fromordinal(ordinal))

    def _segments(self, ordinal: int) -> tuple[tuple[int, int], ...]:
        """The business time of one local date as sorted UTC instants ``[(start, end), ...]``."""
        cached = self._days.get(ordinal)
        if cached is not None:
            return cached
        self._check_range(ordinal)
        hours = self._local_hours(ordinal)
        segments: list[tuple[int, int]] = []
        if hours:
            midnight = (ordinal - EPOCH_ORDINAL) * DAY_US
            pieces = _day_pieces(self.tz, ordinal)
            for start, end in hours:
                wall_start, wall_end = midnight + start * MINUTE_US, midnight + end * MINUTE_US
                for first, last, offset in pieces:
                    low, high = max(first, wall_start - offset), min(last, wall_end - offset)
                    if low < high:
                        segments.append((low, high))
        # Sort before merging: on a day the clocks go back, a later wall-clock interval can
        # start before the second pass through an earlier one.
        merged: list[tuple[int, int]] = []
        for low, high in sorted(segments):
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        result = tuple(merged)
        if len(self._days) > _DAY_CACHE_LIMIT:
            self._days.clear()
        self._days[ordinal] = result
        return result

    def _local_ordinal(self, instant: int) -> int:
        offset = _offset_us(_zone(self.tz), instant)
        return EPOCH_ORDINAL + (instant + offset) // DAY_US

    def _next_irregular(self, ordinal: int) -> int:
        """The first date on or after ``ordinal`` that a regular week cannot stand in for."""
        known = self._irregular.get(ordinal)
        if known is None:
            if len(self._irregular) > _DAY_CACHE_LIMIT:
                self._irregular.clear()
            known = self._irregular[ordinal] = self._find_irregular(ordinal)
        return known

    def _find_irregular(self, ordinal: int) -> int:
        candidates = []
        index = bisect.bisect_left(self._special_ordinals, ordinal)
        if index < len(self._special_ordinals):
            candidates.append(self._special_ordinals[index])
        year = datetime.date.fromordinal(ordinal).year
        switches = [o for y in (year, year + 1) for o in _switch_ordinals(self.tz, y) if o >= ordinal]
        candidates.append(min(switches, default=datetime.date(year + 2, 1, 1).toordinal()))
        if self.valid_until is not None:
            candidates.append(self.valid_until.toordinal() + 1)
        return min(candidates)

    def _outage_segments(self) -> list[tuple[int, int]]:
        """All outage windows as merged UTC instants (for 7×24 calendars)."""
        if not self._outage_instants and self._outage_hours:
            segments: list[tuple[int, int]] = []
            for ordinal, hours in self._outage_hours.items():
                midnight = (ordinal - EPOCH_ORDINAL) * DAY_US
                for start, end in hours:
                    for first, last, offset in _day_pieces(self.tz, ordinal):
                        low = max(first, midnight + start * MINUTE_US - offset)
                        high = min(last, midnight + end * MINUTE_US - offset)
                        if low < high:
                            segments.append((low, high))
            merged: list[tuple[int, int]] = []
            for low, high in sorted(segments):
                if merged and low <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], high))
                else:
                    merged.append((low, high))
            self._outage_instants.extend(merged)
        return self._outage_instants


# --- The two operations ---------------------------------------------------------------------


def _add_24x7(spec: CalendarSpec, start: int, remaining: int) -> int:
    position = start
    outages = spec._outage_segments()
    index = bisect.bisect_right(outages, (position, position))
    index = max(0, index - 1)
    for low, high in outages[index:]:
        if high <= position:
            continue
        if low > position:
            if remaining <= low - position:
                break
            remaining -= low - position
        position = max(position, high)
    return position + remaining


def _between_24x7(spec: CalendarSpec, first: int, last: int) -> int:
    total = last - first
    for low, high in spec._outage_segments():
        if high <= first:
            continue
        if low >= last:
            break
        total -= min(high, last) - max(low, first)
    return total


def _check_24x7_range(spec: CalendarSpec, *instants: int) -> None:
    if spec.valid_from is None and spec.valid_until is None:
        return
    for instant in instants:
        spec._check_range(spec._local_ordinal(instant))


def add_business_time(
    calendar: CalendarSpec, start: datetime.datetime, duration: datetime.timedelta
) -> datetime.datetime:
    """The earliest instant by which ``duration`` of business time has passed since ``start``.

    A zero duration is due at ``start`` itself; otherwise the due time always lies inside or at
    the end of a business interval, never in the closed hours after it.
    """
    position = to_us(start)
    remaining = duration // datetime.timedelta(microseconds=1)
    if remaining < 0:
        raise ValueError("the duration must not be negative")
    if remaining == 0:
        return from_us(position)
    if calendar.is_24x7:
        _check_24x7_range(calendar, position)
        due = _add_24x7(calendar, position, remaining)
        _check_24x7_range(calendar, due)
        return from_us(due)
    week_us, last_workday = calendar._week_us, calendar._last_workday
    ordinal = calendar._local_ordinal(position)
    first_day = True
    idle_days = 0
    while True:
        if not first_day and week_us:
            irregular = calendar._next_irregular(ordinal)
            weeks = min((irregular - ordinal) // 7, (remaining - 1) // week_us)
            if weeks > 0:
                remaining -= weeks * week_us
                ordinal += weeks * 7
                idle_days = 0
        first_day = False
        for low, high in calendar._segments(ordinal):
            if high <= position:
                continue
            low = max(low, position)
            if remaining <= high - low:
                return from_us(low + remaining)
            remaining -= high - low
            position = high
            idle_days = -1
        idle_days += 1
        if idle_days > _IDLE_DAYS_LIMIT or (not week_us and ordinal >= last_workday):
            raise NoBusinessTimeError("the calendar has no business time to reach the due time")
        ordinal += 1


def business_time_between(
    calendar: CalendarSpec, t1: datetime.datetime, t2: datetime.datetime
) -> datetime.timedelta:
    """Business time from ``t1`` to ``t2``; negative when ``t2`` is before ``t1``."""
    first, last = to_us(t1), to_us(t2)
    if last < first:
        return -business_time_between(calendar, t2, t1)
    if calendar.is_24x7:
        _check_24x7_range(calendar, first, last)
        return datetime.timedelta(microseconds=_between_24x7(calendar, first, last))
    week_us = calendar._week_us
    ordinal, last_ordinal = calendar._local_ordinal(first), calendar._local_ordinal(last)
    total = 0
    first_day = True
    while ordinal <= last_ordinal:
        if not first_day and week_us:
            irregular = min(calendar._next_irregular(ordinal), last_ordinal)
            weeks = (irregular - ordinal) // 7
            if weeks > 0:
                total += weeks * week_us
                ordinal += weeks * 7
                continue
        first_day = False
        for low, high in calendar._segments(ordinal):
            low, high = max(low, first), min(high, last)
            if low < high:
                total += high - low
        ordinal += 1
    return datetime.timedelta(microseconds=total)


def local_date(calendar: CalendarSpec, moment: datetime.datetime) -> datetime.date:
    """The calendar's local date at ``moment``."""
    return datetime.date.fromordinal(calendar._local_ordinal(to_us(moment)))


def is_business_time(calendar: CalendarSpec, moment: datetime.datetime) -> bool:
    """Whether ``moment`` lies in business time (warnings and escalations ask this first)."""
    instant = to_us(moment)
    if calendar.is_24x7:
        return not any(low <= instant < high for low, high in calendar._outage_segments())
    return any(low <= instant < high for low, high in calendar._segments(calendar._local_ordinal(instant)))
