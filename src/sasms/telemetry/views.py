"""Pages: the server page's telemetry panel (htmx), proactive requests, thresholds."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.accounts.roles import Capability
from sasms.assets.selectors import access_server
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.permissions import require
from sasms.telemetry import selectors, services
from sasms.telemetry.choices import Metric, ProactiveStatus
from sasms.telemetry.filtersets import ProactiveFilterSet, ThresholdFilterSet
from sasms.telemetry.forms import ThresholdForm
from sasms.telemetry.models import ProactiveRequest, Threshold
from sasms.tickets.models import Ticket

PANEL_DAYS = 7
MAX_LINES = 8
COLOURS = ("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384")


def _chart(chart_id: str, title: str, lines: list[tuple[str, list[tuple[float, float]]]]) -> dict[str, Any]:
    datasets = [
        {
            "label": label,
            "data": [{"x": round(t * 1000), "y": round(v, 3)} for t, v in points],
            "borderColor": COLOURS[i % len(COLOURS)],
            "pointRadius": 0,
            "borderWidth": 1.5,
        }
        for i, (label, points) in enumerate(lines[:MAX_LINES])
    ]
    config = {
        "type": "line",
        "data": {"datasets": datasets},
        "options": {
            "parsing": True,
            "scales": {"x": {"type": "linear", "ticks": {"display": False}}},
            "plugins": {"legend": {"position": "bottom", "labels": {"boxWidth": 10}}},
        },
    }
    return {"id": chart_id, "title": title, "config": config}


@login_required
def server_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The server page's telemetry: a chart per metric over the last days, and open proactive requests."""
    server = access_server(actor=request.user, server_id=pk)
    series = [s for s in selectors.server_series(server=server) if s.metric in selectors.PANEL_METRICS]
    since = timezone.now() - datetime.timedelta(days=PANEL_DAYS)
    points = selectors.series_points([s.pk for s in series], since=since)
    charts = []
    for metric in selectors.PANEL_METRICS:
        lines = [
            (s.label or s.component_uri, selectors.thin(points[s.pk], 120))
            for s in series
            if s.metric == metric and points[s.pk]
        ]
        if lines:
            charts.append(_chart(f"telemetry-{server.pk}-{metric}", str(Metric(metric).label), lines))
    proactive = list(
        selectors.proactive_requests_visible_to(actor=request.user).filter(
            server=server, status=ProactiveStatus.OPEN
        )[:20]
    )
    context = {"server": server, "charts": charts, "proactive": proactive, "days": PANEL_DAYS}
    return render(request, "telemetry/_server_panel.html", context)


def evidence_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    row = selectors.proactive_of_ticket(ticket.pk)
    if row is None:
        return None
    points = [(float(t), float(v)) for t, v in row.evidence.get("points", [])]
    chart = _chart(f"evidence-{row.pk}", str(Metric(row.series.metric).label), [(row.series.label, points)])
    return {"proactive": row, "chart": chart, "detail": row.evidence.get("detail", {})}


class ProactiveListView(ListPage):
    title = gettext_lazy("Proactive requests")
    capability = Capability.WORK_TICKETS
    filterset_class = ProactiveFilterSet
    export_name = "proactive-requests"
    empty_message = gettext_lazy("No prediction rule has opened a request yet.")
    create_url_name = "telemetry:threshold_list"
    create_label = gettext_lazy("Thresholds")
    columns = [
        Column(gettext_lazy("Opened"), attr("opened_at")),
        Column(gettext_lazy("Rule"), attr("get_rule_display")),
        Column(
            gettext_lazy("Server"),
            attr("server.serial"),
            link=lambda p: reverse("assets:server_detail", args=[p.server_id]),
        ),
        Column(gettext_lazy("Part"), attr("series.label")),
        Column(gettext_lazy("Value"), attr("observed_value"), css="text-end"),
        Column(gettext_lazy("Threshold"), attr("threshold_value"), css="text-end"),
        Column(
            gettext_lazy("Service request"),
            lambda p: p.ticket.number if p.ticket else "",
            link=lambda p: reverse("tickets:detail", args=[p.ticket.number]) if p.ticket else "",
        ),
        Column(gettext_lazy("Status"), attr("get_status_display")),
    ]

    def get_queryset(self) -> QuerySet[ProactiveRequest]:
        return selectors.proactive_requests_visible_to(actor=self.request.user).order_by("-opened_at", "-pk")

    def can_create(self) -> bool:
        return True


class ThresholdListView(ListPage):
    title = gettext_lazy("Prediction thresholds")
    capability = Capability.WORK_TICKETS
    filterset_class = ThresholdFilterSet
    export_name = "prediction-thresholds"
    empty_message = gettext_lazy("No threshold set: every rule uses its built-in default.")
    create_url_name = "telemetry:threshold_create"
    create_label = gettext_lazy("New threshold")
    columns = [
        Column(
            gettext_lazy("Rule"),
            attr("get_rule_display"),
            link=lambda t: reverse("telemetry:threshold_edit", args=[t.pk]),
        ),
        Column(gettext_lazy("Part"), attr("get_kind_display")),
        Column(gettext_lazy("Part model"), attr("part_model")),
        Column(gettext_lazy("Threshold"), attr("value"), css="text-end"),
        Column(gettext_lazy("Window (days)"), attr("window_days"), css="text-end"),
        Column(gettext_lazy("Enabled"), attr("enabled")),
        Column(gettext_lazy("Updated"), attr("updated_at")),
    ]

    def get_queryset(self) -> QuerySet[Threshold]:
        return selectors.thresholds_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        user = self.request.user
        return user.is_authenticated and user.can(Capability.MANAGE_ASSETS)


@login_required
def threshold_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, Capability.MANAGE_ASSETS)
    threshold = get_object_or_404(Threshold, pk=pk) if pk else None
    initial = (
        {f: getattr(threshold, f) for f in ("rule", "kind", "part_model", "value", "window_days", "enabled")}
        if threshold
        else None
    )
    form = ThresholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_threshold(actor=request.user, threshold=threshold, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Threshold saved."))
            return redirect("telemetry:threshold_list")
    context = {
        "form": form,
        "object": threshold,
        "title": _("prediction threshold"),
        "cancel_url": reverse("telemetry:threshold_list"),
        "defaults": selectors.defaults_table(),
    }
    return render(request, "telemetry/threshold_form.html", context)


@login_required
@require_POST
def threshold_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.MANAGE_ASSETS)
    services.delete_threshold(actor=request.user, threshold=get_object_or_404(Threshold, pk=pk))
    messages.success(request, _("Threshold deleted: the rule's default applies again."))
    return redirect("telemetry:threshold_list")
