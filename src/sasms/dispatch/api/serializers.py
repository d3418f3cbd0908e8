"""Input and output shapes of the dispatch API."""

from typing import Any

from rest_framework import serializers

from sasms.core.api.serializers import StrictInputSerializer
from sasms.dispatch.choices import CertificationPolicy, Language, SkillKind
from sasms.dispatch.engine.reasons import render_json
from sasms.dispatch.models import (
    BatchProposal,
    Certification,
    DispatchSettings,
    EngineerProfile,
    EngineerSkill,
    OnCallEntry,
    ProposalRow,
    ServiceRegion,
)
from sasms.tickets.choices import Priority


class DispatchRegionOutput(serializers.ModelSerializer[ServiceRegion]):
    class Meta:
        model = ServiceRegion
        fields = ["id", "name", "code", "latitude", "longitude", "radius_km"]
        read_only_fields = fields


class DispatchRegionInput(StrictInputSerializer):
    name = serializers.CharField(max_length=80)
    code = serializers.SlugField(max_length=40)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    radius_km = serializers.IntegerField(min_value=1, max_value=5000)


class DispatchSkillOutput(serializers.ModelSerializer[EngineerSkill]):
    class Meta:
        model = EngineerSkill
        fields = ["kind", "code", "level"]
        read_only_fields = fields


class DispatchCertificationOutput(serializers.ModelSerializer[Certification]):
    vendor_name = serializers.SerializerMethodField()

    class Meta:
        model = Certification
        fields = ["id", "name", "vendor", "vendor_name", "issuer", "number", "issued_on", "valid_until"]
        read_only_fields = fields

    def get_vendor_name(self, obj: Certification) -> str:
        return obj.vendor.name if obj.vendor is not None else obj.issuer


class DispatchOnCallOutput(serializers.ModelSerializer[OnCallEntry]):
    class Meta:
        model = OnCallEntry
        fields = ["id", "starts_on", "ends_on", "note"]
        read_only_fields = fields


class DispatchProfileOutput(serializers.ModelSerializer[EngineerProfile]):
    name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    open_requests = serializers.IntegerField(source="open_count", read_only=True)
    regions = serializers.SerializerMethodField()
    skills = DispatchSkillOutput(many=True, read_only=True)
    certifications = DispatchCertificationOutput(many=True, read_only=True)
    on_call = DispatchOnCallOutput(many=True, read_only=True)

    class Meta:
        model = EngineerProfile
        fields = [
            "id",
            "user",
            "name",
            "email",
            "is_dispatchable",
            "calendar",
            "max_concurrent",
            "open_requests",
            "home_label",
            "home_latitude",
            "home_longitude",
            "regions",
            "languages",
            "position_latitude",
            "position_longitude",
            "position_at",
            "skills",
            "certifications",
            "on_call",
            "notes",
            "updated_at",
        ]
        read_only_fields = fields

    def get_regions(self, obj: EngineerProfile) -> list[int]:
        return [region.pk for region in obj.regions.all()]


class DispatchSkillInput(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=SkillKind.choices)
    code = serializers.CharField(max_length=20)
    level = serializers.IntegerField(min_value=0, max_value=5)


class DispatchProfileInput(StrictInputSerializer):
    user = serializers.IntegerField(required=False)
    is_dispatchable = serializers.BooleanField(required=False)
    calendar = serializers.IntegerField(required=False)
    max_concurrent = serializers.IntegerField(min_value=1, max_value=100, required=False)
    home_label = serializers.CharField(max_length=120, required=False, allow_blank=True)
    home_latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    home_longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    regions = serializers.ListField(child=serializers.IntegerField(), required=False)
    languages = serializers.ListField(child=serializers.ChoiceField(choices=Language.choices), required=False)
    skills = DispatchSkillInput(many=True, required=False)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DispatchCertificationInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    vendor = serializers.IntegerField(required=False, allow_null=True)
    issuer = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField()


class DispatchOnCallInput(StrictInputSerializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DispatchSettingsOutput(serializers.ModelSerializer[DispatchSettings]):
    class Meta:
        model = DispatchSettings
        exclude = ["key", "updated_by"]
        read_only_fields = [
            "weight_skill",
            "weight_certification",
            "weight_travel",
            "weight_load",
            "weight_availability",
            "weight_ftfr",
            "external_weights",
            "road_factor",
            "average_speed_kmh",
            "travel_half_minutes",
            "position_max_age_hours",
            "ftfr_window_days",
            "horizon_hours",
            "max_travel_km",
            "max_travel_minutes",
            "certification_policy",
            "auto_dispatch_priorities",
            "version",
            "updated_at",
        ]


class DispatchSettingsInput(StrictInputSerializer):
    weight_skill = serializers.FloatField(required=False)
    weight_certification = serializers.FloatField(required=False)
    weight_travel = serializers.FloatField(required=False)
    weight_load = serializers.FloatField(required=False)
    weight_availability = serializers.FloatField(required=False)
    weight_ftfr = serializers.FloatField(required=False)
    external_weights = serializers.DictField(child=serializers.FloatField(), required=False)
    road_factor = serializers.FloatField(required=False)
    average_speed_kmh = serializers.FloatField(required=False)
    travel_half_minutes = serializers.IntegerField(required=False)
    position_max_age_hours = serializers.IntegerField(required=False)
    ftfr_window_days = serializers.IntegerField(required=False)
    horizon_hours = serializers.IntegerField(required=False)
    max_travel_km = serializers.IntegerField(required=False)
    max_travel_minutes = serializers.IntegerField(required=False)
    certification_policy = serializers.ChoiceField(choices=CertificationPolicy.choices, required=False)
    auto_dispatch_priorities = serializers.ListField(
        child=serializers.ChoiceField(choices=Priority.choices), required=False
    )


class DispatchFactorOutput(serializers.Serializer[Any]):
    key = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.FloatField()
    score = serializers.FloatField(allow_null=True)
    reason = serializers.CharField()
    reason_code = serializers.CharField()


class DispatchCandidateOutput(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    engineer = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.IntegerField()
    eligible = serializers.BooleanField()
    exclusions = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True)
    travel_minutes = serializers.FloatField(allow_null=True)
    open_requests = serializers.IntegerField()
    capacity = serializers.IntegerField()
    factors = DispatchFactorOutput(many=True)


class DispatchRecommendationOutput(serializers.Serializer[Any]):
    number = serializers.CharField()
    computed_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    candidates = DispatchCandidateOutput(many=True)
    excluded = DispatchCandidateOutput(many=True)


class DispatchAssignInput(StrictInputSerializer):
    engineer = serializers.IntegerField()
    expected_assignee = serializers.IntegerField(required=False, allow_null=True, default=None)


class DispatchProposalRowOutput(serializers.ModelSerializer[ProposalRow]):
    number = serializers.CharField(source="ticket.number", read_only=True)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = ProposalRow
        fields = [
            "id",
            "number",
            "engineer",
            "score",
            "urgency",
            "due_at",
            "travel_minutes",
            "distance_km",
            "outcome",
            "applied_at",
            "explanation",
        ]
        read_only_fields = fields

    def get_explanation(self, obj: ProposalRow) -> list[str]:
        texts = [f"{f['key']}: {render_json(f.get('reason') or {})}" for f in obj.factors]
        texts += [render_json(r) for r in obj.reasons]
        if obj.outcome_note:
            texts.append(render_json(obj.outcome_note))
        return texts


class DispatchProposalOutput(serializers.ModelSerializer[BatchProposal]):
    class Meta:
        model = BatchProposal
        fields = ["id", "created_at", "created_by", "status", "summary"]
        read_only_fields = fields


class DispatchProposalCreateInput(StrictInputSerializer):
    limit = serializers.IntegerField(min_value=1, max_value=2000, default=500)


class DispatchProposalApplyInput(StrictInputSerializer):
    rows = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True, default=None
    )


class DispatchApplyOutput(serializers.Serializer[Any]):
    applied = serializers.IntegerField()
    skipped = serializers.IntegerField()
    failed = serializers.IntegerField()
