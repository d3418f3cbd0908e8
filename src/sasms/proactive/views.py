"""Pages for advisories, campaigns, baselines and health checks. Thin: parse, call a service, render."""

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Capability
from sasms.accounts.selectors import access_organisation
from sasms.core.errors import NotFound, ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.parsing import parse_id
from sasms.core.permissions import require
from sasms.proactive import health, selectors
from sasms.proactive.filtersets import (
    AdvisoryFilterSet,
    BaselineFilterSet,
    CampaignFilterSet,
    HealthCheckFilterSet,
    ItemFilterSet,
    ResultFilterSet,
)
from sasms.proactive.forms import (
    AdvisoryForm,
    BaselineForm,
    CampaignForm,
    ImportForm,
    OutcomeForm,
    ScheduleForm,
    ScheduleItemForm,
)
from sasms.proactive.matching import match_advisory
from sasms.proactive.models import HealthCheck, ItemStatus, ServerHealth
from sasms.proactive.services import advisories as advisory_services
from sasms.proactive.services import campaigns as campaign_services
from sasms.proactive.services import health as health_services

GRADE_BADGES = {"green": "success", "amber": "warning", "red": "danger"}
ITEM_BADGES = {
    ItemStatus.PENDING: "secondary",
    ItemStatus.NOTIFIED: "info",
    ItemStatus.SCHEDULED: "primary",
    ItemStatus.DONE: "success",
    ItemStatus.REFUSED: "dark",
    ItemStatus.UNREACHABLE: "warning",
    ItemStatus.EXCEPTION: "dark",
}


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- Advisories ------------------------------------------------------------------------------------


class AdvisoryListView(ListPage):
    title = gettext_lazy("Firmware advisories")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = AdvisoryFilterSet
    export_name = "firmware-advisories"
    empty_message = gettext_lazy("No advisories match these filters.")
    create_url_name = "proactive:advisory_create"
    create_label = gettext_lazy("New advisory")
    template_name = "proactive/advisory_list.html"
    columns = [
        Column(
            gettext_lazy("Reference"),
            attr("reference"),
            link=lambda a: reverse("proactive:advisory_detail", args=[a.pk]),
        ),
        Column(gettext_lazy("Title"), attr("title")),
        Column(gettext_lazy("Vendor"), attr("vendor.name")),
        Column(gettext_lazy("Component type"), attr("get_component_type_display")),
        Column(gettext_lazy("Affected versions"), attr("affected_versions")),
        Column(gettext_lazy("Fixed version"), attr("fixed_version")),
        Column(gettext_lazy("Severity"), attr("get_severity_display")),
        Column(gettext_lazy("CVE identifiers"), attr("cve_ids")),
        Column(gettext_lazy("Published"), attr("published_on")),
        Column(gettext_lazy("Campaigns"), attr("campaign_count"), css="text-end"),
    ]

    def get_queryset(self) -> Any:
        return selectors.advisories_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return self.request.user.can(Capability.MANAGE_ASSETS)  # type: ignore[union-attr]


@login_required
def advisory_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    advisory = selectors.access_advisory(actor=actor, advisory_id=pk)
    result = match_advisory(advisory)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_services.open_campaign(
                actor=actor,
                advisory=advisory,
                title=form.cleaned_data["title"] or "",
                window_start=form.cleaned_data["window_start"],
                window_end=form.cleaned_data["window_end"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Campaign opened with %(count)d servers.") % {"count": campaign.items.count()}
            )
            return redirect("proactive:campaign_detail", pk=campaign.pk)
    context = {
        "advisory": advisory,
        "result": result,
        "servers": len(result.servers),
        "form": form,
        "campaigns": advisory.campaigns.order_by("-created_at")[:20],
        "can_edit": actor.can(Capability.MANAGE_ASSETS),
    }
    return render(request, "proactive/advisory_detail.html", context)


@login_required
def advisory_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.MANAGE_ASSETS)
    advisory = selectors.access_advisory(actor=actor, advisory_id=pk) if pk else None
    initial = advisory_services.advisory_values(advisory) if advisory else None
    form = AdvisoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            advisory = advisory_services.save_advisory(
                actor=actor, values=form.cleaned_data, advisory=advisory
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Advisory “%s” saved.") % advisory.reference)
            return redirect("proactive:advisory_detail", pk=advisory.pk)
    context = {
        "form": form,
        "object": advisory,
        "title": _("firmware advisory"),
        "cancel_url": reverse("proactive:advisory_list"),
    }
    return render(request, "proactive/form.html", context)


@login_required
def advisory_import_view(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every row checked, errors per row and field) → import the good rows."""
    actor = _actor(request)
    require(actor, Capability.MANAGE_ASSETS)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(advisory_services.MAX_IMPORT_BYTES + 1)
        try:
            if request.POST.get("confirm") == "1":
                outcome = advisory_services.apply_import(actor=actor, content=content, name=upload.name)
                messages.success(
                    request,
                    _("Created %(created)d, updated %(updated)d, skipped %(skipped)d rows with errors.")
                    % {"created": outcome.created, "updated": outcome.updated, "skipped": outcome.skipped},
                )
                return redirect("proactive:advisory_list")
            preview = advisory_services.preview_import(actor=actor, content=content, name=upload.name)
        except ServiceError as error:
            add_service_error(form, error)
    return render(
        request,
        "proactive/advisory_import.html",
        {"form": form, "preview": preview, "fields": advisory_services.IMPORT_FIELDS},
    )


# --- Campaigns -------------------------------------------------------------------------------------


class CampaignListView(ListPage):
    title = gettext_lazy("Firmware campaigns")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = CampaignFilterSet
    export_name = "firmware-campaigns"
    empty_message = gettext_lazy("No campaigns match these filters.")
    columns = [
        Column(
            gettext_lazy("Title"),
            attr("title"),
            link=lambda c: reverse("proactive:campaign_detail", args=[c.pk]),
        ),
        Column(gettext_lazy("Advisory"), attr("advisory.reference")),
        Column(gettext_lazy("Status"), attr("get_status_display")),
        Column(gettext_lazy("Servers"), attr("item_count"), css="text-end"),
        Column(gettext_lazy("Done"), attr("done_count"), css="text-end"),
        Column(gettext_lazy("Created"), attr("created_at")),
    ]

    def get_queryset(self) -> Any:
        return selectors.campaigns_visible_to(actor=self.request.user)


class CampaignDetailView(ListPage):
    """The campaign's items (per customer and site, by priority) with its progress above them."""

    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = ItemFilterSet
    export_name = "campaign-items"
    empty_message = gettext_lazy("No items match these filters.")
    template_name = "proactive/campaign_detail.html"
    row_actions_template = "proactive/_item_actions.html"
    columns = [
        Column(gettext_lazy("Priority"), lambda i: f"P{i.priority}"),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Site"), attr("site.name")),
        Column(gettext_lazy("Server"), attr("server.serial")),
        Column(gettext_lazy("Hostname"), attr("server.hostname")),
        Column(
            gettext_lazy("Installed versions"),
            lambda i: ", ".join(f"{f.get('name') or f.get('slot')} {f.get('version')}" for f in i.found),
        ),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda i: ITEM_BADGES.get(i.status, "secondary"),
        ),
        Column(gettext_lazy("Method"), attr("get_method_display")),
        Column(gettext_lazy("Request"), attr("ticket.number")),
        Column(gettext_lazy("Reason / note"), attr("note")),
    ]

    def get_queryset(self) -> Any:
        self.campaign = selectors.access_campaign(actor=self.request.user, campaign_id=self.kwargs["pk"])
        return (
            selectors.items_visible_to(actor=self.request.user)
            .filter(campaign=self.campaign)
            .order_by("priority", "organisation__name", "site__name", "server__serial")
        )

    @property
    def title(self) -> str:  # type: ignore[override]
        return self.campaign.title

    def extra_context(self) -> dict[str, Any]:
        actor = _actor(self.request)
        return {
            "campaign": self.campaign,
            "progress": selectors.progress(campaign=self.campaign),
            "statuses": ItemStatus.choices,
            "can_edit": actor.can(Capability.MANAGE_ASSETS),
            "schedule_form": ScheduleItemForm(),
            "outcome_form": OutcomeForm(),
        }


@login_required
@require_POST
def campaign_notify_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    campaign = selectors.access_campaign(actor=actor, campaign_id=pk)
    try:
        told = campaign_services.notify_customers(
            actor=actor, campaign=campaign, language=request.LANGUAGE_CODE
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d customers were sent the notice.") % {"count": told})
    return redirect("proactive:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def item_schedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    item = selectors.access_item(actor=actor, item_id=pk)
    form = ScheduleItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            campaign_services.schedule_item(
                actor=actor,
                item=item,
                method=form.cleaned_data["method"],
                engineer=form.cleaned_data["engineer"],
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Scheduled."))
    return redirect("proactive:campaign_detail", pk=item.campaign_id)


@login_required
@require_POST
def item_outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    item = selectors.access_item(actor=actor, item_id=pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            campaign_services.record_outcome(actor=actor, item=item, **form.cleaned_data)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Recorded."))
    return redirect("proactive:campaign_detail", pk=item.campaign_id)


# --- Baselines -------------------------------------------------------------------------------------


class BaselineListView(ListPage):
    title = gettext_lazy("Firmware baselines")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = BaselineFilterSet
    export_name = "firmware-baselines"
    empty_message = gettext_lazy("No baselines match these filters.")
    create_url_name = "proactive:baseline_create"
    create_label = gettext_lazy("New baseline")
    columns = [
        Column(gettext_lazy("Vendor"), attr("model.vendor.name")),
        Column(gettext_lazy("Model"), attr("model.name")),
        Column(gettext_lazy("Component type"), attr("get_component_type_display")),
        Column(gettext_lazy("Component name contains"), attr("component_name")),
        Column(gettext_lazy("Recommended version"), attr("recommended_version")),
        Column(gettext_lazy("Notes"), attr("notes")),
    ]

    def get_queryset(self) -> Any:
        return selectors.baselines_visible_to(actor=self.request.user).order_by(
            "model__vendor__name", "model__name"
        )

    def can_create(self) -> bool:
        return self.request.user.can(Capability.MANAGE_ASSETS)  # type: ignore[union-attr]


@login_required
def baseline_form_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.MANAGE_ASSETS)
    form = BaselineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            advisory_services.save_baseline(actor=actor, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Baseline saved."))
            return redirect("proactive:baseline_list")
    context = {
        "form": form,
        "object": None,
        "title": _("firmware baseline"),
        "cancel_url": reverse("proactive:baseline_list"),
    }
    return render(request, "proactive/form.html", context)


# --- Health checks ---------------------------------------------------------------------------------


class HealthCheckListView(ListPage):
    title = gettext_lazy("Health checks")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = HealthCheckFilterSet
    export_name = "health-checks"
    template_name = "proactive/health_list.html"
    empty_message = gettext_lazy("No health checks match these filters.")
    columns = [
        Column(
            gettext_lazy("Made"),
            attr("created_at"),
            link=lambda c: reverse("proactive:health_detail", args=[c.pk]),
        ),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Servers"), attr("servers"), css="text-end"),
        Column(gettext_lazy("Healthy"), attr("green"), css="text-end"),
        Column(gettext_lazy("Needs attention"), attr("amber"), css="text-end"),
        Column(gettext_lazy("At risk"), attr("red"), css="text-end"),
        Column(gettext_lazy("Scheduled"), attr("scheduled")),
    ]

    def get_queryset(self) -> Any:
        return selectors.health_checks_visible_to(actor=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        customers = Organisation.objects.filter(kind=OrganisationKind.CUSTOMER, is_active=True).order_by(
            "name"
        )
        return {"customers": customers}


@login_required
@require_POST
def health_run_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    try:
        organisation_id = parse_id(request.POST.get("organisation"))
        if organisation_id is None:
            raise NotFound(_("Not found."))
        organisation = access_organisation(actor=actor, organisation_id=organisation_id)
        check = health_services.run_health_check(actor=actor, organisation=organisation)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("proactive:health_list")
    return redirect("proactive:health_detail", pk=check.pk)


def _reasons_text(result: Any) -> str:
    return " · ".join(health.describe(r) for r in result.reasons if r.get("grade") != "info") or "—"


class HealthCheckDetailView(ListPage):
    """One check: the fleet summary, then each server's grade, reasons and recommended actions."""

    capability: ClassVar[Capability | None] = None  # staff or the customer's portal: see get_queryset
    filterset_class = ResultFilterSet
    export_name = "health-check"
    template_name = "proactive/health_detail.html"
    row_actions_template: ClassVar[str | None] = "proactive/_result_actions.html"
    empty_message = gettext_lazy("No servers match these filters.")
    portal = False
    check_row: HealthCheck | None = None
    columns = [
        Column(
            gettext_lazy("Grade"),
            attr("get_grade_display"),
            badge=lambda r: GRADE_BADGES.get(r.grade, "secondary"),
        ),
        Column(gettext_lazy("Server"), attr("server.serial")),
        Column(gettext_lazy("Hostname"), attr("server.hostname")),
        Column(gettext_lazy("Model"), attr("server.model.name")),
        Column(gettext_lazy("Site"), attr("server.site.name")),
        Column(gettext_lazy("Reasons"), _reasons_text),
    ]

    def get_queryset(self) -> Any:
        actor = self.request.user
        if not self.portal:
            require(actor, Capability.VIEW_ALL_ORGANISATIONS)
            self.check_row = selectors.access_health_check(actor=actor, check_id=self.kwargs["pk"])
        else:
            require(actor, Capability.VIEW_PORTAL)
            self.check_row = selectors.latest_health_check(actor=actor, organisation_id=actor.organisation_id)  # type: ignore[union-attr]
        if self.check_row is None:
            return ServerHealth.objects.none()
        queryset = selectors.results_of(check=self.check_row)
        return queryset.order_by("grade", "server__serial")

    @property
    def title(self) -> str:  # type: ignore[override]
        return str(_("Health check"))

    def extra_context(self) -> dict[str, Any]:
        actor = _actor(self.request)
        return {
            "check": self.check_row,
            "portal": self.portal,
            "can_raise": not self.portal and actor.can(Capability.WORK_TICKETS),
            "pdf_url_name": "proactive:portal_health_pdf" if self.portal else "proactive:health_pdf",
        }


class PortalHealthView(HealthCheckDetailView):
    """The customer's latest health check, their own servers only, read-only."""

    capability = Capability.VIEW_PORTAL
    portal = True
    row_actions_template = None


@login_required
@require_GET
def health_pdf_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    if pk is None:
        require(actor, Capability.VIEW_PORTAL)
        check = selectors.latest_health_check(actor=actor, organisation_id=actor.organisation_id)
        if check is None:
            raise NotFound(_("Not found."))
    else:
        require(actor, Capability.VIEW_ALL_ORGANISATIONS)
        check = selectors.access_health_check(actor=actor, check_id=pk)
    language = request.GET.get("language") or request.LANGUAGE_CODE
    language = language if language in health_services.LANGUAGES else request.LANGUAGE_CODE
    content = health_services.render_pdf(check, language)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{health_services.pdf_name(check, language)}"'
    return response


class ScheduleListView(ListPage):
    title = gettext_lazy("Health check schedules")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    export_name = "health-check-schedules"
    empty_message = gettext_lazy("No schedules yet.")
    create_url_name = "proactive:schedule_create"
    create_label = gettext_lazy("New schedule")
    columns = [
        Column(gettext_lazy("Contract"), attr("contract.number")),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Frequency"), attr("get_frequency_display")),
        Column(gettext_lazy("Language"), attr("language")),
        Column(gettext_lazy("Recipients"), attr("recipients")),
        Column(gettext_lazy("Next run"), attr("next_run")),
    ]

    def get_queryset(self) -> Any:
        return selectors.schedules_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return self.request.user.can(Capability.MANAGE_SLA)  # type: ignore[union-attr]


@login_required
def schedule_form_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.MANAGE_SLA)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            health_services.save_schedule(actor=actor, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Schedule saved."))
            return redirect("proactive:schedule_list")
    context = {
        "form": form,
        "object": None,
        "title": _("health check schedule"),
        "cancel_url": reverse("proactive:schedule_list"),
    }
    return render(request, "proactive/form.html", context)


@login_required
@require_POST
def health_raise_view(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    result = selectors.access_result(actor=actor, result_id=pk)
    try:
        ticket = health_services.raise_request(actor=actor, result=result, index=index)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Request %(number)s opened.") % {"number": ticket.number})
    return redirect("proactive:health_detail", pk=result.health_check_id)
