"""Portal endpoints: surveys (customers answer here too) and deflections.

Customers open requests, reply, upload, confirm and reopen through the tickets API
(``/api/v1/tickets/``), which already scopes them to their organisation.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import PermissionDenied
from sasms.core.permissions import require
from sasms.feedback import selectors as feedback_selectors
from sasms.feedback import services as feedback_services
from sasms.feedback.models import AnswerChannel, Deflection, Survey
from sasms.portal.api import serializers as s
from sasms.portal.filtersets import DeflectionFilterSet


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Survey]):
    """Satisfaction surveys. Customers see their organisation's and answer them; staff read all."""

    serializer_class = s.SurveyOutput
    ordering_fields = ["invited_at", "answered_at"]

    def get_queryset(self) -> QuerySet[Survey]:
        queryset = feedback_selectors.surveys_visible_to(actor=self.request.user).order_by(
            "-invited_at", "-id"
        )
        answered = self.request.query_params.get("answered")
        if answered in ("true", "false"):
            queryset = queryset.filter(answered_at__isnull=answered == "false")
        return queryset

    def get_object(self) -> Survey:
        return feedback_selectors.access_survey(actor=self.request.user, survey_id=self.kwargs["pk"])

    @extend_schema(
        parameters=[
            OpenApiParameter("answered", OpenApiTypes.BOOL, description="Only answered / unanswered.")
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.SurveyAnswerInput, responses={201: s.SurveyOutput}, summary="Answer the survey")
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        survey = self.get_object()
        if not actor.can(Capability.VIEW_PORTAL):
            raise PermissionDenied(_("Only the customer can answer the survey."))
        data = s.SurveyAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        comment = values.pop("comment", "")
        feedback_services.answer_survey(
            actor=actor, survey=survey, scores=values, comment=comment, channel=AnswerChannel.API
        )
        return Response(s.SurveyOutput(self.get_object()).data, status=status.HTTP_201_CREATED)


class DeflectionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Deflection]):
    """ "This article solved my problem": customers record one; report readers list and count them."""

    serializer_class = s.DeflectionOutput
    filterset_class = DeflectionFilterSet

    def get_queryset(self) -> QuerySet[Deflection]:
        return feedback_selectors.deflections_visible_to(actor=self.request.user)

    @extend_schema(request=s.DeflectionInput, responses={201: s.DeflectionOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.DeflectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        deflection = feedback_services.record_deflection(
            actor=_actor(request),
            article_id=data.validated_data["article"],
            query=data.validated_data["query"],
        )
        return Response(s.DeflectionOutput(deflection).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=s.DeflectionRateOutput,
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATE),
            OpenApiParameter("until", OpenApiTypes.DATE),
            OpenApiParameter("organisation", OpenApiTypes.INT),
        ],
        summary="Deflections against requests opened in the portal",
    )
    @action(detail=False, methods=["get"])
    def rate(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        require(actor, Capability.VIEW_REPORTS)
        params = _RateParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        result = feedback_selectors.deflection_rate(actor=actor, **params.validated_data)
        return Response(
            {
                "deflections": result.deflections,
                "portal_requests": result.portal_requests,
                "rate": result.rate,
            }
        )


class _RateParams(serializers.Serializer[Any]):
    since = serializers.DateField(required=False, default=None)
    until = serializers.DateField(required=False, default=None)
    organisation = serializers.IntegerField(
        required=False, default=None, source="organisation_id", min_value=1, max_value=2**63 - 1
    )
