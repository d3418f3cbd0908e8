"""The figures of a customer report (QBR or health check), gathered once and rendered as PDF.

Every KPI comes from :mod:`sasms.analytics.kpis` (the same numbers as the dashboards); the report
adds only what is specific to it: counts by month, category and priority of the requests KPI
``created`` selects, the estate and its EOSL exposure, and repeat failures grouped by model.
"""

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation
from sasms.analytics import kpis
from sasms.assets.models import Server, ServerStatus
from sasms.reports.models import ReportKind
from sasms.sla.models import ClockKind
from sasms.tickets.choices import Category, Priority
from sasms.tickets.models import Ticket

EOSL_HORIZON_DAYS = 365
WARRANTY_HORIZON_DAYS = 90
HEALTH_WINDOW_DAYS = 90
TOP_FAULTS = 5


@dataclass
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    label: str


@dataclass
class Bar:
    """One labelled value with its width in percent of the largest value (for CSS/SVG bars)."""

    label: str
    value: float
    width: float = 0.0
    text: str = ""


@dataclass
class TargetRow:
    key: str
    label: str
    met: int
    decided: int
    percent: float | None


@dataclass
class EoslRow:
    vendor: str
    model: str
    eosl_date: datetime.date
    servers: int
    past: bool


@dataclass
class RepeatRow:
    model_id: int | None
    vendor: str
    model: str
    repeats: int


@dataclass
class ReportData:
    kind: str
    organisation: Organisation
    period: Period
    as_of: datetime.date
    summary: kpis.KpiSummary
    targets: list[TargetRow]
    by_month: list[Bar]
    by_category: list[Bar]
    by_priority: list[Bar]
    top_vendors: list[kpis.DistributionRow]
    top_models: list[kpis.DistributionRow]
    top_components: list[kpis.DistributionRow]
    csat_answers: int
    servers_total: int
    servers_by_status: list[Bar]
    eosl: list[EoslRow]
    eosl_past_servers: int
    eosl_soon_servers: int
    warranty_expiring: int
    warranty_expired: int
    repeats: list[RepeatRow]
    ageing: list[kpis.AgeBucket]
    recommendations: list[Any] = field(default_factory=list)

    @property
    def is_health(self) -> bool:
        return self.kind == ReportKind.HEALTH

    @property
    def mtta_hours(self) -> float | None:
        value = self.summary.mtta_wall.value
        return None if value is None else round(value / 60, 1)

    @property
    def mttr_hours(self) -> float | None:
        value = self.summary.mttr_wall.value
        return None if value is None else round(value / 60, 1)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    following = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, following - datetime.timedelta(days=1)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)d Q%(quarter)d") % {"year": year, "quarter": quarter}


def report_period(kind: str, year: int, quarter: int, *, today: datetime.date | None = None) -> Period:
    """The quarter (to date when it is the current one); a health check looks at the 90 days up to
    its as-of day, the quarter's last day or today, whichever is earlier."""
    today = today or timezone.localdate()
    start, end = quarter_bounds(year, quarter)
    end = min(end, today)
    if kind == ReportKind.HEALTH:
        start = end - datetime.timedelta(days=HEALTH_WINDOW_DAYS - 1)
    return Period(start, end, quarter_label(year, quarter))


def _bars(items: list[tuple[str, float]], fmt: str = "{:g}") -> list[Bar]:
    top = max((v for _label, v in items), default=0) or 1
    return [Bar(label, value, round(100 * value / top, 1), fmt.format(value)) for label, value in items]


def _months(points: list[kpis.DayPoint]) -> list[Bar]:
    months: OrderedDict[str, int] = OrderedDict()
    for point in points:
        key = f"{point.day:%Y-%m}"
        months[key] = months.get(key, 0) + point.created
    return _bars([(k, float(v)) for k, v in months.items()])


def _counted(queryset: Any, field_name: str, choices: Any) -> list[Bar]:
    counts = {r[field_name]: r["n"] for r in queryset.values(field_name).annotate(n=Count("id")).order_by()}
    return _bars([(str(label), float(counts.get(value, 0))) for value, label in choices])


def _targets(summary: kpis.KpiSummary) -> list[TargetRow]:
    rows = []
    for kind, label in ClockKind.choices:
        ratio = summary.sla_by_kind.get(kind)
        if ratio is None or not ratio.denominator:
            continue
        rows.append(TargetRow(kind, str(label), ratio.numerator, ratio.denominator, ratio.percent))
    return rows


def _eosl(organisation: Organisation, as_of: datetime.date) -> list[EoslRow]:
    horizon = as_of + datetime.timedelta(days=EOSL_HORIZON_DAYS)
    rows = (
        Server.objects.filter(organisation=organisation, model__eosl_date__lte=horizon)
        .exclude(status=ServerStatus.DECOMMISSIONED)
        .filter(model__eosl_date__isnull=False)
        .values("model__vendor__name", "model__name", "model__eosl_date")
        .annotate(n=Count("id"))
        .order_by("model__eosl_date", "model__vendor__name", "model__name")
    )
    result = []
    for row in rows:
        eosl_date = row["model__eosl_date"]
        assert eosl_date is not None
        result.append(
            EoslRow(row["model__vendor__name"], row["model__name"], eosl_date, row["n"], eosl_date <= as_of)
        )
    return result


def _repeats(kpi_filter: kpis.KpiFilter) -> list[RepeatRow]:
    rows = (
        Ticket.objects.filter(kpis.drilldown_q(kpi_filter, "repeat"))
        .values("server__model_id", "server__model__vendor__name", "server__model__name")
        .annotate(n=Count("id"))
        .order_by("-n", "server__model__name")
    )
    return [
        RepeatRow(
            r["server__model_id"],
            r["server__model__vendor__name"] or "—",
            r["server__model__name"] or "—",
            r["n"],
        )
        for r in rows
    ]


def build(*, kind: str, organisation: Organisation, period: Period) -> ReportData:
    """Gather every figure of the report of ``organisation`` for ``period``."""
    from sasms.reports.recommendations import recommend

    kpi_filter = kpis.KpiFilter(start=period.start, end=period.end, organisation_id=organisation.pk)
    summary = kpis.summary(kpi_filter)
    created = Ticket.objects.filter(kpis.drilldown_q(kpi_filter, "created"))
    as_of = period.end
    servers = Server.objects.filter(organisation=organisation).exclude(status=ServerStatus.DECOMMISSIONED)
    status_counts = {r["status"]: r["n"] for r in servers.values("status").annotate(n=Count("id")).order_by()}
    soon = as_of + datetime.timedelta(days=WARRANTY_HORIZON_DAYS)
    warranty = servers.aggregate(
        expired=Count("id", filter=Q(warranty_end__lt=as_of)),
        expiring=Count("id", filter=Q(warranty_end__gte=as_of, warranty_end__lte=soon)),
    )
    eosl = _eosl(organisation, as_of)
    data = ReportData(
        kind=kind,
        organisation=organisation,
        period=period,
        as_of=as_of,
        summary=summary,
        targets=_targets(summary),
        by_month=_months(kpis.volume_series(kpi_filter)),
        by_category=_counted(created, "category", Category.choices),
        by_priority=_counted(created, "priority", Priority.choices),
        top_vendors=kpis.fault_distribution(kpi_filter, "vendor")[:TOP_FAULTS],
        top_models=kpis.fault_distribution(kpi_filter, "model")[:TOP_FAULTS],
        top_components=kpis.fault_distribution(kpi_filter, "component")[:TOP_FAULTS],
        csat_answers=summary.csat.count,
        servers_total=sum(status_counts.values()),
        servers_by_status=_bars(
            [
                (str(label), float(status_counts.get(value, 0)))
                for value, label in ServerStatus.choices
                if value != ServerStatus.DECOMMISSIONED
            ]
        ),
        eosl=eosl,
        eosl_past_servers=sum(r.servers for r in eosl if r.past),
        eosl_soon_servers=sum(r.servers for r in eosl if not r.past),
        warranty_expiring=warranty["expiring"],
        warranty_expired=warranty["expired"],
        repeats=_repeats(kpi_filter),
        ageing=kpis.backlog_ageing(kpi_filter),
    )
    data.recommendations = recommend(data)
    return data
