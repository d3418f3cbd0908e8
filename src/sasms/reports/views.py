"""Pages of the reports app: customer reports (PDF), report subscriptions, request forecasts."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.tenancy import sees_all_organisations
from sasms.ops.router import use_replica
from sasms.reports import charts, rendering, selectors, services
from sasms.reports.filtersets import SubscriptionFilterSet
from sasms.reports.forms import CustomerReportForm, SubscriptionForm
from sasms.reports.models import ReportSubscription


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def customer_report_view(request: HttpRequest) -> HttpResponse:
    """Pick a customer, quarter, kind and language; a complete choice downloads the PDF."""
    actor = _actor(request)
    organisations = selectors.report_organisations(actor=actor)
    raw = request.GET.get("organisation")
    if raw:  # another organisation's id answers "not found", like every other tenant row
        selectors.access_report_organisation(actor=actor, organisation_id=raw)
    bound = any(key in request.GET for key in ("organisation", "quarter", "kind", "language"))
    initial: dict[str, Any] = {"language": actor.language or "zh-hans"}
    if not sees_all_organisations(actor):
        initial["organisation"] = actor.organisation_id
    form = CustomerReportForm(request.GET if bound else None, organisations=organisations, initial=initial)
    status = 200
    if bound:
        if form.is_valid():
            data = form.cleaned_data
            year, quarter = data["quarter"]
            with use_replica():
                report = rendering.render_pdf(
                    kind=data["kind"],
                    organisation=data["organisation"],
                    year=year,
                    quarter=quarter,
                    language=data["language"],
                )
            response = HttpResponse(report.content, content_type=report.content_type)
            response["Content-Disposition"] = f'attachment; filename="{report.name}"'
            return response
        status = 400
    return render(
        request,
        "reports/customer_report.html",
        {"form": form, "title": _("Customer reports"), "staff": sees_all_organisations(actor)},
        status=status,
    )


class SubscriptionListView(ListPage):
    title = gettext_lazy("Report subscriptions")
    capability = Capability.VIEW_REPORTS
    filterset_class = SubscriptionFilterSet
    export_name = "report-subscriptions"
    empty_message = gettext_lazy("No report subscriptions match these filters.")
    create_url_name = "reports:subscription_create"
    create_label = gettext_lazy("New subscription")
    row_actions_template = "reports/_subscription_actions.html"
    columns = [
        Column(
            gettext_lazy("Name"),
            attr("name"),
            link=lambda s: reverse("reports:subscription_edit", args=[s.pk]),
        ),
        Column(gettext_lazy("Report"), attr("get_kind_display")),
        Column(gettext_lazy("Customer"), lambda s: s.organisation.name if s.organisation else "—"),
        Column(gettext_lazy("Language"), attr("get_language_display")),
        Column(gettext_lazy("Frequency"), attr("get_frequency_display")),
        Column(gettext_lazy("Recipients"), attr("recipients_text")),
        Column(gettext_lazy("Owner"), attr("owner.email")),
        Column(gettext_lazy("Active"), attr("active")),
        Column(gettext_lazy("Next run"), attr("next_run_at")),
        Column(gettext_lazy("Last sent"), attr("last_sent_at")),
    ]

    def get_queryset(self) -> QuerySet[ReportSubscription]:
        return selectors.subscriptions_visible_to(actor=self.request.user).order_by("name", "pk")

    def can_create(self) -> bool:
        return True

    def extra_context(self) -> dict[str, Any]:
        return {"manages_others": selectors.manages_others_subscriptions(self.request.user)}


@login_required
def subscription_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    subscription = selectors.access_subscription(actor=actor, subscription_id=pk) if pk else None
    if subscription is not None and not selectors.may_change_subscription(
        actor=actor, subscription=subscription
    ):
        raise PermissionDenied(_("Only its owner or an administrator may change this subscription."))
    organisations = selectors.report_organisations(actor=actor)
    staff = sees_all_organisations(actor)
    if subscription is not None:
        initial: dict[str, Any] = {
            "name": subscription.name,
            "kind": subscription.kind,
            "organisation": subscription.organisation_id,
            "language": subscription.language,
            "frequency": subscription.frequency,
            "recipients": "\n".join(subscription.recipients),
            "active": subscription.active,
        }
    else:
        initial = {"language": actor.language or "zh-hans", "recipients": actor.email, "active": True}
        if not staff:
            initial["organisation"] = actor.organisation_id
    form = SubscriptionForm(request.POST or None, initial=initial, organisations=organisations, staff=staff)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if subscription is None:
                    subscription = services.create_subscription(actor=actor, **form.cleaned_data)
                else:
                    subscription = services.update_subscription(
                        actor=actor, subscription=subscription, **form.cleaned_data
                    )
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Subscription “%s” saved.") % subscription.name)
                return redirect("reports:subscription_list")
    return render(
        request,
        "reports/subscription_form.html",
        {"form": form, "subscription": subscription},
        status=status,
    )


@login_required
def subscription_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    subscription = selectors.access_subscription(actor=actor, subscription_id=pk)
    if not selectors.may_change_subscription(actor=actor, subscription=subscription):
        raise PermissionDenied(_("Only its owner or an administrator may change this subscription."))
    if request.method == "POST":
        name = subscription.name
        services.delete_subscription(actor=actor, subscription=subscription)
        messages.success(request, _("Subscription “%s” deleted.") % name)
        return redirect("reports:subscription_list")
    return render(request, "reports/subscription_delete.html", {"subscription": subscription})


@login_required
def forecasts_view(request: HttpRequest) -> HttpResponse:
    """Request volume per category for the next 8 weeks with its back-test error, and the parts
    app's demand forecast with its own."""
    actor = _actor(request)
    forecasts = list(selectors.request_forecasts(actor=actor))
    return render(
        request,
        "reports/forecasts.html",
        {
            "title": _("Forecasts"),
            "forecasts": [charts.forecast_panel(row) for row in forecasts],
            "parts": selectors.top_part_forecasts(actor=actor),
            "computed_at": max((f.computed_at for f in forecasts), default=None),
        },
    )
