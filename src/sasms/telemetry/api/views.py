"""REST endpoints: prediction thresholds (read by staff, edited with the asset capability) and the
proactive requests the rules opened (tenant-scoped)."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.roles import Capability
from sasms.core.permissions import require
from sasms.telemetry import selectors, services
from sasms.telemetry.api import serializers as s
from sasms.telemetry.filtersets import ProactiveFilterSet, ThresholdFilterSet
from sasms.telemetry.models import ProactiveRequest, Threshold


class ThresholdViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Threshold],
):
    """Per part kind and model thresholds of the prediction rules (absent: the built-in default)."""

    serializer_class = s.ThresholdOutput
    filterset_class = ThresholdFilterSet
    ordering_fields = ["rule", "kind", "part_model"]

    def get_queryset(self) -> QuerySet[Threshold]:
        if getattr(self, "swagger_fake_view", False):
            return Threshold.objects.none()
        require(self.request.user, Capability.WORK_TICKETS)
        return selectors.thresholds_visible_to(actor=self.request.user)

    @extend_schema(request=s.ThresholdInput, responses={201: s.ThresholdOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.ThresholdInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.save_threshold(actor=request.user, **data.validated_data)
        return Response(s.ThresholdOutput(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ThresholdInput, responses=s.ThresholdOutput)
    def update(self, request: Request, pk: str, version: str = "v1") -> Response:
        threshold = self.get_object()
        data = s.ThresholdInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.save_threshold(actor=request.user, threshold=threshold, **data.validated_data)
        return Response(s.ThresholdOutput(row).data)

    def perform_destroy(self, instance: Threshold) -> None:
        services.delete_threshold(actor=self.request.user, threshold=instance)


class ProactiveRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ProactiveRequest]
):
    """Requests the prediction rules opened, with their evidence (customers: their own servers)."""

    serializer_class = s.ProactiveOutput
    filterset_class = ProactiveFilterSet
    ordering_fields = ["opened_at"]

    def get_queryset(self) -> QuerySet[ProactiveRequest]:
        if getattr(self, "swagger_fake_view", False):
            return ProactiveRequest.objects.none()
        return selectors.proactive_requests_visible_to(actor=self.request.user).order_by("-opened_at", "-pk")
