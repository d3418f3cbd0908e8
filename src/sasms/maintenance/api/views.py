"""REST endpoints for preventive maintenance: validate input, call a service or selector."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.accounts.selectors import access_organisation
from sasms.assets.models import Site
from sasms.contracts.selectors import access_contract
from sasms.core.api.parsers import JSONParser
from sasms.core.errors import NotFound, ServiceError
from sasms.core.permissions import require
from sasms.core.tenancy import scope_to_actor
from sasms.maintenance import selectors, services
from sasms.maintenance.api import serializers as s
from sasms.maintenance.attainment import AttainmentRow, pm_attainment
from sasms.maintenance.filtersets import (
    BlackoutFilterSet,
    DateRequestFilterSet,
    PlanFilterSet,
    PmVisitFilterSet,
)
from sasms.maintenance.models import BlackoutWindow, DateRequest, PmPlan, PmVisit
from sasms.maintenance.report import send_pm_report


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _named(field: str) -> NotFound:
    return NotFound(_("Not found."), fields={field: [_("Not found.")]})


def _engineer(value: Any) -> User | None:
    if value is None:
        return None
    engineer = User.objects.filter(pk=value, is_active=True).first()
    if engineer is None:
        raise _named("engineer")
    return engineer


class BlackoutViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[BlackoutWindow],
):
    """Customers' blackout windows: days without PM visits. Customers keep their own."""

    serializer_class = s.BlackoutOutput
    filterset_class = BlackoutFilterSet
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[BlackoutWindow]:
        return selectors.blackouts_visible_to(actor=self.request.user).order_by("-start_date", "-id")

    def get_object(self) -> BlackoutWindow:
        return selectors.access_blackout(actor=self.request.user, blackout_id=self.kwargs["pk"])

    @extend_schema(request=s.BlackoutInput, responses={201: s.BlackoutOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.BlackoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        actor = _actor(request)
        try:
            organisation = access_organisation(actor=actor, organisation_id=values.pop("organisation"))
        except NotFound as exc:
            raise _named("organisation") from exc
        site_id = values.pop("site", None)
        site = None
        if site_id is not None:
            site = scope_to_actor(Site.objects.all(), actor=actor).filter(pk=site_id).first()
            if site is None:
                raise _named("site")
        blackout = services.create_blackout(actor=actor, organisation=organisation, site=site, **values)
        return Response(s.BlackoutOutput(blackout).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: BlackoutWindow) -> None:
        services.delete_blackout(actor=_actor(self.request), blackout=instance)


class PmPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[PmPlan]):
    """PM plans (staff): ``POST`` proposes one for a contract year; ``confirm`` schedules its visits."""

    serializer_class = s.PlanOutput
    filterset_class = PlanFilterSet
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[PmPlan]:
        return selectors.plans_visible_to(actor=self.request.user).order_by("-year_start", "-id")

    def get_object(self) -> PmPlan:
        return selectors.access_plan(actor=self.request.user, plan_id=self.kwargs["pk"])

    @extend_schema(request=s.ProposeInput, responses={201: s.PlanOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.ProposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        actor = _actor(request)
        require(actor, Capability.DISPATCH)
        try:
            contract = access_contract(actor=actor, contract_id=values.pop("contract"))
        except NotFound as exc:
            raise _named("contract") from exc
        plan = services.propose_plan(
            actor=actor, contract=contract, **{k: v for k, v in values.items() if v is not None}
        )
        return Response(s.PlanOutput(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ConfirmInput, responses=s.PlanOutput, summary="Confirm the plan and schedule its visits"
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str, version: str = "v1") -> Response:
        plan = self.get_object()
        data = s.ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        engineer = _engineer(data.validated_data.get("engineer"))
        plan = services.confirm_plan(actor=_actor(request), plan=plan, engineer=engineer)
        return Response(s.PlanOutput(plan).data)

    @extend_schema(request=None, responses=s.PlanOutput, summary="Cancel a proposed plan")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str, version: str = "v1") -> Response:
        plan = services.cancel_plan(actor=_actor(request), plan=self.get_object())
        return Response(s.PlanOutput(plan).data)


class PmVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[PmVisit]):
    """PM visits: staff see all, customers their own confirmed ones. Staff edit a proposed plan's
    visits; the engineer posts checklist answers; customers ask for another date."""

    serializer_class = s.PmVisitOutput
    filterset_class = PmVisitFilterSet
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[PmVisit]:
        return (
            selectors.pm_visits_visible_to(actor=self.request.user)
            .prefetch_related("servers")
            .order_by("planned_date", "id")
        )

    def get_object(self) -> PmVisit:
        return selectors.access_pm_visit(actor=self.request.user, pm_visit_id=self.kwargs["pk"])

    @extend_schema(request=s.PmVisitUpdateInput, responses=s.PmVisitOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        pm_visit = self.get_object()
        data = s.PmVisitUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        clear = "engineer" in values and values["engineer"] is None
        pm_visit = services.update_pm_visit(
            actor=_actor(request),
            pm_visit=pm_visit,
            planned_date=values.get("planned_date"),
            engineer=_engineer(values.get("engineer")),
            clear_engineer=clear,
        )
        return Response(s.PmVisitOutput(self.get_queryset().get(pk=pm_visit.pk)).data)

    @extend_schema(
        request=s.AnswerInput,
        responses={200: s.AnswerOutput, 201: s.AnswerOutput},
        summary="Record a checklist answer",
    )
    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk: str, version: str = "v1") -> Response:
        pm_visit = self.get_object()
        data = s.AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        answer, duplicate = services.record_answer(
            actor=_actor(request),
            pm_visit=pm_visit,
            server_id=values["server"],
            item_id=values["item"],
            result=values["result"],
            value=values.get("value", ""),
            note=values.get("note", ""),
            key=values.get("key"),
            occurred_at=values.get("occurred_at"),
        )
        return Response(
            s.AnswerOutput(answer).data, status=status.HTTP_200_OK if duplicate else status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=s.PmVisitOutput, summary="E-mail the PM report to the customer")
    @action(detail=True, methods=["post"], url_path="send-report")
    def send_report(self, request: Request, pk: str, version: str = "v1") -> Response:
        pm_visit = send_pm_report(actor=_actor(request), pm_visit=self.get_object())
        return Response(s.PmVisitOutput(self.get_queryset().get(pk=pm_visit.pk)).data)

    @extend_schema(
        request=s.DateRequestInput, responses={201: s.DateRequestOutput}, summary="Ask for another date"
    )
    @action(detail=True, methods=["post"], url_path="other-date")
    def other_date(self, request: Request, pk: str, version: str = "v1") -> Response:
        pm_visit = self.get_object()
        data = s.DateRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.request_other_date(actor=_actor(request), pm_visit=pm_visit, **data.validated_data)
        return Response(s.DateRequestOutput(created).data, status=status.HTTP_201_CREATED)


class DateRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[DateRequest]
):
    """Customers' requests for another PM date; a dispatcher decides."""

    serializer_class = s.DateRequestOutput
    filterset_class = DateRequestFilterSet
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[DateRequest]:
        return selectors.date_requests_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    def get_object(self) -> DateRequest:
        return selectors.access_date_request(actor=self.request.user, date_request_id=self.kwargs["pk"])

    @extend_schema(request=s.DecideInput, responses=s.DateRequestOutput, summary="Accept or decline")
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str, version: str = "v1") -> Response:
        date_request = self.get_object()
        data = s.DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.decide_date_request(
            actor=_actor(request), date_request=date_request, **data.validated_data
        )
        return Response(s.DateRequestOutput(decided).data)


def _row(row: AttainmentRow) -> dict[str, Any]:
    return {
        "key": str(row.key),
        "name": row.label,
        "planned": row.planned,
        "done": row.done,
        "on_time": row.on_time,
        "rate": row.rate,
    }


class AttainmentView(APIView):
    """PM attainment (planned vs done on time) for the visits due in a period; scoped to the caller.

    A plain view, not a viewset's ``list``: the answer is one summary object, and the schema says so.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default 1 January)"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (default 31 December)"),
        ],
        responses=s.AttainmentOutput,
    )
    def get(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        require(actor, Capability.VIEW_REPORTS)
        today = timezone.localdate()
        bounds: dict[str, datetime.date] = {}
        for name, default in (
            ("start", datetime.date(today.year, 1, 1)),
            ("end", datetime.date(today.year, 12, 31)),
        ):
            raw = request.query_params.get(name, "")
            try:
                bounds[name] = datetime.date.fromisoformat(raw) if raw else default
            except ValueError as exc:
                raise ServiceError(
                    _("Invalid date."), fields={name: [_("Enter a date as YYYY-MM-DD.")]}
                ) from exc
        result = pm_attainment(actor=actor, start=bounds["start"], end=bounds["end"])
        return Response(
            {
                "total": _row(result.total),
                "by_contract": [_row(r) for r in result.by_contract],
                "by_customer": [_row(r) for r in result.by_customer],
                "by_month": [_row(r) for r in result.by_month],
            }
        )
