"""The KPIs read from the rollup rows (and, for the backlog, the fact rows still open).

A question is answered from the smallest grouping holding every dimension it filters or groups
by (``refresh.GROUPINGS``), so its cost follows the number of days and groups, not of requests.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from sasms.analytics import definitions as d
from sasms.analytics.direct import bucket_counts, engineer_rows, labour_cost, travel_cost
from sasms.analytics.kpis import DayPoint, EngineerRow, KpiFilter, KpiSummary, Mean, Ratio
from sasms.analytics.models import KpiRollup, RequestFact
from sasms.analytics.refresh import EVENT_COUNT, GROUPINGS, MEASURES, events_sql

_BY_COLUMN = {"vendor": "vendor_id", "model": "model_id", "component": "component", "engineer": "engineer_id"}


def grouping_for(needed: set[str]) -> str | None:
    """The smallest grouping holding every dimension in ``needed`` (None: sum the facts)."""
    for name, dims in GROUPINGS.items():
        if needed <= set(dims):
            return name
    return None


def sums(kpi_filter: KpiFilter, *by: str) -> list[dict[str, Any]]:
    """Every measure summed over the period, per value of the ``by`` columns ("day" or a
    dimension): from the rollup rows of the smallest grouping that can answer, or — for a rarer
    combination of filters — from the facts, through the same event definitions."""
    dims = kpi_filter.dimensions
    columns = [_BY_COLUMN.get(b, b) for b in by]
    grouping = grouping_for(set(dims) | {c for c in columns if c != "day"})
    if grouping is not None:
        cells = KpiRollup.objects.filter(
            grouping=grouping, day__gte=kpi_filter.start, day__lte=kpi_filter.end, **dims
        )
        if not columns:
            return [cells.aggregate(**{m: Sum(m) for m in MEASURES})]
        return list(cells.values(*columns).annotate(**{m: Sum(m) for m in MEASURES}).order_by())
    quote = connection.ops.quote_name
    where = " AND ".join(["{day} >= %s", "{day} <= %s", *(f"{name} = %s" for name in dims)])
    params: list[Any] = [kpi_filter.start, kpi_filter.end, *dims.values()] * EVENT_COUNT
    selected = ", ".join([*columns, *(f"SUM({quote(m)}) AS {quote(m)}" for m in MEASURES)])
    sql = f"SELECT {selected} FROM ({events_sql(where)}) AS events"  # noqa: S608
    if columns:
        sql += f" GROUP BY {', '.join(columns)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:  # raw database values, typed as the rollup columns would be
        if isinstance(row.get("day"), str):
            row["day"] = datetime.date.fromisoformat(row["day"])
        if row.get("parts_cost") is not None:
            row["parts_cost"] = Decimal(str(row["parts_cost"]))
    return rows


def open_facts(kpi_filter: KpiFilter) -> QuerySet[RequestFact]:
    """Facts of the requests in the backlog at the end of the period."""
    end = kpi_filter.end
    return RequestFact.objects.filter(
        Q(ended_day__isnull=True) | Q(ended_day__gt=end), created_day__lte=end, **kpi_filter.dimensions
    )


def summary(kpi_filter: KpiFilter, backlog: int | None = None) -> KpiSummary:
    totals = sums(kpi_filter)
    v: dict[str, Any] = {m: ((totals[0][m] if totals else 0) or 0) for m in MEASURES}
    by_kind: dict[str, Ratio] = {}
    for kind in d.SLA_KINDS:
        met, breached = v[f"sla_{kind}_met"], v[f"sla_{kind}_breached"]
        if met + breached:
            by_kind[kind] = Ratio(met, met + breached)
    return KpiSummary(
        created=v["created"],
        resolved=v["resolved"],
        backlog=open_facts(kpi_filter).count() if backlog is None else backlog,
        mtta_wall=Mean(float(v["response_minutes"]), v["responded"]),
        mtta_business=Mean(float(v["response_business_minutes"]), v["response_business_count"]),
        mttr_wall=Mean(float(v["resolve_minutes"]), v["resolved"]),
        mttr_business=Mean(float(v["resolve_business_minutes"]), v["resolve_business_count"]),
        sla=Ratio(sum(r.numerator for r in by_kind.values()), sum(r.denominator for r in by_kind.values())),
        sla_by_kind=by_kind,
        first_time_fix=Ratio(v["ftf_yes"], v["ftf_known"]),
        repeat_failure=Ratio(v["repeats"], v["resolved"]),
        reopen=Ratio(v["reopened"], v["resolved"]),
        csat=Mean(float(v["csat_total"]), v["csat_count"]),
        csat_satisfied=Ratio(v["csat_satisfied"], v["csat_count"]),
        cost_labour=labour_cost(int(v["work_minutes"])),
        cost_parts=Decimal(v["parts_cost"]).quantize(Decimal("0.01")),
        cost_travel=travel_cost(int(v["visits"])),
    )


def volume_series(kpi_filter: KpiFilter) -> list[DayPoint]:
    by_day = {row["day"]: (row["created"] or 0, row["resolved"] or 0) for row in sums(kpi_filter, "day")}
    start, end = kpi_filter.start, kpi_filter.end
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    return [DayPoint(day, *by_day.get(day, (0, 0))) for day in days]


def backlog_by_bucket(kpi_filter: KpiFilter) -> dict[str, int]:
    rows = open_facts(kpi_filter).values("created_day").annotate(n=Count("ticket_id")).order_by()
    return bucket_counts(kpi_filter.end, ((row["created_day"], row["n"]) for row in rows))


def fault_counts(kpi_filter: KpiFilter, by: str) -> dict[Any, int]:
    column = _BY_COLUMN[by]
    return {row[column]: row["faults"] for row in sums(kpi_filter, by) if row["faults"]}


def faults_by_model(kpi_filter: KpiFilter) -> dict[int, int]:
    return {k: n for k, n in fault_counts(kpi_filter, "model").items() if k is not None}


def engineer_workload(kpi_filter: KpiFilter) -> list[EngineerRow]:
    columns = {
        "resolved": "resolved",
        "work": "work_minutes",
        "visits": "visits",
        "ftf_known": "ftf_known",
        "ftf_yes": "ftf_yes",
        "csat_n": "csat_count",
        "csat_total": "csat_total",
    }
    rows: dict[int, dict[str, Any]] = {}
    for cell in sums(kpi_filter, "engineer"):
        if cell["engineer_id"] is not None:
            rows[cell["engineer_id"]] = {key: cell[column] or 0 for key, column in columns.items()} | {
                "open": 0
            }
    opened = (
        open_facts(kpi_filter)
        .filter(engineer_id__isnull=False)
        .values("engineer_id")
        .annotate(n=Count("ticket_id"))
        .order_by()
    )
    for held in opened:
        if held["engineer_id"] is not None:
            rows.setdefault(held["engineer_id"], dict.fromkeys(columns, 0))["open"] = held["n"]
    return engineer_rows(rows)
