"""Pages for business calendars: list, detail with the week and special days, edits, calculator."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core import exports
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.models import AuditEntry
from sasms.core.permissions import require
from sasms.ops.router import use_replica
from sasms.sla import holidays, policies, reports, selectors, services, specs
from sasms.sla.filtersets import CalendarFilterSet, PolicyFilterSet
from sasms.sla.forms import (
    AttainmentForm,
    CalculatorForm,
    CalendarCreateForm,
    CalendarForm,
    OfficialScheduleForm,
    PolicyForm,
    PresetForm,
    SpecialDayForm,
    StepFormSet,
    WeeklyHoursForm,
)
from sasms.sla.models import BusinessCalendar, EscalationPolicy, HolidayYearStatus, Weekday, minutes_label
from sasms.sla.schedule_files import days_to_text


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _hours_label(intervals: Any) -> str:
    return ", ".join(f"{minutes_label(s)}–{minutes_label(e)}" for s, e in intervals)


def _years_label(calendar: BusinessCalendar) -> str:
    """``2026 official · 2027 provisional`` for this year and the next (the list's column)."""
    this_year = datetime.date.today().year
    statuses = selectors.year_statuses(calendar, [this_year, this_year + 1])
    return " · ".join(f"{year} {row.label}" for year, row in statuses.items())


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
        Column(gettext_lazy("Public holidays by year"), lambda c: _years_label(c)),
        Column(gettext_lazy("Version"), attr("version"), css="text-end"),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get_queryset(self) -> Any:
        return selectors.calendars_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return self.request.user.can(Capability.MANAGE_SLA)  # type: ignore[union-attr]


def _year_from(request: Any) -> int:
    values = request if hasattr(request, "getlist") else request.GET
    try:
        year = int(values.get("year", ""))
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
    this_year = datetime.date.today().year
    statuses = selectors.year_statuses(
        calendar, {this_year - 1, this_year, this_year + 1, this_year + 2, year}
    )
    context = {
        "calendar": calendar,
        "week": week,
        "year": year,
        "year_status": statuses[year],
        "year_statuses": [statuses[y] for y in sorted(statuses)],
        "can_provision": calendar.holiday_region == "cn"
        and not calendar.is_24x7
        and statuses[year].status != HolidayYearStatus.OFFICIAL,
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
    # Bound on every POST, even an empty one: an empty week must be refused, not shown as a GET.
    form = WeeklyHoursForm(request.POST if request.method == "POST" else None, initial=initial)
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
def official_schedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter or import a year's official schedule: a preview of what changes, then the import."""
    actor = _actor(request)
    require(actor, Capability.MANAGE_SLA)
    calendar = selectors.access_calendar(actor=actor, calendar_id=pk)
    today = datetime.date.today()
    form = OfficialScheduleForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        initial={"year": today.year + 1 if today.month >= 10 else today.year},
    )
    plans: list[holidays.CalendarPlan] = []
    confirm_form: OfficialScheduleForm | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["confirm"]:
                done = holidays.import_schedule(
                    actor=actor,
                    calendar=calendar,
                    year=data["year"],
                    days=data["days"],
                    all_cn=data["all_cn"],
                    note=data["file"].name[:200] if data.get("file") else _("entered on the page"),
                )
            else:
                plans = holidays.plan_schedule(
                    actor=actor,
                    calendar=calendar,
                    year=data["year"],
                    days=data["days"],
                    all_cn=data["all_cn"],
                )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if data["confirm"]:
                messages.success(
                    request,
                    _("The official schedule of %(year)d was imported into %(count)d calendars.")
                    % {"year": data["year"], "count": len(done)},
                )
                return redirect(f"{reverse('sla:calendar_detail', args=[calendar.pk])}?year={data['year']}")
            confirm_form = OfficialScheduleForm(
                initial={
                    "year": data["year"],
                    "text": days_to_text(data["days"]),
                    "all_cn": data["all_cn"],
                    "confirm": True,
                }
            )
    context = {"calendar": calendar, "form": form, "plans": plans, "confirm_form": confirm_form}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "sla/official_schedule.html", context, status=status)


@login_required
@require_POST
def provision_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute provisional public holidays for one year of a ``cn`` calendar."""
    actor = _actor(request)
    require(actor, Capability.MANAGE_SLA)
    calendar = selectors.access_calendar(actor=actor, calendar_id=pk)
    year = _year_from(request.POST)
    try:
        holidays.provision_years(actor=actor, years=[year], calendar=calendar)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Provisional public holidays computed for %(year)d.") % {"year": year})
    return redirect(f"{reverse('sla:calendar_detail', args=[calendar.pk])}?year={year}")


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


REPORT_PAGE_SIZE = 50


@login_required
def attainment_view(request: HttpRequest) -> HttpResponse:
    """SLA attainment and penalties for a period, grouped as the reader chooses; CSV/XLSX export."""
    actor = _actor(request)
    require(actor, Capability.VIEW_REPORTS)
    staff = actor.can(Capability.VIEW_ALL_ORGANISATIONS)
    form = AttainmentForm(request.GET or None, staff=staff)
    rows: list[reports.AttainmentRow] = []
    if not form.is_bound:
        form = AttainmentForm({}, staff=staff)
    if form.is_valid():
        data = form.cleaned_data
        organisation = data.get("organisation")
        clocks = reports.clocks_for_report(
            actor=actor,
            start=data["start"],
            end=data["end"],
            organisation_id=organisation.pk if organisation else None,
            priority=data["priority"],
            clock=data["clock"],
        )
        with use_replica():  # a report: read from the replica when one is configured
            rows = reports.attainment(clocks, group=data["group"])
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return _export_attainment(rows, str(reports.GROUPS[data["group"]]), export)
    page = Paginator(rows, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    htmx = getattr(request, "htmx", None)
    partial = htmx is not None and bool(htmx) and not htmx.history_restore_request
    return render(
        request,
        "sla/_attainment_table.html" if partial else "sla/attainment.html",
        {
            "title": _("SLA attainment"),
            "form": form,
            "page": page,
            "total": reports.totals(rows),
            "group_label": reports.GROUPS.get(form.cleaned_data.get("group", ""), "")
            if form.is_valid()
            else "",
            "querystring": query.urlencode(),
        },
    )


def _export_attainment(rows: list[reports.AttainmentRow], group_label: str, kind: str) -> HttpResponse:
    header = [group_label, _("Decided"), _("Met"), _("Breached"), _("Attainment %"), _("Penalty (CNY)")]
    body = [
        [r.key, r.decided, r.met, r.breached, "" if r.attainment is None else r.attainment, f"{r.penalty}"]
        for r in [*rows, reports.totals(rows)]
    ]
    stamp = f"{datetime.date.today():%Y%m%d}"
    if kind == "csv":
        return exports.csv_response([header, *body], f"sla-attainment-{stamp}.csv")
    return exports.xlsx_response([("sla-attainment", [header, *body])], f"sla-attainment-{stamp}.xlsx")


class PolicyListView(ListPage):
    title = gettext_lazy("Escalation policies")
    capability = Capability.MANAGE_SLA
    filterset_class = PolicyFilterSet
    export_name = "escalation-policies"
    empty_message = gettext_lazy("No escalation policies match these filters.")
    create_url_name = "sla:policy_create"
    create_label = gettext_lazy("New policy")
    columns = [
        Column(gettext_lazy("Name"), attr("name"), link=lambda p: reverse("sla:policy_edit", args=[p.pk])),
        Column(gettext_lazy("Priorities"), lambda p: p.priorities or _("All")),
        Column(
            gettext_lazy("Steps"), lambda p: " · ".join(f"{int(s.fraction * 100)} %" for s in p.steps.all())
        ),
        Column(gettext_lazy("Around the clock"), attr("around_the_clock")),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get_queryset(self) -> Any:
        return EscalationPolicy.objects.prefetch_related("steps").order_by("name")

    def can_create(self) -> bool:
        return True


STEP_ROWS = 6


@login_required
def policy_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.MANAGE_SLA)
    policy = get_object_or_404(EscalationPolicy, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = PolicyForm(request.POST)
        steps = StepFormSet(request.POST, prefix="steps")
        if form.is_valid() and steps.is_valid():
            data = form.cleaned_data
            step_inputs = [
                policies.StepInput(s["clock_kind"], s["fraction"], s["actions"])
                for s in steps.cleaned_data
                if s and s.get("fraction") is not None
            ]
            try:
                saved = policies.save_policy(
                    actor=actor,
                    policy=policy,
                    name=data["name"],
                    priorities=data["priorities"],
                    around_the_clock=data["around_the_clock"],
                    is_active=data["is_active"],
                    steps=step_inputs,
                )
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Escalation policy saved."))
                return redirect("sla:policy_edit", pk=saved.pk)
        status = 422
    else:
        status = 200
        initial: dict[str, Any] = {"is_active": True}
        rows: list[dict[str, Any]] = []
        if policy is not None:
            initial = {
                "name": policy.name,
                "priorities": [p for p in policy.priorities.split(",") if p],
                "around_the_clock": policy.around_the_clock,
                "is_active": policy.is_active,
            }
            rows = [
                {"clock_kind": s.clock_kind, "fraction": s.fraction, "actions": s.actions}
                for s in policy.steps.all()
            ]
        rows += [{}] * max(0, STEP_ROWS - len(rows))
        form = PolicyForm(initial=initial)
        steps = StepFormSet(initial=rows, prefix="steps")
    title = _("Escalation policy %(name)s") % {"name": policy.name} if policy else _("New escalation policy")
    return render(
        request,
        "sla/policy_form.html",
        {"title": title, "form": form, "steps": steps, "policy": policy},
        status=status,
    )
