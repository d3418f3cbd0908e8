"""REST endpoints of intake: settings (administrators), alerts, e-mails and triage (service desk)."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound
from sasms.intake import selectors
from sasms.intake.api import serializers as s
from sasms.intake.filtersets import (
    AlertFilterSet,
    AlertSourceFilterSet,
    BmcEndpointFilterSet,
    MailboxFilterSet,
    MessageFilterSet,
    TriageFilterSet,
)
from sasms.intake.models import Alert, AlertSource, BmcEndpoint, Mailbox, ProcessedMessage, TriageItem
from sasms.intake.services import config
from sasms.intake.services import triage as triage_services
from sasms.intake.services.bmc import poll_endpoint
from sasms.intake.services.common import CONFIGURE, WORK
from sasms.tickets.models import Ticket


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


class _Needs(permissions.BasePermission):
    capability: Capability

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.can(self.capability))


class CanConfigure(_Needs):
    capability = CONFIGURE


class CanWork(_Needs):
    capability = WORK


class _Fake:
    def _fake(self) -> bool:
        return getattr(self, "swagger_fake_view", False)


class MailboxViewSet(
    _Fake,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Mailbox],
):
    """IMAP mailboxes read for requests (administrators). The password is write-only."""

    serializer_class = s.MailboxOutput
    filterset_class = MailboxFilterSet
    permission_classes = [permissions.IsAuthenticated, CanConfigure]
    ordering_fields = ["name", "last_polled_at"]

    def get_queryset(self) -> QuerySet[Mailbox]:
        if self._fake():
            return Mailbox.objects.none()
        return selectors.mailboxes_visible_to(actor=self.request.user)

    @extend_schema(request=s.MailboxInput, responses={201: s.MailboxOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.MailboxInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        mailbox = config.create_mailbox(actor=_actor(request), **values)
        return Response(s.MailboxOutput(mailbox).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MailboxUpdateInput, responses=s.MailboxOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        mailbox = self.get_object()
        data = s.MailboxUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        mailbox = config.update_mailbox(actor=_actor(request), mailbox=mailbox, **data.validated_data)
        return Response(s.MailboxOutput(mailbox).data)


class AlertSourceViewSet(
    _Fake,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[AlertSource],
):
    """Monitoring systems that may post alerts; the token is returned once, on creation or rotation."""

    serializer_class = s.AlertSourceOutput
    filterset_class = AlertSourceFilterSet
    permission_classes = [permissions.IsAuthenticated, CanConfigure]
    ordering_fields = ["name", "last_received_at"]

    def get_queryset(self) -> QuerySet[AlertSource]:
        if self._fake():
            return AlertSource.objects.none()
        return selectors.alert_sources_visible_to(actor=self.request.user)

    def _issued(self, request: Request, issued: config.IssuedSource, code: int) -> Response:
        payload = dict(s.AlertSourceOutput(issued.source).data)
        payload["token"] = issued.token
        payload["webhook"] = request.build_absolute_uri(
            reverse("intake:alert_webhook", args=[issued.source.pk])
        )
        return Response(payload, status=code)

    @extend_schema(request=s.AlertSourceInput, responses={201: s.AlertSourceCreatedOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.AlertSourceInput(data=request.data)
        data.is_valid(raise_exception=True)
        issued = config.create_alert_source(actor=_actor(request), **data.validated_data)
        return self._issued(request, issued, status.HTTP_201_CREATED)

    @extend_schema(request=s.AlertSourceUpdateInput, responses=s.AlertSourceOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        source = self.get_object()
        data = s.AlertSourceUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        source = config.update_alert_source(actor=_actor(request), source=source, **data.validated_data)
        return Response(s.AlertSourceOutput(source).data)

    @extend_schema(request=None, responses=s.AlertSourceCreatedOutput, summary="Issue a new token")
    @action(detail=True, methods=["post"], url_path="rotate-token")
    def rotate_token(self, request: Request, pk: str, version: str = "v1") -> Response:
        issued = config.rotate_alert_source_token(actor=_actor(request), source=self.get_object())
        return self._issued(request, issued, status.HTTP_200_OK)


class BmcEndpointViewSet(
    _Fake,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[BmcEndpoint],
):
    """Redfish BMCs polled for faults and inventory (administrators). The password is write-only."""

    serializer_class = s.BmcEndpointOutput
    filterset_class = BmcEndpointFilterSet
    permission_classes = [permissions.IsAuthenticated, CanConfigure]
    ordering_fields = ["address", "last_polled_at"]

    def get_queryset(self) -> QuerySet[BmcEndpoint]:
        if self._fake():
            return BmcEndpoint.objects.none()
        return selectors.bmc_endpoints_visible_to(actor=self.request.user)

    @extend_schema(request=s.BmcEndpointInput, responses={201: s.BmcEndpointOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.BmcEndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        if values.get("log_since", "unset") is None and "log_since" not in request.data:
            values.pop("log_since")
        endpoint = config.create_bmc_endpoint(actor=_actor(request), **values)
        return Response(s.BmcEndpointOutput(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BmcEndpointUpdateInput, responses=s.BmcEndpointOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        endpoint = self.get_object()
        data = s.BmcEndpointUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = config.update_bmc_endpoint(actor=_actor(request), endpoint=endpoint, **data.validated_data)
        return Response(s.BmcEndpointOutput(endpoint).data)

    @extend_schema(request=None, responses=s.PollOutput, summary="Poll the BMC now")
    @action(detail=True, methods=["post"])
    def poll(self, request: Request, pk: str, version: str = "v1") -> Response:
        outcome = poll_endpoint(self.get_object())
        return Response(
            {
                "status": outcome.status if not outcome.busy else "busy",
                "error": outcome.error,
                "new_faults": outcome.new_faults,
                "recovered": outcome.recovered,
                "requests_opened": outcome.requests_opened,
                "requests_updated": outcome.requests_updated,
                "inventory": outcome.inventory,
            }
        )

    @extend_schema(request=None, responses=s.PushTokenOutput, summary="Issue an EventService push token")
    @action(detail=True, methods=["post"], url_path="push-token")
    def push_token(self, request: Request, pk: str, version: str = "v1") -> Response:
        issued = config.issue_bmc_push_token(actor=_actor(request), endpoint=self.get_object())
        url = request.build_absolute_uri(reverse("intake:bmc_events", args=[issued.endpoint.pk]))
        return Response({"token": issued.token, "url": url})


class AlertViewSet(_Fake, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Alert]):
    """Alerts received from monitoring, one row per occurrence (service desk)."""

    serializer_class = s.AlertOutput
    filterset_class = AlertFilterSet
    permission_classes = [permissions.IsAuthenticated, CanWork]
    ordering_fields = ["last_received_at", "starts_at"]

    def get_queryset(self) -> QuerySet[Alert]:
        if self._fake():
            return Alert.objects.none()
        return selectors.alerts_visible_to(actor=self.request.user)


class MessageViewSet(
    _Fake, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ProcessedMessage]
):
    """Inbound e-mails and what became of each (service desk)."""

    serializer_class = s.MessageOutput
    filterset_class = MessageFilterSet
    permission_classes = [permissions.IsAuthenticated, CanWork]
    ordering_fields = ["processed_at"]

    def get_queryset(self) -> QuerySet[ProcessedMessage]:
        if self._fake():
            return ProcessedMessage.objects.none()
        return selectors.messages_visible_to(actor=self.request.user)


class TriageViewSet(
    _Fake, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[TriageItem]
):
    """What intake could not place; decide each item with one of the three actions."""

    serializer_class = s.TriageOutput
    filterset_class = TriageFilterSet
    permission_classes = [permissions.IsAuthenticated, CanWork]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[TriageItem]:
        if self._fake():
            return TriageItem.objects.none()
        return selectors.triage_visible_to(actor=self.request.user)

    @extend_schema(request=s.TriageCreateInput, responses={201: s.TriageOutput}, summary="Open a request")
    @action(detail=True, methods=["post"], url_path="create-request")
    def create_request(self, request: Request, pk: str, version: str = "v1") -> Response:
        item = self.get_object()
        data = s.TriageCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        triage_services.create_request_from_triage(actor=_actor(request), item=item, **data.validated_data)
        item.refresh_from_db()
        return Response(s.TriageOutput(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TriageAttachInput, responses=s.TriageOutput, summary="Attach to a request")
    @action(detail=True, methods=["post"])
    def attach(self, request: Request, pk: str, version: str = "v1") -> Response:
        item = self.get_object()
        data = s.TriageAttachInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = Ticket.objects.filter(number=data.validated_data["number"].strip().upper()).first()
        if ticket is None:
            message = "There is no request with this number."
            raise NotFound(message, fields={"number": [message]})
        triage_services.attach_triage_to_request(
            actor=_actor(request), item=item, ticket=ticket, note=data.validated_data["note"]
        )
        item.refresh_from_db()
        return Response(s.TriageOutput(item).data)

    @extend_schema(request=s.TriageDiscardInput, responses=s.TriageOutput, summary="Discard")
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str, version: str = "v1") -> Response:
        item = self.get_object()
        data = s.TriageDiscardInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = triage_services.discard_triage(
            actor=_actor(request), item=item, note=data.validated_data["note"]
        )
        return Response(s.TriageOutput(item).data)
