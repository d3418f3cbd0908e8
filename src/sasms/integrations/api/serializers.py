"""Input and output serializers of the integrations API; inputs refuse unknown fields.

Secrets and robot addresses are write-only: outputs say whether a secret is set and show the
address with its token cut.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from sasms.core.api.serializers import StrictInputSerializer
from sasms.integrations.choices import (
    ROBOT_EVENT_CHOICES,
    WEBHOOK_EVENT_CHOICES,
    ReviewDecision,
    RobotKind,
)
from sasms.integrations.models import (
    ChatRobot,
    ClassificationReview,
    ClassifierModel,
    Delivery,
    DeliveryAttempt,
    WebhookSubscription,
)
from sasms.tickets.choices import Category, ComponentArea, Priority

NUMBER_TYPES = ["mobile", "landline", "service", "international"]


# --- robots and webhooks ----------------------------------------------------------------------------


class RobotOutput(serializers.ModelSerializer[ChatRobot]):
    webhook_url = serializers.CharField(source="url_hint", read_only=True)
    has_secret = serializers.BooleanField(read_only=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=ROBOT_EVENT_CHOICES), read_only=True)

    class Meta:
        model = ChatRobot
        fields = ["id", "name", "kind", "webhook_url", "has_secret", "events", "organisation", "is_active",
                  "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields


class RobotCreateInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=RobotKind.choices)
    webhook_url = serializers.CharField(max_length=1000, write_only=True)
    secret = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=ROBOT_EVENT_CHOICES), allow_empty=False
    )
    organisation = serializers.IntegerField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False, default=True)


class RobotUpdateInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    kind = serializers.ChoiceField(choices=RobotKind.choices, required=False)
    webhook_url = serializers.CharField(max_length=1000, required=False, write_only=True)
    secret = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=ROBOT_EVENT_CHOICES), allow_empty=False, required=False
    )
    organisation = serializers.IntegerField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class WebhookOutput(serializers.ModelSerializer[WebhookSubscription]):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WEBHOOK_EVENT_CHOICES), read_only=True
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "events", "organisation", "is_active", "created_at", "updated_at"]
        read_only_fields = fields


class WebhookCreatedOutput(WebhookOutput):
    """The created subscription with its secret, shown this once."""

    secret = serializers.SerializerMethodField()

    class Meta(WebhookOutput.Meta):
        fields = [*WebhookOutput.Meta.fields, "secret"]
        read_only_fields = fields

    def get_secret(self, obj: WebhookSubscription) -> str:
        return str(self.context.get("secret", ""))


class WebhookCreateInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    url = serializers.CharField(max_length=1000)
    secret = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WEBHOOK_EVENT_CHOICES), allow_empty=False
    )
    organisation = serializers.IntegerField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False, default=True)


class WebhookUpdateInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    url = serializers.CharField(max_length=1000, required=False)
    secret = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    rotate_secret = serializers.BooleanField(required=False, default=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WEBHOOK_EVENT_CHOICES), allow_empty=False, required=False
    )
    organisation = serializers.IntegerField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class AttemptOutput(serializers.ModelSerializer[DeliveryAttempt]):
    class Meta:
        model = DeliveryAttempt
        fields = [
            "number",
            "started_at",
            "duration_ms",
            "url",
            "status_code",
            "ok",
            "error",
            "response_excerpt",
        ]
        read_only_fields = fields


class DeliveryOutput(serializers.ModelSerializer[Delivery]):
    event_type = serializers.CharField(read_only=True, help_text="An event type, or “test”.")

    class Meta:
        model = Delivery
        fields = ["id", "created_at", "target_kind", "robot", "subscription", "target_label", "event_type",
                  "event_id", "ticket_number", "idempotency_key", "status", "attempts", "last_status_code",
                  "last_error", "last_attempt_at", "delivered_at", "replay_of"]  # fmt: skip
        read_only_fields = fields


class DeliveryDetailOutput(DeliveryOutput):
    attempt_log = AttemptOutput(many=True, read_only=True)
    payload = serializers.JSONField(read_only=True)

    class Meta(DeliveryOutput.Meta):
        fields = [*DeliveryOutput.Meta.fields, "payload", "attempt_log"]
        read_only_fields = fields


# --- classifier ------------------------------------------------------------------------------------


class ClassifierModelOutput(serializers.ModelSerializer[ClassifierModel]):
    class Meta:
        model = ClassifierModel
        fields = ["id", "version", "status", "is_active", "trigger", "created_at", "trained_at",
                  "duration_seconds", "sample_count", "train_count", "test_count", "category_accuracy",
                  "category_macro_f1", "component_accuracy", "component_macro_f1", "priority_accuracy",
                  "priority_macro_f1", "report", "message"]  # fmt: skip
        read_only_fields = fields


class ClassifyInput(StrictInputSerializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["title"].strip() and not attrs.get("description", "").strip():
            raise serializers.ValidationError({"title": [_("Give a title or a description.")]})
        return attrs


class AlternativeOutput(serializers.Serializer[Any]):
    value = serializers.CharField()
    confidence = serializers.FloatField()


class TargetPredictionOutput(serializers.Serializer[Any]):
    value = serializers.CharField()
    confidence = serializers.FloatField()
    confident = serializers.BooleanField()
    alternatives = AlternativeOutput(many=True)


class PredictionOutput(serializers.Serializer[Any]):
    model_version = serializers.IntegerField()
    threshold = serializers.FloatField()
    category = TargetPredictionOutput()
    component = TargetPredictionOutput()
    priority = TargetPredictionOutput()


class ReviewOutput(serializers.ModelSerializer[ClassificationReview]):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    model_version = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ClassificationReview
        fields = ["id", "ticket_number", "organisation", "model_version", "created_at", "category",
                  "category_confidence", "component", "component_confidence", "priority",
                  "priority_confidence", "applied_fields", "status", "reviewed_by", "reviewed_at",
                  "final"]  # fmt: skip
        read_only_fields = fields


class ReviewInput(StrictInputSerializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True, default="")
    component = serializers.ChoiceField(
        choices=ComponentArea.choices, required=False, allow_blank=True, default=""
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_blank=True, default="")


# --- caller ID -------------------------------------------------------------------------------------


class CallerIdInput(StrictInputSerializer):
    number = serializers.CharField(max_length=60, help_text="The calling number as the exchange sends it.")
    area_code = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        default="",
        help_text="Completes a local number, e.g. 010.",
    )


class OpenRequestOutput(serializers.Serializer[Any]):
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    url = serializers.CharField()


class CallerOrganisationOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CallerContactOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class CallerMatchOutput(serializers.Serializer[Any]):
    contact = CallerContactOutput(allow_null=True)
    organisation = CallerOrganisationOutput()
    open_requests = OpenRequestOutput(many=True)
    open_request_count = serializers.IntegerField()


class CallerIdOutput(serializers.Serializer[Any]):
    number = serializers.CharField(help_text="E.164, e.g. +8613800138000.")
    display = serializers.CharField()
    number_type = serializers.ChoiceField(choices=NUMBER_TYPES)
    display_name = serializers.CharField()
    matches = CallerMatchOutput(many=True)
