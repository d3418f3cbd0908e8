"""Reads of telemetry: series points across resolutions, thresholds, proactive requests."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from sasms.assets.models import Server
from sasms.core.tenancy import scope_to_actor
from sasms.telemetry.choices import Metric, Resolution, Rule
from sasms.telemetry.models import ProactiveRequest, Rollup, Sample, Series, Threshold
from sasms.telemetry.rules import SPECS, Limit, Point

CHART_POINTS = 240


def thresholds() -> dict[tuple[str, str, str], Limit]:
    return {
        (t.rule, t.kind, t.part_model): Limit(t.value, t.window_days, t.enabled)
        for t in Threshold.objects.all()
    }


def limit_for(overrides: dict[tuple[str, str, str], Limit], rule: str, kind: str, part_model: str) -> Limit:
    """The part model's own threshold, else its kind's, else the built-in default."""
    return overrides.get((rule, kind, part_model)) or overrides.get((rule, kind, "")) or SPECS[rule].default


def thresholds_visible_to(*, actor: Any) -> QuerySet[Threshold]:
    return Threshold.objects.select_related("updated_by").order_by("rule", "kind", "part_model")


def series_points(
    series_ids: Iterable[int], *, since: datetime.datetime, until: datetime.datetime | None = None
) -> dict[int, list[Point]]:
    """Each series' points from ``since``: raw where kept, hourly before that, daily before that.

    A coarser point is used only before the first finer one, so nothing is counted twice.
    """
    ids = list(series_ids)
    result: dict[int, list[Point]] = {i: [] for i in ids}
    if not ids:
        return result
    raw = Sample.objects.filter(series_id__in=ids, at__gte=since)
    rolled = Rollup.objects.filter(series_id__in=ids, at__gte=since)
    if until is not None:
        raw, rolled = raw.filter(at__lte=until), rolled.filter(at__lte=until)
    fine: dict[int, list[Point]] = {i: [] for i in ids}
    for series_id, at, value in raw.order_by("series_id", "at").values_list("series_id", "at", "value"):
        fine[series_id].append((at.timestamp(), value))
    coarse: dict[tuple[int, int], list[Point]] = {}
    for series_id, resolution, at, mean in rolled.order_by("series_id", "resolution", "at").values_list(
        "series_id", "resolution", "at", "mean"
    ):
        coarse.setdefault((series_id, resolution), []).append((at.timestamp(), mean))
    for series_id in ids:
        points = fine[series_id]
        for resolution in (Resolution.HOUR, Resolution.DAY):
            first = points[0][0] if points else float("inf")
            older = [p for p in coarse.get((series_id, resolution), []) if p[0] < first]
            points = older + points
        result[series_id] = points
    return result


def thin(points: list[Point], limit: int = CHART_POINTS) -> list[Point]:
    if len(points) <= limit:
        return points
    step = len(points) / limit
    return [points[int(i * step)] for i in range(limit - 1)] + [points[-1]]


def server_series(*, server: Server) -> list[Series]:
    return list(Series.objects.filter(server=server).select_related("component"))


PANEL_METRICS = (
    Metric.TEMPERATURE,
    Metric.FAN_RPM,
    Metric.FAN_PERCENT,
    Metric.PSU_INPUT_WATTS,
    Metric.PSU_OUTPUT_WATTS,
    Metric.PSU_EFFICIENCY,
    Metric.MEDIA_LIFE_LEFT,
    Metric.CORRECTABLE_ERRORS,
)


def proactive_requests_visible_to(*, actor: Any) -> QuerySet[ProactiveRequest]:
    rows = ProactiveRequest.objects.select_related("server", "series", "ticket")
    return scope_to_actor(rows, actor=actor, organisation_field="server__organisation")


def proactive_of_ticket(ticket_id: int) -> ProactiveRequest | None:
    return ProactiveRequest.objects.select_related("series").filter(ticket_id=ticket_id).first()


def rule_label(rule: str) -> str:
    return str(Rule(rule).label)


def flatten(points: dict[int, list[Point]]) -> Iterable[tuple[int, float, float]]:
    for series_id, items in points.items():
        for at, value in items:
            yield series_id, at, value


def defaults_table() -> list[dict[str, Any]]:
    return [
        {
            "rule": Rule(spec.rule).label,
            "kinds": ", ".join(sorted(spec.kinds)),
            "value": spec.default.value,
            "window_days": spec.default.window_days,
        }
        for spec in SPECS.values()
    ]
