"""Pages for business calendars: list, detail with the week and special days, edits, calculator."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.models import AuditEntry
from sasms.core.permissions import require
from sasms.sla import selectors, services, specs
from sasms.sla.filtersets import CalendarFilterSet
from sasms.sla.forms import (
    CalculatorForm,
    CalendarCreateForm,
    CalendarForm,
    PresetForm,
    SpecialDayForm,
    WeeklyHoursForm,
)
from sasms.sla.models import BusinessCalendar, Weekday, minutes_label


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _hours_label(intervals: Any) -> str:
    return ", ".join(f"{minutes_label(s)}–{minutes_label(e)}" for s, e in intervals)


class CalendarListView(ListPage):
    title = gettext_lazy("Business calendars")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = CalendarFilterSet
    export_name = "business-calendars"
    empty_message = gettext_lazy("No calendars match these filters.")
    create_url_name = "sla:calendar_create"
    create_label = gettext_lazy("New calendar")
    columns = [
        Column(
            gettext_lazy("Name"),
            attr("name"),
            link=lambda c: reverse("sla:calendar_detail", args=[c.pk]),
        ),
        Column(gettext_lazy("Code"), attr("code")),
        Column(gettext_lazy("Coverage"), attr("get_coverage_display")),
        Column(gettext_lazy("Time zone"), attr("time_zone")),
        Column(gettext_lazy("Public holidays from"), attr("get_holiday_region_display")),
        Column(gettext_lazy("Holidays"), attr("holiday_count"), css="text-end"),
        Column(gettext_lazy("Version"), attr("version"), css="text-end"),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get_queryset(self) -> Any:
        return selectors.calendars_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return self.request.user.can(Capability.MANAGE_SLA)  # type: ignore[union-attr]


def _year_from(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return datetime.date.today().year
    return year if 1970 <= year <= 2200 else datetime.date.today().year


@login_required
def calendar_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    calendar = selectors.access_calendar(actor=actor, calendar_id=pk)
    year = _year_from(request)
    return _render_detail(request, calendar, year)


def _render_detail(
    request: HttpRequest,
    calendar: BusinessCalendar,
    year: int,
    special_form: SpecialDayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = _actor(request)
    hours = services.weekly_hours_of(calendar)
    week = [(day.label, _hours_label(hours[day.value])) for day in Weekday]
    context = {
        "calendar": calendar,
        "week": week,
        "year": year,
        "years": selectors.years_of(calendar),
        "special_days": selectors.special_days_of(actor=actor, calendar=calendar, year=year),
        "can_edit": actor.can(Capability.MANAGE_SLA),
        "special_form": special_form or SpecialDayForm(initial={"date": datetime.date(year, 1, 1)}),
        "calculator": CalculatorForm(zone=calendar.time_zone),
        "history": AuditEntry.objects.filter(object_type="sla.businesscalendar", object_id=str(calendar.pk))[
            :10
        ]
        if actor.can(Capability.VIEW_AUDIT_TRAIL)
        else None,
    }
    return render(request, "sla/calendar_detail.html", context, status=status)


@login_required
def calendar_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.MANAGE_SLA)
    calendar = selectors.access_calendar(actor=actor, calendar_id=pk) if pk else None
    form_class = CalendarForm if calendar is not None else CalendarCreateForm
    initial = (
        {field: getattr(calendar, field) for field in services.CALENDAR_FIELDS}
        if calendar is not None
        else {}
    )
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if calendar is None:
                calendar = services.create_calendar(actor=actor, **form.cleaned_data)
            else:
                calendar = services.update_calendar(actor=actor, calendar=calendar, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Calendar “%s” saved.") % calendar.name)
            return redirect("sla:calendar_detail", pk=calendar.pk)
    return render(request, "sla/calendar_form.html", {"form": form, "calendar": calendar})


@login_required
def weekly_hours_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.MANAGE_SLA)
    calendar = selectors.access_calendar(actor=actor, calendar_id=pk)
    current = services.weekly_hours_of(calendar)
    initial = {
        name: ", ".join(f"{minutes_label(s)}-{minutes_label(e)}" for s, e in current[day])
        for day, name in enumerate(services.WEEKDAY_FIELDS)
    }
    form = WeeklyHoursForm(request.POST or None, initial=initial)
    preset_form = PresetForm(initial={"coverage": calendar.coverage})
    if request.method == "POST":
        if "coverage" in request.POST:
            preset_form = PresetForm(request.POST)
            if preset_form.is_valid():
                try:
                    services.apply_coverage_preset(
                        actor=actor, calendar=calendar, coverage=preset_form.cleaned_data["coverage"]
                    )
                except ServiceError as error:
                    add_service_error(preset_form, error)
                else:
                    messages.success(request, _("Weekly hours saved."))
                    return redirect("sla:calendar_detail", pk=calendar.pk)
            form = WeeklyHoursForm(initial=initial)
        elif form.is_valid():
            try:
                services.set_weekly_hours(actor=actor, calendar=calendar, hours=form.hours())
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Weekly hours saved."))
                return redirect("sla:calendar_detail", pk=calendar.pk)
    context = {"form": form, "preset_form": preset_form, "calendar": calendar}
    return render(request, "sla/weekly_hours.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def special_day_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.MANAGE_SLA)
    calendar = selectors.access_calendar(actor=actor, calendar_id=pk)
    form = SpecialDayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            day = services.add_special_day(actor=actor, calendar=calendar, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Added %s.") % day)
            return redirect(f"{reverse('sla:calendar_detail', args=[calendar.pk])}?year={day.date.year}")
    year = form.cleaned_data["date"].year if form.cleaned_data.get("date") else _year_from(request)
    return _render_detail(request, calendar, year, special_form=form, status=400)


@login_required
@require_POST
def special_day_remove_view(request: HttpRequest, pk: int, day_pk: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.MANAGE_SLA)
    calendar = selectors.access_calendar(actor=actor, calendar_id=pk)
    day = selectors.access_special_day(actor=actor, special_day_id=day_pk)
    if day.calendar_id != calendar.pk:
        return redirect("sla:calendar_detail", pk=calendar.pk)
    services.remove_special_day(actor=actor, special_day=day)
    messages.success(request, _("Removed %s.") % day)
    return redirect(f"{reverse('sla:calendar_detail', args=[calendar.pk])}?year={day.date.year}")


@login_required
def calculator_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The detail page's calculator (an htmx partial): due time and business time."""
    actor = _actor(request)
    calendar = selectors.access_calendar(actor=actor, calendar_id=pk)
    form = CalculatorForm(request.GET or None, zone=calendar.time_zone)
    result: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        start: datetime.datetime = form.cleaned_data["start"]
        minutes = form.cleaned_data.get("duration_minutes")
        end: datetime.datetime | None = form.cleaned_data.get("end")
        try:
            if minutes is not None:
                due = specs.due_at(
                    calendar_id=calendar.pk, start=start, duration=datetime.timedelta(minutes=minutes)
                )
                # Pre-formatted: the date filter would show the viewer's zone, not the calendar's.
                result["due"] = due.astimezone(form.zone)
                result["due_label"] = result["due"].strftime("%Y-%m-%d %H:%M:%S %Z")
                result["due_utc_label"] = due.strftime("%Y-%m-%d %H:%M UTC")
            if end is not None:
                spent = specs.business_time(calendar_id=calendar.pk, start=start, end=end)
                minutes_spent = spent / datetime.timedelta(minutes=1)
                result["business_time"] = spent
                result["business_minutes"] = minutes_spent
                whole = int(minutes_spent)
                result["business_label"] = _("%(hours)d h %(minutes)02d min") % {
                    "hours": whole // 60,
                    "minutes": whole % 60,
                }
        except ServiceError as error:
            add_service_error(form, error)
    context = {"calendar": calendar, "calculator": form, "result": result}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "sla/_calculator.html", context, status=status)
