"""Input and output shapes of the portal API: surveys, their answers and deflections."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sasms.core.api.serializers import StrictInputSerializer
from sasms.feedback.models import SCORE_MAX, SCORE_MIN, Deflection, Survey, SurveyResponse


class SurveyAnswerOutput(serializers.ModelSerializer[SurveyResponse]):
    class Meta:
        model = SurveyResponse
        fields = [
            "response_speed",
            "expertise",
            "resolution",
            "attitude",
            "average",
            "comment",
            "channel",
            "respondent",
            "created_at",
        ]
        read_only_fields = fields


class SurveyOutput(serializers.ModelSerializer[Survey]):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    ticket_title = serializers.CharField(source="ticket.title", read_only=True)
    answered = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "ticket_title",
            "organisation",
            "engineer",
            "invited_at",
            "resolved_at",
            "rounds",
            "answered",
            "answered_at",
            "answer",
        ]
        read_only_fields = fields

    def get_answered(self, obj: Survey) -> bool:
        return obj.answered_at is not None

    @extend_schema_field(SurveyAnswerOutput(allow_null=True))
    def get_answer(self, obj: Survey) -> dict[str, Any] | None:
        response = getattr(obj, "response", None) if obj.answered_at else None
        return SurveyAnswerOutput(response).data if response is not None else None


def _score() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=SCORE_MIN, max_value=SCORE_MAX, help_text="1 (poor) to 5 (excellent)."
    )


class SurveyAnswerInput(StrictInputSerializer):
    response_speed = _score()
    expertise = _score()
    resolution = _score()
    attitude = _score()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4_000, default="")


class DeflectionOutput(serializers.ModelSerializer[Deflection]):
    class Meta:
        model = Deflection
        fields = ["id", "organisation", "user", "article_id", "article_title", "query", "created_at"]
        read_only_fields = fields


class DeflectionInput(StrictInputSerializer):
    article = serializers.IntegerField(
        min_value=1, help_text="The knowledge article that solved the problem."
    )
    query = serializers.CharField(required=False, allow_blank=True, max_length=2_000, default="")


class DeflectionRateOutput(serializers.Serializer[Any]):
    deflections = serializers.IntegerField()
    portal_requests = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
