"""The KPI read interface every dashboard, report, export and the API use (definitions: docs/kpis.md).

Each figure can be computed two ways with the same result: from the rollup tables (``source=
"rollup"``, the fast path the pages use) or directly from the request, clock, survey, visit and
stock tables (``source="direct"``, the reference the tests and the benchmark compare against).

Scoping is the caller's job only in one respect: pass ``KpiFilter.for_actor(actor, ...)``, which
pins a customer user to their own organisation; everything below trusts the filter.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import User
from sasms.accounts.roles import CUSTOMER_ROLES, Capability
from sasms.analytics.definitions import AGE_BUCKETS

Source = Literal["rollup", "direct"]

# Drill-down metrics: each names the set of requests behind one number (see ``drilldown_q``).
Metric = Literal[
    "created",  # requests opened in the period
    "resolved",  # requests resolved in the period
    "backlog",  # requests open at the end of the period (optionally one ageing bucket)
    "responded",  # requests with a first response in the period (MTTA's population)
    "ftf",  # resolved in the period with first-time fix known (FTF rate's population)
    "ftf_missed",  # ... of which not fixed the first time
    "repeat",  # resolved in the period that are repeat failures
    "reopened",  # resolved in the period that were reopened at least once
    "sla_breached",  # opened in the period with a breached clock or missed update (optionally one kind)
    "csat_low",  # surveys answered in the period with an overall score below 4
    "csat",  # surveys answered in the period (CSAT's population)
    "faults",  # hardware incidents opened in the period (bucket "vendor:ID", "model:ID", "component:code")
]


@dataclass(frozen=True)
class KpiFilter:
    """The period (local dates, inclusive) and the dimensions every figure can be cut by."""

    start: datetime.date
    end: datetime.date
    organisation_id: int | None = None
    team_id: int | None = None
    vendor_id: int | None = None
    model_id: int | None = None
    priority: str = ""
    category: str = ""
    engineer_id: int | None = None

    @classmethod
    def for_actor(cls, actor: User, **fields: object) -> "KpiFilter":
        """The filter ``actor`` may use: a customer user always gets their own organisation.

        Staff who may view all organisations keep the ``organisation_id`` they asked for; anyone
        else (customer roles, or staff without that capability) is pinned to their own.
        """
        values = dict(fields)
        if actor.role in CUSTOMER_ROLES or not actor.can(Capability.VIEW_ALL_ORGANISATIONS):
            values["organisation_id"] = actor.organisation_id
        return cls(**values)  # type: ignore[arg-type]

    @property
    def dimensions(self) -> dict[str, object]:
        """The set dimension filters, by fact column name."""
        values = {
            "organisation_id": self.organisation_id,
            "team_id": self.team_id,
            "engineer_id": self.engineer_id,
            "vendor_id": self.vendor_id,
            "model_id": self.model_id,
            "priority": self.priority,
            "category": self.category,
        }
        return {name: value for name, value in values.items() if value not in (None, "")}


@dataclass
class Ratio:
    """A rate with its numerator and denominator, so every percentage is explainable."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None


@dataclass
class Mean:
    """An average with its sum and count (minutes for MTTA/MTTR, points for CSAT)."""

    total: float
    count: int

    @property
    def value(self) -> float | None:
        return round(self.total / self.count, 1) if self.count else None


@dataclass
class KpiSummary:
    created: int
    resolved: int
    backlog: int  # open at the end of the period
    mtta_wall: Mean  # minutes
    mtta_business: Mean  # business minutes on the request's calendar
    mttr_wall: Mean
    mttr_business: Mean
    sla: Ratio  # all decided clocks: met / decided
    sla_by_kind: dict[str, Ratio]  # per ClockKind value
    first_time_fix: Ratio
    repeat_failure: Ratio
    reopen: Ratio
    csat: Mean  # mean of the overall survey score, 1–5
    csat_satisfied: Ratio  # overall score ≥ 4 / answered
    cost_labour: Decimal
    cost_parts: Decimal
    cost_travel: Decimal

    @property
    def cost_per_request(self) -> Decimal | None:
        if not self.resolved:
            return None
        return ((self.cost_labour + self.cost_parts + self.cost_travel) / self.resolved).quantize(
            Decimal("0.01")
        )


@dataclass
class DayPoint:
    day: datetime.date
    created: int
    resolved: int


@dataclass
class AgeBucket:
    key: str  # "lt1d", "1to3d", "3to7d", "7to30d", "gt30d"
    label: str
    count: int


@dataclass
class DistributionRow:
    key: str  # the dimension's id or code, for drill-down
    label: str
    faults: int


@dataclass
class AfrRow:
    model_id: int
    model: str
    vendor: str
    faults: int  # hardware faults in the period
    server_years: float  # installed server-years in the period
    installed: int  # servers of the model installed at the period's end

    @property
    def afr_percent(self) -> float | None:
        return round(100 * self.faults / self.server_years, 2) if self.server_years else None


@dataclass
class EngineerRow:
    engineer_id: int
    engineer: str
    open_assigned: int
    resolved: int
    work_minutes: int
    visits: int
    first_time_fix: Ratio
    csat: Mean


@dataclass
class Dashboard:
    """Everything the manager dashboard shows, in one call."""

    summary: KpiSummary
    volume: list[DayPoint]
    ageing: list[AgeBucket]
    by_vendor: list[DistributionRow]
    by_model: list[DistributionRow]
    by_component: list[DistributionRow]
    afr: list[AfrRow]
    engineers: list[EngineerRow] = field(default_factory=list)


AGE_LABELS: dict[str, Any] = {
    "lt1d": _("Under 1 day"),
    "1to3d": _("1–3 days"),
    "3to7d": _("3–7 days"),
    "7to30d": _("7–30 days"),
    "gt30d": _("Over 30 days"),
}
UNKNOWN = "—"


def distribution_rows(by: str, counts: dict[str | None, int]) -> list[DistributionRow]:
    """Rows with labels, most faults first; the key is the id or code ("" when unknown)."""
    from sasms.analytics.labels import labels_for

    labels = labels_for(by, [key for key in counts if key is not None])
    rows = [
        DistributionRow(
            "" if key is None else str(key), labels.get(key, UNKNOWN) if key is not None else UNKNOWN, n
        )
        for key, n in counts.items()
        if n
    ]
    rows.sort(key=lambda row: (-row.faults, row.label, row.key))
    return rows


def afr_rows(kpi_filter: KpiFilter, faults: dict[int, int]) -> list[AfrRow]:
    """AFR per model with installed servers or faults; highest rate first."""
    from sasms.analytics.exposure import installed_exposure
    from sasms.assets.models import ServerModel

    exposure = installed_exposure(kpi_filter)
    model_ids = {model_id for model_id, n in faults.items() if n} | {
        m for m, (_y, n) in exposure.items() if n
    }
    models = ServerModel.objects.filter(id__in=model_ids).select_related("vendor")
    rows = [
        AfrRow(
            model_id=model.id,
            model=model.name,
            vendor=model.vendor.name,
            faults=faults.get(model.id, 0),
            server_years=round(exposure.get(model.id, (0.0, 0))[0], 4),
            installed=exposure.get(model.id, (0.0, 0))[1],
        )
        for model in models
    ]
    rows.sort(key=lambda row: (-(row.afr_percent or 0), -row.faults, row.vendor, row.model))
    return rows


def _reader(source: Source) -> Any:
    """The module computing the figures from ``source``; both share every definition."""
    if source == "direct":
        from sasms.analytics import direct

        return direct
    if source == "rollup":
        from sasms.analytics import rollups

        return rollups
    raise ValueError(f"unknown source {source!r}")


def summary(kpi_filter: KpiFilter, *, source: Source = "rollup") -> KpiSummary:
    result: KpiSummary = _reader(source).summary(kpi_filter)
    return result


def volume_series(kpi_filter: KpiFilter, *, source: Source = "rollup") -> list[DayPoint]:
    """One point per day of the period (days without requests included, as zeros)."""
    result: list[DayPoint] = _reader(source).volume_series(kpi_filter)
    return result


def backlog_ageing(kpi_filter: KpiFilter, *, source: Source = "rollup") -> list[AgeBucket]:
    """The backlog at the end of the period by age in whole days (every bucket, zeros included)."""
    counts: dict[str, int] = _reader(source).backlog_by_bucket(kpi_filter)
    return [AgeBucket(key, str(AGE_LABELS[key]), counts.get(key, 0)) for key, _low, _high in AGE_BUCKETS]


def fault_distribution(
    kpi_filter: KpiFilter, by: Literal["vendor", "model", "component"], *, source: Source = "rollup"
) -> list[DistributionRow]:
    """Faults opened in the period per vendor, model or component, most first."""
    counts: dict[str | None, int] = _reader(source).fault_counts(kpi_filter, by)
    return distribution_rows(by, counts)


def annualised_failure_rates(kpi_filter: KpiFilter, *, source: Source = "rollup") -> list[AfrRow]:
    """Per server model: faults in the period / installed server-years in the period."""
    faults: dict[int, int] = _reader(source).faults_by_model(kpi_filter)
    return afr_rows(kpi_filter, faults)


def engineer_workload(kpi_filter: KpiFilter, *, source: Source = "rollup") -> list[EngineerRow]:
    result: list[EngineerRow] = _reader(source).engineer_workload(kpi_filter)
    return result


def dashboard(kpi_filter: KpiFilter, *, source: Source = "rollup") -> Dashboard:
    reader = _reader(source)
    buckets: dict[str, int] = reader.backlog_by_bucket(kpi_filter)
    return Dashboard(
        summary=reader.summary(kpi_filter, backlog=sum(buckets.values())),
        volume=reader.volume_series(kpi_filter),
        ageing=[
            AgeBucket(key, str(AGE_LABELS[key]), buckets.get(key, 0)) for key, _low, _high in AGE_BUCKETS
        ],
        by_vendor=distribution_rows("vendor", reader.fault_counts(kpi_filter, "vendor")),
        by_model=distribution_rows("model", reader.fault_counts(kpi_filter, "model")),
        by_component=distribution_rows("component", reader.fault_counts(kpi_filter, "component")),
        afr=afr_rows(kpi_filter, reader.faults_by_model(kpi_filter)),
        engineers=reader.engineer_workload(kpi_filter),
    )


def drilldown_q(kpi_filter: KpiFilter, metric: Metric, *, bucket: str = "", kind: str = "") -> Q:
    """A ``Q`` on ``Ticket`` selecting exactly the requests behind ``metric`` under ``kpi_filter``."""
    from sasms.analytics.drilldown import metric_q

    return metric_q(kpi_filter, metric, bucket=bucket, kind=kind)


def parts_turnover(*, actor: User, now: datetime.datetime | None = None) -> Any:
    """Parts turnover and dead stock: the parts app's stock report (units issued in 12 months,
    turnover, last issue; dead stock is a row with ``issued_12m == 0``)."""
    from sasms.parts.selectors import stock_report

    return stock_report(actor=actor, now=now)
