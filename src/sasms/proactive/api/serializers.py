"""Input and output serializers of the proactive API; inputs refuse unknown fields."""

from typing import Any

from rest_framework import serializers

from sasms.core.api.serializers import StrictInputSerializer
from sasms.proactive import health
from sasms.proactive.models import (
    Campaign,
    CampaignItem,
    FirmwareAdvisory,
    FirmwareType,
    Grade,
    HealthCheck,
    ItemStatus,
    ServerHealth,
    Severity,
)


def code_field(choices: list[str], what: str) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=f"{what}: {', '.join(choices)}")


class AdvisoryOutput(serializers.ModelSerializer[FirmwareAdvisory]):
    vendor = serializers.CharField(source="vendor.name", read_only=True)
    models = serializers.SerializerMethodField()
    component_type = code_field(FirmwareType.values, "Firmware type")
    severity = code_field(Severity.values, "Severity")
    cve_ids = serializers.ListField(source="cve_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = FirmwareAdvisory
        fields = [
            "id",
            "reference",
            "title",
            "vendor",
            "models",
            "component_type",
            "component_name",
            "affected_versions",
            "fixed_version",
            "severity",
            "cve_ids",
            "bulletin_url",
            "published_on",
            "notes",
        ]

    def get_models(self, obj: FirmwareAdvisory) -> list[str]:
        return [m.name for m in obj.server_models.all()]


class AdvisoryInput(StrictInputSerializer):
    reference = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=200)
    vendor = serializers.CharField(max_length=80, help_text="Vendor name or code")
    models = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=200
    )
    component_type = serializers.ChoiceField(choices=FirmwareType.values)
    component_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    affected_versions = serializers.CharField(max_length=300, required=False, allow_blank=True)
    fixed_version = serializers.CharField(max_length=60)
    severity = serializers.ChoiceField(choices=Severity.values, required=False)
    cve_ids = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=100
    )
    bulletin_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class CampaignOpenInput(StrictInputSerializer):
    advisory = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    window_start = serializers.DateTimeField(required=False, allow_null=True)
    window_end = serializers.DateTimeField(required=False, allow_null=True)


class CampaignOutput(serializers.ModelSerializer[Campaign]):
    advisory = serializers.CharField(source="advisory.reference", read_only=True)
    status = code_field(["open", "closed"], "Status")
    items = serializers.IntegerField(source="item_count", read_only=True)
    done = serializers.IntegerField(source="done_count", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "advisory",
            "status",
            "window_start",
            "window_end",
            "created_at",
            "closed_at",
            "items",
            "done",
        ]


class ItemOutput(serializers.ModelSerializer[CampaignItem]):
    server = serializers.CharField(source="server.serial", read_only=True)
    customer = serializers.CharField(source="organisation.name", read_only=True)
    site = serializers.CharField(source="site.name", read_only=True, default="")
    status = code_field(ItemStatus.values, "Status")
    ticket = serializers.CharField(source="ticket.number", read_only=True, default=None)

    class Meta:
        model = CampaignItem
        fields = [
            "id",
            "campaign",
            "server",
            "customer",
            "site",
            "status",
            "priority",
            "method",
            "found",
            "ticket",
            "note",
            "closed_at",
        ]


class OutcomeInput(StrictInputSerializer):
    status = serializers.ChoiceField(
        choices=[ItemStatus.REFUSED, ItemStatus.UNREACHABLE, ItemStatus.EXCEPTION]
    )
    reason = serializers.CharField(max_length=500)


class HealthCheckOutput(serializers.ModelSerializer[HealthCheck]):
    customer = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = HealthCheck
        fields = [
            "id",
            "customer",
            "organisation",
            "created_at",
            "servers",
            "green",
            "amber",
            "red",
            "scheduled",
        ]


class HealthRunInput(StrictInputSerializer):
    organisation = serializers.IntegerField(min_value=1)


class ResultOutput(serializers.ModelSerializer[ServerHealth]):
    server = serializers.CharField(source="server.serial", read_only=True)
    grade = code_field(Grade.values, "Grade")
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = ServerHealth
        fields = ["id", "server", "grade", "reasons"]

    def get_reasons(self, obj: ServerHealth) -> list[dict[str, Any]]:
        return [{**r, "text": health.describe(r)} for r in obj.reasons]
