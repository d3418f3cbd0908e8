"""REST endpoints for accounts: thin wrappers that validate input, call a service or selector."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sasms.accounts import selectors, services
from sasms.accounts.api import serializers as s
from sasms.accounts.filtersets import OrganisationFilterSet, TeamFilterSet, TokenFilterSet, UserFilterSet
from sasms.accounts.models import ApiToken, Organisation, Team, User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound, PermissionDenied
from sasms.core.permissions import require


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


class MeView(APIView):
    @extend_schema(responses=s.MeOutput, summary="The signed-in user, with role capabilities")
    def get(self, request: Request, version: str = "v1") -> Response:
        return Response(s.MeOutput(_actor(request)).data)

    @extend_schema(request=s.ProfileInput, responses=s.MeOutput, summary="Update own profile")
    def patch(self, request: Request, version: str = "v1") -> Response:
        data = s.ProfileInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.update_profile(actor=_actor(request), **data.validated_data)
        return Response(s.MeOutput(user).data)


class OrganisationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Organisation]
):
    serializer_class = s.OrganisationOutput
    filterset_class = OrganisationFilterSet
    ordering_fields = ["name", "code", "city", "created_at"]

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisations_visible_to(actor=self.request.user).order_by("name")

    @extend_schema(request=s.OrganisationCreateInput, responses={201: s.OrganisationOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.OrganisationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.create_organisation(actor=_actor(request), **data.validated_data)
        return Response(s.OrganisationOutput(organisation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OrganisationUpdateInput, responses=s.OrganisationOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        organisation = self.get_object()
        data = s.OrganisationUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.update_organisation(
            actor=_actor(request), organisation=organisation, **data.validated_data
        )
        return Response(s.OrganisationOutput(organisation).data)

    @extend_schema(responses=s.ContactOutput(many=True), request=None)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def contacts(self, request: Request, pk: str, version: str = "v1") -> Response:
        organisation = self.get_object()
        contacts = selectors.contacts_of(actor=_actor(request), organisation=organisation)
        return Response(s.ContactOutput(contacts, many=True).data)

    @extend_schema(request=s.ContactInput, responses={201: s.ContactOutput})
    @contacts.mapping.post
    def add_contact(self, request: Request, pk: str, version: str = "v1") -> Response:
        organisation = self.get_object()
        data = s.ContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.add_contact(
            actor=_actor(request), organisation=organisation, **data.validated_data
        )
        return Response(s.ContactOutput(contact).data, status=status.HTTP_201_CREATED)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[User]):
    serializer_class = s.UserOutput
    filterset_class = UserFilterSet
    ordering_fields = ["full_name", "email", "date_joined", "last_login"]

    def get_queryset(self) -> QuerySet[User]:
        return selectors.users_visible_to(actor=self.request.user).order_by("full_name", "id")

    def _organisation(self, organisation_id: int | None) -> Organisation | None:
        if organisation_id is None:
            return None
        try:
            return selectors.access_organisation(actor=self.request.user, organisation_id=organisation_id)
        except NotFound as exc:
            raise NotFound(exc.message, fields={"organisation": [exc.message]}) from exc

    @extend_schema(request=s.UserCreateInput, responses={201: s.UserOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.UserCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        values["organisation"] = self._organisation(values["organisation"])
        user = services.create_user(actor=_actor(request), **values)
        return Response(s.UserOutput(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.UserUpdateInput, responses=s.UserOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        target = self.get_object()
        data = s.UserUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        if "organisation" in values:
            values["organisation"] = self._organisation(values["organisation"])
        user = services.update_user(actor=_actor(request), user=target, **values)
        return Response(s.UserOutput(user).data)


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Team]):
    serializer_class = s.TeamOutput
    filterset_class = TeamFilterSet
    ordering_fields = ["name"]

    def get_queryset(self) -> QuerySet[Team]:
        return (
            selectors.teams_visible_to(actor=self.request.user).prefetch_related("members").order_by("name")
        )

    @extend_schema(request=s.TeamInput, responses={201: s.TeamOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.TeamInput(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.create_team(actor=_actor(request), **data.validated_data)
        return Response(s.TeamOutput(team).data, status=status.HTTP_201_CREATED)


def _require_session(request: Request) -> None:
    """Tokens are minted from a signed-in (and, for staff, two-factor verified) session only: a
    token that could mint tokens would let a stolen one outlive its own revocation."""
    if isinstance(request.auth, ApiToken):
        raise PermissionDenied(
            _("Create tokens from a signed-in session, not with another token."), code="session_required"
        )


class TokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ApiToken]):
    serializer_class = s.TokenOutput
    filterset_class = TokenFilterSet
    ordering_fields = ["created_at", "name"]

    def get_queryset(self) -> QuerySet[ApiToken]:
        return selectors.tokens_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request=s.TokenInput, responses={201: s.TokenCreatedOutput}, summary="Issue a personal token"
    )
    def create(self, request: Request, version: str = "v1") -> Response:
        _require_session(request)
        data = s.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.issue_personal_token(actor=_actor(request), **data.validated_data)
        body = dict(s.TokenOutput(issued.token).data)
        body["secret"] = issued.secret
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.MachineTokenInput, responses={201: s.TokenCreatedOutput}, summary="Issue a machine token"
    )
    @action(detail=False, methods=["post"])
    def machine(self, request: Request, version: str = "v1") -> Response:
        _require_session(request)
        require(_actor(request), Capability.MANAGE_MACHINE_TOKENS)
        data = s.MachineTokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organisation = selectors.access_organisation(
            actor=request.user, organisation_id=values.pop("organisation")
        )
        issued = services.issue_machine_token(actor=_actor(request), organisation=organisation, **values)
        body = dict(s.TokenOutput(issued.token).data)
        body["secret"] = issued.secret
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.TokenOutput, summary="Revoke a token")
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str, version: str = "v1") -> Response:
        token = services.revoke_token(actor=_actor(request), token=self.get_object())
        return Response(s.TokenOutput(token).data)
