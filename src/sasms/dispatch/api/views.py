"""REST endpoints of dispatch (dispatchers only; anyone else gets 404 or 403, like the pages)."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import User
from sasms.assets.models import Vendor
from sasms.core.api.pagination import PagePagination
from sasms.core.errors import NotFound
from sasms.dispatch import selectors, services
from sasms.dispatch.access import require_dispatcher
from sasms.dispatch.api import serializers as s
from sasms.dispatch.engine.recommend import Candidate, recommend
from sasms.dispatch.filtersets import ProfileFilterSet, ProposalFilterSet, RegionFilterSet
from sasms.dispatch.models import (
    BatchProposal,
    Certification,
    DispatchSettings,
    EngineerProfile,
    OnCallEntry,
    ServiceRegion,
)
from sasms.sla.models import BusinessCalendar
from sasms.tickets.models import Ticket
from sasms.tickets.selectors import access_ticket


def _actor(request: Request) -> User:
    return require_dispatcher(request.user)


def _missing(field: str) -> NotFound:
    return NotFound(_("Not found."), fields={field: [_("Not found.")]})


def _profile_values(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values.pop("skills", None)
    values.pop("user", None)
    if "calendar" in values:
        calendar = BusinessCalendar.objects.filter(pk=values["calendar"], is_active=True).first()
        if calendar is None:
            raise _missing("calendar")
        values["calendar"] = calendar
    if "regions" in values:
        ids = set(values["regions"])
        regions = list(ServiceRegion.objects.filter(pk__in=ids))
        if len(regions) != len(ids):
            raise _missing("regions")
        values["regions"] = regions
    return values


class ProfileViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[EngineerProfile]
):
    """Engineer profiles: skills, certifications, shifts, on-call duties, home base and position."""

    serializer_class = s.DispatchProfileOutput
    filterset_class = ProfileFilterSet

    def get_queryset(self) -> QuerySet[EngineerProfile]:
        if getattr(self, "swagger_fake_view", False):
            return EngineerProfile.objects.none()
        return selectors.profiles_visible_to(actor=self.request.user).prefetch_related(
            "skills", "certifications__vendor", "on_call"
        )

    @extend_schema(request=s.DispatchProfileInput, responses={201: s.DispatchProfileOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        data = s.DispatchProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        user_id = values.get("user")
        user = User.objects.filter(pk=user_id).first() if isinstance(user_id, int) else None
        if user is None:
            raise _missing("user")
        skills = values.get("skills", [])
        profile = services.create_profile(actor=actor, user=user, **_profile_values(actor, values))
        if skills:
            services.set_skills(
                actor=actor, profile=profile, levels={(x["kind"], x["code"]): x["level"] for x in skills}
            )
        return Response(
            s.DispatchProfileOutput(self.get_queryset().get(pk=profile.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.DispatchProfileInput, responses=s.DispatchProfileOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        profile = self.get_object()
        data = s.DispatchProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        skills = values.get("skills")
        services.update_profile(actor=actor, profile=profile, **_profile_values(actor, values))
        if skills is not None:
            services.set_skills(
                actor=actor, profile=profile, levels={(x["kind"], x["code"]): x["level"] for x in skills}
            )
        return Response(s.DispatchProfileOutput(self.get_queryset().get(pk=profile.pk)).data)

    @extend_schema(request=s.DispatchCertificationInput, responses={201: s.DispatchCertificationOutput})
    @action(detail=True, methods=["post"])
    def certifications(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        profile = self.get_object()
        data = s.DispatchCertificationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        vendor_id = values.pop("vendor", None)
        vendor = None
        if vendor_id is not None:
            vendor = Vendor.objects.filter(pk=vendor_id).first()
            if vendor is None:
                raise _missing("vendor")
        certification = services.add_certification(actor=actor, profile=profile, vendor=vendor, **values)
        return Response(s.DispatchCertificationOutput(certification).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"certifications/(?P<cert_id>[0-9]+)")
    def remove_certification(self, request: Request, pk: str, cert_id: str, version: str = "v1") -> Response:
        actor = _actor(request)
        certification = Certification.objects.filter(pk=cert_id, profile=self.get_object()).first()
        if certification is None:
            raise NotFound(_("Not found."))
        services.remove_certification(actor=actor, certification=certification)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.DispatchOnCallInput, responses={201: s.DispatchOnCallOutput})
    @action(detail=True, methods=["post"], url_path="on-call")
    def on_call(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        profile = self.get_object()
        data = s.DispatchOnCallInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.add_on_call(actor=actor, profile=profile, **data.validated_data)
        return Response(s.DispatchOnCallOutput(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"on-call/(?P<entry_id>[0-9]+)")
    def remove_on_call(self, request: Request, pk: str, entry_id: str, version: str = "v1") -> Response:
        actor = _actor(request)
        entry = OnCallEntry.objects.filter(pk=entry_id, profile=self.get_object()).first()
        if entry is None:
            raise NotFound(_("Not found."))
        services.remove_on_call(actor=actor, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ServiceRegion]):
    """Named service regions: a centre and a radius."""

    serializer_class = s.DispatchRegionOutput
    filterset_class = RegionFilterSet

    def get_queryset(self) -> QuerySet[ServiceRegion]:
        if getattr(self, "swagger_fake_view", False):
            return ServiceRegion.objects.none()
        return selectors.regions_visible_to(actor=self.request.user)

    @extend_schema(request=s.DispatchRegionInput, responses={201: s.DispatchRegionOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        data = s.DispatchRegionInput(data=request.data)
        data.is_valid(raise_exception=True)
        region = services.create_region(actor=actor, **data.validated_data)
        return Response(s.DispatchRegionOutput(region).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DispatchRegionInput, responses=s.DispatchRegionOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        region = self.get_object()
        data = s.DispatchRegionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        region = services.update_region(actor=actor, region=region, **data.validated_data)
        return Response(s.DispatchRegionOutput(region).data)


class SingleObjectSchema(AutoSchema):
    """The policy is one object at the collection's address: not a list, whatever the action."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class PolicyViewSet(viewsets.GenericViewSet[Any]):
    """The dispatch policy: factor weights, travel model, certification policy, auto-dispatch."""

    schema = SingleObjectSchema()
    serializer_class = s.DispatchSettingsOutput
    pagination_class = None
    queryset = DispatchSettings.objects.none()

    @extend_schema(responses=s.DispatchSettingsOutput)
    def list(self, request: Request, version: str = "v1") -> Response:
        _actor(request)
        return Response(s.DispatchSettingsOutput(selectors.current_settings()).data)

    @extend_schema(request=s.DispatchSettingsInput, responses=s.DispatchSettingsOutput)
    @action(detail=False, methods=["patch"], url_path="change")
    def change(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        data = s.DispatchSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        settings = services.update_settings(actor=actor, **data.validated_data)
        return Response(s.DispatchSettingsOutput(settings).data)


def _candidate(candidate: Candidate) -> dict[str, Any]:
    return {
        "rank": candidate.rank,
        "engineer": candidate.user_id,
        "name": candidate.name,
        "score": candidate.score,
        "eligible": candidate.eligible,
        "exclusions": [str(r) for r in candidate.exclusions],
        "distance_km": candidate.distance_km,
        "travel_minutes": candidate.travel_minutes,
        "open_requests": candidate.open_count,
        "capacity": candidate.capacity,
        "factors": [
            {
                "key": f.key,
                "name": str(f.label),
                "weight": f.weight,
                "score": f.score,
                "reason": str(f.reason),
                "reason_code": f.reason.code,
            }
            for f in candidate.factors
        ],
    }


class RecommendationViewSet(viewsets.GenericViewSet[Ticket]):
    """Ranked engineers for one request, and assigning one of them."""

    lookup_field = "number"
    lookup_value_regex = "SR[0-9]+"
    serializer_class = s.DispatchRecommendationOutput

    def _ticket(self, request: Request, number: str) -> tuple[User, Ticket]:
        actor = _actor(request)
        return actor, access_ticket(actor=actor, number=number)

    @extend_schema(responses=s.DispatchRecommendationOutput)
    def retrieve(self, request: Request, number: str, version: str = "v1") -> Response:
        _user, ticket = self._ticket(request, number)
        result = recommend(ticket, settings=selectors.current_settings())
        payload = {
            "number": ticket.number,
            "computed_at": result.computed_at,
            "due_at": result.due_at,
            "candidates": [_candidate(c) for c in result.ranked],
            "excluded": [_candidate(c) for c in result.excluded],
        }
        return Response(s.DispatchRecommendationOutput(payload).data)

    @extend_schema(request=s.DispatchAssignInput, responses={200: None})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, number: str, version: str = "v1") -> Response:
        actor, ticket = self._ticket(request, number)
        data = s.DispatchAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        engineer = User.objects.filter(pk=data.validated_data["engineer"], is_active=True).first()
        if engineer is None:
            raise _missing("engineer")
        ticket = services.assign_recommended(
            actor=actor,
            ticket=ticket,
            engineer=engineer,
            expected_assignee_id=data.validated_data["expected_assignee"],
        )
        return Response({"number": ticket.number, "assignee": engineer.pk, "status": ticket.status})


class ProposalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[BatchProposal]
):
    """Batch proposals: compute one, read its rows, apply all or some, discard."""

    serializer_class = s.DispatchProposalOutput
    filterset_class = ProposalFilterSet

    def get_queryset(self) -> QuerySet[BatchProposal]:
        if getattr(self, "swagger_fake_view", False):
            return BatchProposal.objects.none()
        return selectors.proposals_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=s.DispatchProposalCreateInput, responses={201: s.DispatchProposalOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        data = s.DispatchProposalCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.create_proposal(actor=actor, limit=data.validated_data["limit"])
        return Response(s.DispatchProposalOutput(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.DispatchProposalRowOutput(many=True))
    # The proposal list's filters do not apply to its rows nor to finding the proposal.
    @action(detail=True, methods=["get"], filter_backends=[])
    def rows(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        rows = selectors.proposal_rows(actor=actor, proposal=self.get_object())
        paginator = PagePagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(s.DispatchProposalRowOutput(page, many=True).data)

    @extend_schema(request=s.DispatchProposalApplyInput, responses=s.DispatchApplyOutput)
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        proposal = self.get_object()
        data = s.DispatchProposalApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.apply_proposal(actor=actor, proposal=proposal, row_ids=data.validated_data["rows"])
        return Response(
            s.DispatchApplyOutput(
                {"applied": result.applied, "skipped": result.skipped, "failed": result.failed}
            ).data
        )

    @extend_schema(request=None, responses=s.DispatchProposalOutput)
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        proposal = services.discard_proposal(actor=actor, proposal=self.get_object())
        return Response(s.DispatchProposalOutput(proposal).data)
