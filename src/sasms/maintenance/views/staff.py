"""Staff pages: PM plans (propose, review, confirm), PM visits, blackout windows, the customers'
date requests, checklist templates and PM attainment. Thin: parse, call a service or selector."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.permissions import require
from sasms.maintenance import selectors, services
from sasms.maintenance.attainment import pm_attainment
from sasms.maintenance.choices import PlanStatus
from sasms.maintenance.filtersets import (
    BlackoutFilterSet,
    DateRequestFilterSet,
    PlanFilterSet,
    PmVisitFilterSet,
)
from sasms.maintenance.forms import (
    AttainmentForm,
    BlackoutForm,
    ConfirmForm,
    DecideForm,
    PmVisitEditForm,
    ProposeForm,
    TemplateForm,
    template_lines,
)
from sasms.maintenance.views.common import actor_of, refused

PLAN_BADGES = {"proposed": "warning", "confirmed": "success", "cancelled": "secondary"}
VISIT_BADGES = {"planned": "secondary", "scheduled": "primary", "done": "success", "cancelled": "dark"}


# --- Plans ---------------------------------------------------------------------------------------


class PlanListView(ListPage):
    title = gettext_lazy("PM plans")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = PlanFilterSet
    export_name = "pm-plans"
    empty_message = gettext_lazy("No PM plans match these filters.")
    create_url_name = "maintenance:plan_create"
    create_label = gettext_lazy("Propose a plan")
    columns = [
        Column(
            gettext_lazy("Contract"),
            attr("contract.number"),
            link=lambda p: reverse("maintenance:plan_detail", args=[p.pk]),
        ),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Contract year from"), attr("year_start")),
        Column(gettext_lazy("Contract year until"), attr("year_end")),
        Column(gettext_lazy("PM visits a year"), attr("visits_per_year"), css="text-end"),
        Column(gettext_lazy("Visits"), attr("visit_count"), css="text-end"),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda p: PLAN_BADGES.get(p.status, "secondary"),
        ),
    ]

    def get_queryset(self) -> Any:
        return selectors.plans_visible_to(actor=self.request.user).order_by("-year_start", "-id")

    def can_create(self) -> bool:
        return self.request.user.can(Capability.DISPATCH)  # type: ignore[union-attr]


@login_required
def plan_create_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.DISPATCH)
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.propose_plan(
                actor=actor,
                contract=form.cleaned_data["contract"],
                year_start=form.cleaned_data["year_start"],
                capacity_minutes=form.cleaned_data["capacity_minutes"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("PM plan proposed: review its visits, then confirm."))
            return redirect("maintenance:plan_detail", pk=plan.pk)
    return render(request, "maintenance/plan_form.html", {"form": form, "title": _("Propose a PM plan")})


@login_required
def plan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.access_plan(actor=actor, plan_id=pk)
    visits = list(
        selectors.pm_visits_visible_to(actor=actor)
        .filter(plan=plan)
        .prefetch_related("servers")
        .order_by("planned_date")
    )
    editable = plan.status == PlanStatus.PROPOSED and actor.can(Capability.DISPATCH)
    rows = [
        {
            "visit": v,
            "form": PmVisitEditForm(
                initial={"planned_date": v.planned_date, "engineer": v.engineer_id}, prefix=f"v{v.pk}"
            )
            if editable
            else None,
        }
        for v in visits
    ]
    context = {
        "plan": plan,
        "rows": rows,
        "editable": editable,
        "confirm_form": ConfirmForm() if editable else None,
        "badge": PLAN_BADGES.get(plan.status, "secondary"),
        "visit_badges": VISIT_BADGES,
    }
    return render(request, "maintenance/plan_detail.html", context)


@login_required
@require_POST
def plan_visit_edit_view(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.access_plan(actor=actor, plan_id=pk)
    pm_visit = selectors.access_pm_visit(actor=actor, pm_visit_id=visit_pk)
    if pm_visit.plan_id != plan.pk:
        return redirect("maintenance:plan_detail", pk=plan.pk)
    form = PmVisitEditForm(request.POST, prefix=f"v{pm_visit.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a valid date and engineer."))
    else:
        try:
            services.update_pm_visit(
                actor=actor,
                pm_visit=pm_visit,
                planned_date=form.cleaned_data["planned_date"],
                engineer=form.cleaned_data["engineer"],
                clear_engineer=form.cleaned_data["engineer"] is None,
            )
        except ServiceError as error:
            refused(request, error)
        else:
            messages.success(request, _("Visit updated."))
    return redirect("maintenance:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.access_plan(actor=actor, plan_id=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid engineer."))
    else:
        try:
            services.confirm_plan(actor=actor, plan=plan, engineer=form.cleaned_data["engineer"])
        except ServiceError as error:
            refused(request, error)
        else:
            messages.success(request, _("Plan confirmed: its visits are scheduled."))
    return redirect("maintenance:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.access_plan(actor=actor, plan_id=pk)
    try:
        services.cancel_plan(actor=actor, plan=plan)
    except ServiceError as error:
        refused(request, error)
    else:
        messages.success(request, _("Plan cancelled."))
    return redirect("maintenance:plan_detail", pk=plan.pk)


# --- PM visits -----------------------------------------------------------------------------------


class PmVisitListView(ListPage):
    title = gettext_lazy("PM visits")
    filterset_class = PmVisitFilterSet
    export_name = "pm-visits"
    empty_message = gettext_lazy("No PM visits match these filters.")
    columns = [
        Column(
            gettext_lazy("Planned date"),
            attr("planned_date"),
            link=lambda v: reverse("maintenance:visit_detail", args=[v.pk]),
        ),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Contract"), attr("plan.contract.number")),
        Column(gettext_lazy("Site"), attr("site.name")),
        Column(gettext_lazy("Round"), attr("round"), css="text-end"),
        Column(gettext_lazy("Servers"), attr("server_count"), css="text-end"),
        Column(gettext_lazy("Engineer"), attr("engineer.full_name")),
        Column(gettext_lazy("Service request"), attr("ticket.number")),
        Column(gettext_lazy("Due by"), attr("due_date")),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda v: VISIT_BADGES.get(v.status, "secondary"),
        ),
    ]

    def get_queryset(self) -> Any:
        return selectors.pm_visits_visible_to(actor=self.request.user).order_by("planned_date", "id")


@login_required
def visit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    pm_visit = selectors.access_pm_visit(actor=actor, pm_visit_id=pk)
    is_staff = actor.can(Capability.VIEW_ALL_ORGANISATIONS)
    answers = list(selectors.answers_of(pm_visit)) if is_staff else []
    context = {
        "pm_visit": pm_visit,
        "servers": list(pm_visit.servers.select_related("model").order_by("serial")),
        "answers": answers,
        "date_requests": list(pm_visit.date_requests.order_by("-created_at")),
        "is_staff": is_staff,
        "can_send": is_staff
        and pm_visit.field_visit is not None
        and pm_visit.field_visit.checked_out_at is not None,
        "badge": VISIT_BADGES.get(pm_visit.status, "secondary"),
    }
    return render(request, "maintenance/visit_detail.html", context)


@login_required
@require_POST
def visit_send_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    from sasms.maintenance.report import send_pm_report

    actor = actor_of(request)
    pm_visit = selectors.access_pm_visit(actor=actor, pm_visit_id=pk)
    try:
        send_pm_report(actor=actor, pm_visit=pm_visit)
    except ServiceError as error:
        refused(request, error)
    else:
        messages.success(request, _("PM report sent to the customer."))
    return redirect("maintenance:visit_detail", pk=pm_visit.pk)


# --- Blackout windows ----------------------------------------------------------------------------


class BlackoutListView(ListPage):
    title = gettext_lazy("Blackout windows")
    filterset_class = BlackoutFilterSet
    export_name = "pm-blackout-windows"
    empty_message = gettext_lazy("No blackout windows.")
    create_url_name = "maintenance:blackout_create"
    create_label = gettext_lazy("New blackout window")
    row_actions_template = "maintenance/_blackout_actions.html"
    columns = [
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Site"), lambda b: b.site.name if b.site_id else _("Every site")),
        Column(gettext_lazy("From"), attr("start_date")),
        Column(gettext_lazy("Until"), attr("end_date")),
        Column(gettext_lazy("Reason"), attr("reason")),
    ]

    def get_queryset(self) -> Any:
        return selectors.blackouts_visible_to(actor=self.request.user).order_by("-start_date", "-id")

    def can_create(self) -> bool:
        user = self.request.user
        return bool(user.can(Capability.DISPATCH) or user.can(Capability.VIEW_PORTAL))  # type: ignore[union-attr]


@login_required
def blackout_create_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    initial = {} if actor.can(Capability.VIEW_ALL_ORGANISATIONS) else {"organisation": actor.organisation_id}
    form = BlackoutForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_blackout(
                actor=actor,
                organisation=form.cleaned_data["organisation"],
                site=form.cleaned_data["site"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Blackout window saved."))
            return redirect("maintenance:blackout_list")
    return render(request, "maintenance/form.html", {"form": form, "title": _("New blackout window")})


@login_required
@require_POST
def blackout_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    blackout = selectors.access_blackout(actor=actor, blackout_id=pk)
    try:
        services.delete_blackout(actor=actor, blackout=blackout)
    except ServiceError as error:
        refused(request, error)
    else:
        messages.success(request, _("Blackout window removed."))
    return redirect("maintenance:blackout_list")


# --- Date requests -------------------------------------------------------------------------------


class DateRequestListView(ListPage):
    title = gettext_lazy("PM date requests")
    filterset_class = DateRequestFilterSet
    export_name = "pm-date-requests"
    empty_message = gettext_lazy("No requests for another date.")
    row_actions_template = "maintenance/_date_request_actions.html"
    columns = [
        Column(
            gettext_lazy("Planned date"),
            attr("pm_visit.planned_date"),
            link=lambda r: reverse("maintenance:visit_detail", args=[r.pm_visit_id]),
        ),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Site"), attr("pm_visit.site.name")),
        Column(gettext_lazy("Requested date"), attr("requested_date")),
        Column(gettext_lazy("Reason"), attr("reason")),
        Column(gettext_lazy("Status"), attr("get_status_display")),
        Column(gettext_lazy("Answer"), attr("decision_note")),
    ]

    def get_queryset(self) -> Any:
        return selectors.date_requests_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    def extra_context(self) -> dict[str, Any]:
        return {"can_decide": self.request.user.can(Capability.DISPATCH)}  # type: ignore[union-attr]


@login_required
@require_POST
def date_request_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    date_request = selectors.access_date_request(actor=actor, date_request_id=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
    else:
        try:
            services.decide_date_request(
                actor=actor,
                date_request=date_request,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            refused(request, error)
        else:
            messages.success(request, _("Answer recorded."))
    return redirect("maintenance:date_request_list")


# --- Checklist templates -------------------------------------------------------------------------


class TemplateListView(ListPage):
    title = gettext_lazy("PM checklist templates")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    export_name = "pm-checklist-templates"
    empty_message = gettext_lazy("No templates.")
    create_url_name = "maintenance:template_create"
    create_label = gettext_lazy("New template")
    columns = [
        Column(
            gettext_lazy("Name"),
            attr("name"),
            link=lambda t: reverse("maintenance:template_edit", args=[t.pk]),
        ),
        Column(
            gettext_lazy("Server model"), lambda t: str(t.server_model) if t.server_model_id else _("Default")
        ),
        Column(gettext_lazy("Checks"), lambda t: len(t.items.all()), css="text-end"),
        Column(gettext_lazy("Updated"), attr("updated_at")),
    ]

    def get_queryset(self) -> Any:
        return selectors.templates_visible_to(actor=self.request.user).order_by("-is_default", "name")

    def can_create(self) -> bool:
        return self.request.user.can(Capability.DISPATCH)  # type: ignore[union-attr]


@login_required
def template_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.DISPATCH)
    template = selectors.access_template(actor=actor, template_id=pk) if pk else None
    initial = (
        {
            "name": template.name,
            "server_model": template.server_model_id,
            "lines": template_lines(template.items.all()),
        }
        if template
        else {}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_template(
                actor=actor,
                template=template,
                name=form.cleaned_data["name"],
                server_model=form.cleaned_data["server_model"],
                items=form.cleaned_data["lines"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Checklist template saved."))
            return redirect("maintenance:template_list")
    title = template.name if template else _("New checklist template")
    return render(request, "maintenance/form.html", {"form": form, "title": title})


# --- Attainment ----------------------------------------------------------------------------------


@login_required
def attainment_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.VIEW_REPORTS)
    form = AttainmentForm(request.GET or None)
    start, end = form.bounds(timezone.localdate())
    result = pm_attainment(actor=actor, start=start, end=end)
    context = {"form": form, "result": result, "start": start, "end": end, "title": _("PM attainment")}
    return render(request, "maintenance/attainment.html", context)
