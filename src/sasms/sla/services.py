"""Writes for business calendars: settings, weekly hours, special days, the public-holiday seed.

Every function is one use case in one transaction: it checks ``MANAGE_SLA``, validates (bad input
raises :class:`~sasms.core.errors.ServiceError` naming the field and changes nothing), writes,
bumps the calendar's version so cached specs are rebuilt, and leaves an audit entry.
"""

import datetime
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.audit import changed_fields, record_audit, snapshot
from sasms.core.errors import Conflict, ServiceError
from sasms.core.permissions import require
from sasms.core.writes import TIME_ZONES
from sasms.sla import holidays
from sasms.sla.calendar_math import DAY_MINUTES, Interval
from sasms.sla.clocks.recalc import retarget_clocks
from sasms.sla.models import (
    BusinessCalendar,
    Coverage,
    HolidayRegion,
    SpecialDay,
    SpecialDayKind,
    SpecialDaySource,
    WorkingInterval,
    minutes_label,
)
from sasms.sla.presets import PRESET_HOURS, preset_for

CALENDAR_FIELDS = ("name", "code", "description", "time_zone", "holiday_region", "is_active")
SPECIAL_DAY_FIELDS = ("date", "kind", "name", "start_minute", "end_minute")
WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _invalid(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def _check_calendar_values(calendar: BusinessCalendar) -> None:
    if not calendar.name.strip():
        raise _invalid("name", _("This field is required."))
    if not calendar.code.strip():
        raise _invalid("code", _("This field is required."))
    if calendar.time_zone not in TIME_ZONES:
        raise _invalid("time_zone", _("Unknown time zone: %s") % calendar.time_zone)
    if calendar.holiday_region not in HolidayRegion.values:
        raise _invalid("holiday_region", _("Unknown holiday region."))


def _save_unique(calendar: BusinessCalendar) -> None:
    try:
        with transaction.atomic():
            calendar.save()
    except IntegrityError as exc:
        clash = (
            "code"
            if BusinessCalendar.objects.filter(code=calendar.code).exclude(pk=calendar.pk).exists()
            else "name"
        )
        message = (
            _("A calendar with this code already exists.")
            if clash == "code"
            else _("A calendar with this name already exists.")
        )
        raise Conflict(message, fields={clash: [message]}) from exc


def _lock(calendar: BusinessCalendar) -> BusinessCalendar:
    return BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)


def _touch(calendar: BusinessCalendar) -> None:
    """Bump the version so every cached spec of this calendar is rebuilt."""
    now = timezone.now()
    BusinessCalendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1, updated_at=now)
    calendar.refresh_from_db(fields=["version", "updated_at"])


def _write_hours(calendar: BusinessCalendar, hours: Mapping[int, Iterable[Interval]]) -> None:
    WorkingInterval.objects.filter(calendar=calendar).delete()
    WorkingInterval.objects.bulk_create(
        WorkingInterval(calendar=calendar, weekday=day, start_minute=start, end_minute=end)
        for day, intervals in sorted(hours.items())
        for start, end in intervals
    )


def weekly_hours_of(calendar: BusinessCalendar) -> dict[int, tuple[Interval, ...]]:
    hours: dict[int, list[Interval]] = {day: [] for day in range(7)}
    for row in WorkingInterval.objects.filter(calendar=calendar).order_by("weekday", "start_minute"):
        hours[row.weekday].append((row.start_minute, row.end_minute))
    return {day: tuple(intervals) for day, intervals in hours.items()}


def _hours_text(hours: Mapping[int, Iterable[Interval]]) -> dict[str, str]:
    return {
        WEEKDAY_FIELDS[day]: ", ".join(f"{minutes_label(s)}-{minutes_label(e)}" for s, e in intervals)
        for day, intervals in sorted(hours.items())
    }


NO_BUSINESS_TIME_FIELD = "__all__"


def validate_weekly_hours(
    hours: Mapping[int, Iterable[Interval]], *, allow_empty: bool = False
) -> dict[int, tuple[Interval, ...]]:
    """Sorted hours per weekday; each bad weekday is named in the error's fields.

    A week without any business time is refused: every due time on the calendar would become
    unreachable, so each request on it would fail to start its clocks (``no_business_time``).
    ``allow_empty`` is only for a form that already reports unreadable days.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, tuple[Interval, ...]] = {}
    for day in range(7):
        intervals = sorted(hours.get(day, ()))
        field = WEEKDAY_FIELDS[day]
        for start, end in intervals:
            if not 0 <= start <= DAY_MINUTES or not 0 <= end <= DAY_MINUTES:
                errors.setdefault(field, []).append(_("Times must lie between 00:00 and 24:00."))
            elif end <= start:
                errors.setdefault(field, []).append(
                    _("The end %(end)s is not after the start %(start)s.")
                    % {"start": minutes_label(start), "end": minutes_label(end)}
                )
        for (s1, e1), (s2, e2) in pairwise(intervals):
            if s2 < e1:
                errors.setdefault(field, []).append(
                    _("%(first)s and %(second)s overlap.")
                    % {
                        "first": f"{minutes_label(s1)}-{minutes_label(e1)}",
                        "second": f"{minutes_label(s2)}-{minutes_label(e2)}",
                    }
                )
        cleaned[day] = tuple(intervals)
    if errors:
        raise ServiceError(_("Please correct the weekly hours."), fields=errors)
    if not allow_empty and not any(cleaned.values()):
        message = _(
            "A calendar needs business hours on at least one weekday: without them no due time "
            "can be reached. Enter hours for one day or more, or choose a coverage preset."
        )
        raise ServiceError(message, code="no_business_time", fields={NO_BUSINESS_TIME_FIELD: [message]})
    return cleaned


# --- Calendars -------------------------------------------------------------------------------


@transaction.atomic
def create_calendar(
    *,
    actor: User | None,
    name: str,
    code: str,
    time_zone: str = "Asia/Shanghai",
    coverage: str = Coverage.H5X9,
    holiday_region: str = HolidayRegion.NONE,
    description: str = "",
    is_active: bool = True,
) -> BusinessCalendar:
    """A calendar with a preset's weekly hours; public holidays are seeded when a region is set."""
    if actor is not None:
        require(actor, Capability.MANAGE_SLA)
    if coverage not in PRESET_HOURS:
        raise _invalid("coverage", _("Choose one of the coverage presets."))
    calendar = BusinessCalendar(
        name=name.strip(),
        code=code.strip(),
        time_zone=time_zone,
        coverage=coverage,
        is_24x7=coverage == Coverage.H7X24,
        holiday_region=holiday_region,
        description=description.strip(),
        is_active=is_active,
    )
    _check_calendar_values(calendar)
    _save_unique(calendar)
    _write_hours(calendar, PRESET_HOURS[coverage])
    if calendar.holiday_region == HolidayRegion.CN and not calendar.is_24x7:
        holidays.sync_region_years(calendar)
    record_audit(
        actor=actor,
        action="sla_calendar.create",
        target=calendar,
        changes=changed_fields({}, snapshot(calendar, (*CALENDAR_FIELDS, "coverage"))),
    )
    return calendar


@transaction.atomic
def update_calendar(*, actor: User, calendar: BusinessCalendar, **changes: Any) -> BusinessCalendar:
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(calendar)
    unknown = sorted(set(changes) - set(CALENDAR_FIELDS))
    if unknown:
        raise ServiceError(
            _("Unknown fields."), fields={name: [_("This field cannot be changed.")] for name in unknown}
        )
    before = snapshot(calendar, CALENDAR_FIELDS)
    for name, value in changes.items():
        setattr(
            calendar, name, value.strip() if isinstance(value, str) and name != "holiday_region" else value
        )
    diff = changed_fields(before, snapshot(calendar, CALENDAR_FIELDS))
    if not diff:
        return calendar
    _check_calendar_values(calendar)
    _save_unique(calendar)
    changed_years: set[int] = set()
    if "holiday_region" in diff:
        if calendar.holiday_region == HolidayRegion.CN:
            changed_years = set(holidays.sync_region_years(calendar).changed_years)
        else:
            changed_years = holidays.drop_region_years(calendar)
    _touch(calendar)
    holidays.retarget_years([calendar.pk], changed_years, "public holidays changed")
    record_audit(actor=actor, action="sla_calendar.update", target=calendar, changes=diff)
    return calendar


@transaction.atomic
def set_weekly_hours(
    *, actor: User, calendar: BusinessCalendar, hours: Mapping[int, Iterable[Interval]]
) -> BusinessCalendar:
    """Replace the weekly hours; the coverage becomes the matching preset or ``custom``."""
    require(actor, Capability.MANAGE_SLA)
    cleaned = validate_weekly_hours(hours)
    calendar = _lock(calendar)
    before = weekly_hours_of(calendar)
    if before == cleaned:
        return calendar
    coverage = preset_for(cleaned)
    old_coverage = calendar.coverage
    calendar.coverage = coverage
    calendar.is_24x7 = coverage == Coverage.H7X24
    calendar.save(update_fields=["coverage", "is_24x7"])
    _write_hours(calendar, cleaned)
    _touch(calendar)
    retarget_clocks(calendar_ids=[calendar.pk], reason="weekly hours changed")
    diff = changed_fields(_hours_text(before), _hours_text(cleaned))
    if old_coverage != coverage:
        diff["coverage"] = [old_coverage, coverage]
    record_audit(actor=actor, action="sla_calendar.hours", target=calendar, changes=diff)
    return calendar


def apply_coverage_preset(*, actor: User, calendar: BusinessCalendar, coverage: str) -> BusinessCalendar:
    if coverage not in PRESET_HOURS:
        raise _invalid("coverage", _("Choose one of the coverage presets."))
    return set_weekly_hours(actor=actor, calendar=calendar, hours=PRESET_HOURS[coverage])


@transaction.atomic
def refresh_public_holidays(
    *, actor: User | None, calendar: BusinessCalendar | None = None
) -> dict[str, tuple[int, int]]:
    """Re-seed public holidays and make-up days from ``chinese-calendar``; ``{code: (removed, added)}``.

    Hand-entered holidays and make-up days on the same dates are kept, and so are imported
    official schedules; the years after the package's last are provisioned (see
    :func:`sasms.sla.holidays.sync_region_years`).
    """
    if actor is not None:
        require(actor, Capability.MANAGE_SLA)
    calendars = BusinessCalendar.objects.select_for_update().filter(holiday_region=HolidayRegion.CN)
    if calendar is not None:
        calendars = calendars.filter(pk=calendar.pk)
    results: dict[str, tuple[int, int]] = {}
    for row in calendars.order_by("pk"):
        synced = holidays.sync_region_years(row)
        removed, added = synced.removed, synced.added
        _touch(row)
        holidays.retarget_years([row.pk], synced.changed_years, "public holidays refreshed")
        record_audit(
            actor=actor,
            action="sla_calendar.seed_holidays",
            target=row,
            changes={"seeded_days": [removed, added]},
        )
        results[row.code] = (removed, added)
    return results


# --- Special days ----------------------------------------------------------------------------


def _retarget_day(
    calendar: BusinessCalendar, first: datetime.date, last: datetime.date | None = None
) -> None:
    retarget_clocks(
        calendar_ids=[calendar.pk], first_day=first, last_day=last or first, reason="special days changed"
    )


def _check_special_day(day: SpecialDay) -> None:
    if day.kind not in SpecialDayKind.values:
        raise _invalid("kind", _("Unknown kind of special day."))
    if not isinstance(day.date, datetime.date):
        raise _invalid("date", _("Enter a valid date."))
    start, end = day.start_minute, day.end_minute
    if day.kind == SpecialDayKind.HOLIDAY and (start is not None or end is not None):
        raise _invalid("start", _("A holiday covers the whole day; leave the times empty."))
    if start is None and end is not None:
        raise _invalid("start", _("Give a start time as well, or neither."))
    if end is None and start is not None:
        raise _invalid("end", _("Give an end time as well, or neither."))
    if start is not None and end is not None:
        if not 0 <= start <= DAY_MINUTES:
            raise _invalid("start", _("Times must lie between 00:00 and 24:00."))
        if not 0 <= end <= DAY_MINUTES:
            raise _invalid("end", _("Times must lie between 00:00 and 24:00."))
        if end <= start:
            raise _invalid("end", _("The end must be after the start."))
    others = SpecialDay.objects.filter(calendar_id=day.calendar_id, date=day.date).exclude(pk=day.pk)
    if day.kind in (SpecialDayKind.HOLIDAY, SpecialDayKind.WORKDAY):
        clash = others.filter(kind__in=[SpecialDayKind.HOLIDAY, SpecialDayKind.WORKDAY]).first()
        if clash is not None:
            message = _("%(date)s is already a %(kind)s in this calendar.") % {
                "date": day.date.isoformat(),
                "kind": clash.get_kind_display(),
            }
            raise Conflict(message, fields={"date": [message]})
    else:
        low, high = (start, end) if start is not None and end is not None else (0, DAY_MINUTES)
        for other in others.filter(kind=SpecialDayKind.OUTAGE):
            o_low = other.start_minute if other.start_minute is not None else 0
            o_high = other.end_minute if other.end_minute is not None else DAY_MINUTES
            if low < o_high and o_low < high:
                message = _("This overlaps the outage window %(range)s on the same day.") % {
                    "range": other.range_label or _("all day")
                }
                raise Conflict(message, fields={"start": [message]})


@transaction.atomic
def add_special_day(
    *,
    actor: User,
    calendar: BusinessCalendar,
    date: datetime.date,
    kind: str,
    name: str = "",
    start: int | None = None,
    end: int | None = None,
) -> SpecialDay:
    """Add a holiday, a make-up workday (调休) or an outage window to a calendar."""
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(calendar)
    day = SpecialDay(
        calendar=calendar, date=date, kind=kind, name=name.strip(), start_minute=start, end_minute=end
    )
    _check_special_day(day)
    day.save()
    _touch(calendar)
    _retarget_day(calendar, day.date)
    record_audit(
        actor=actor,
        action="sla_special_day.create",
        target=day,
        changes={"calendar": [None, calendar.pk], **changed_fields({}, snapshot(day, SPECIAL_DAY_FIELDS))},
    )
    return day


@transaction.atomic
def update_special_day(*, actor: User, special_day: SpecialDay, **changes: Any) -> SpecialDay:
    require(actor, Capability.MANAGE_SLA)
    _lock(special_day.calendar)
    day = SpecialDay.objects.get(pk=special_day.pk)
    renamed = {"start": "start_minute", "end": "end_minute"}
    unknown = sorted(set(changes) - {"date", "kind", "name", "start", "end"})
    if unknown:
        raise ServiceError(
            _("Unknown fields."), fields={name: [_("This field cannot be changed.")] for name in unknown}
        )
    before = snapshot(day, SPECIAL_DAY_FIELDS)
    for name, value in changes.items():
        setattr(day, renamed.get(name, name), value.strip() if name == "name" else value)
    diff = changed_fields(before, snapshot(day, SPECIAL_DAY_FIELDS))
    if not diff:
        return day
    _check_special_day(day)
    day.source = SpecialDaySource.MANUAL  # edited by hand: a re-seed must not overwrite it
    day.save()
    _touch(day.calendar)
    _retarget_day(day.calendar, min(day.date, special_day.date), max(day.date, special_day.date))
    record_audit(actor=actor, action="sla_special_day.update", target=day, changes=diff)
    return day


@transaction.atomic
def remove_special_day(*, actor: User, special_day: SpecialDay) -> None:
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(special_day.calendar)
    record_audit(
        actor=actor,
        action="sla_special_day.delete",
        target=special_day,
        changes={
            "calendar": [calendar.pk, None],
            **changed_fields(snapshot(special_day, SPECIAL_DAY_FIELDS), {}),
        },
    )
    special_day.delete()
    _touch(calendar)
    _retarget_day(calendar, special_day.date)
