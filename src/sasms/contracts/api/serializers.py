"""Input and output serializers for contracts; inputs refuse unknown fields, outputs are read-only."""

from typing import Any

from rest_framework import serializers

from sasms.contracts.entitlement import RULES
from sasms.contracts.models import (
    Contract,
    ContractDocument,
    ContractStatus,
    CoverageHours,
    PartsQuality,
    PenaltyKind,
    Priority,
    ServiceProduct,
    ServiceTarget,
)
from sasms.contracts.services import MAX_TARGET_MINUTES
from sasms.core.api.serializers import StrictInputSerializer


def code_field(choices: list[str], what: str) -> serializers.CharField:
    """A read-only code documented by its values, not a shared OpenAPI enum component.

    Enum components are named after the field ("status", "priority", "source"), which other apps
    use with other choice sets; a plain string keeps the schema free of naming collisions.
    """
    return serializers.CharField(read_only=True, help_text=f"{what}: {', '.join(choices)}")


class TargetOutput(serializers.ModelSerializer[ServiceTarget]):
    priority = code_field(Priority.values, "Priority")

    class Meta:
        model = ServiceTarget
        fields = [
            "priority",
            "response_minutes",
            "dispatch_minutes",
            "update_minutes",
            "onsite_minutes",
            "resolution_minutes",
        ]
        read_only_fields = fields


class ProductOutput(serializers.ModelSerializer[ServiceProduct]):
    targets = TargetOutput(many=True, read_only=True)
    coverage_hours = code_field(CoverageHours.values, "Coverage hours")
    parts_quality = code_field(PartsQuality.values, "Parts quality")
    penalty_kind = code_field(PenaltyKind.values, "Penalty kind")

    class Meta:
        model = ServiceProduct
        fields = [
            "id",
            "code",
            "name",
            "description",
            "tier",
            "coverage_hours",
            "time_and_materials",
            "parts_quality",
            "pm_visits_per_year",
            "loaner_included",
            "penalty_kind",
            "penalty_value",
            "pause_when_waiting_customer",
            "is_active",
            "targets",
        ]
        read_only_fields = fields


class TargetInput(StrictInputSerializer):
    response_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_TARGET_MINUTES, required=False, allow_null=True
    )
    dispatch_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_TARGET_MINUTES, required=False, allow_null=True
    )
    update_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_TARGET_MINUTES, required=False, allow_null=True
    )
    onsite_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_TARGET_MINUTES, required=False, allow_null=True
    )
    resolution_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_TARGET_MINUTES, required=False, allow_null=True
    )


class TargetsInput(StrictInputSerializer):
    P1 = TargetInput(required=False)
    P2 = TargetInput(required=False)
    P3 = TargetInput(required=False)
    P4 = TargetInput(required=False)


class ProductCreateInput(StrictInputSerializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True)
    tier = serializers.IntegerField(min_value=0, max_value=100, required=False)
    coverage_hours = serializers.ChoiceField(choices=CoverageHours.choices, required=False)
    time_and_materials = serializers.BooleanField(required=False)
    parts_quality = serializers.ChoiceField(choices=PartsQuality.choices, required=False)
    pm_visits_per_year = serializers.IntegerField(min_value=0, max_value=365, required=False)
    loaner_included = serializers.BooleanField(required=False)
    penalty_kind = serializers.ChoiceField(choices=PenaltyKind.choices, required=False)
    penalty_value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    pause_when_waiting_customer = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)
    targets = TargetsInput(required=False)


class ProductUpdateInput(ProductCreateInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class ContractOutput(serializers.ModelSerializer[Contract]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    product_code = serializers.CharField(source="product.code", read_only=True)
    server_count = serializers.IntegerField(read_only=True, default=0)
    status = code_field(ContractStatus.values, "Status")

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "organisation",
            "organisation_name",
            "product",
            "product_code",
            "start_date",
            "end_date",
            "status",
            "status_reason",
            "covers_eosl",
            "monthly_fee",
            "notes",
            "server_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ContractCreateInput(StrictInputSerializer):
    number = serializers.CharField(max_length=40)
    organisation = serializers.IntegerField()
    product = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    covers_eosl = serializers.BooleanField(required=False)
    monthly_fee = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class ContractUpdateInput(ContractCreateInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class TransitionInput(StrictInputSerializer):
    status = serializers.ChoiceField(choices=ContractStatus.choices)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ServersInput(StrictInputSerializer):
    servers = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=1000)


class CoveredServerOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    serial = serializers.CharField(read_only=True)
    hostname = serializers.CharField(read_only=True)


class DocumentInput(serializers.Serializer[Any]):
    file = serializers.FileField()
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class DocumentOutput(serializers.ModelSerializer[ContractDocument]):
    class Meta:
        model = ContractDocument
        fields = ["id", "original_name", "content_type", "size", "description", "uploaded_at"]
        read_only_fields = fields


class EntitlementOutput(serializers.Serializer[Any]):
    server = serializers.IntegerField(read_only=True)
    covered = serializers.BooleanField(read_only=True)
    source = code_field(["contract", "warranty", "none"], "Source")  # type: ignore[assignment]
    contract = serializers.IntegerField(read_only=True, allow_null=True)
    contract_number = serializers.CharField(read_only=True, allow_null=True)
    product = ProductOutput(read_only=True, allow_null=True)
    coverage_ends = serializers.DateField(read_only=True, allow_null=True)
    reason = code_field(
        [
            "contract",
            "warranty",
            "warranty_ended",
            "contract_expired",
            "not_on_contract",
            "eosl",
            "decommissioned",
        ],
        "Reason",
    )
    rule = code_field(list(RULES), "The precedence rule that decided")
    reason_text = serializers.CharField(read_only=True)
