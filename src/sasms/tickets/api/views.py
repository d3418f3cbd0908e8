"""REST endpoints for service requests: thin wrappers over the selectors and services."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import Contact, Team, User
from sasms.accounts.roles import Capability
from sasms.accounts.selectors import access_organisation
from sasms.assets.selectors import servers_visible_to
from sasms.core.api.pagination import PagePagination
from sasms.core.errors import NotFound, PermissionDenied, ServiceError
from sasms.tickets import selectors, services
from sasms.tickets.api import serializers as s
from sasms.tickets.filtersets import TicketApiFilterSet
from sasms.tickets.models import Ticket, TicketEvent
from sasms.tickets.services.server import server_for_request


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _field_not_found(field: str) -> NotFound:
    return NotFound(_("Not found."), fields={field: [_("Not found.")]})


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Ticket]):
    """Service requests. Staff see all; customer users their own organisation's, without internal notes."""

    serializer_class = s.TicketOutput
    filterset_class = TicketApiFilterSet
    lookup_field = "number"
    lookup_value_regex = "SR[0-9]+"
    ordering_fields = ["created_at", "updated_at", "priority", "status", "number"]

    def get_queryset(self) -> QuerySet[Ticket]:
        return selectors.tickets_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    def get_object(self) -> Ticket:
        return selectors.access_ticket(actor=self.request.user, number=str(self.kwargs["number"]))

    def _event_page(self, request: Request, events: QuerySet[TicketEvent]) -> Response:
        paginator = PagePagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(s.TicketEventOutput(page, many=True).data)

    @extend_schema(request=s.TicketCreateInput, responses={201: s.TicketOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        data = s.TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        try:
            organisation = access_organisation(actor=actor, organisation_id=values.pop("organisation"))
        except NotFound as exc:
            raise _field_not_found("organisation") from exc
        requester_id = values.pop("requester", None)
        requester = None
        if requester_id is not None:
            requester = Contact.objects.filter(pk=requester_id, organisation=organisation).first()
            if requester is None:
                raise _field_not_found("requester")
        server_id, identifier = values.pop("server", None), values.pop("server_identifier", "")
        server = None
        if server_id is not None:
            server = servers_visible_to(actor=actor).filter(pk=server_id, organisation=organisation).first()
            if server is None:
                raise _field_not_found("server")
        elif identifier:
            matches = selectors.find_server(actor=actor, organisation=organisation, identifier=identifier)
            if len(matches) != 1:
                raise ServiceError(
                    _("No single server matches."),
                    fields={"server_identifier": [_("No single server matches.")]},
                )
            server = matches[0]
        if actor.is_customer:
            values["channel"] = "portal" if values.get("channel") != "api" else "api"
        ticket = services.create_ticket(
            actor=actor, organisation=organisation, requester=requester, server=server, **values
        )
        return Response(s.TicketOutput(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TicketUpdateInput, responses=s.TicketOutput)
    def partial_update(self, request: Request, number: str, version: str = "v1") -> Response:
        actor = _actor(request)
        ticket = self.get_object()
        if not actor.can(Capability.WORK_TICKETS):
            raise PermissionDenied(_("You do not have permission to do this."))
        data = s.TicketUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        reason = values.pop("reason", "")
        if "server" in values or "server_identifier" in values:
            ticket = self._set_server(actor, ticket, values, reason)
        impact, urgency, tier = (
            values.pop("impact", None),
            values.pop("urgency", None),
            values.pop("tier", None),
        )
        if values:
            ticket = services.update_ticket(actor=actor, ticket=ticket, **values)
        if impact is not None or urgency is not None:
            ticket = services.change_priority(
                actor=actor, ticket=ticket, impact=impact, urgency=urgency, reason=reason
            )
        if tier is not None and int(tier) != ticket.tier:
            ticket = services.change_tier(actor=actor, ticket=ticket, tier=int(tier), reason=reason)
        return Response(s.TicketOutput(self.get_object()).data)

    def _set_server(self, actor: User, ticket: Ticket, values: dict[str, Any], reason: str) -> Ticket:
        """Set, change or clear the server first: the other changes then work to its terms."""
        server = None
        if "server_identifier" in values:
            identifier = values.pop("server_identifier")
            server = server_for_request(actor=actor, ticket=ticket, identifier=identifier)
        else:
            server_id = values.pop("server")
            if server_id is not None:
                server = servers_visible_to(actor=actor).filter(pk=server_id).first()
                if server is None:
                    message = _("No such server.")
                    raise ServiceError(message, fields={"server": [message]})
        return services.set_ticket_server(actor=actor, ticket=ticket, server=server, reason=reason)

    @extend_schema(
        request=s.TicketTransitionInput,
        responses=s.TicketOutput,
        summary="Move the request along its status flow",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, number: str, version: str = "v1") -> Response:
        ticket = self.get_object()
        data = s.TicketTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.transition_ticket(actor=_actor(request), ticket=ticket, **data.validated_data)
        return Response(s.TicketOutput(self.get_object()).data)

    @extend_schema(request=s.TicketAssignInput, responses=s.TicketOutput, summary="Set assignee and team")
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, number: str, version: str = "v1") -> Response:
        actor = _actor(request)
        ticket = self.get_object()
        if not actor.can(Capability.WORK_TICKETS):
            raise PermissionDenied(_("You do not have permission to do this."))
        data = s.TicketAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = team = None
        if data.validated_data["assignee"] is not None:
            assignee = User.objects.filter(pk=data.validated_data["assignee"], is_active=True).first()
            if assignee is None:
                raise _field_not_found("assignee")
        if data.validated_data.get("team") is not None:
            team = Team.objects.filter(pk=data.validated_data["team"]).first()
            if team is None:
                raise _field_not_found("team")
        services.assign_ticket(actor=actor, ticket=ticket, assignee=assignee, team=team)
        return Response(s.TicketOutput(self.get_object()).data)

    @extend_schema(
        request=None,
        responses=s.TicketEventOutput(many=True),
        summary="The timeline (customers: public events)",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request: Request, number: str, version: str = "v1") -> Response:
        ticket = self.get_object()
        events = selectors.timeline_for(actor=_actor(request), ticket=ticket)
        return self._event_page(request, events)

    @extend_schema(
        request=None, responses=s.TicketEventOutput(many=True), summary="Replies and (staff) internal notes"
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def comments(self, request: Request, number: str, version: str = "v1") -> Response:
        ticket = self.get_object()
        comments = selectors.comments_for(actor=_actor(request), ticket=ticket)
        return self._event_page(request, comments)

    @extend_schema(
        request=s.TicketCommentInput,
        responses={201: s.TicketEventOutput},
        summary="Reply or add an internal note",
    )
    @comments.mapping.post
    def add_comment(self, request: Request, number: str, version: str = "v1") -> Response:
        ticket = self.get_object()
        data = s.TicketCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.add_comment(actor=_actor(request), ticket=ticket, **data.validated_data)
        return Response(s.TicketEventOutput(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses=s.TicketAttachmentOutput(many=True), summary="Files (customers: not internal)"
    )
    @action(
        detail=True,
        methods=["get"],
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def attachments(self, request: Request, number: str, version: str = "v1") -> Response:
        ticket = self.get_object()
        files = selectors.attachments_for(actor=_actor(request), ticket=ticket).select_related("ticket")
        return Response(s.TicketAttachmentOutput(files, many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.TicketAttachmentInput},
        responses={201: s.TicketAttachmentOutput},
        summary="Upload a file",
    )
    @attachments.mapping.post
    def add_attachment(self, request: Request, number: str, version: str = "v1") -> Response:
        ticket = self.get_object()
        data = s.TicketAttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        attachment = services.add_attachment(
            actor=_actor(request),
            ticket=ticket,
            name=upload.name or "",
            content=upload,
            internal=data.validated_data["internal"],
        )
        return Response(s.TicketAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)
