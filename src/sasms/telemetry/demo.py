"""Demo telemetry: a year of part readings for a fleet, with failures and the warnings before them
drawn from published field studies — not from the rules (docs/prediction.md has the sources).

* **Drives**: an annual failure rate of 1.5 % (Backblaze's quarterly AFRs 1.36–1.71 % in 2024–25).
  76.7 % of failing drives warn first (Backblaze 2016: failed drives with one of SMART 5/187/188/
  197/198 above zero — what a drive's ``FailurePredicted`` flag summarises), 23.3 % fail without
  any; 4.2 % of healthy drives show the same warning (Backblaze's operational drives), modelled
  here as a yearly chance of a lasting flag. SSDs also wear: media life left starts between 40 and
  100 % and falls 0–15 % a year, 2 % of them under heavy writes (55 % a year); a drive at 0 % is
  replaced.
* **Memory**: 8 % of DIMMs see correctable errors in a year (Schroeder, Pinheiro & Weber 2009);
  errors cluster (over 85 % of CEs are followed by more in the same month), so a healthy DIMM with
  CEs has a burst of a few weeks. Uncorrectable errors hit 1.3 % of machines a year (same study);
  of DIMMs with uncorrectable errors, 40 % also logged correctable ones and 60 % none (Baeg et al.
  2019: UE+CE 29 %, UE only 43 % of DIMMs with errors) — those 60 % give no warning.
* **Fans and power supplies** (no field study found; stated as assumptions): 1 % of fans and PSUs
  fail a year; half of failing fans slow down over the month before; 30 % of failing PSUs raise
  ``FailurePredicted`` first; a failed PSU drops the chassis out of redundancy at once.

``failure_scale`` multiplies every failure rate (not the warning shares or the healthy noise) so a
small demo fleet shows a few failures in a year; the shares the replay measures stay those above.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from sasms.assets.models import Component, ComponentKind, Server
from sasms.telemetry.choices import Metric, Resolution, SeriesKind
from sasms.telemetry.models import Rollup, Sample, Series

HDD_AFR = 0.015
HDD_WARN_SHARE = 0.767
HEALTHY_DRIVE_WARN = 0.042
DIMM_CE_SHARE = 0.08
MACHINE_UE_RATE = 0.013
DIMM_UE_WARN_SHARE = 0.40
FAN_AFR = PSU_AFR = 0.01
FAN_DEGRADE_SHARE = 0.5
PSU_WARN_SHARE = 0.3
DIMMS, HDDS, SSDS, FANS, PSUS = 8, 2, 2, 4, 2
RAW_DAYS = 7


@dataclass
class Part:
    kind: str  # CMDB kind
    series_kind: str
    label: str
    model: str
    fail_day: int | None


def generate(
    servers: Iterable[Server],
    *,
    days: int = 365,
    seed: int = 22,
    failure_scale: float = 1.0,
    now: datetime.datetime | None = None,
) -> dict[str, int]:
    """Write ``days`` of history for each server's drives, DIMMs, fans, PSUs and inlet temperature."""
    rng = random.Random(seed)
    now = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    start = now - datetime.timedelta(days=days)
    counts = {"servers": 0, "series": 0, "rows": 0, "failures": 0}
    for server in servers:
        with transaction.atomic():
            _server(server, rng, start, days, failure_scale, counts)
        counts["servers"] += 1
    return counts


def _fails(rng: random.Random, rate: float, days: int, scale: float) -> int | None:
    yearly = min(0.95, rate * scale)
    if rng.random() < 1 - (1 - yearly) ** (days / 365):
        return rng.randrange(30, days) if days > 31 else rng.randrange(1, days)
    return None


def _server(
    server: Server,
    rng: random.Random,
    start: datetime.datetime,
    days: int,
    scale: float,
    counts: dict[str, int],
) -> None:
    parts: list[tuple[Part, dict[str, list[float]]]] = []
    ue_day = _fails(rng, MACHINE_UE_RATE, days, scale)
    ue_dimm = rng.randrange(DIMMS)
    for i in range(HDDS):
        fail = _fails(rng, HDD_AFR, days, scale)
        parts.append(
            (
                Part(ComponentKind.DISK, SeriesKind.DRIVE, f"HDD {i}", "ST8000NM", fail),
                {Metric.FAILURE_PREDICTED: _flags(rng, days, fail, HDD_WARN_SHARE, (1, 30))},
            )
        )
    for i in range(SSDS):
        life = rng.uniform(40, 100)
        rate = (55 if rng.random() < 0.02 else rng.uniform(0, 15)) / 365
        wear = [max(0.0, round(life - rate * d)) for d in range(days)]
        worn = next((d for d, v in enumerate(wear) if v <= 0), None)
        fail = _fails(rng, HDD_AFR, days, scale)
        fail = min(x for x in (fail, worn) if x is not None) if (fail or worn) else None
        flags = _flags(rng, days, fail if fail != worn else None, HDD_WARN_SHARE, (1, 30))
        parts.append(
            (
                Part(ComponentKind.SSD, SeriesKind.DRIVE, f"SSD {i}", "PM1733", fail),
                {Metric.FAILURE_PREDICTED: flags, Metric.MEDIA_LIFE_LEFT: wear},
            )
        )
    for i in range(DIMMS):
        fail = ue_day if ue_day is not None and i == ue_dimm else None
        parts.append(
            (
                Part(ComponentKind.DIMM, SeriesKind.MEMORY, f"DIMM {i}", "M393A4K40", fail),
                {Metric.CORRECTABLE_ERRORS: _ce_counts(rng, days, fail)},
            )
        )
    nominal = 9000.0
    for i in range(FANS):
        fail = _fails(rng, FAN_AFR, days, scale)
        offset = rng.gauss(0, 200)
        degrade = fail is not None and rng.random() < FAN_DEGRADE_SHARE
        rpm: list[float] = []
        for d in range(days):
            speed = nominal + offset + rng.gauss(0, 150)
            if degrade and fail is not None and fail - 30 <= d:
                speed *= 1 - 0.4 * min(1.0, (d - (fail - 30)) / 30)
            rpm.append(float(round(speed)))
        parts.append((Part(ComponentKind.FAN, SeriesKind.FAN, f"Fan {i}", "", fail), {Metric.FAN_RPM: rpm}))
    redundant = [1.0] * days
    for i in range(PSUS):
        fail = _fails(rng, PSU_AFR, days, scale)
        if fail is not None:
            redundant[fail:] = [0.0] * (days - fail)
        parts.append(
            (
                Part(ComponentKind.PSU, SeriesKind.PSU, f"PSU {i}", "PWS-1K", fail),
                {Metric.FAILURE_PREDICTED: _flags(rng, days, fail, PSU_WARN_SHARE, (1, 14), healthy=0.0)},
            )
        )
    chassis = Part("", SeriesKind.CHASSIS, "PSU redundancy", "", None)
    inlet = Part("", SeriesKind.SENSOR, "Inlet", "", None)
    parts.append((chassis, {Metric.PSU_REDUNDANT: redundant}))
    parts.append((inlet, {Metric.TEMPERATURE: [round(rng.gauss(22, 1.5), 1) for _ in range(days)]}))

    rollups: list[Rollup] = []
    samples: list[Sample] = []
    for part, metrics in parts:
        component = None
        if part.kind:
            component = Component.objects.create(
                server=server,
                kind=part.kind,
                slot=part.label,
                description=f"{part.model} (demo telemetry)",
                installed_at=start - datetime.timedelta(days=30),
            )
            if part.fail_day is not None:
                component.removed_at = start + datetime.timedelta(days=part.fail_day, hours=12)
                component.removal_reason = "Failed (demo telemetry)"
                component.save(update_fields=["removed_at", "removal_reason"])
                counts["failures"] += 1
        for metric, values in metrics.items():
            series = Series.objects.create(
                server=server,
                component=component,
                component_uri=f"/demo/{server.pk}/{part.label}",
                kind=part.series_kind,
                label=part.label,
                part_model=part.model,
                metric=metric,
            )
            counts["series"] += 1
            last = part.fail_day if part.fail_day is not None else days
            for d in range(last):
                at = start + datetime.timedelta(days=d)
                if days - d <= RAW_DAYS:
                    samples.extend(
                        Sample(series=series, at=at + datetime.timedelta(hours=h), value=values[d])
                        for h in (0, 6, 12, 18)
                    )
                else:
                    v = values[d]
                    rollups.append(
                        Rollup(
                            series=series, resolution=Resolution.DAY, at=at, mean=v, low=v, high=v, count=144
                        )
                    )
    Rollup.objects.bulk_create(rollups, batch_size=5000)
    Sample.objects.bulk_create(samples, batch_size=5000)
    counts["rows"] += len(rollups) + len(samples)


def _flags(
    rng: random.Random,
    days: int,
    fail: int | None,
    warn_share: float,
    lead: tuple[int, int],
    healthy: float = HEALTHY_DRIVE_WARN,
) -> list[float]:
    flags = [0.0] * days
    if fail is not None:
        if rng.random() < warn_share:
            for d in range(max(0, fail - rng.randint(*lead)), fail):
                flags[d] = 1.0
    elif rng.random() < healthy * days / 365:
        # A healthy part that raises the flag anyway; the counters behind it do not reset.
        for d in range(rng.randrange(days), days):
            flags[d] = 1.0
    return flags


def _ce_counts(rng: random.Random, days: int, fail: int | None) -> list[float]:
    """Cumulative correctable errors of one DIMM (what ``MemoryMetrics`` LifeTime reports)."""
    per_day = [0] * days
    if fail is None and rng.random() < DIMM_CE_SHARE * days / 365:
        begin, length = rng.randrange(days), rng.randint(7, 30)
        rate = math.exp(rng.gauss(math.log(2), 1.5))  # heavy-tailed: most bursts small, a few large
        for d in range(begin, min(days, begin + length)):
            per_day[d] = _poisson(rng, rate)
    elif fail is not None and rng.random() < DIMM_UE_WARN_SHARE:
        lead = rng.randint(3, 30)
        for d in range(max(0, fail - lead), fail):
            step = d - (fail - lead)
            per_day[d] = _poisson(rng, 2 * math.exp(0.25 * step))
    total, counts = 0, []
    for n in per_day:
        total += n
        counts.append(float(total))
    return counts


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


DEMO_SERVERS = 24
DEMO_DAYS = 180
DEMO_FAILURE_SCALE = 10.0


def build_step(*, rng: random.Random, scale: int, progress: Any, state: dict[str, Any]) -> None:
    """The demo's telemetry: half a year of readings for a slice of the fleet (``sasms telemetry
    demo`` writes more); then ``sasms telemetry replay`` has history to judge the rules on."""
    servers = list(Server.objects.order_by("pk")[: DEMO_SERVERS * scale])
    progress("Telemetry", 0, 1)
    generate(servers, days=DEMO_DAYS, seed=rng.randrange(1, 10_000), failure_scale=DEMO_FAILURE_SCALE)
    progress("Telemetry", 1, 1)
