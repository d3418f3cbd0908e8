"""What every dashboard page shares: who may open it, the filter form, drill-down links, exports."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.analytics.forms import DashboardFilterForm
from sasms.analytics.kpis import KpiFilter, Mean, Ratio
from sasms.core import exports
from sasms.core.errors import PermissionDenied
from sasms.ops.router import use_replica

Cell = str | int | float | None


def signed_in(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied(_("You do not have permission to do this."))
    return user


def require_any(actor: User, *capabilities: Capability) -> None:
    if not any(actor.can(c) for c in capabilities):
        raise PermissionDenied(_("You do not have permission to do this."))


def is_customer(actor: User) -> bool:
    return actor.can(Capability.VIEW_PORTAL)


def sees_all_figures(actor: User) -> bool:
    """Managers and dispatchers read everyone's figures; engineers only their own."""
    return actor.can(Capability.VIEW_ALL_ORGANISATIONS) and (
        actor.can(Capability.VIEW_REPORTS) or actor.can(Capability.DISPATCH)
    )


def safe_reverse(name: str, **kwargs: Any) -> str | None:
    """The URL of ``name``, or ``None`` while the page does not exist (an app not built yet)."""
    try:
        return reverse(name, **kwargs)
    except NoReverseMatch:
        return None


def filter_params(kpi_filter: KpiFilter, actor: User) -> dict[str, str]:
    """The query parameters that reproduce ``kpi_filter`` exactly (always as a custom period)."""
    params = {"period": "custom", "start": kpi_filter.start.isoformat(), "end": kpi_filter.end.isoformat()}
    dimensions: list[tuple[str, object]] = [
        ("vendor", kpi_filter.vendor_id),
        ("model", kpi_filter.model_id),
        ("priority", kpi_filter.priority),
        ("category", kpi_filter.category),
    ]
    if not is_customer(actor):
        dimensions += [
            ("organisation", kpi_filter.organisation_id),
            ("team", kpi_filter.team_id),
            ("engineer", kpi_filter.engineer_id),
        ]
    params.update({name: str(value) for name, value in dimensions if value not in (None, "")})
    return params


def drill_url(kpi_filter: KpiFilter, actor: User, metric: str, **extra: object) -> str:
    """The drill-down list of the requests behind one number."""
    params = {"metric": metric, **filter_params(kpi_filter, actor)}
    for name, value in extra.items():
        if name in ("start", "end") and isinstance(value, datetime.date):
            params[name] = value.isoformat()
        elif value not in (None, ""):
            params[name] = str(value)
    return f"{reverse('analytics:requests')}?{urlencode(params)}"


def percent(ratio: Ratio) -> float | None:
    return ratio.percent


def mean_value(mean: Mean) -> float | None:
    return mean.value


def hours(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


# --- Tables: shown on the page and exported as CSV/XLSX with the same filters -----------------------


@dataclass
class TableRow:
    cells: list[Cell]
    links: list[str | None] = field(default_factory=list)  # one per cell, or empty


@dataclass
class Table:
    key: str
    title: str | Promise
    header: list[str | Promise]
    rows: list[TableRow]
    numeric_from: int = 1  # columns from this index on are right-aligned

    def cells_with_links(self) -> list[list[tuple[Cell, str | None, bool]]]:
        out = []
        for row in self.rows:
            links = row.links or [None] * len(row.cells)
            out.append([(c, links[i], i >= self.numeric_from) for i, c in enumerate(row.cells)])
        return out


def export_table(table: Table, kind: str, *, period: KpiFilter) -> HttpResponse:
    header = [str(h) for h in table.header]
    body: list[Sequence[Cell]] = [["" if c is None else c for c in row.cells] for row in table.rows]
    stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    name = f"{slugify(table.key) or 'table'}-{stamp}"
    if kind == "csv":
        return exports.csv_response([header, *body], f"{name}.csv")
    return exports.xlsx_response([(slugify(table.key) or "table", [header, *body])], f"{name}.xlsx")


# --- The page: full render, htmx partial, or a table export ------------------------------------------

Builder = Callable[[DashboardFilterForm], dict[str, Any]]


def dashboard_page(
    request: HttpRequest,
    *,
    actor: User,
    template: str,
    title: str,
    build: Builder,
    heading_note: str = "",
) -> HttpResponse:
    """Validate the filters, build the figures, then render the page, its htmx body or an export."""
    form = DashboardFilterForm(request.GET, actor=actor)
    context: dict[str, Any] = {
        "title": title,
        "heading_note": heading_note,
        "form": form,
        "body_template": template,
        "links": [],
    }
    if form.is_valid():
        with use_replica():  # figures only: a replica's few seconds of lag do not matter here
            context.update(build(form))
        for chart in context.get("charts", []):
            chart["script_id"] = f"chart-{chart['key']}"
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            tables: dict[str, Table] = {t.key: t for t in context.get("tables", [])}
            table = tables.get(request.GET.get("table", ""))
            if table is None:
                raise Http404(_("No such table on this dashboard."))
            return export_table(table, export, period=context["kpi_filter"])
    query = request.GET.copy()
    for name in ("export", "table"):
        query.pop(name, None)
    context["querystring"] = query.urlencode()
    htmx = getattr(request, "htmx", None)
    partial = htmx is not None and bool(htmx) and not htmx.history_restore_request
    response = render(request, template if partial else "analytics/dashboard.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
