"""Reads for business calendars.

Calendars are not owned by an organisation: the provider's staff may read them (agents need the
hours to promise times), service managers edit them; customers see them only through the
commitments shown on their requests.
"""

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound
from sasms.core.permissions import require
from sasms.sla.models import BusinessCalendar, HolidayYear, HolidayYearStatus, SpecialDay, SpecialDayKind


class HolidayYearStatusRow(NamedTuple):
    year: int
    status: str
    source: str

    @property
    def label(self) -> str:
        return str(HolidayYearStatus(self.status).label)


def calendars_visible_to(*, actor: User | AnonymousUser) -> QuerySet[BusinessCalendar]:
    """Every calendar for staff; refuses everyone else (``PermissionDenied``)."""
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    this_year = timezone.localdate().year
    return (
        BusinessCalendar.objects.annotate(
            interval_count=Count("intervals", distinct=True),
            holiday_count=Count(
                "special_days", filter=Q(special_days__kind=SpecialDayKind.HOLIDAY), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "holiday_years",
                queryset=HolidayYear.objects.filter(year__gte=this_year - 1, year__lte=this_year + 3),
                to_attr="prefetched_years",
            )
        )
        .order_by("name")
    )


def access_calendar(*, actor: User | AnonymousUser, calendar_id: int) -> BusinessCalendar:
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(_("Not found."))
    return calendar


def special_days_of(
    *, actor: User | AnonymousUser, calendar: BusinessCalendar, year: int | None = None
) -> QuerySet[SpecialDay]:
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    queryset = SpecialDay.objects.filter(calendar=calendar)
    if year is not None:
        queryset = queryset.filter(date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31))
    return queryset.order_by("date", "start_minute", "id")


def special_days_visible_to(*, actor: User | AnonymousUser) -> QuerySet[SpecialDay]:
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    return SpecialDay.objects.select_related("calendar").order_by("calendar_id", "date", "start_minute", "id")


def access_special_day(*, actor: User | AnonymousUser, special_day_id: int) -> SpecialDay:
    day = special_days_visible_to(actor=actor).filter(pk=special_day_id).first()
    if day is None:
        raise NotFound(_("Not found."))
    return day


def years_of(calendar: BusinessCalendar) -> list[int]:
    """The years that have special days or a holiday status, plus the current and the next two,
    newest first."""
    dates = SpecialDay.objects.filter(calendar=calendar).dates("date", "year")
    this_year = datetime.date.today().year
    years = {d.year for d in dates} | set(range(this_year, this_year + 3))
    years |= set(HolidayYear.objects.filter(calendar=calendar).values_list("year", flat=True))
    return sorted(years, reverse=True)


def year_statuses(calendar: BusinessCalendar, years: Iterable[int]) -> dict[int, HolidayYearStatusRow]:
    """Each year's public-holiday status (see :class:`~sasms.sla.models.HolidayYear`), one query.

    Uses ``calendar.prefetched_years`` when a list page prefetched them.
    """
    wanted = sorted(set(years))
    if calendar.is_24x7:
        return {year: HolidayYearStatusRow(year, HolidayYearStatus.NOT_APPLICABLE, "") for year in wanted}
    rows = getattr(calendar, "prefetched_years", None)
    if rows is None:
        rows = list(HolidayYear.objects.filter(calendar=calendar, year__in=wanted))
    found = {row.year: row for row in rows}
    return {
        year: HolidayYearStatusRow(year, found[year].status, found[year].source)
        if year in found
        else HolidayYearStatusRow(year, HolidayYearStatus.MISSING, "")
        for year in wanted
    }


def years_to_watch(today: datetime.date | None = None) -> list[int]:
    """The years staff are warned about: this one, and from 1 October the next one too."""
    today = today or timezone.localdate()
    return [today.year, today.year + 1] if today.month >= 10 else [today.year]


def unofficial_years(today: datetime.date | None = None) -> list[tuple[int, str, int]]:
    """``(year, status, calendars)`` for each watched year that some active calendar with a holiday
    region has only provisional (or no) public holidays for; one query."""
    watched = years_to_watch(today)
    calendars = (
        BusinessCalendar.objects.filter(is_active=True, is_24x7=False)
        .exclude(holiday_region="")
        .annotate(
            **{
                f"y{year}": Count(
                    "holiday_years",
                    filter=Q(holiday_years__year=year, holiday_years__status=HolidayYearStatus.OFFICIAL),
                )
                for year in watched
            },
            **{
                f"p{year}": Count(
                    "holiday_years",
                    filter=Q(holiday_years__year=year, holiday_years__status=HolidayYearStatus.PROVISIONAL),
                )
                for year in watched
            },
        )
        .values(*(f"y{year}" for year in watched), *(f"p{year}" for year in watched))
    )
    missing = dict.fromkeys(watched, 0)
    provisional = dict.fromkeys(watched, 0)
    for row in calendars:
        for year in watched:
            if not row[f"y{year}"]:
                if row[f"p{year}"]:
                    provisional[year] += 1
                else:
                    missing[year] += 1
    notices = []
    for year in watched:
        if missing[year]:
            notices.append((year, str(HolidayYearStatus.MISSING), missing[year]))
        if provisional[year]:
            notices.append((year, str(HolidayYearStatus.PROVISIONAL), provisional[year]))
    return notices
