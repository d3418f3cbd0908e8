"""Input and output serializers for preventive maintenance; inputs refuse unknown fields.

Codes are plain strings documented by their values (no shared OpenAPI enum components)."""

from typing import Any

from rest_framework import serializers

from sasms.core.api.serializers import StrictInputSerializer
from sasms.maintenance.choices import DateRequestStatus, PlanStatus, PmVisitStatus, Result
from sasms.maintenance.models import BlackoutWindow, ChecklistAnswer, DateRequest, PmPlan, PmVisit


def code_field(choices: list[str], what: str) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=f"{what}: {', '.join(choices)}")


class BlackoutOutput(serializers.ModelSerializer[BlackoutWindow]):
    class Meta:
        model = BlackoutWindow
        fields = ["id", "organisation", "site", "start_date", "end_date", "reason", "created_at"]
        read_only_fields = fields


class BlackoutInput(StrictInputSerializer):
    organisation = serializers.IntegerField(min_value=1)
    site = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PlanOutput(serializers.ModelSerializer[PmPlan]):
    status = code_field(PlanStatus.values, "Plan status")
    contract_number = serializers.CharField(source="contract.number", read_only=True)

    class Meta:
        model = PmPlan
        fields = [
            "id",
            "contract",
            "contract_number",
            "organisation",
            "year_start",
            "year_end",
            "status",
            "visits_per_year",
            "capacity_minutes",
            "calendar_code",
            "warnings",
            "created_at",
            "confirmed_at",
        ]
        read_only_fields = fields


class ProposeInput(StrictInputSerializer):
    contract = serializers.IntegerField(min_value=1)
    year_start = serializers.DateField(required=False, allow_null=True)
    capacity_minutes = serializers.IntegerField(min_value=60, max_value=720, required=False)


class ConfirmInput(StrictInputSerializer):
    engineer = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class PmVisitOutput(serializers.ModelSerializer[PmVisit]):
    status = code_field(PmVisitStatus.values, "PM visit status")
    servers: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, default=None)

    class Meta:
        model = PmVisit
        fields = [
            "id",
            "plan",
            "organisation",
            "site",
            "round",
            "planned_date",
            "due_date",
            "window_start",
            "window_end",
            "minutes",
            "engineer",
            "servers",
            "status",
            "ticket_number",
            "field_visit",
            "report_sent_at",
        ]
        read_only_fields = fields


class PmVisitUpdateInput(StrictInputSerializer):
    planned_date = serializers.DateField(required=False)
    engineer = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class AnswerInput(StrictInputSerializer):
    key = serializers.UUIDField(required=False)
    occurred_at = serializers.DateTimeField(required=False)
    server = serializers.IntegerField(min_value=1)
    item = serializers.IntegerField(min_value=1)
    result = serializers.CharField(max_length=10, help_text=f"Result: {', '.join(Result.values)}")
    value = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AnswerOutput(serializers.ModelSerializer[ChecklistAnswer]):
    result = code_field(Result.values, "Result")
    finding_ticket_number = serializers.CharField(
        source="finding_ticket.number", read_only=True, default=None
    )

    class Meta:
        model = ChecklistAnswer
        fields = [
            "id",
            "key",
            "server",
            "item",
            "component",
            "result",
            "value",
            "note",
            "occurred_at",
            "finding_ticket_number",
        ]
        read_only_fields = fields


class DateRequestInput(StrictInputSerializer):
    requested_date = serializers.DateField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DateRequestOutput(serializers.ModelSerializer[DateRequest]):
    status = code_field(DateRequestStatus.values, "Date request status")

    class Meta:
        model = DateRequest
        fields = [
            "id",
            "pm_visit",
            "organisation",
            "requested_date",
            "reason",
            "status",
            "created_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class DecideInput(StrictInputSerializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AttainmentRowOutput(serializers.Serializer[object]):
    key = serializers.CharField()
    name = serializers.CharField()
    planned = serializers.IntegerField()
    done = serializers.IntegerField()
    on_time = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class AttainmentOutput(serializers.Serializer[object]):
    total = AttainmentRowOutput()
    by_contract = AttainmentRowOutput(many=True)
    by_customer = AttainmentRowOutput(many=True)
    by_month = AttainmentRowOutput(many=True)
