"""Analytics facts and rollups: derived rows, rebuilt from the operational tables at any time.

``RequestFact`` is one row per service request with its dimensions and per-request measures, each
measure dated by the day that puts it in a period (see docs/kpis.md). ``KpiRollup`` sums the facts
per local day for a few *groupings* (sets of dimensions), like SQL ``GROUPING SETS``: a question is
answered from the smallest grouping that holds every dimension it filters or groups by, so the
dashboard reads a few hundred rows whatever the number of requests. ``RefreshState`` holds the
watermarks of the incremental refresh and is the row its lock is taken on.
"""

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RequestFact(models.Model):
    """One service request as the KPIs see it. Rates (labour, visit fee) are applied on reading, so
    changing a rate needs no rebuild."""

    ticket = models.OneToOneField(
        "tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # Dimensions (plain ids: the facts outlive nothing and join to no one).
    organisation_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    engineer_id = models.BigIntegerField(null=True)  # the request's assignee
    vendor_id = models.BigIntegerField(null=True)  # of the request's server
    model_id = models.BigIntegerField(null=True)
    priority = models.CharField(max_length=2)
    category = models.CharField(max_length=12)
    component = models.CharField(max_length=16, blank=True)
    is_fault = models.BooleanField(default=False)  # hardware incident on a known server
    # The days that put the request's measures in a period (local dates).
    created_day = models.DateField()
    responded_day = models.DateField(null=True)
    resolved_day = models.DateField(null=True)
    ended_day = models.DateField(null=True)  # left the backlog (resolved, closed or cancelled)
    csat_day = models.DateField(null=True)
    # Measures.
    response_minutes = models.FloatField(null=True)
    response_business_minutes = models.FloatField(null=True)
    resolve_minutes = models.FloatField(null=True)
    resolve_business_minutes = models.FloatField(null=True)
    first_time_fix = models.BooleanField(null=True)
    repeat = models.BooleanField(default=False)
    reopened = models.BooleanField(default=False)
    csat_score = models.FloatField(null=True)
    work_minutes = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)
    parts_cost = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    # SLA outcomes per clock kind (progress updates: kept and missed cycles).
    sla_response_met = models.PositiveIntegerField(default=0)
    sla_response_breached = models.PositiveIntegerField(default=0)
    sla_dispatch_met = models.PositiveIntegerField(default=0)
    sla_dispatch_breached = models.PositiveIntegerField(default=0)
    sla_onsite_met = models.PositiveIntegerField(default=0)
    sla_onsite_breached = models.PositiveIntegerField(default=0)
    sla_parts_met = models.PositiveIntegerField(default=0)
    sla_parts_breached = models.PositiveIntegerField(default=0)
    sla_resolution_met = models.PositiveIntegerField(default=0)
    sla_resolution_breached = models.PositiveIntegerField(default=0)
    sla_update_met = models.PositiveIntegerField(default=0)
    sla_update_breached = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("request fact")
        verbose_name_plural = _("request facts")
        indexes = [
            models.Index(fields=["created_day"], name="analytics_fact_created"),
            models.Index(fields=["organisation_id", "created_day"], name="analytics_fact_org"),
            models.Index(fields=["resolved_day"], name="analytics_fact_resolved"),
            # The backlog at a day's end is read from the requests not ended by then.
            models.Index(fields=["ended_day", "created_day"], name="analytics_fact_ended"),
            models.Index(
                fields=["created_day"], name="analytics_fact_open", condition=models.Q(ended_day__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"fact {self.ticket_id}"


class KpiRollup(models.Model):
    """Sums of the facts of one local day in one grouping; dimensions outside the grouping are
    NULL. Each measure counts on its own day: created on the creation day, resolved measures on the
    resolution day, response measures on the first-response day, CSAT on the answer day."""

    # "grouping|day|dimension values" — one row per cell; the incremental refresh adds deltas to it.
    key = models.CharField(max_length=200, unique=True)
    grouping = models.CharField(max_length=20)
    day = models.DateField()
    organisation_id = models.BigIntegerField(null=True)
    team_id = models.BigIntegerField(null=True)
    engineer_id = models.BigIntegerField(null=True)
    vendor_id = models.BigIntegerField(null=True)
    model_id = models.BigIntegerField(null=True)
    # NULL means "not in this grouping", distinct from "" (e.g. a request without a component).
    priority = models.CharField(max_length=2, null=True)  # noqa: DJ001
    category = models.CharField(max_length=12, null=True)  # noqa: DJ001
    component = models.CharField(max_length=16, null=True)  # noqa: DJ001
    created = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)
    faults = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    response_minutes = models.FloatField(default=0)
    response_business_count = models.IntegerField(default=0)
    response_business_minutes = models.FloatField(default=0)
    resolved = models.IntegerField(default=0)
    resolve_minutes = models.FloatField(default=0)
    resolve_business_count = models.IntegerField(default=0)
    resolve_business_minutes = models.FloatField(default=0)
    ftf_known = models.IntegerField(default=0)
    ftf_yes = models.IntegerField(default=0)
    repeats = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    work_minutes = models.BigIntegerField(default=0)
    visits = models.IntegerField(default=0)
    parts_cost = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    csat_count = models.IntegerField(default=0)
    csat_total = models.FloatField(default=0)
    csat_satisfied = models.IntegerField(default=0)
    sla_response_met = models.IntegerField(default=0)
    sla_response_breached = models.IntegerField(default=0)
    sla_dispatch_met = models.IntegerField(default=0)
    sla_dispatch_breached = models.IntegerField(default=0)
    sla_onsite_met = models.IntegerField(default=0)
    sla_onsite_breached = models.IntegerField(default=0)
    sla_parts_met = models.IntegerField(default=0)
    sla_parts_breached = models.IntegerField(default=0)
    sla_resolution_met = models.IntegerField(default=0)
    sla_resolution_breached = models.IntegerField(default=0)
    sla_update_met = models.IntegerField(default=0)
    sla_update_breached = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("KPI rollup")
        verbose_name_plural = _("KPI rollups")
        indexes = [models.Index(fields=["grouping", "day"], name="analytics_rollup_day")]

    def __str__(self) -> str:
        return f"{self.grouping} {self.day}"


class RefreshState(models.Model):
    """The single row (pk 1) holding the incremental refresh's watermarks; locked while refreshing."""

    last_ticket_id = models.BigIntegerField(default=0)  # new requests, whatever their timestamps
    tickets_updated_at = models.DateTimeField(null=True)
    visits_updated_at = models.DateTimeField(null=True)
    last_clock_entry_id = models.BigIntegerField(default=0)
    last_survey_response_id = models.BigIntegerField(default=0)
    last_movement_id = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True)
    last_full_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("rollup refresh state")
        verbose_name_plural = _("rollup refresh states")

    def __str__(self) -> str:
        return f"refreshed {self.last_run_at}"
