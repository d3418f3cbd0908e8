"""Reads for business calendars.

Calendars are not owned by an organisation: the provider's staff may read them (agents need the
hours to promise times), service managers edit them; customers see them only through the
commitments shown on their requests.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound
from sasms.core.permissions import require
from sasms.sla.models import BusinessCalendar, SpecialDay, SpecialDayKind


def calendars_visible_to(*, actor: User | AnonymousUser) -> QuerySet[BusinessCalendar]:
    """Every calendar for staff; refuses everyone else (``PermissionDenied``)."""
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    return BusinessCalendar.objects.annotate(
        interval_count=Count("intervals", distinct=True),
        holiday_count=Count(
            "special_days", filter=Q(special_days__kind=SpecialDayKind.HOLIDAY), distinct=True
        ),
    ).order_by("name")


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
    """The years that have special days, plus the current one, newest first."""
    dates = SpecialDay.objects.filter(calendar=calendar).dates("date", "year")
    years = {d.year for d in dates} | {datetime.date.today().year}
    return sorted(years, reverse=True)
