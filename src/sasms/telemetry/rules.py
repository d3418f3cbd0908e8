"""The prediction rules as pure functions over one series' points, shared by live and replay.

``points`` are ``(epoch seconds, value)`` pairs in time order, already cut at ``now`` by the
caller; each rule answers a :class:`Finding` (what it saw, against which threshold) or ``None``.
The same functions run on live data (``services.evaluate``) and over stored history
(``replay``), so the replay measures exactly what production would have done.
"""

from __future__ import annotations

import datetime
import statistics
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sasms.telemetry.choices import Metric, Rule, SeriesKind

DAY = 86400.0
Point = tuple[float, float]


@dataclass(frozen=True)
class Limit:
    value: float
    window_days: int
    enabled: bool = True


@dataclass(frozen=True)
class RuleSpec:
    rule: str
    metrics: frozenset[str]
    kinds: frozenset[str]
    default: Limit


SPECS: dict[str, RuleSpec] = {
    Rule.PREDICTED_FAILURE: RuleSpec(
        Rule.PREDICTED_FAILURE,
        frozenset({Metric.FAILURE_PREDICTED}),
        frozenset({SeriesKind.DRIVE, SeriesKind.MEMORY, SeriesKind.FAN, SeriesKind.PSU}),
        Limit(1.0, 1),
    ),
    Rule.MEDIA_LIFE: RuleSpec(
        Rule.MEDIA_LIFE, frozenset({Metric.MEDIA_LIFE_LEFT}), frozenset({SeriesKind.DRIVE}), Limit(10.0, 30)
    ),
    Rule.CORRECTABLE_RATE: RuleSpec(
        Rule.CORRECTABLE_RATE,
        frozenset({Metric.CORRECTABLE_ERRORS}),
        frozenset({SeriesKind.MEMORY}),
        Limit(10.0, 7),
    ),
    Rule.FAN_PEERS: RuleSpec(
        Rule.FAN_PEERS,
        frozenset({Metric.FAN_RPM, Metric.FAN_PERCENT}),
        frozenset({SeriesKind.FAN}),
        Limit(20.0, 1),
    ),
    Rule.PSU_REDUNDANCY: RuleSpec(
        Rule.PSU_REDUNDANCY, frozenset({Metric.PSU_REDUNDANT}), frozenset({SeriesKind.CHASSIS}), Limit(1.0, 1)
    ),
}
RULES_OF_METRIC: dict[str, list[str]] = {}
for _spec in SPECS.values():
    for _metric in _spec.metrics:
        RULES_OF_METRIC.setdefault(_metric, []).append(_spec.rule)
MIN_PEERS = 3
STALE = 2 * DAY  # a reading older than this says nothing about now


@dataclass(frozen=True)
class Finding:
    rule: str
    value: float
    threshold: float
    detail: dict[str, Any] = field(default_factory=dict)


def value_at(points: Sequence[Point], when: float) -> float | None:
    index = bisect_right(points, (when, float("inf")))
    return points[index - 1][1] if index else None


def _window(points: Sequence[Point], start: float) -> Sequence[Point]:
    return points[bisect_right(points, (start, float("-inf"))) :]


def _fresh(points: Sequence[Point], now: float) -> bool:
    return bool(points) and now - points[-1][0] <= STALE


def predicted_failure(
    points: Sequence[Point], now: float, limit: Limit, peer: float | None = None
) -> Finding | None:
    if not _fresh(points, now) or points[-1][1] < limit.value:
        return None
    since = points[-1][0]
    for at, value in reversed(points):
        if value < limit.value:
            break
        since = at
    return Finding(Rule.PREDICTED_FAILURE, points[-1][1], limit.value, {"flagged_since": _iso(since)})


def linear_fit(points: Sequence[Point]) -> tuple[float, float] | None:
    """Least-squares slope (per second) and intercept; ``None`` for fewer than two distinct times."""
    if len(points) < 2:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope, mean_y - slope * mean_x


def media_life(
    points: Sequence[Point], now: float, limit: Limit, peer: float | None = None
) -> Finding | None:
    if not _fresh(points, now):
        return None
    latest = points[-1][1]
    if latest > limit.value:
        return None
    detail: dict[str, Any] = {"life_left": latest}
    fit = linear_fit(_window(points, now - limit.window_days * DAY))
    if fit is not None and fit[0] < 0:
        slope, intercept = fit
        detail["per_day"] = round(slope * DAY, 4)
        detail["projected_zero"] = _iso(-intercept / slope)[:10]
    return Finding(Rule.MEDIA_LIFE, latest, limit.value, detail)


def correctable_rate(
    points: Sequence[Point], now: float, limit: Limit, peer: float | None = None
) -> Finding | None:
    if not _fresh(points, now):
        return None
    span = limit.window_days * DAY
    current = points[-1][1]
    before = value_at(points, now - span)
    earlier = value_at(points, now - 2 * span)
    base = before if before is not None else points[0][1]
    # A counter that went down was reset (DIMM replaced, BMC reset): count from zero.
    rate = (current - base if current >= base else current) / limit.window_days
    previous = 0.0
    if before is not None and earlier is not None:
        previous = (before - earlier if before >= earlier else before) / limit.window_days
    if rate < limit.value or rate <= previous:
        return None
    return Finding(
        Rule.CORRECTABLE_RATE,
        round(rate, 2),
        limit.value,
        {"per_day": round(rate, 2), "previous_per_day": round(previous, 2), "count": current},
    )


def fan_peers(points: Sequence[Point], now: float, limit: Limit, peer: float | None = None) -> Finding | None:
    recent = _window(points, now - limit.window_days * DAY)
    if not recent or peer is None or peer <= 0 or not _fresh(points, now):
        return None
    mean = statistics.fmean(v for _t, v in recent)
    floor = peer * (1 - limit.value / 100.0)
    if mean >= floor:
        return None
    slower = round(100.0 * (1 - mean / peer), 1)
    return Finding(
        Rule.FAN_PEERS, round(mean, 1), limit.value, {"peer_median": round(peer, 1), "slower_pct": slower}
    )


def psu_redundancy(
    points: Sequence[Point], now: float, limit: Limit, peer: float | None = None
) -> Finding | None:
    if not _fresh(points, now) or points[-1][1] >= limit.value:
        return None
    return Finding(Rule.PSU_REDUNDANCY, points[-1][1], limit.value, {})


CHECKS: dict[str, Callable[[Sequence[Point], float, Limit, float | None], Finding | None]] = {
    Rule.PREDICTED_FAILURE: predicted_failure,
    Rule.MEDIA_LIFE: media_life,
    Rule.CORRECTABLE_RATE: correctable_rate,
    Rule.FAN_PEERS: fan_peers,
    Rule.PSU_REDUNDANCY: psu_redundancy,
}


def peer_medians(means: dict[Any, tuple[Any, float]]) -> dict[Any, float]:
    """``series key → (peer group, recent mean)`` → ``series key → median of its group`` (≥ 3 peers)."""
    groups: dict[Any, list[float]] = {}
    for group, mean in means.values():
        groups.setdefault(group, []).append(mean)
    medians = {
        group: statistics.median(values) for group, values in groups.items() if len(values) >= MIN_PEERS
    }
    return {key: medians[group] for key, (group, _mean) in means.items() if group in medians}


def _iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, tz=datetime.UTC).isoformat(timespec="minutes")
