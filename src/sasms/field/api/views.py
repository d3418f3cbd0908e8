"""REST endpoints for field visits: thin wrappers over the selectors and services."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import Contact, User
from sasms.core.api.parsers import JSONParser
from sasms.core.errors import NotFound
from sasms.field import selectors, services
from sasms.field.api import serializers as s
from sasms.field.filtersets import VisitApiFilterSet
from sasms.field.models import SyncedAction, Visit
from sasms.field.services.sync import perform_step
from sasms.tickets.selectors import access_ticket


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _missing(field: str) -> NotFound:
    return NotFound(_("Not found."), fields={field: [_("Not found.")]})


def step_response(record: SyncedAction, *, duplicate: bool) -> dict[str, Any]:
    return {
        "key": str(record.key),
        "duplicate": duplicate,
        "received_at": record.received_at.isoformat(),
        "result": record.result,
    }


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Visit]):
    """Field visits. Staff who work requests read them all; customers see none (404).

    ``POST /visits/{id}/steps/`` is what the engineer's phone synchronises its queue with: each
    step carries a client-generated ``key`` and the time it happened, and is performed once.
    """

    serializer_class = s.VisitOutput
    filterset_class = VisitApiFilterSet
    ordering_fields = ["window_start", "updated_at", "created_at"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Visit]:
        return selectors.visits_visible_to(actor=self.request.user).order_by("-window_start", "-id")

    def get_object(self) -> Visit:
        return selectors.access_visit(actor=self.request.user, visit_id=self.kwargs["pk"])

    @extend_schema(responses=s.VisitDetailOutput)
    def retrieve(self, request: Request, pk: str, version: str = "v1") -> Response:
        visit = selectors.with_work_log(selectors.visits_visible_to(actor=request.user)).filter(
            pk=self.get_object().pk
        )
        return Response(s.VisitDetailOutput(visit.get()).data)

    @extend_schema(request=s.VisitScheduleInput, responses={201: s.VisitOutput}, summary="Schedule a visit")
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        data = s.VisitScheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        try:
            ticket = access_ticket(actor=actor, number=values.pop("ticket"))
        except NotFound as exc:
            raise _missing("ticket") from exc
        engineer = selectors.engineers_for_visits().filter(pk=values.pop("engineer")).first()
        if engineer is None:
            raise _missing("engineer")
        contact_id = values.pop("contact")
        contact = None
        if contact_id is not None:
            contact = Contact.objects.filter(pk=contact_id, organisation_id=ticket.organisation_id).first()
            if contact is None:
                raise _missing("contact")
        visit = services.schedule_visit(
            actor=actor, ticket=ticket, engineer=engineer, contact=contact, **values
        )
        return Response(s.VisitOutput(self.get_object_by_id(visit.pk)).data, status=status.HTTP_201_CREATED)

    def get_object_by_id(self, visit_id: int) -> Visit:
        return selectors.access_visit(actor=self.request.user, visit_id=visit_id)

    @extend_schema(
        request={"application/json": s.VisitStepInput, "multipart/form-data": s.VisitStepInput},
        responses={200: s.VisitStepOutput, 201: s.VisitStepOutput},
        summary="Record one step of the visit (idempotent by key)",
    )
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk: str, version: str = "v1") -> Response:
        visit = self.get_object()
        data = s.VisitStepInput(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = perform_step(actor=_actor(request), visit=visit, step=data.to_step())
        return Response(
            step_response(outcome.record, duplicate=outcome.duplicate),
            status=status.HTTP_200_OK if outcome.duplicate else status.HTTP_201_CREATED,
        )
