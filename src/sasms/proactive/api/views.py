"""REST endpoints for advisories, campaigns and health checks: validate, call a service or selector."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import User
from sasms.accounts.selectors import access_organisation
from sasms.core.errors import NotFound
from sasms.proactive import selectors
from sasms.proactive.api import serializers as s
from sasms.proactive.filtersets import AdvisoryFilterSet, CampaignFilterSet
from sasms.proactive.models import Campaign, CampaignItem, FirmwareAdvisory, HealthCheck
from sasms.proactive.services import advisories, campaigns, health


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


class AdvisoryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[FirmwareAdvisory]
):
    """Firmware advisories (staff): read, and create with the same checks as the page and the import."""

    serializer_class = s.AdvisoryOutput
    filterset_class = AdvisoryFilterSet

    def get_queryset(self) -> QuerySet[FirmwareAdvisory]:
        return selectors.advisories_visible_to(actor=self.request.user).order_by("-id")

    @extend_schema(request=s.AdvisoryInput, responses={201: s.AdvisoryOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.AdvisoryInput(data=request.data)
        data.is_valid(raise_exception=True)
        advisory = advisories.save_advisory(actor=_actor(request), values=dict(data.validated_data))
        return Response(s.AdvisoryOutput(advisory).data, status=status.HTTP_201_CREATED)


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Campaign]):
    """Firmware campaigns (staff): open one from an advisory, read progress and items."""

    serializer_class = s.CampaignOutput
    filterset_class = CampaignFilterSet

    def get_queryset(self) -> QuerySet[Campaign]:
        return selectors.campaigns_visible_to(actor=self.request.user).order_by("-id")

    @extend_schema(request=s.CampaignOpenInput, responses={201: s.CampaignOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.CampaignOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        try:
            advisory = selectors.access_advisory(actor=request.user, advisory_id=values.pop("advisory"))
        except NotFound as exc:
            raise NotFound(exc.message, fields={"advisory": [exc.message]}) from exc
        campaign = campaigns.open_campaign(actor=_actor(request), advisory=advisory, **values)
        return Response(
            s.CampaignOutput(self.get_queryset().get(pk=campaign.pk)).data, status=status.HTTP_201_CREATED
        )

    # The campaign list's filters are not the items' (and must not hide the campaign from get_object).
    @extend_schema(responses=s.ItemOutput(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def items(self, request: Request, pk: str, version: str = "v1") -> Response:
        campaign = self.get_object()
        queryset = (
            selectors.items_visible_to(actor=request.user)
            .filter(campaign=campaign)
            .order_by("priority", "id")
        )
        paginator = self.paginator
        assert paginator is not None
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(s.ItemOutput(page, many=True).data)


class CampaignItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[CampaignItem]
):
    """Campaign items: customers read their own servers' items; staff record outcomes."""

    serializer_class = s.ItemOutput

    def get_queryset(self) -> QuerySet[CampaignItem]:
        return selectors.items_visible_to(actor=self.request.user).order_by("priority", "id")

    @extend_schema(request=s.OutcomeInput, responses=s.ItemOutput)
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str, version: str = "v1") -> Response:
        item = self.get_object()
        data = s.OutcomeInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = campaigns.record_outcome(actor=_actor(request), item=item, **data.validated_data)
        return Response(s.ItemOutput(self.get_queryset().get(pk=item.pk)).data)


class HealthCheckViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[HealthCheck]
):
    """Health checks: customers read their own; staff make one for a customer."""

    serializer_class = s.HealthCheckOutput

    def get_queryset(self) -> QuerySet[HealthCheck]:
        return selectors.health_checks_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=s.HealthRunInput, responses={201: s.HealthCheckOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.HealthRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            organisation = access_organisation(
                actor=request.user, organisation_id=data.validated_data["organisation"]
            )
        except NotFound as exc:
            raise NotFound(exc.message, fields={"organisation": [exc.message]}) from exc
        check = health.run_health_check(actor=_actor(request), organisation=organisation)
        return Response(s.HealthCheckOutput(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.ResultOutput(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def results(self, request: Request, pk: str, version: str = "v1") -> Response:
        check = self.get_object()
        paginator = self.paginator
        assert paginator is not None
        page = paginator.paginate_queryset(
            selectors.results_of(check=check).order_by("grade", "id"), request, view=self
        )
        return paginator.get_paginated_response(s.ResultOutput(page, many=True).data)
