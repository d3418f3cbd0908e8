"""Chart.js configurations for the dashboards (drawn by static/sasms/charts.js from json_script).

Each data point carries the URL of the requests behind it ("links"), so a click drills down.
"""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sasms.accounts.models import User
from sasms.analytics.kpis import AgeBucket, DayPoint, DistributionRow, KpiFilter, Ratio
from sasms.analytics.views.common import drill_url
from sasms.sla.models import ClockKind

BLUE = "#0d6efd"
GREEN = "#198754"
ORANGE = "#fd7e14"
TEAL = "#20c997"


def _bar(
    labels: Sequence[str],
    values: Sequence[float | int | None],
    links: Sequence[str],
    *,
    label: str,
    colour: str,
    horizontal: bool = False,
    max_value: float | None = None,
) -> dict[str, Any]:
    scale: dict[str, Any] = {"beginAtZero": True}
    if max_value is not None:
        scale["max"] = max_value
    value_axis = "x" if horizontal else "y"
    return {
        "type": "bar",
        "data": {
            "labels": list(labels),
            "datasets": [
                {"label": label, "data": list(values), "links": list(links), "backgroundColor": colour}
            ],
        },
        "options": {
            "indexAxis": "y" if horizontal else "x",
            "scales": {value_axis: scale},
            "plugins": {"legend": {"display": False}},
        },
    }


def volume_chart(points: list[DayPoint], kpi_filter: KpiFilter, actor: User) -> dict[str, Any]:
    """Requests opened and resolved per day; a point opens that day's requests."""
    labels = [p.day.isoformat() for p in points]
    created_links = [drill_url(kpi_filter, actor, "created", start=p.day, end=p.day) for p in points]
    resolved_links = [drill_url(kpi_filter, actor, "resolved", start=p.day, end=p.day) for p in points]
    return {
        "type": "line",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": pgettext("count", "Opened"),
                    "data": [p.created for p in points],
                    "links": created_links,
                    "borderColor": BLUE,
                    "backgroundColor": BLUE,
                    "tension": 0.2,
                },
                {
                    "label": _("Resolved"),
                    "data": [p.resolved for p in points],
                    "links": resolved_links,
                    "borderColor": GREEN,
                    "backgroundColor": GREEN,
                    "tension": 0.2,
                },
            ],
        },
        "options": {"scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}}},
    }


def sla_chart(by_kind: dict[str, Ratio], kpi_filter: KpiFilter, actor: User) -> dict[str, Any]:
    """Attainment per SLA target; a bar opens that target's breached requests."""
    kinds = [k for k in ClockKind.values if k in by_kind]
    return _bar(
        [str(ClockKind(k).label) for k in kinds],
        [by_kind[k].percent for k in kinds],
        [drill_url(kpi_filter, actor, "sla_breached", kind=k) for k in kinds],
        label=_("Attainment %"),
        colour=TEAL,
        max_value=100,
    )


def ageing_chart(buckets: list[AgeBucket], kpi_filter: KpiFilter, actor: User) -> dict[str, Any]:
    return _bar(
        [b.label for b in buckets],
        [b.count for b in buckets],
        [drill_url(kpi_filter, actor, "backlog", bucket=b.key) for b in buckets],
        label=_("Open requests"),
        colour=ORANGE,
    )


def distribution_chart(rows: list[DistributionRow], links: list[str], *, label: str) -> dict[str, Any]:
    return _bar(
        [r.label for r in rows], [r.faults for r in rows], links, label=label, colour=BLUE, horizontal=True
    )
