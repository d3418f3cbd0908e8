# ruff: noqa: E501 — the report table reads better with its format strings unbroken
"""Replay the prediction rules over stored history: what would they have caught, how early, and at
what cost in false alarms.

The replay walks each series day by day with exactly the rule functions production runs
(``rules.CHECKS``) and the thresholds in force, seeing only the points before each day. An alarm
*episode* starts the first day a rule fires for a part and lasts until the rule has been quiet for
``QUIET_DAYS`` (production keeps one open request per part and rule the same way). A failure is a
CMDB component removed in the period (a replaced disk, DIMM, fan or power supply); an episode is
true when its part — or, for the chassis-level PSU redundancy, a power supply of the same server —
fails within ``horizon_days`` of the episode's start, else it is a false alarm.
"""

from __future__ import annotations

import datetime
import statistics
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.utils import timezone

from sasms.assets.models import Component, ComponentKind
from sasms.telemetry import selectors
from sasms.telemetry.choices import Rule, SeriesKind
from sasms.telemetry.models import Series
from sasms.telemetry.rules import CHECKS, DAY, RULES_OF_METRIC, SPECS, Point

QUIET_DAYS = 7
MONTH_DAYS = 30.44
_FAILED_KINDS: dict[str, str] = {
    ComponentKind.DISK: SeriesKind.DRIVE,
    ComponentKind.SSD: SeriesKind.DRIVE,
    ComponentKind.DIMM: SeriesKind.MEMORY,
    ComponentKind.FAN: SeriesKind.FAN,
    ComponentKind.PSU: SeriesKind.PSU,
}


@dataclass
class RuleReport:
    rule: str
    label: str
    failures: int = 0  # failures of the parts this rule reads
    predicted: int = 0
    lead_days: list[float] = field(default_factory=list)
    alarms: int = 0
    false_alarms: int = 0
    false_per_1000_server_months: float = 0.0

    @property
    def median_lead_days(self) -> float | None:
        return round(statistics.median(self.lead_days), 1) if self.lead_days else None


@dataclass
class ReplayReport:
    start: datetime.datetime
    end: datetime.datetime
    servers: int
    months: float
    failures: int
    predicted_by_any: int
    rules: list[RuleReport]

    @property
    def unwarned_share(self) -> float | None:
        return (
            None
            if not self.failures
            else round(100.0 * (self.failures - self.predicted_by_any) / self.failures, 1)
        )

    def lines(self) -> list[str]:
        out = [
            f"Replay {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}: {self.servers} servers, {self.months:.1f} months, "
            f"{self.failures} failures, {self.predicted_by_any} predicted by some rule, "
            f"{self.unwarned_share if self.unwarned_share is not None else '—'} % gave no warning",
            f"{'rule':<36} {'failures':>8} {'predicted':>9} {'median lead (d)':>15} {'alarms':>7} {'false':>6} {'false/1000 srv/month':>21}",
        ]
        for r in self.rules:
            lead = "—" if r.median_lead_days is None else f"{r.median_lead_days}"
            out.append(
                f"{r.label:<36} {r.failures:>8} {r.predicted:>9} {lead:>15} {r.alarms:>7} {r.false_alarms:>6} {r.false_per_1000_server_months:>21.2f}"
            )
        return out


class _Prefix(Sequence[Point]):
    """The first ``cut`` points of a series without copying them (the replay looks at every day)."""

    __slots__ = ("_cut", "_data")

    def __init__(self, data: list[Point], cut: int) -> None:
        self._data, self._cut = data, cut

    def __len__(self) -> int:
        return self._cut

    @overload
    def __getitem__(self, index: int) -> Point: ...

    @overload
    def __getitem__(self, index: slice) -> list[Point]: ...

    def __getitem__(self, index: int | slice) -> Point | list[Point]:
        if isinstance(index, slice):
            return (
                self._data[: self._cut][index]
                if index.stop is not None
                else self._data[index.start or 0 : self._cut]
            )
        if index < 0:
            index += self._cut
        if not 0 <= index < self._cut:
            raise IndexError(index)
        return self._data[index]


@dataclass
class _Failure:
    component_id: int
    server_id: int
    kind: str
    at: float


def replay(
    *,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    horizon_days: int = 60,
    server_ids: list[int] | None = None,
    batch: int = 2000,
) -> ReplayReport:
    end = end or timezone.now()
    start = start or end - datetime.timedelta(days=365)
    overrides = selectors.thresholds()
    scope = Series.objects.filter(metric__in=list(RULES_OF_METRIC)).select_related("server")
    if server_ids is not None:
        scope = scope.filter(server_id__in=server_ids)
    series = list(scope.order_by("pk"))
    servers = {s.server_id for s in series}
    failures = _failures(servers, start, end)
    by_component: dict[int, list[_Failure]] = {}
    by_server_kind: dict[tuple[int, str], list[_Failure]] = {}
    for failure in failures:
        by_component.setdefault(failure.component_id, []).append(failure)
        by_server_kind.setdefault((failure.server_id, failure.kind), []).append(failure)
    reports = {rule: RuleReport(rule, str(Rule(rule).label)) for rule in SPECS}
    caught: dict[str, set[int]] = {rule: set() for rule in SPECS}
    days = int((end - start).total_seconds() // DAY)
    steps = [start.timestamp() + DAY * (i + 1) for i in range(days)]
    peers = _daily_peers([s for s in series if s.kind == SeriesKind.FAN], start, end, steps)
    horizon = horizon_days * DAY
    for offset in range(0, len(series), batch):
        chunk = series[offset : offset + batch]
        points = selectors.series_points(
            [s.pk for s in chunk], since=start - datetime.timedelta(days=60), until=end
        )
        for row in chunk:
            data = points[row.pk]
            if not data:
                continue
            times = [p[0] for p in data]
            if row.component_id is not None:
                linked = by_component.get(row.component_id, [])
            else:
                linked = by_server_kind.get(
                    (row.server_id, SeriesKind.PSU if row.kind == SeriesKind.CHASSIS else row.kind), []
                )
            for rule in RULES_OF_METRIC.get(row.metric, []):
                spec = SPECS[rule]
                if row.kind not in spec.kinds:
                    continue
                limit = selectors.limit_for(overrides, rule, row.kind, row.part_model)
                if not limit.enabled:
                    continue
                check = CHECKS[rule]
                episode_start: float | None = None
                last_fired = 0.0
                for step_index, now in enumerate(steps):
                    cut = bisect_right(times, now)
                    if cut == 0:
                        continue
                    peer = peers.get(row.pk, {}).get(step_index) if rule == Rule.FAN_PEERS else None
                    fired = check(_Prefix(data, cut), now, limit, peer) is not None
                    if fired:
                        if episode_start is None or now - last_fired > QUIET_DAYS * DAY:
                            if episode_start is not None:
                                _close(reports[rule], caught[rule], episode_start, linked, horizon)
                            episode_start = now
                        last_fired = now
                if episode_start is not None:
                    _close(reports[rule], caught[rule], episode_start, linked, horizon)
    months = max((end - start).total_seconds() / DAY / MONTH_DAYS, 1e-9)
    any_caught: set[int] = set()
    for rule, report in reports.items():
        kinds = {SeriesKind.PSU if k == SeriesKind.CHASSIS else k for k in SPECS[rule].kinds}
        report.failures = sum(1 for f in failures if f.kind in kinds)
        report.predicted = len(caught[rule])
        report.false_per_1000_server_months = (
            round(1000.0 * report.false_alarms / len(servers) / months, 2) if servers else 0.0
        )
        any_caught |= caught[rule]
    return ReplayReport(
        start, end, len(servers), round(months, 2), len(failures), len(any_caught), list(reports.values())
    )


def _close(
    report: RuleReport, caught: set[int], started: float, linked: list[_Failure], horizon: float
) -> None:
    report.alarms += 1
    hits = [f for f in linked if started <= f.at <= started + horizon]
    if not hits:
        report.false_alarms += 1
        return
    first = min(hits, key=lambda f: f.at)
    if first.component_id not in caught:
        caught.add(first.component_id)
        report.lead_days.append((first.at - started) / DAY)


def _failures(servers: set[int], start: datetime.datetime, end: datetime.datetime) -> list[_Failure]:
    rows = Component.objects.filter(
        server_id__in=servers, removed_at__gte=start, removed_at__lte=end, kind__in=list(_FAILED_KINDS)
    ).values_list("pk", "server_id", "kind", "removed_at")
    return [
        _Failure(pk, server_id, _FAILED_KINDS[kind], at.timestamp())
        for pk, server_id, kind, at in rows
        if at is not None
    ]


def _daily_peers(
    fans: list[Series], start: datetime.datetime, end: datetime.datetime, steps: list[float]
) -> dict[int, dict[int, float]]:
    """Per fan series and replay day: the median of its peers' readings over the day before."""
    if not fans:
        return {}
    points = selectors.series_points(
        [s.pk for s in fans], since=start - datetime.timedelta(days=2), until=end
    )
    groups: dict[Any, list[Series]] = {}
    for fan in fans:
        groups.setdefault((fan.server.model_id, fan.label, fan.metric), []).append(fan)
    result: dict[int, dict[int, float]] = {}
    for members in groups.values():
        if len(members) < 3:
            continue
        for index, now in enumerate(steps):
            means = {}
            for fan in members:
                data = points[fan.pk]
                lo = bisect_right(data, (now - DAY, float("inf")))
                hi = bisect_right(data, (now, float("inf")))
                if hi > lo:
                    means[fan.pk] = statistics.fmean(v for _t, v in data[lo:hi])
            if len(means) >= 3:
                median = statistics.median(means.values())
                for pk in means:
                    result.setdefault(pk, {})[index] = median
    return result
