"""The dashboards, one per role, and the landing page that sends each reader to theirs."""

import dataclasses
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sasms.accounts.models import User
from sasms.accounts.roles import Capability, Role
from sasms.analytics import kpis
from sasms.analytics.forms import DashboardFilterForm
from sasms.analytics.views import charts
from sasms.analytics.views.cards import (
    DIMENSION_TITLES,
    Card,
    Cards,
    Detail,
    afr_table,
    count_text,
    distribution_links,
    distribution_table,
    engineer_table,
    sla_table,
)
from sasms.analytics.views.common import (
    dashboard_page,
    is_customer,
    require_any,
    safe_reverse,
    signed_in,
)
from sasms.core.errors import PermissionDenied
from sasms.core.permissions import require
from sasms.maintenance.kpi import pm_attainment_table
from sasms.tickets import selectors as ticket_selectors

TOP_FAULTS = 10


def _links(*names: tuple[str, Any]) -> list[tuple[Any, str]]:
    """(label, url) of the related pages that exist; a page not built yet is left out."""
    out = []
    for name, label in names:
        url = safe_reverse(name)
        if url is not None:
            out.append((label, url))
    return out


def _distribution(kpi_filter: kpis.KpiFilter, by: str, rows: list[kpis.DistributionRow], cards: Cards) -> Any:
    rows = rows[:TOP_FAULTS]
    title, _column = DIMENSION_TITLES[by]
    return {
        "key": f"faults-{by}",
        "title": title,
        "config": charts.distribution_chart(
            rows, distribution_links(rows, by, cards), label=str(_("Faults"))
        ),
    }


@login_required
@require_GET
def landing_view(request: HttpRequest) -> HttpResponse:
    """``/analytics/``: each reader's own dashboard."""
    actor = signed_in(request)
    if is_customer(actor):
        name = "analytics:customer"
    elif actor.role == Role.DISPATCHER and actor.can(Capability.DISPATCH):
        name = "analytics:dispatcher"
    elif actor.can(Capability.VIEW_REPORTS) and actor.can(Capability.VIEW_ALL_ORGANISATIONS):
        name = "analytics:manager"
    elif actor.can(Capability.DISPATCH):
        name = "analytics:dispatcher"
    elif actor.can(Capability.WORK_TICKETS) or actor.can(Capability.FIELD_VISITS):
        name = "analytics:engineer"
    else:
        raise PermissionDenied(_("You do not have permission to do this."))
    target = reverse(name)
    if request.GET:
        target = f"{target}?{request.GET.urlencode()}"
    return HttpResponseRedirect(target)


# --- Service manager ---------------------------------------------------------------------------------


@login_required
@require_GET
def manager_view(request: HttpRequest) -> HttpResponse:
    actor = signed_in(request)
    require(actor, Capability.VIEW_REPORTS)
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)  # customer administrators read their own
    return dashboard_page(
        request,
        actor=actor,
        template="analytics/_body.html",
        title=_("Service dashboard"),
        build=lambda form: manager_context(form, actor),
    )


def manager_context(form: DashboardFilterForm, actor: User) -> dict[str, Any]:
    kpi_filter = form.kpi_filter()
    board = kpis.dashboard(kpi_filter)
    cards = Cards(kpi_filter, actor, board.summary)
    return {
        "kpi_filter": kpi_filter,
        "cards": [
            cards.created(),
            cards.resolved(),
            cards.backlog(),
            cards.mtta(),
            cards.mttr(),
            cards.sla(),
            cards.ftf(),
            cards.repeat(),
            cards.reopen(),
            cards.csat(),
            cards.cost(),
        ],
        "charts": [
            {
                "key": "volume",
                "title": gettext_lazy("Requests per day"),
                "config": charts.volume_chart(board.volume, kpi_filter, actor),
                "wide": True,
            },
            {
                "key": "sla",
                "title": gettext_lazy("SLA attainment per target"),
                "config": charts.sla_chart(board.summary.sla_by_kind, kpi_filter, actor),
            },
            {
                "key": "ageing",
                "title": gettext_lazy("Backlog ageing"),
                "config": charts.ageing_chart(board.ageing, kpi_filter, actor),
            },
            _distribution(kpi_filter, "vendor", board.by_vendor, cards),
            _distribution(kpi_filter, "model", board.by_model, cards),
            _distribution(kpi_filter, "component", board.by_component, cards),
        ],
        "tables": [
            sla_table(cards),
            afr_table(board.afr, cards),
            engineer_table(board.engineers, cards),
            distribution_table(board.by_vendor, "vendor", cards),
            distribution_table(board.by_model, "model", cards),
            distribution_table(board.by_component, "component", cards),
            pm_attainment_table(kpi_filter, actor),
        ],
        "links": _links(
            ("sla:attainment", gettext_lazy("SLA attainment report")),
            ("maintenance:attainment", gettext_lazy("PM attainment")),
            ("portal:survey_results", gettext_lazy("Satisfaction surveys")),
            ("parts:stock_report", gettext_lazy("Parts turnover and dead stock")),
            ("parts:forecast_list", gettext_lazy("Parts demand forecast")),
            ("parts:rma_ageing", gettext_lazy("RMA ageing")),
            ("reports:forecasts", gettext_lazy("Request volume forecast")),
            ("reports:customer_report", gettext_lazy("Quarterly business reviews")),
            ("reports:subscription_list", gettext_lazy("Report subscriptions")),
        ),
    }


# --- Dispatcher ------------------------------------------------------------------------------------


@login_required
@require_GET
def dispatcher_view(request: HttpRequest) -> HttpResponse:
    actor = signed_in(request)
    require(actor, Capability.DISPATCH)
    return dashboard_page(
        request,
        actor=actor,
        template="analytics/_body.html",
        title=_("Dispatch dashboard"),
        build=lambda form: dispatcher_context(form, actor),
    )


def dispatcher_context(form: DashboardFilterForm, actor: User) -> dict[str, Any]:
    kpi_filter = form.kpi_filter()
    summary = kpis.summary(kpi_filter)
    today = timezone.localdate()
    today_filter = dataclasses.replace(kpi_filter, start=today, end=today)
    today_summary = kpis.summary(today_filter)
    cards = Cards(kpi_filter, actor, summary)
    today_cards = Cards(today_filter, actor, today_summary)
    unassigned = ticket_selectors.queue(actor=actor, name="unassigned").count()
    at_risk = ticket_selectors.queue(actor=actor, name="at_risk").count()
    breached = ticket_selectors.queue(actor=actor, name="breached").count()
    created_today, resolved_today = today_cards.created(), today_cards.resolved()
    created_today.key, created_today.label = "created_today", gettext_lazy("Opened today")
    resolved_today.key, resolved_today.label = "resolved_today", gettext_lazy("Resolved today")
    return {
        "kpi_filter": kpi_filter,
        "cards": [
            cards.backlog(),
            Card(
                "unassigned",
                gettext_lazy("Unassigned now"),
                count_text(unassigned),
                reverse("tickets:queue_unassigned"),
            ),
            Card(
                "at_risk",
                gettext_lazy("At SLA risk now"),
                count_text(at_risk),
                reverse("tickets:queue_at_risk"),
            ),
            Card(
                "breached_now",
                gettext_lazy("SLA breached, still open"),
                count_text(breached),
                reverse("tickets:queue_breached"),
            ),
            created_today,
            resolved_today,
        ],
        "charts": [
            {
                "key": "ageing",
                "title": gettext_lazy("Backlog ageing"),
                "config": charts.ageing_chart(kpis.backlog_ageing(kpi_filter), kpi_filter, actor),
            },
            {
                "key": "volume",
                "title": gettext_lazy("Requests per day"),
                "config": charts.volume_chart(kpis.volume_series(kpi_filter), kpi_filter, actor),
            },
        ],
        "tables": [engineer_table(kpis.engineer_workload(kpi_filter), cards)],
        "links": _links(
            ("tickets:queue_unassigned", gettext_lazy("Unassigned requests")),
            ("tickets:queue_at_risk", gettext_lazy("At SLA risk")),
            ("dispatch:board", gettext_lazy("Dispatch board")),
        ),
    }


# --- Engineer --------------------------------------------------------------------------------------


@login_required
@require_GET
def engineer_view(request: HttpRequest) -> HttpResponse:
    actor = signed_in(request)
    require_any(actor, Capability.WORK_TICKETS, Capability.FIELD_VISITS)
    if is_customer(actor):
        raise PermissionDenied(_("You do not have permission to do this."))
    return dashboard_page(
        request,
        actor=actor,
        template="analytics/_body.html",
        title=_("My figures"),
        build=lambda form: engineer_context(form, actor),
    )


def engineer_context(form: DashboardFilterForm, actor: User) -> dict[str, Any]:
    kpi_filter = form.kpi_filter(engineer_id=actor.pk)
    summary = kpis.summary(kpi_filter)
    mine = next((r for r in kpis.engineer_workload(kpi_filter) if r.engineer_id == actor.pk), None)
    cards = Cards(kpi_filter, actor, summary)
    open_assigned = mine.open_assigned if mine else 0
    visits = mine.visits if mine else 0
    work_hours = round(mine.work_minutes / 60, 1) if mine else 0
    return {
        "kpi_filter": kpi_filter,
        "cards": [
            Card(
                "open_assigned",
                gettext_lazy("Open, assigned to me"),
                count_text(open_assigned),
                cards.link("backlog"),
            ),
            cards.resolved(),
            cards.mttr(),
            cards.ftf(),
            cards.csat(),
            Card(
                "visits",
                gettext_lazy("On-site visits"),
                count_text(visits),
                None,
                [Detail(_("%(hours)s h of work") % {"hours": work_hours})],
            ),
        ],
        "charts": [
            {
                "key": "volume",
                "title": gettext_lazy("My requests per day"),
                "config": charts.volume_chart(kpis.volume_series(kpi_filter), kpi_filter, actor),
                "wide": True,
            },
        ],
        "tables": [],
        "links": _links(("tickets:queue_mine", gettext_lazy("My requests"))),
    }


# --- Customer --------------------------------------------------------------------------------------


@login_required
@require_GET
def customer_view(request: HttpRequest) -> HttpResponse:
    actor = signed_in(request)
    require(actor, Capability.VIEW_PORTAL)
    return dashboard_page(
        request,
        actor=actor,
        template="analytics/_body.html",
        title=_("Service analytics"),
        heading_note=str(actor.organisation) if actor.organisation_id else "",
        build=lambda form: customer_context(form, actor),
    )


def customer_context(form: DashboardFilterForm, actor: User) -> dict[str, Any]:
    kpi_filter = form.kpi_filter()  # for_actor pins the reader's own organisation
    summary = kpis.summary(kpi_filter)
    cards = Cards(kpi_filter, actor, summary)
    by_component = kpis.fault_distribution(kpi_filter, "component")
    by_model = kpis.fault_distribution(kpi_filter, "model")
    return {
        "kpi_filter": kpi_filter,
        "cards": [
            cards.created(),
            cards.resolved(),
            cards.backlog(),
            cards.sla(),
            cards.mttr(),
            cards.csat(),
        ],
        "charts": [
            {
                "key": "volume",
                "title": gettext_lazy("Requests per day"),
                "config": charts.volume_chart(kpis.volume_series(kpi_filter), kpi_filter, actor),
                "wide": True,
            },
            {
                "key": "sla",
                "title": gettext_lazy("SLA attainment per target"),
                "config": charts.sla_chart(summary.sla_by_kind, kpi_filter, actor),
            },
            {
                "key": "ageing",
                "title": gettext_lazy("Open requests by age"),
                "config": charts.ageing_chart(kpis.backlog_ageing(kpi_filter), kpi_filter, actor),
            },
            _distribution(kpi_filter, "component", by_component, cards),
            _distribution(kpi_filter, "model", by_model, cards),
        ],
        "tables": [
            sla_table(cards),
            distribution_table(by_component[:TOP_FAULTS], "component", cards),
            distribution_table(by_model[:TOP_FAULTS], "model", cards),
            pm_attainment_table(kpi_filter, actor),
        ],
        "links": _links(
            ("portal:request_list", gettext_lazy("My requests")),
            ("portal:server_list", gettext_lazy("My servers")),
            ("maintenance:portal", gettext_lazy("Preventive maintenance")),
        ),
    }
