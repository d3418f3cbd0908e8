"""The KPIs computed straight from the request, clock, survey, visit and stock tables.

The reference the rollups are tested and benchmarked against; the definitions are docs/kpis.md.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate

from sasms.analytics import definitions as d
from sasms.analytics.kpis import DayPoint, EngineerRow, KpiFilter, KpiSummary, Mean, Ratio
from sasms.analytics.labels import labels_for
from sasms.feedback.models import SurveyResponse
from sasms.field.models import Visit
from sasms.parts.choices import MovementKind
from sasms.parts.models import Movement
from sasms.sla.models import ClockKind, ClockState, SlaClock
from sasms.tickets.models import Ticket

_TICKET_FIELDS = {
    "organisation_id": "organisation_id",
    "team_id": "team_id",
    "engineer_id": "assignee_id",
    "vendor_id": "server__vendor_id",
    "model_id": "server__model_id",
    "priority": "priority",
    "category": "category",
}
_DISTRIBUTION_KEYS = {"vendor": "server__vendor_id", "model": "server__model_id", "component": "component"}


def requests(kpi_filter: KpiFilter) -> QuerySet[Ticket]:
    """The requests the filter's dimensions select (any date)."""
    return Ticket.objects.filter(**{_TICKET_FIELDS[name]: v for name, v in kpi_filter.dimensions.items()})


def _minutes(value: datetime.timedelta | None) -> float:
    return 0.0 if value is None else value.total_seconds() / 60


def _wall(later: str) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(F(later) - F("created_at"), output_field=DurationField())


def _business(tickets: QuerySet[Ticket], kind: str) -> Mean:
    totals = SlaClock.objects.filter(
        ticket__in=tickets.values("id"), kind=kind, state=ClockState.MET
    ).aggregate(total=Sum("consumed_minutes"), n=Count("id"))
    return Mean(float(totals["total"] or 0), totals["n"])


def sla_by_kind(created: QuerySet[Ticket]) -> dict[str, Ratio]:
    decided = ~Q(state=ClockState.STOPPED, breached_at__isnull=True)
    rows = (
        SlaClock.objects.filter(decided, ticket__in=created.values("id"))
        .values("kind")
        .annotate(
            met=Count("id", filter=Q(state=ClockState.MET, breached_at__isnull=True)),
            breached=Count("id", filter=Q(breached_at__isnull=False)),
            kept=Coalesce(Sum(Greatest(F("cycle") - 1 - F("cycles_missed"), Value(0))), 0),
            missed=Coalesce(Sum("cycles_missed"), 0),
        )
        .order_by()
    )
    result: dict[str, Ratio] = {}
    for row in rows:
        met, breached = (
            (row["kept"], row["missed"]) if row["kind"] == ClockKind.UPDATE else (row["met"], row["breached"])
        )
        if met + breached:
            result[row["kind"]] = Ratio(met, met + breached)
    return result


def _backlog(kpi_filter: KpiFilter) -> QuerySet[Ticket]:
    return requests(kpi_filter).filter(d.open_at_end_q(kpi_filter.end))


def summary(kpi_filter: KpiFilter, backlog: int | None = None) -> KpiSummary:
    start, end = kpi_filter.start, kpi_filter.end
    base = requests(kpi_filter)
    created = base.filter(d.in_days("created_at", start, end))
    responded = base.filter(d.in_days("first_response_at", start, end))
    resolved = base.filter(d.in_days("resolved_at", start, end))
    answered = SurveyResponse.objects.filter(
        d.in_days("created_at", start, end), ticket__in=base.values("id")
    )
    response = responded.aggregate(n=Count("id"), total=Sum(_wall("first_response_at")))
    resolution = resolved.annotate(is_repeat=d.repeat_exists()).aggregate(
        n=Count("id"),
        total=Sum(_wall("resolved_at")),
        ftf_known=Count("id", filter=Q(first_time_fix__isnull=False)),
        ftf_yes=Count("id", filter=Q(first_time_fix=True)),
        repeats=Count("id", filter=Q(is_repeat=True)),
        reopened=Count("id", filter=Q(reopen_count__gt=0)),
        work_minutes=Sum("work_minutes"),
    )
    csat = answered.aggregate(
        n=Count("id"), total=Sum("average"), satisfied=Count("id", filter=Q(average__gte=d.SATISFIED_SCORE))
    )
    by_kind = sla_by_kind(created)
    return KpiSummary(
        created=created.count(),
        resolved=resolution["n"],
        backlog=_backlog(kpi_filter).count() if backlog is None else backlog,
        mtta_wall=Mean(_minutes(response["total"]), response["n"]),
        mtta_business=_business(responded, ClockKind.RESPONSE),
        mttr_wall=Mean(_minutes(resolution["total"]), resolution["n"]),
        mttr_business=_business(resolved, ClockKind.RESOLUTION),
        sla=Ratio(sum(r.numerator for r in by_kind.values()), sum(r.denominator for r in by_kind.values())),
        sla_by_kind=by_kind,
        first_time_fix=Ratio(resolution["ftf_yes"], resolution["ftf_known"]),
        repeat_failure=Ratio(resolution["repeats"], resolution["n"]),
        reopen=Ratio(resolution["reopened"], resolution["n"]),
        csat=Mean(float(csat["total"] or 0), csat["n"]),
        csat_satisfied=Ratio(csat["satisfied"], csat["n"]),
        cost_labour=labour_cost(resolution["work_minutes"] or 0),
        cost_parts=parts_cost(resolved),
        cost_travel=travel_cost(
            Visit.objects.filter(ticket__in=resolved.values("id"), checked_in_at__isnull=False).count()
        ),
    )


def labour_cost(work_minutes: int) -> Decimal:
    return (Decimal(work_minutes) * d.labour_rate_per_hour() / 60).quantize(Decimal("0.01"))


def travel_cost(visits: int) -> Decimal:
    return (visits * d.visit_fee()).quantize(Decimal("0.01"))


def parts_cost(resolved: QuerySet[Ticket]) -> Decimal:
    value = ExpressionWrapper(
        F("quantity") * F("unit_cost"), output_field=Movement._meta.get_field("unit_cost")
    )
    totals = Movement.objects.filter(ticket__in=resolved.values("id")).aggregate(
        issued=Sum(value, filter=Q(kind=MovementKind.ISSUE)),
        returned=Sum(value, filter=Q(kind=MovementKind.RETURN_GOOD)),
    )
    return (Decimal(totals["issued"] or 0) - Decimal(totals["returned"] or 0)).quantize(Decimal("0.01"))


def volume_series(kpi_filter: KpiFilter) -> list[DayPoint]:
    start, end = kpi_filter.start, kpi_filter.end
    base = requests(kpi_filter)
    counts: dict[str, dict[datetime.date, int]] = {}
    for field in ("created_at", "resolved_at"):
        rows = (
            base.filter(d.in_days(field, start, end))
            .annotate(day=TruncDate(field, tzinfo=d.local_zone()))
            .values("day")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts[field] = {row["day"]: row["n"] for row in rows}
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    return [
        DayPoint(day, counts["created_at"].get(day, 0), counts["resolved_at"].get(day, 0)) for day in days
    ]


def backlog_by_bucket(kpi_filter: KpiFilter) -> dict[str, int]:
    rows = (
        _backlog(kpi_filter)
        .annotate(day=TruncDate("created_at", tzinfo=d.local_zone()))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return bucket_counts(kpi_filter.end, ((row["day"], row["n"]) for row in rows))


def bucket_counts(end: datetime.date, days: Any) -> dict[str, int]:
    """Sum (creation day, count) pairs into the ageing buckets at the end of ``end``."""
    result = {key: 0 for key, _low, _high in d.AGE_BUCKETS}
    for day, n in days:
        age = (end - day).days
        for key, low, high in d.AGE_BUCKETS:
            if age >= low and (high is None or age <= high):
                result[key] += n
                break
    return result


def _faults(kpi_filter: KpiFilter) -> QuerySet[Ticket]:
    return requests(kpi_filter).filter(
        d.is_fault_q(), d.in_days("created_at", kpi_filter.start, kpi_filter.end)
    )


def fault_counts(kpi_filter: KpiFilter, by: str) -> dict[Any, int]:
    key = _DISTRIBUTION_KEYS[by]
    rows = _faults(kpi_filter).values(key).annotate(n=Count("id")).order_by()
    return {row[key]: row["n"] for row in rows}


def faults_by_model(kpi_filter: KpiFilter) -> dict[int, int]:
    return {k: n for k, n in fault_counts(kpi_filter, "model").items() if k is not None}


def engineer_workload(kpi_filter: KpiFilter) -> list[EngineerRow]:
    start, end = kpi_filter.start, kpi_filter.end
    base = requests(kpi_filter).filter(assignee__isnull=False)
    resolved = base.filter(d.in_days("resolved_at", start, end))
    rows: dict[int, dict[str, Any]] = {}

    def row(engineer_id: int) -> dict[str, Any]:
        return rows.setdefault(
            engineer_id,
            {
                "open": 0,
                "resolved": 0,
                "work": 0,
                "visits": 0,
                "ftf_known": 0,
                "ftf_yes": 0,
                "csat_n": 0,
                "csat_total": 0.0,
            },
        )

    for done in (
        resolved.values("assignee_id")
        .annotate(
            n=Count("id"),
            work=Sum("work_minutes"),
            ftf_known=Count("id", filter=Q(first_time_fix__isnull=False)),
            ftf_yes=Count("id", filter=Q(first_time_fix=True)),
        )
        .order_by()
    ):
        row(done["assignee_id"]).update(
            resolved=done["n"], work=done["work"] or 0, ftf_known=done["ftf_known"], ftf_yes=done["ftf_yes"]
        )
    for visited in (
        Visit.objects.filter(ticket__in=resolved.values("id"), checked_in_at__isnull=False)
        .values("ticket__assignee_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        row(visited["ticket__assignee_id"])["visits"] = visited["n"]
    for held in base.filter(d.open_at_end_q(end)).values("assignee_id").annotate(n=Count("id")).order_by():
        row(held["assignee_id"])["open"] = held["n"]
    for rated in (
        SurveyResponse.objects.filter(d.in_days("created_at", start, end), ticket__in=base.values("id"))
        .values("ticket__assignee_id")
        .annotate(n=Count("id"), total=Sum("average"))
        .order_by()
    ):
        row(rated["ticket__assignee_id"]).update(csat_n=rated["n"], csat_total=float(rated["total"] or 0))
    return engineer_rows(rows)


def engineer_rows(rows: dict[int, dict[str, Any]]) -> list[EngineerRow]:
    """Rows of engineers with open, resolved or surveyed requests; busiest first."""
    kept = {k: v for k, v in rows.items() if v["open"] or v["resolved"] or v["csat_n"]}
    names = labels_for("engineer", list(kept))
    result = [
        EngineerRow(
            engineer_id=engineer_id,
            engineer=names.get(engineer_id, "—"),
            open_assigned=v["open"],
            resolved=v["resolved"],
            work_minutes=int(v["work"]),
            visits=int(v["visits"]),
            first_time_fix=Ratio(int(v["ftf_yes"]), int(v["ftf_known"])),
            csat=Mean(float(v["csat_total"]), int(v["csat_n"])),
        )
        for engineer_id, v in kept.items()
    ]
    result.sort(key=lambda r: (-r.resolved, -r.open_assigned, r.engineer, r.engineer_id))
    return result
