"""REST endpoints for business calendars: read calendars, edit special days, compute due times."""

import datetime
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound
from sasms.core.filters import YesNoFilter
from sasms.sla import selectors, services, specs
from sasms.sla.api import serializers as s
from sasms.sla.filtersets import CalendarFilterSet, SpecialDayFilterSet
from sasms.sla.models import BusinessCalendar, ClockKind, ClockState, EscalationPolicy, SlaClock, SpecialDay
from sasms.tickets.selectors import tickets_visible_to


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


class CalendarViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[BusinessCalendar]
):
    """Business calendars (staff). Edit special days under ``/sla/special-days/``."""

    serializer_class = s.CalendarOutput
    filterset_class = CalendarFilterSet
    ordering_fields = ["name", "code", "updated_at"]

    def get_queryset(self) -> QuerySet[BusinessCalendar]:
        if getattr(self, "swagger_fake_view", False):
            return BusinessCalendar.objects.none()  # schema generation runs without a user
        return selectors.calendars_visible_to(actor=self.request.user).prefetch_related("intervals")

    @extend_schema(
        request=s.ComputeInput,
        responses=s.ComputeOutput,
        summary="Due time and business time in this calendar (no side effects)",
    )
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, pk: str, version: str = "v1") -> Response:
        calendar = self.get_object()
        data = s.ComputeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        start: datetime.datetime = values["start"]
        minutes: int | None = values.get("duration_minutes")
        end: datetime.datetime | None = values.get("end")
        due = (
            specs.due_at(calendar_id=calendar.pk, start=start, duration=datetime.timedelta(minutes=minutes))
            if minutes is not None
            else None
        )
        business = (
            specs.business_time(calendar_id=calendar.pk, start=start, end=end) if end is not None else None
        )
        payload = s.compute_payload(
            calendar_id=calendar.pk,
            start=start,
            duration_minutes=minutes,
            due=due,
            end=end,
            business=business,
        )
        return Response(s.ComputeOutput(payload).data)


class SpecialDayViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[SpecialDay],
):
    """Holidays, make-up workdays and outage windows; writes need the ``manage_sla`` capability."""

    serializer_class = s.SpecialDayOutput
    filterset_class = SpecialDayFilterSet
    ordering_fields = ["date"]

    def get_queryset(self) -> QuerySet[SpecialDay]:
        if getattr(self, "swagger_fake_view", False):
            return SpecialDay.objects.none()
        return selectors.special_days_visible_to(actor=self.request.user)

    @extend_schema(request=s.SpecialDayCreateInput, responses={201: s.SpecialDayOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.SpecialDayCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        try:
            calendar = selectors.access_calendar(actor=request.user, calendar_id=values.pop("calendar"))
        except NotFound as exc:
            raise NotFound(exc.message, fields={"calendar": [exc.message]}) from exc
        day = services.add_special_day(actor=_actor(request), calendar=calendar, **values)
        return Response(s.SpecialDayOutput(day).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SpecialDayUpdateInput, responses=s.SpecialDayOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        day = self.get_object()
        data = s.SpecialDayUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        day = services.update_special_day(actor=_actor(request), special_day=day, **data.validated_data)
        return Response(s.SpecialDayOutput(day).data)

    def perform_destroy(self, instance: SpecialDay) -> None:
        services.remove_special_day(actor=_actor(self.request), special_day=instance)


class ClockFilterSet(django_filters.FilterSet):
    ticket = django_filters.NumberFilter(label="Service request id", field_name="ticket_id")
    number = django_filters.CharFilter(label="SR number", field_name="ticket__number")
    kind = django_filters.ChoiceFilter(choices=ClockKind.choices)
    state = django_filters.ChoiceFilter(choices=ClockState.choices)
    breached = YesNoFilter(field_name="breached_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = SlaClock
        fields = ["ticket", "number", "kind", "state", "breached"]


class ClockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SlaClock]):
    """SLA clocks of the requests the caller may see, each with its ledger (read only: clocks move
    with the request's timeline, never by hand)."""

    serializer_class = s.ClockOutput
    filterset_class = ClockFilterSet
    ordering_fields = ["due_at", "started_at"]

    def get_queryset(self) -> QuerySet[SlaClock]:
        if getattr(self, "swagger_fake_view", False):
            return SlaClock.objects.none()
        visible = tickets_visible_to(actor=self.request.user).values("pk")
        return (
            SlaClock.objects.filter(ticket_id__in=visible)
            .select_related("ticket", "calendar")
            .prefetch_related("entries")
            .order_by("ticket_id", "kind")
        )


class EscalationPolicyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[EscalationPolicy]
):
    """Escalation policies (staff; edited on the escalation policy pages)."""

    serializer_class = s.EscalationPolicyOutput

    def get_queryset(self) -> QuerySet[EscalationPolicy]:
        if getattr(self, "swagger_fake_view", False):
            return EscalationPolicy.objects.none()
        if not _actor(self.request).can(Capability.VIEW_ALL_ORGANISATIONS):
            return EscalationPolicy.objects.none()
        return EscalationPolicy.objects.prefetch_related("steps").order_by("name")
