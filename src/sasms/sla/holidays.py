"""Writes for public-holiday years: the library's data, provisional years, official schedules.

Each calendar knows, per year, whether its public holidays are official, provisional or missing
(:class:`~sasms.sla.models.HolidayYear`). For ``cn`` calendars the years ``chinese-calendar``
knows are official; later years are computed from the statutory list (:mod:`sasms.sla.statutory`)
until the State Council's schedule is entered or imported, which replaces them. Whenever a year's
days change, the running clocks that could have counted them are re-targeted in the same
transaction (:mod:`sasms.sla.clocks.recalc`).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.audit import record_audit
from sasms.core.errors import ServiceError
from sasms.core.permissions import require
from sasms.sla.models import (
    BusinessCalendar,
    HolidayRegion,
    HolidayYear,
    HolidayYearSource,
    HolidayYearStatus,
    SpecialDay,
    SpecialDayKind,
    SpecialDaySource,
)
from sasms.sla.presets import replace_seeded_days, seed_years
from sasms.sla.schedule_files import ScheduleDay
from sasms.sla.statutory import FIRST_YEAR, LAST_YEAR, provisional_holidays

# How many years after the current one are kept provisioned (the periodic job and the migration).
YEARS_AHEAD = 2
NOTICE_CACHE_KEY = "sla:holiday-notices"
REPLACEABLE = (SpecialDaySource.SEED, SpecialDaySource.PROVISIONAL, SpecialDaySource.OFFICIAL)
DAY_KINDS = (SpecialDayKind.HOLIDAY, SpecialDayKind.WORKDAY)


def forget_notices() -> None:
    """The staff banner is cached; any change of a holiday year clears it after commit."""
    transaction.on_commit(lambda: cache.delete(NOTICE_CACHE_KEY))


def _touch(calendar: BusinessCalendar) -> None:
    from sasms.sla.services import _touch as touch

    touch(calendar)


def _year_days(calendar_id: int, year: int) -> Q:
    return Q(
        calendar_id=calendar_id, date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
    )


def retarget_years(calendar_ids: Sequence[int], years: Iterable[int], reason: str) -> int:
    from sasms.sla.clocks.recalc import retarget_clocks

    years = sorted(set(years))
    if not years or not calendar_ids:
        return 0
    return retarget_clocks(
        calendar_ids=calendar_ids,
        first_day=datetime.date(years[0], 1, 1),
        last_day=datetime.date(years[-1], 12, 31),
        reason=reason,
    )


def _set_year(calendar_id: int, year: int, status: str, source: str, note: str = "") -> None:
    HolidayYear.objects.update_or_create(
        calendar_id=calendar_id,
        year=year,
        defaults={"status": status, "source": source, "note": note[:200], "updated_at": timezone.now()},
    )


def imported_years(calendar_id: int) -> frozenset[int]:
    return frozenset(
        HolidayYear.objects.filter(calendar_id=calendar_id, source=HolidayYearSource.IMPORTED).values_list(
            "year", flat=True
        )
    )


def _write_provisional(calendar_id: int, year: int, *, status: str | None = None) -> bool:
    """Store the statutory days of ``year`` as provisional holidays; whether any day changed.

    Days entered by hand keep their date; make-up workdays are not guessed. A year already stored
    as computed costs one query (``status`` is the year's stored status, when the caller knows it).
    """
    rows = list(
        SpecialDay.objects.filter(_year_days(calendar_id, year), kind__in=DAY_KINDS).values_list(
            "date", "kind", "name", "source"
        )
    )
    taken = {date for date, _kind, _name, source in rows if source != SpecialDaySource.PROVISIONAL}
    stored = {(date, name) for date, _kind, name, source in rows if source == SpecialDaySource.PROVISIONAL}
    wanted = {(day.date, day.name[:120]) for day in provisional_holidays(year) if day.date not in taken}
    if stored == wanted and status == HolidayYearStatus.PROVISIONAL:
        return False
    if stored != wanted:
        SpecialDay.objects.filter(
            _year_days(calendar_id, year), kind__in=DAY_KINDS, source=SpecialDaySource.PROVISIONAL
        ).delete()
        SpecialDay.objects.bulk_create(
            SpecialDay(
                calendar_id=calendar_id,
                date=date,
                kind=SpecialDayKind.HOLIDAY,
                name=name,
                source=SpecialDaySource.PROVISIONAL,
            )
            for date, name in sorted(wanted)
        )
    _set_year(calendar_id, year, HolidayYearStatus.PROVISIONAL, HolidayYearSource.STATUTE)
    return {date for date, _name in stored} != {date for date, _name in wanted}


@dataclass(frozen=True)
class SyncResult:
    removed: int
    added: int
    changed_years: frozenset[int]


def sync_region_years(calendar: BusinessCalendar, *, through_year: int | None = None) -> SyncResult:
    """Bring a ``cn`` calendar's years up to date: the package's years official, the following
    ones up to ``through_year`` provisional unless their official schedule was imported.

    Returns the seeded days removed and added and the years whose days changed; the caller holds
    the calendar's lock, bumps its version and re-targets the clocks of the changed years.
    """
    first, last = seed_years()
    through = max(through_year or timezone.localdate().year + YEARS_AHEAD, last)
    skip = imported_years(calendar.pk)
    years = range(first, through + 1)
    removed, added = replace_seeded_days(SpecialDay, calendar.pk, skip_years=skip)
    existing = {row.year: row for row in HolidayYear.objects.filter(calendar=calendar, year__in=years)}
    changed: set[int] = set()
    now = timezone.now()
    library_rows = []
    for year in range(first, last + 1):
        if year in skip:
            continue
        row = existing.get(year)
        if row is None or (row.status, row.source) != (HolidayYearStatus.OFFICIAL, HolidayYearSource.LIBRARY):
            if row is not None and row.status == HolidayYearStatus.PROVISIONAL:
                changed.add(year)
            library_rows.append(year)
    HolidayYear.objects.filter(calendar=calendar, year__in=library_rows).delete()
    HolidayYear.objects.bulk_create(
        HolidayYear(
            calendar=calendar,
            year=year,
            status=HolidayYearStatus.OFFICIAL,
            source=HolidayYearSource.LIBRARY,
            updated_at=now,
        )
        for year in library_rows
    )
    for year in range(last + 1, through + 1):
        if year in skip or not FIRST_YEAR <= year <= LAST_YEAR:
            continue
        row = existing.get(year)
        if row is not None and row.status == HolidayYearStatus.OFFICIAL:
            continue
        if _write_provisional(calendar.pk, year, status=row.status if row is not None else None):
            changed.add(year)
    forget_notices()
    return SyncResult(removed=removed, added=added, changed_years=frozenset(changed))


def drop_region_years(calendar: BusinessCalendar) -> set[int]:
    """The calendar no longer takes public holidays from a region: seeded and provisional days
    go, and so do their year rows; an imported official schedule stays (people entered it)."""
    rows = SpecialDay.objects.filter(
        calendar=calendar, source__in=[SpecialDaySource.SEED, SpecialDaySource.PROVISIONAL]
    )
    years = {day.year for day in rows.dates("date", "year")}
    rows.delete()
    HolidayYear.objects.filter(calendar=calendar).exclude(source=HolidayYearSource.IMPORTED).delete()
    forget_notices()
    return years


@transaction.atomic
def provision_years(
    *, actor: User | None, years: Iterable[int], calendar: BusinessCalendar | None = None
) -> dict[str, list[int]]:
    """Compute and store provisional holidays for ``years`` in every ``cn`` calendar (or the one
    given) that has no official data for them; ``{calendar code: [years written]}``.

    An official year (the package's or an imported schedule) is never replaced by a computation.
    """
    if actor is not None:
        require(actor, Capability.MANAGE_SLA)
    wanted = sorted(set(years))
    bad = [year for year in wanted if not FIRST_YEAR <= year <= LAST_YEAR]
    if bad:
        message = _("Provisional holidays can be computed for %(first)d–%(last)d.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
        raise ServiceError(message, fields={"year": [message]})
    calendars = BusinessCalendar.objects.select_for_update().filter(
        holiday_region=HolidayRegion.CN, is_24x7=False
    )
    if calendar is not None:
        if calendar.holiday_region != HolidayRegion.CN or calendar.is_24x7:
            message = _(
                "Provisional holidays are computed for calendars with mainland China's public holidays."
            )
            raise ServiceError(message, fields={"year": [message]})
        calendars = calendars.filter(pk=calendar.pk)
    results: dict[str, list[int]] = {}
    for row in calendars.order_by("pk"):
        official = set(
            HolidayYear.objects.filter(
                calendar=row, year__in=wanted, status=HolidayYearStatus.OFFICIAL
            ).values_list("year", flat=True)
        )
        already = set(
            HolidayYear.objects.filter(
                calendar=row, year__in=wanted, status=HolidayYearStatus.PROVISIONAL
            ).values_list("year", flat=True)
        )
        written: list[int] = []
        changed: list[int] = []
        for year in wanted:
            if year in official:
                continue
            status = HolidayYearStatus.PROVISIONAL if year in already else None
            if _write_provisional(row.pk, year, status=status):
                changed.append(year)
            if year not in already or year in changed:
                written.append(year)
        if not written:
            continue
        _touch(row)
        moved = retarget_years(
            [row.pk], changed, f"provisional public holidays {', '.join(map(str, changed))}"
        )
        record_audit(
            actor=actor,
            action="sla_calendar.provisional_holidays",
            target=row,
            changes={"provisional_years": [None, written], "clocks_retargeted": [None, moved]},
        )
        results[row.code] = written
    forget_notices()
    return results


def provision_ahead(*, today: datetime.date | None = None) -> dict[str, list[int]]:
    """The periodic job: the current year and the next ``YEARS_AHEAD`` provisioned where needed."""
    today = today or timezone.localdate()
    return provision_years(actor=None, years=range(today.year, today.year + YEARS_AHEAD + 1))


# --- The official schedule ------------------------------------------------------------------


@dataclass
class CalendarPlan:
    """What importing a schedule does to one calendar (the preview shows it; the import applies it)."""

    calendar: BusinessCalendar
    year: int
    status_before: str
    added: list[ScheduleDay] = field(default_factory=list)
    removed: list[tuple[datetime.date, str, str]] = field(default_factory=list)
    kept_manual: list[tuple[datetime.date, str, str]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changes(self) -> bool:
        return bool(self.added or self.removed)


def _targets(calendar: BusinessCalendar, all_cn: bool) -> list[BusinessCalendar]:
    if calendar.is_24x7:
        message = _("7×24 calendars do not use public holidays.")
        raise ServiceError(message, fields={"__all__": [message]})
    if not all_cn:
        return [calendar]
    others = BusinessCalendar.objects.filter(holiday_region=HolidayRegion.CN, is_24x7=False).exclude(
        pk=calendar.pk
    )
    return [calendar, *others.order_by("name")]


def _check_schedule(year: int, days: Sequence[ScheduleDay]) -> None:
    outside = [day.date.isoformat() for day in days if day.date.year != year]
    if outside:
        message = _("These days are not in %(year)d: %(days)s. Import each year's schedule on its own.") % {
            "year": year,
            "days": ", ".join(outside[:5]),
        }
        raise ServiceError(message, fields={"file": [message]})
    if not any(day.kind == SpecialDayKind.HOLIDAY for day in days):
        message = _("The schedule has no holidays.")
        raise ServiceError(message, fields={"file": [message]})


def _plan_one(
    calendar: BusinessCalendar, year: int, days: Sequence[ScheduleDay], status: str
) -> CalendarPlan:
    plan = CalendarPlan(calendar=calendar, year=year, status_before=status)
    existing = {
        day.date: day
        for day in SpecialDay.objects.filter(_year_days(calendar.pk, year), kind__in=DAY_KINDS).order_by(
            "date"
        )
    }
    wanted = {day.date: day for day in days}
    for date, row in existing.items():
        if row.source == SpecialDaySource.MANUAL:
            if date in wanted:
                plan.kept_manual.append((date, row.kind, row.name))
            continue
        new = wanted.get(date)
        if new is None or new.kind != row.kind:
            plan.removed.append((date, row.kind, row.name))
    for date, day in wanted.items():
        stored = existing.get(date)
        if stored is not None and stored.source == SpecialDaySource.MANUAL:
            continue
        if stored is None or stored.kind != day.kind:
            plan.added.append(day)
        else:
            plan.unchanged += 1
    return plan


def plan_schedule(
    *, actor: User, calendar: BusinessCalendar, year: int, days: Sequence[ScheduleDay], all_cn: bool = False
) -> list[CalendarPlan]:
    """The dry run: what :func:`import_schedule` would add and remove, per calendar. Writes nothing."""
    require(actor, Capability.MANAGE_SLA)
    _check_schedule(year, days)
    targets = _targets(calendar, all_cn)
    statuses = dict(
        HolidayYear.objects.filter(calendar__in=targets, year=year).values_list("calendar_id", "status")
    )
    return [_plan_one(c, year, days, statuses.get(c.pk, HolidayYearStatus.MISSING)) for c in targets]


@transaction.atomic
def import_schedule(
    *,
    actor: User,
    calendar: BusinessCalendar,
    year: int,
    days: Sequence[ScheduleDay],
    all_cn: bool = False,
    note: str = "",
) -> list[CalendarPlan]:
    """Make ``days`` the official schedule of ``year``: seeded, provisional and earlier imported
    holidays and make-up workdays of that year are replaced; days entered by hand are kept.

    With ``all_cn`` every calendar with mainland China's public holidays gets the same schedule.
    Running clocks on a changed calendar are re-targeted in the same transaction.
    """
    require(actor, Capability.MANAGE_SLA)
    _check_schedule(year, days)
    targets = list(
        BusinessCalendar.objects.select_for_update().filter(pk__in=[c.pk for c in _targets(calendar, all_cn)])
    )
    targets.sort(key=lambda c: (c.pk != calendar.pk, c.name))
    statuses = dict(
        HolidayYear.objects.filter(calendar__in=targets, year=year).values_list("calendar_id", "status")
    )
    plans = [_plan_one(c, year, days, statuses.get(c.pk, HolidayYearStatus.MISSING)) for c in targets]
    for plan in plans:
        target = plan.calendar
        SpecialDay.objects.filter(
            _year_days(target.pk, year), kind__in=DAY_KINDS, source__in=REPLACEABLE
        ).delete()
        taken = {date for date, _kind, _name in plan.kept_manual}
        SpecialDay.objects.bulk_create(
            SpecialDay(
                calendar=target,
                date=day.date,
                kind=day.kind,
                name=day.name,
                source=SpecialDaySource.OFFICIAL,
            )
            for day in days
            if day.date not in taken
        )
        _set_year(target.pk, year, HolidayYearStatus.OFFICIAL, HolidayYearSource.IMPORTED, note)
        _touch(target)
        moved = retarget_years([target.pk], [year], f"official public holidays {year}") if plan.changes else 0
        record_audit(
            actor=actor,
            action="sla_calendar.import_holidays",
            target=target,
            changes={
                "year": [None, year],
                "status": [plan.status_before, HolidayYearStatus.OFFICIAL],
                "added": [None, len(plan.added)],
                "removed": [None, len(plan.removed)],
                "clocks_retargeted": [None, moved],
            },
        )
    forget_notices()
    return plans
