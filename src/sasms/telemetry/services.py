"""Writes of telemetry: record a poll's readings, downsample with age, edit thresholds, and open
proactive requests from the rules (one open request per part and rule)."""

from __future__ import annotations

import datetime
import logging
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Avg, Count, Max, Min
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.roles import Capability
from sasms.assets.models import Server
from sasms.core.audit import changed_fields, record_audit, snapshot
from sasms.core.errors import ServiceError
from sasms.core.permissions import require
from sasms.telemetry import selectors
from sasms.telemetry.choices import Metric, ProactiveStatus, Resolution, Rule, SeriesKind
from sasms.telemetry.extract import Reading
from sasms.telemetry.models import ProactiveRequest, Rollup, Sample, Series, Threshold
from sasms.telemetry.rules import CHECKS, DAY, RULES_OF_METRIC, SPECS, Finding, peer_medians
from sasms.tickets.choices import OPEN_STATUSES, Category, Channel, ComponentArea, Level, TicketType
from sasms.tickets.services import create_ticket

logger = logging.getLogger(__name__)

_AREAS: dict[str, str] = {
    SeriesKind.DRIVE: ComponentArea.DISK,
    SeriesKind.MEMORY: ComponentArea.MEMORY,
    SeriesKind.FAN: ComponentArea.FAN,
    SeriesKind.PSU: ComponentArea.PSU,
    SeriesKind.CHASSIS: ComponentArea.PSU,
}
EVIDENCE_DAYS = 30
THRESHOLD_AUDIT_FIELDS = ("rule", "kind", "part_model", "value", "window_days", "enabled")


def raw_days() -> int:
    return int(getattr(settings, "SASMS_TELEMETRY_RAW_DAYS", 7))


def hourly_days() -> int:
    return int(getattr(settings, "SASMS_TELEMETRY_HOURLY_DAYS", 90))


# --- Recording ------------------------------------------------------------------------------------


def record_poll(server: Server, readings: Sequence[Reading], *, at: datetime.datetime | None = None) -> int:
    """Keep one poll's readings of ``server`` as samples at ``at``; returns how many were kept.

    Two queries in the steady state (the server's series, one multi-row insert); new parts add
    their series first. A second poll in the same instant is a duplicate and is dropped.
    """
    if not readings:
        return 0
    try:
        return _record(server, readings, at or timezone.now())
    except DatabaseError:
        # Telemetry never fails the health poll that carried it.
        logger.exception("telemetry of server %s not recorded", server.pk)
        return 0


def _record(server: Server, readings: Sequence[Reading], at: datetime.datetime) -> int:
    known = {
        (s.component_uri, s.metric): s.pk
        for s in Series.objects.filter(server=server).only("pk", "component_uri", "metric")
    }
    missing = [r for r in readings if (r.uri[:500], r.metric) not in known]
    if missing:
        known.update(_create_series(server, missing))
    samples = [
        Sample(series_id=known[(r.uri[:500], r.metric)], at=at, value=r.value)
        for r in readings
        if (r.uri[:500], r.metric) in known
    ]
    Sample.objects.bulk_create(samples, batch_size=2000, ignore_conflicts=True)
    return len(samples)


def _create_series(server: Server, readings: Sequence[Reading]) -> dict[tuple[str, str], int]:
    from sasms.intake.models import BmcComponent  # the poller's map of Redfish URIs to CMDB parts

    uris = {r.uri[:500] for r in readings}
    mapped = dict(
        BmcComponent.objects.filter(endpoint__server=server, uri__in=uris).values_list("uri", "component_id")
    )
    rows = {
        (r.uri[:500], r.metric): Series(
            server=server,
            component_id=mapped.get(r.uri[:500]),
            component_uri=r.uri[:500],
            kind=r.kind,
            label=r.label[:200],
            part_model=r.part_model[:200],
            metric=r.metric,
        )
        for r in readings
    }
    Series.objects.bulk_create(rows.values(), ignore_conflicts=True)
    return {
        (s.component_uri, s.metric): s.pk
        for s in Series.objects.filter(server=server, component_uri__in=uris).only(
            "pk", "component_uri", "metric"
        )
    }


# --- Downsampling ---------------------------------------------------------------------------------


@dataclass
class DownsampleResult:
    raw_folded: int = 0
    hourly_written: int = 0
    hourly_folded: int = 0
    daily_written: int = 0


def downsample(
    *, now: datetime.datetime | None = None, chunk: datetime.timedelta = datetime.timedelta(days=1)
) -> DownsampleResult:
    """Fold raw samples older than the raw retention into hourly rollups, and hourly rollups older
    than the hourly retention into daily ones, a day at a time (each day one transaction)."""
    now = now or timezone.now()
    result = DownsampleResult()
    raw_cutoff = now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=raw_days())
    hourly_cutoff = now.replace(hour=0, minute=0, second=0, microsecond=0) - datetime.timedelta(
        days=hourly_days()
    )
    oldest = Sample.objects.filter(at__lt=raw_cutoff).order_by("at").values_list("at", flat=True).first()
    start = oldest
    while start is not None and start < raw_cutoff:
        end = min(start + chunk, raw_cutoff)
        with transaction.atomic():
            rows = Sample.objects.filter(at__gte=start, at__lt=end)
            groups = (
                rows.annotate(bucket=TruncHour("at", tzinfo=datetime.UTC))
                .values("series_id", "bucket")
                .annotate(mean=Avg("value"), low=Min("value"), high=Max("value"), n=Count("value"))
            )
            written = _merge(
                Resolution.HOUR,
                [(g["series_id"], g["bucket"], g["mean"], g["low"], g["high"], g["n"]) for g in groups],
            )
            result.hourly_written += written
            result.raw_folded += rows.delete()[0]
        start = end
    oldest_hour = (
        Rollup.objects.filter(resolution=Resolution.HOUR, at__lt=hourly_cutoff)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    start = oldest_hour
    while start is not None and start < hourly_cutoff:
        end = min(start + chunk * 7, hourly_cutoff)
        with transaction.atomic():
            hours = Rollup.objects.filter(resolution=Resolution.HOUR, at__gte=start, at__lt=end)
            folded: dict[tuple[int, datetime.datetime], list[tuple[float, float, float, int]]] = {}
            for series_id, at, mean, low, high, count in hours.values_list(
                "series_id", "at", "mean", "low", "high", "count"
            ):
                day = at.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
                folded.setdefault((series_id, day), []).append((mean, low, high, count))
            result.daily_written += _merge(
                Resolution.DAY,
                [
                    (
                        sid,
                        day,
                        sum(m * c for m, _l, _h, c in parts) / max(1, sum(c for *_r, c in parts)),
                        min(p[1] for p in parts),
                        max(p[2] for p in parts),
                        sum(p[3] for p in parts),
                    )
                    for (sid, day), parts in folded.items()
                ],
            )
            result.hourly_folded += hours.delete()[0]
        start = end
    return result


def _merge(resolution: int, groups: list[tuple[int, datetime.datetime, float, float, float, int]]) -> int:
    """Insert rollups, folding in any row already there for the same bucket (late readings)."""
    if not groups:
        return 0
    buckets = {g[1] for g in groups}
    existing = {
        (r.series_id, r.at): r
        for r in Rollup.objects.filter(
            resolution=resolution, at__in=buckets, series_id__in={g[0] for g in groups}
        )
    }
    rows = []
    for series_id, bucket, mean, low, high, count in groups:
        old = existing.get((series_id, bucket))
        if old is not None:
            total = count + old.count
            mean = (mean * count + old.mean * old.count) / total
            low, high, count = min(low, old.low), max(high, old.high), total
        rows.append(
            Rollup(
                series_id=series_id,
                resolution=resolution,
                at=bucket,
                mean=mean,
                low=low,
                high=high,
                count=count,
            )
        )
    if existing:
        for key in existing:
            Rollup.objects.filter(series_id=key[0], resolution=resolution, at=key[1]).delete()
    Rollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- Thresholds -----------------------------------------------------------------------------------


def save_threshold(
    *,
    actor: Any,
    rule: str,
    kind: str,
    part_model: str = "",
    value: Any,
    window_days: Any,
    enabled: bool = True,
    threshold: Threshold | None = None,
) -> Threshold:
    """Create or change a rule's threshold for a kind of part (and optionally one part model)."""
    require(actor, Capability.MANAGE_ASSETS)
    errors: dict[str, list[str]] = {}
    if rule not in Rule.values:
        errors["rule"] = [_("Choose a valid rule.")]
    elif kind not in SPECS[rule].kinds:
        errors["kind"] = [_("This rule does not read this kind of part.")]
    if kind not in SeriesKind.values:
        errors["kind"] = [_("Choose a valid kind of part.")]
    try:
        number = float(value)
        if number != number or number < 0 or number > 1_000_000:
            raise ValueError
    except (TypeError, ValueError):
        errors["value"] = [_("Enter a number between 0 and 1 000 000.")]
        number = 0.0
    try:
        days = int(window_days)
        if not 1 <= days <= 365:
            raise ValueError
    except (TypeError, ValueError):
        errors["window_days"] = [_("Enter a whole number of days from 1 to 365.")]
        days = 1
    part_model = (part_model or "").strip()
    if len(part_model) > 200:
        errors["part_model"] = [_("At most 200 characters.")]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    clash = Threshold.objects.filter(rule=rule, kind=kind, part_model=part_model)
    if threshold is not None:
        clash = clash.exclude(pk=threshold.pk)
    if clash.exists():
        raise ServiceError(
            _("Please correct the errors below."),
            fields={"part_model": [_("A threshold for this rule, part and model already exists.")]},
        )
    with transaction.atomic():
        before = snapshot(threshold, THRESHOLD_AUDIT_FIELDS) if threshold is not None else {}
        row = threshold or Threshold()
        row.rule, row.kind, row.part_model = rule, kind, part_model
        row.value, row.window_days, row.enabled = number, days, bool(enabled)
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        record_audit(
            actor=actor,
            action="update" if threshold is not None else "create",
            target=row,
            changes=changed_fields(before, snapshot(row, THRESHOLD_AUDIT_FIELDS)),
        )
    return row


def delete_threshold(*, actor: Any, threshold: Threshold) -> None:
    require(actor, Capability.MANAGE_ASSETS)
    with transaction.atomic():
        record_audit(actor=actor, action="delete", target=threshold)
        threshold.delete()


# --- Rules → proactive requests ---------------------------------------------------------------------


@dataclass
class Evaluation:
    series: int = 0
    findings: int = 0
    opened: list[ProactiveRequest] = field(default_factory=list)
    already_open: int = 0


def evaluate(
    *, now: datetime.datetime | None = None, server_ids: Iterable[int] | None = None, batch: int = 2000
) -> Evaluation:
    """Run every rule over the recent history of every series (or of ``server_ids``' series)."""
    now = now or timezone.now()
    outcome = Evaluation()
    close_finished()
    overrides = selectors.thresholds()
    metrics = list(RULES_OF_METRIC)
    candidates = Series.objects.filter(metric__in=metrics).select_related("server")
    if server_ids is not None:
        candidates = candidates.filter(server_id__in=list(server_ids))
    # The history the rules can look at: the correctable-error rule compares two windows.
    spans = [s.default.window_days * (2 if s.rule == Rule.CORRECTABLE_RATE else 1) for s in SPECS.values()]
    spans += [
        t.window_days * (2 if rule == Rule.CORRECTABLE_RATE else 1) for (rule, _k, _m), t in overrides.items()
    ]
    since = now - datetime.timedelta(days=max(spans) + 2)
    series = list(candidates.order_by("pk"))
    peers = _fan_peers(now, overrides)
    for offset in range(0, len(series), batch):
        chunk = series[offset : offset + batch]
        points = selectors.series_points([s.pk for s in chunk], since=since, until=now)
        for row in chunk:
            outcome.series += 1
            for finding in findings_for(row, points[row.pk], now.timestamp(), overrides, peers.get(row.pk)):
                outcome.findings += 1
                opened = open_proactive(series=row, finding=finding, points=points[row.pk], now=now)
                if opened is None:
                    outcome.already_open += 1
                else:
                    outcome.opened.append(opened)
    return outcome


def findings_for(
    series: Series,
    points: list[tuple[float, float]],
    now: float,
    overrides: dict[Any, Any],
    peer: float | None,
) -> list[Finding]:
    found = []
    for rule in RULES_OF_METRIC.get(series.metric, []):
        spec = SPECS[rule]
        if series.kind not in spec.kinds:
            continue
        limit = selectors.limit_for(overrides, rule, series.kind, series.part_model)
        if not limit.enabled:
            continue
        finding = CHECKS[rule](points, now, limit, peer)
        if finding is not None:
            found.append(finding)
    return found


def _fan_peers(now: datetime.datetime, overrides: dict[Any, Any]) -> dict[int, float]:
    """Each fan series' peer median: fans in the same place of servers of the same model."""
    window = max(
        [SPECS[Rule.FAN_PEERS].default.window_days]
        + [limit.window_days for (rule, _k, _m), limit in overrides.items() if rule == Rule.FAN_PEERS]
    )
    start = now - datetime.timedelta(days=window)
    means: dict[int, tuple[Any, float]] = {}
    fans = Series.objects.filter(kind=SeriesKind.FAN, metric__in=list(SPECS[Rule.FAN_PEERS].metrics))
    info = {
        s.pk: (s.server.model_id, s.label, s.metric)
        for s in fans.select_related("server").only("pk", "label", "metric", "server__model_id")
    }
    if not info:
        return {}
    per_series: dict[int, list[float]] = {}
    for series_id, _at, value in selectors.flatten(
        selectors.series_points(list(info), since=start, until=now)
    ):
        per_series.setdefault(series_id, []).append(value)
    for series_id, values in per_series.items():
        means[series_id] = (info[series_id], statistics.fmean(values))
    return peer_medians(means)


def close_finished() -> int:
    """Proactive requests whose service request is no longer open stop blocking a new one."""
    return (
        ProactiveRequest.objects.filter(status=ProactiveStatus.OPEN)
        .exclude(ticket__status__in=OPEN_STATUSES)
        .update(status=ProactiveStatus.CLOSED, closed_at=timezone.now())
    )


def open_proactive(
    *, series: Series, finding: Finding, points: list[tuple[float, float]], now: datetime.datetime
) -> ProactiveRequest | None:
    """Open the proactive request of this finding, unless one is open for the part and rule."""
    if ProactiveRequest.objects.filter(
        series=series, rule=finding.rule, status=ProactiveStatus.OPEN
    ).exists():
        return None
    server = series.server
    start = now.timestamp() - EVIDENCE_DAYS * DAY
    evidence = {
        "metric": series.metric,
        "detail": finding.detail,
        "points": [[round(t), v] for t, v in selectors.thin([p for p in points if p[0] >= start])],
    }
    title = _("Proactive: %(rule)s — %(part)s on %(server)s") % {
        "rule": Rule(finding.rule).label,
        "part": series.label or series.component_uri,
        "server": server.serial,
    }
    description = "\n".join(
        [
            _("A prediction rule found a part likely to fail before it did. No failure has happened yet."),
            "",
            _("Rule: %(rule)s") % {"rule": Rule(finding.rule).label},
            _("Part: %(part)s (%(model)s)")
            % {"part": series.label or series.component_uri, "model": series.part_model or "—"},
            _("Metric: %(metric)s") % {"metric": Metric(series.metric).label},
            _("Observed: %(value)s; threshold: %(threshold)s")
            % {"value": finding.value, "threshold": finding.threshold},
            *(f"{key}: {value}" for key, value in finding.detail.items()),
        ]
    )
    try:
        with transaction.atomic():
            ticket = create_ticket(
                actor=None,
                organisation=server.organisation,
                server=server,
                title=title,
                description=description,
                channel=Channel.MONITORING,
                type=TicketType.PREVENTIVE,
                category=Category.HARDWARE,
                component=_AREAS.get(series.kind, ""),
                impact=Level.LOW,
                urgency=Level.MEDIUM,
            )
            row = ProactiveRequest.objects.create(
                server=server,
                series=series,
                rule=finding.rule,
                ticket=ticket,
                observed_value=finding.value,
                threshold_value=finding.threshold,
                evidence=evidence,
                opened_at=now,
            )
    except IntegrityError:
        return None  # another evaluator opened it a moment ago
    except ServiceError as exc:
        logger.warning("proactive request for series %s not opened: %s", series.pk, exc.message)
        return None
    return row
