"""The requests behind each number: a ``Q`` on ``Ticket`` per drill-down metric."""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q

from sasms.analytics import definitions as d
from sasms.feedback.models import SurveyResponse
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


_FAULT_KEYS = {"vendor": "server__vendor_id", "model": "server__model_id", "component": "component"}


def _breached(kind: str) -> Q:
    """A breached clock (update clocks: a missed cycle), decided per ``sla.reports``."""
    missed = Q(kind=ClockKind.UPDATE, cycles_missed__gt=0) & ~Q(
        state=ClockState.STOPPED, breached_at__isnull=True
    )
    breached = ~Q(kind=ClockKind.UPDATE) & Q(breached_at__isnull=False)
    clocks = SlaClock.objects.filter(missed | breached, ticket_id=OuterRef("pk"))
    if kind:
        clocks = clocks.filter(kind=kind)
    return Q(Exists(clocks))


def metric_q(kpi_filter: Any, metric: str, *, bucket: str = "", kind: str = "") -> Q:
    start, end = kpi_filter.start, kpi_filter.end
    dims = Q(**{_TICKET_FIELDS[name]: value for name, value in kpi_filter.dimensions.items()})
    created = d.in_days("created_at", start, end)
    resolved = d.in_days("resolved_at", start, end)
    if metric == "created":
        return dims & created
    if metric == "resolved":
        return dims & resolved
    if metric == "responded":
        return dims & d.in_days("first_response_at", start, end)
    if metric == "ftf":
        return dims & resolved & Q(first_time_fix__isnull=False)
    if metric == "ftf_missed":
        return dims & resolved & Q(first_time_fix=False)
    if metric == "repeat":
        return dims & resolved & Q(d.repeat_exists())
    if metric == "reopened":
        return dims & resolved & Q(reopen_count__gt=0)
    if metric == "sla_breached":
        return dims & created & _breached(kind)
    if metric in ("csat", "csat_low"):
        answers = SurveyResponse.objects.filter(d.in_days("created_at", start, end), ticket_id=OuterRef("pk"))
        if metric == "csat_low":
            answers = answers.filter(average__lt=d.SATISFIED_SCORE)
        return dims & Q(Exists(answers))
    if metric == "backlog":
        q = dims & d.open_at_end_q(end)
        for key, low, high in d.AGE_BUCKETS:
            if key == bucket:
                first = None if high is None else end - datetime.timedelta(days=high)
                q &= Q(
                    created_at__lt=d.day_start(
                        end - datetime.timedelta(days=low) + datetime.timedelta(days=1)
                    )
                )
                if first is not None:
                    q &= Q(created_at__gte=d.day_start(first))
        return q
    if metric == "faults":
        q = dims & created & d.is_fault_q()
        if bucket:
            by, _sep, key = bucket.partition(":")
            field = _FAULT_KEYS[by]
            if key:
                q &= Q(**{field: key})
            else:  # the "unknown" row: no vendor/model, or no component
                q &= Q(component="") if by == "component" else Q(**{f"{field}__isnull": True})
        return q
    raise ValueError(f"unknown metric {metric!r}")


def requests_behind(kpi_filter: Any, metric: str, *, bucket: str = "", kind: str = "") -> Any:
    """The requests themselves (a convenience for pages and tests)."""
    return Ticket.objects.filter(metric_q(kpi_filter, metric, bucket=bucket, kind=kind))
