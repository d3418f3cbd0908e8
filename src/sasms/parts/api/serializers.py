"""Input and output serializers of the parts API. Inputs name parts by part number, depots by code
and requests by SR number; they refuse unknown fields. Outputs give choice values as plain text
(the choice sets are documented once, on the inputs)."""

from typing import Any

from rest_framework import serializers

from sasms.core.api.serializers import StrictInputSerializer
from sasms.parts.choices import Condition, DepotKind, PartKind, RmaStatus, ServiceTier, UsableCondition
from sasms.parts.models import (
    DefectiveReturn,
    Depot,
    Forecast,
    Movement,
    Part,
    Problem,
    Reservation,
    RmaCase,
    StockBalance,
    StockPolicy,
    Transfer,
)

PART = serializers.CharField  # a part number
DEPOT = serializers.SlugField  # a depot code


class PartOutput(serializers.ModelSerializer[Part]):
    kind = serializers.CharField(read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    compatible_models: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    substitutes = serializers.SerializerMethodField()
    on_hand = serializers.IntegerField(read_only=True, default=None)
    available = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Part
        fields = [
            "id",
            "part_number",
            "description",
            "kind",
            "vendor",
            "vendor_name",
            "compatible_models",
            "unit_cost",
            "serialised",
            "lead_time_days",
            "return_days",
            "is_active",
            "substitutes",
            "on_hand",
            "available",
        ]
        read_only_fields = fields

    def get_substitutes(self, part: Part) -> list[str]:
        return [row.substitute.part_number for row in part.substitutes.all()]


class PartInput(StrictInputSerializer):
    part_number = serializers.CharField(max_length=64)
    description = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PartKind.choices)
    vendor = serializers.IntegerField()
    compatible_models = serializers.ListField(child=serializers.IntegerField(), required=False)
    unit_cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    serialised = serializers.BooleanField(required=False)
    lead_time_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    return_days = serializers.IntegerField(min_value=1, max_value=365, required=False)
    is_active = serializers.BooleanField(required=False)


class SubstituteInput(StrictInputSerializer):
    substitute = PART(max_length=64)
    both_ways = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AvailabilityOutput(serializers.Serializer[Any]):
    depot = serializers.CharField()
    depot_name = serializers.CharField()
    condition = serializers.CharField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()


class DepotOutput(serializers.ModelSerializer[Depot]):
    kind = serializers.CharField(read_only=True)
    service_tier = serializers.CharField(read_only=True)

    class Meta:
        model = Depot
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "service_tier",
            "city",
            "address",
            "latitude",
            "longitude",
            "email",
            "is_active",
        ]
        read_only_fields = fields


class DepotInput(StrictInputSerializer):
    code = serializers.SlugField(max_length=30)
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=DepotKind.choices, required=False)
    service_tier = serializers.ChoiceField(choices=ServiceTier.choices, required=False)
    city = serializers.CharField(max_length=80)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class BalanceOutput(serializers.ModelSerializer[StockBalance]):
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    depot_code = serializers.CharField(source="depot.code", read_only=True)
    condition = serializers.CharField(read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockBalance
        fields = [
            "id",
            "part",
            "part_number",
            "depot",
            "depot_code",
            "condition",
            "on_hand",
            "reserved",
            "available",
            "updated_at",
        ]
        read_only_fields = fields


class MovementOutput(serializers.ModelSerializer[Movement]):
    kind = serializers.CharField(read_only=True)
    condition = serializers.CharField(read_only=True)
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    depot_code = serializers.CharField(source="depot.code", read_only=True)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, default=None)
    other_depot_code = serializers.CharField(source="other_depot.code", read_only=True, default=None)

    class Meta:
        model = Movement
        fields = [
            "id",
            "created_at",
            "occurred_at",
            "kind",
            "part",
            "part_number",
            "depot",
            "depot_code",
            "condition",
            "quantity",
            "on_hand_delta",
            "reserved_delta",
            "serial",
            "unit_cost",
            "reason",
            "ticket",
            "ticket_number",
            "reservation",
            "transfer",
            "rma",
            "other_depot",
            "other_depot_code",
            "actor_label",
        ]
        read_only_fields = fields


class ReceiveInput(StrictInputSerializer):
    part = PART(max_length=64)
    depot = DEPOT(max_length=30)
    quantity = serializers.IntegerField()
    condition = serializers.ChoiceField(
        choices=UsableCondition.choices, required=False, default=Condition.NEW
    )
    serials = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list)
    unit_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    reference = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReturnGoodInput(StrictInputSerializer):
    part = PART(max_length=64)
    depot = DEPOT(max_length=30)
    quantity = serializers.IntegerField()
    condition = serializers.ChoiceField(
        choices=UsableCondition.choices, required=False, default=Condition.NEW
    )
    serials = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list)
    ticket = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AdjustInput(StrictInputSerializer):
    part = PART(max_length=64)
    depot = DEPOT(max_length=30)
    condition = serializers.ChoiceField(choices=Condition.choices)
    change = serializers.IntegerField()
    reason = serializers.CharField(max_length=300)


class ScrapInput(StrictInputSerializer):
    part = PART(max_length=64)
    depot = DEPOT(max_length=30)
    condition = serializers.ChoiceField(
        choices=Condition.choices, required=False, default=Condition.DEFECTIVE
    )
    quantity = serializers.IntegerField(required=False, default=1)
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=300)


class ReservationOutput(serializers.ModelSerializer[Reservation]):
    status = serializers.CharField(read_only=True)
    condition = serializers.CharField(read_only=True)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    depot_code = serializers.CharField(source="depot.code", read_only=True)

    class Meta:
        model = Reservation
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "part",
            "part_number",
            "depot",
            "depot_code",
            "condition",
            "quantity",
            "consumed_quantity",
            "status",
            "parts_first",
            "eta",
            "needed_by",
            "delivered_at",
            "created_at",
            "closed_at",
            "note",
            "quality_override_reason",
        ]
        read_only_fields = fields


class ReservationInput(StrictInputSerializer):
    ticket = serializers.CharField(max_length=20, help_text="SR number")
    part = PART(max_length=64)
    depot = DEPOT(max_length=30, required=False, help_text="Depot code; left out, the planner chooses")
    quantity = serializers.IntegerField(required=False, default=1)
    condition = serializers.ChoiceField(
        choices=UsableCondition.choices, required=False, allow_null=True, default=None
    )
    parts_first = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Why a refurbished part must do although the request's contract promises new parts "
            "(parts clerks and service managers only; audited). Without it such a reservation is "
            "refused with 409 new_parts_required."
        ),
    )


class DeliverInput(StrictInputSerializer):
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReasonInput(StrictInputSerializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RequiredReasonInput(StrictInputSerializer):
    reason = serializers.CharField(max_length=300)


class TransferOutput(serializers.ModelSerializer[Transfer]):
    status = serializers.CharField(read_only=True)
    condition = serializers.CharField(read_only=True)
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    from_depot_code = serializers.CharField(source="from_depot.code", read_only=True)
    to_depot_code = serializers.CharField(source="to_depot.code", read_only=True)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, default=None)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "part",
            "part_number",
            "from_depot",
            "from_depot_code",
            "to_depot",
            "to_depot_code",
            "condition",
            "quantity",
            "status",
            "ticket",
            "ticket_number",
            "reason",
            "carrier",
            "tracking_number",
            "created_at",
            "shipped_at",
            "received_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class TransferInput(StrictInputSerializer):
    part = PART(max_length=64)
    from_depot = DEPOT(max_length=30)
    to_depot = DEPOT(max_length=30)
    quantity = serializers.IntegerField()
    condition = serializers.ChoiceField(
        choices=UsableCondition.choices, required=False, default=Condition.NEW
    )
    ticket = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ShipInput(StrictInputSerializer):
    carrier = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class ReturnOutput(serializers.ModelSerializer[DefectiveReturn]):
    status = serializers.CharField(read_only=True)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    depot_code = serializers.CharField(source="depot.code", read_only=True)

    class Meta:
        model = DefectiveReturn
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "part",
            "part_number",
            "depot",
            "depot_code",
            "server",
            "component",
            "removed_serial",
            "quantity",
            "status",
            "visit_id",
            "due_date",
            "created_at",
            "received_at",
            "note",
        ]
        read_only_fields = fields


class ReceiveReturnInput(StrictInputSerializer):
    depot = DEPOT(max_length=30, required=False)
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class RmaOutput(serializers.ModelSerializer[RmaCase]):
    status = serializers.CharField(read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    depot_code = serializers.CharField(source="depot.code", read_only=True)

    class Meta:
        model = RmaCase
        fields = [
            "id",
            "number",
            "vendor",
            "vendor_name",
            "part",
            "part_number",
            "depot",
            "depot_code",
            "quantity",
            "serial",
            "replacement_serial",
            "status",
            "vendor_reference",
            "carrier",
            "tracking_number",
            "defective_return",
            "notes",
            "created_at",
            "shipped_at",
            "vendor_received_at",
            "resolved_at",
            "back_in_stock_at",
            "closed_at",
        ]
        read_only_fields = fields


class RmaInput(StrictInputSerializer):
    part = PART(max_length=64)
    depot = DEPOT(max_length=30)
    quantity = serializers.IntegerField(required=False, default=1)
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    defective_return = serializers.IntegerField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class RmaAdvanceInput(StrictInputSerializer):
    status = serializers.ChoiceField(choices=RmaStatus.choices)
    carrier = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    vendor_reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    replacement_serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    depot = DEPOT(max_length=30, required=False)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ProblemOutput(serializers.ModelSerializer[Problem]):
    kind = serializers.CharField(read_only=True)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, default=None)

    class Meta:
        model = Problem
        fields = [
            "id",
            "kind",
            "ticket",
            "ticket_number",
            "part_number",
            "details",
            "created_at",
            "resolved_at",
            "resolution",
        ]
        read_only_fields = fields


class ResolveInput(StrictInputSerializer):
    resolution = serializers.CharField(max_length=300)


class PolicyOutput(serializers.ModelSerializer[StockPolicy]):
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    depot_code = serializers.CharField(source="depot.code", read_only=True)
    available = serializers.IntegerField(read_only=True, default=None)
    inbound = serializers.IntegerField(read_only=True, default=None)
    suggested = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = StockPolicy
        fields = [
            "id",
            "part",
            "part_number",
            "depot",
            "depot_code",
            "min_quantity",
            "max_quantity",
            "available",
            "inbound",
            "suggested",
            "alert_open",
            "updated_at",
        ]
        read_only_fields = fields


class PolicyInput(StrictInputSerializer):
    part = PART(max_length=64)
    depot = DEPOT(max_length=30)
    min_quantity = serializers.IntegerField(min_value=0)
    max_quantity = serializers.IntegerField(min_value=0)


class ForecastOutput(serializers.ModelSerializer[Forecast]):
    method = serializers.CharField(read_only=True)
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    depot_code = serializers.CharField(source="depot.code", read_only=True)
    history = serializers.ListField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = Forecast
        fields = [
            "id",
            "part",
            "part_number",
            "depot",
            "depot_code",
            "method",
            "per_month",
            "history",
            "installed_base",
            "backtest_mae",
            "backtest_mase",
            "computed_at",
        ]
        read_only_fields = fields
