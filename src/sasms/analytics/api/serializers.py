"""Output of the analytics API: the KPI summary with every rate's numerator and denominator."""

from typing import Any

from rest_framework import serializers

from sasms.analytics.kpis import Dashboard, KpiFilter, KpiSummary, Mean, Ratio


class RatioOutput(serializers.Serializer[Ratio]):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True, help_text="100 × numerator / denominator, 1 decimal")


class MeanOutput(serializers.Serializer[Mean]):
    total = serializers.FloatField()
    count = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True, help_text="total / count, 1 decimal")


class FilterOutput(serializers.Serializer[KpiFilter]):
    start = serializers.DateField()
    end = serializers.DateField()
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    team = serializers.IntegerField(source="team_id", allow_null=True)
    vendor = serializers.IntegerField(source="vendor_id", allow_null=True)
    model = serializers.IntegerField(source="model_id", allow_null=True)
    priority = serializers.CharField()
    category = serializers.CharField()
    engineer = serializers.IntegerField(source="engineer_id", allow_null=True)


class SummaryOutput(serializers.Serializer[KpiSummary]):
    created = serializers.IntegerField(help_text="requests opened in the period")
    resolved = serializers.IntegerField(help_text="requests resolved in the period")
    backlog = serializers.IntegerField(help_text="requests open at the end of the period")
    mtta_wall = MeanOutput(help_text="minutes")
    mtta_business = MeanOutput(help_text="business minutes on the request's calendar")
    mttr_wall = MeanOutput(help_text="minutes")
    mttr_business = MeanOutput(help_text="business minutes on the request's calendar")
    sla = RatioOutput(help_text="decided SLA clocks: met / decided")
    sla_by_kind = serializers.DictField(child=RatioOutput(), help_text="per SLA target (clock kind)")
    first_time_fix = RatioOutput()
    repeat_failure = RatioOutput()
    reopen = RatioOutput()
    csat = MeanOutput(help_text="overall survey score, 1–5")
    csat_satisfied = RatioOutput(help_text="score ≥ 4 / answered")
    # Internal costs: staff only, left out for customers (as on their dashboard).
    cost_labour = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, required=False, help_text="staff only"
    )
    cost_parts = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, required=False, help_text="staff only"
    )
    cost_travel = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, required=False, help_text="staff only"
    )
    cost_per_request = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        required=False,
        help_text="staff only",
    )


INTERNAL_FIGURES = ("cost_labour", "cost_parts", "cost_travel", "cost_per_request")


class CustomerSummaryOutput(SummaryOutput):
    """The summary a customer reads: everything but the provider's internal costs."""

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        for name in INTERNAL_FIGURES:
            fields.pop(name)
        return fields


class SummaryResponse(serializers.Serializer[dict[str, Any]]):
    filter = FilterOutput(help_text="the filter applied (a customer is always their own organisation)")
    summary = SummaryOutput(help_text="customers get no internal cost figures")


class CustomerSummaryResponse(SummaryResponse):
    summary = CustomerSummaryOutput()


class DayPointOutput(serializers.Serializer[Any]):
    day = serializers.DateField()
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()


class AgeBucketOutput(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class DistributionRowOutput(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    faults = serializers.IntegerField()


class AfrRowOutput(serializers.Serializer[Any]):
    model_id = serializers.IntegerField()
    model = serializers.CharField()
    vendor = serializers.CharField()
    faults = serializers.IntegerField()
    server_years = serializers.FloatField()
    installed = serializers.IntegerField()
    afr_percent = serializers.FloatField(allow_null=True)


class EngineerRowOutput(serializers.Serializer[Any]):
    engineer_id = serializers.IntegerField()
    engineer = serializers.CharField()
    open_assigned = serializers.IntegerField()
    resolved = serializers.IntegerField()
    work_minutes = serializers.IntegerField()
    visits = serializers.IntegerField()
    first_time_fix = RatioOutput()
    csat = MeanOutput()


class DashboardOutput(serializers.Serializer[Dashboard]):
    summary = SummaryOutput()
    volume = DayPointOutput(many=True)
    ageing = AgeBucketOutput(many=True)
    by_vendor = DistributionRowOutput(many=True)
    by_model = DistributionRowOutput(many=True)
    by_component = DistributionRowOutput(many=True)
    afr = AfrRowOutput(many=True)
    engineers = EngineerRowOutput(many=True)


class DashboardResponse(serializers.Serializer[dict[str, Any]]):
    filter = FilterOutput()
    dashboard = DashboardOutput()
