"""Planning and reports: min/max with purchase suggestions, forecasts, turnover and dead stock,
RMA ageing and vendor turnaround."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.assets.models import Vendor
from sasms.core.lists import Column, attr
from sasms.parts import selectors, services
from sasms.parts.access import require_clerk
from sasms.parts.filtersets import (
    ForecastFilterSet,
    PolicyFilterSet,
    RmaFilterSet,
    StockReportFilterSet,
    VendorFilterSet,
)
from sasms.parts.forms import PolicyForm
from sasms.parts.models import Forecast, RmaCase, StockBalance, StockPolicy
from sasms.parts.views.common import Action, PartsListPage, form_page, part_from, reader

REPORT_TABS = [
    ("parts:stock_report", gettext_lazy("Turnover and dead stock")),
    ("parts:rma_ageing", gettext_lazy("Open RMA ageing")),
    ("parts:vendor_turnaround", gettext_lazy("Vendor turnaround")),
]


class PolicyListView(PartsListPage):
    title = gettext_lazy("Min/max policies and purchase suggestions")
    tab = "planning"
    filterset_class = PolicyFilterSet
    export_name = "stock-policies"
    empty_message = gettext_lazy("No policies match these filters.")
    actions = [Action(gettext_lazy("Set min/max"), "parts:policy_set")]
    columns = [
        Column(
            gettext_lazy("Part number"),
            attr("part.part_number"),
            link=lambda p: reverse("parts:part_detail", args=[p.part_id]),
        ),
        Column(gettext_lazy("Description"), attr("part.description")),
        Column(gettext_lazy("Depot"), attr("depot.name")),
        Column(gettext_lazy("Minimum"), attr("min_quantity"), css="text-end"),
        Column(gettext_lazy("Maximum"), attr("max_quantity"), css="text-end"),
        Column(
            gettext_lazy("Available"),
            attr("available"),
            css="text-end",
            badge=lambda p: "danger" if p.available <= p.min_quantity else "",
        ),
        Column(gettext_lazy("Inbound transfers"), attr("inbound"), css="text-end"),
        Column(
            gettext_lazy("Suggested purchase"),
            lambda p: p.suggested if p.available <= p.min_quantity else 0,
            css="text-end",
        ),
        Column(gettext_lazy("Lead time (days)"), attr("part.lead_time_days"), css="text-end"),
        Column(gettext_lazy("Low-stock alert"), attr("alert_open")),
    ]

    def get_queryset(self) -> QuerySet[StockPolicy]:
        return selectors.policies_visible_to(actor=self.request.user).order_by(
            "part__part_number", "depot__name", "pk"
        )


@login_required
def policy_set_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    form = PolicyForm(request.POST or None, initial={"part": request.GET.get("part", "")})

    def save(data: dict[str, Any]) -> HttpResponse:
        services.set_policy(
            actor=actor,
            part=part_from(actor, data["part"]),
            depot=data["depot"],
            min_quantity=data["min_quantity"],
            max_quantity=data["max_quantity"],
        )
        messages.success(request, _("Min/max saved."))
        return redirect("parts:policy_list")

    return form_page(
        request,
        form,
        title=_("Set min/max"),
        tab="planning",
        on_valid=save,
        cancel_url=reverse("parts:policy_list"),
    )


class ForecastListView(PartsListPage):
    title = gettext_lazy("Demand forecast per part and depot")
    tab = "forecasts"
    filterset_class = ForecastFilterSet
    export_name = "demand-forecast"
    template_name = "parts/forecast_list.html"
    empty_message = gettext_lazy("No forecasts match these filters.")
    columns = [
        Column(
            gettext_lazy("Part number"),
            attr("part.part_number"),
            link=lambda f: reverse("parts:part_detail", args=[f.part_id]),
        ),
        Column(gettext_lazy("Depot"), attr("depot.name")),
        Column(gettext_lazy("Method"), attr("get_method_display")),
        Column(gettext_lazy("Forecast per month"), lambda f: f"{f.per_month:.2f}", css="text-end"),
        Column(gettext_lazy("Demand, last 12 months"), lambda f: int(sum(f.history[-12:])), css="text-end"),
        Column(gettext_lazy("Installed base"), attr("installed_base"), css="text-end"),
        Column(
            gettext_lazy("Back-test MAE"),
            lambda f: "" if f.backtest_mae is None else f"{f.backtest_mae:.2f}",
            css="text-end",
        ),
        Column(
            gettext_lazy("Back-test MASE"),
            lambda f: "" if f.backtest_mase is None else f"{f.backtest_mase:.2f}",
            css="text-end",
        ),
        Column(gettext_lazy("Computed"), attr("computed_at")),
    ]

    def get_queryset(self) -> QuerySet[Forecast]:
        return selectors.forecasts_visible_to(actor=self.request.user).order_by(
            "-per_month", "part__part_number", "pk"
        )


@login_required
@require_POST
def forecast_run_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    run = services.compute_forecasts()
    messages.success(request, _("Forecast computed for %(rows)d part × depot pairs.") % {"rows": run.rows})
    return redirect("parts:forecast_list")


class ReportPage(PartsListPage):
    tab = "reports"
    template_name = "parts/report_list.html"

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        context["report_tabs"] = [(reverse(name), label) for name, label in REPORT_TABS]
        return context


class StockReportView(ReportPage):
    title = gettext_lazy("Turnover and dead stock")
    filterset_class = StockReportFilterSet
    export_name = "stock-turnover"
    empty_message = gettext_lazy("No stock matches these filters.")
    columns = [
        Column(
            gettext_lazy("Part number"),
            attr("part.part_number"),
            link=lambda b: reverse("parts:part_detail", args=[b.part_id]),
        ),
        Column(gettext_lazy("Description"), attr("part.description")),
        Column(gettext_lazy("Depot"), attr("depot.name")),
        Column(gettext_lazy("Condition"), attr("get_condition_display")),
        Column(gettext_lazy("On hand"), attr("on_hand"), css="text-end"),
        Column(gettext_lazy("Stock value (CNY)"), attr("stock_value"), css="text-end"),
        Column(gettext_lazy("Issued, last 12 months"), attr("issued_12m"), css="text-end"),
        Column(
            gettext_lazy("Turnover (per year)"), lambda b: f"{b.issued_12m / b.on_hand:.2f}", css="text-end"
        ),
        Column(
            gettext_lazy("Last issue"),
            attr("last_issue"),
            badge=lambda b: "danger" if not b.issued_12m else "",
        ),
    ]

    def get_queryset(self) -> QuerySet[StockBalance]:
        return selectors.stock_report(actor=self.request.user)


class RmaAgeingView(ReportPage):
    title = gettext_lazy("Open RMA ageing")
    filterset_class = RmaFilterSet
    export_name = "rma-ageing"
    empty_message = gettext_lazy("No open RMA cases match these filters.")
    columns = [
        Column(
            gettext_lazy("RMA number"),
            attr("number"),
            link=lambda c: reverse("parts:rma_detail", args=[c.pk]),
        ),
        Column(gettext_lazy("Vendor"), attr("vendor.name")),
        Column(gettext_lazy("Part number"), attr("part.part_number")),
        Column(gettext_lazy("Status"), attr("get_status_display")),
        Column(gettext_lazy("Opened"), attr("created_at")),
        Column(
            gettext_lazy("Age (days)"),
            lambda c: (timezone.now() - c.created_at).days,
            css="text-end",
            badge=lambda c: "danger" if (timezone.now() - c.created_at).days > 30 else "",
        ),
        Column(gettext_lazy("Shipped"), attr("shipped_at")),
        Column(
            gettext_lazy("Days at vendor"),
            lambda c: (timezone.now() - c.shipped_at).days if c.shipped_at else "",
            css="text-end",
        ),
    ]

    def get_queryset(self) -> QuerySet[RmaCase]:
        return selectors.rma_ageing(actor=self.request.user)


class VendorTurnaroundView(ReportPage):
    title = gettext_lazy("Vendor turnaround")
    filterset_class = VendorFilterSet
    export_name = "vendor-turnaround"
    empty_message = gettext_lazy("No vendors match these filters.")

    def _stat(self, vendor: Vendor, key: str) -> Any:
        if not hasattr(self, "_stats"):
            self._stats = selectors.vendor_turnaround(actor=self.request.user)
        value = self._stats.get(vendor.pk, {}).get(key)
        return "" if value is None else value

    @property
    def columns(self) -> list[Column]:  # type: ignore[override]
        return [
            Column(gettext_lazy("Vendor"), attr("name")),
            Column(gettext_lazy("RMA cases"), lambda v: self._stat(v, "cases") or 0, css="text-end"),
            Column(gettext_lazy("Open"), lambda v: self._stat(v, "open") or 0, css="text-end"),
            Column(gettext_lazy("Back in stock"), lambda v: self._stat(v, "done") or 0, css="text-end"),
            Column(
                gettext_lazy("Mean days shipped → back in stock"),
                lambda v: self._stat(v, "mean"),
                css="text-end",
            ),
            Column(gettext_lazy("Slowest (days)"), lambda v: self._stat(v, "max"), css="text-end"),
        ]

    def get_queryset(self) -> QuerySet[Vendor]:
        reader(self.request)
        return Vendor.objects.order_by("name")
