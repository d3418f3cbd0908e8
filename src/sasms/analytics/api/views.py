"""``/api/v1/analytics/summary/`` and ``/dashboard/``: the dashboard figures as JSON.

The filter parameters are the dashboards' own and are validated by the same form, so a bad value
answers 400 naming the parameter. A customer's figures are always their own organisation's.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.analytics import kpis
from sasms.analytics.api import serializers as s
from sasms.analytics.forms import PERIOD_CHOICES, DashboardFilterForm
from sasms.analytics.views.common import is_customer, sees_all_figures
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.tickets.choices import Category, Priority


def _id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, required=False, description=description)


FILTER_PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        required=False,
        enum=[value for value, _label in PERIOD_CHOICES],
        description="Preset period (default: last 30 days); 'custom' needs start and end",
    ),
    OpenApiParameter("start", OpenApiTypes.DATE, required=False, description="First day (custom period)"),
    OpenApiParameter("end", OpenApiTypes.DATE, required=False, description="Last day (custom period)"),
    _id("organisation", "Customer organisation id (staff only; customers always get their own)"),
    _id("team", "Team id (staff only)"),
    _id("vendor", "Vendor id"),
    _id("model", "Server model id"),
    OpenApiParameter("priority", OpenApiTypes.STR, required=False, enum=list(Priority.values)),
    OpenApiParameter("category", OpenApiTypes.STR, required=False, enum=list(Category.values)),
    _id("engineer", "Engineer (user) id (staff who read reports)"),
]


def _filter_for(request: Request) -> kpis.KpiFilter:
    actor = request.user
    if not isinstance(actor, User) or not (
        is_customer(actor)
        or sees_all_figures(actor)
        or actor.can(Capability.WORK_TICKETS)
        or actor.can(Capability.FIELD_VISITS)
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = DashboardFilterForm(request.query_params, actor=actor, engineer_field=True)
    if not form.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise ServiceError(_("The request has invalid fields."), fields=fields)
    if not is_customer(actor) and not sees_all_figures(actor):
        return form.kpi_filter(engineer_id=actor.pk)  # an engineer's figures are their own
    return form.kpi_filter()


class AnalyticsViewSet(viewsets.ViewSet):
    """KPI figures of the dashboards (definitions: docs/kpis.md)."""

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses=s.SummaryResponse,
        summary="KPI summary for a period and filters",
    )
    @action(detail=False, methods=["get"])
    def summary(self, request: Request, version: str = "v1") -> Response:
        kpi_filter = _filter_for(request)
        body: dict[str, Any] = {"filter": kpi_filter, "summary": kpis.summary(kpi_filter)}
        # Labour, parts and travel costs are the provider's own figures: customers never get them.
        customer = isinstance(request.user, User) and is_customer(request.user)
        output = s.CustomerSummaryResponse if customer else s.SummaryResponse
        return Response(output(body).data)

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses=s.DashboardResponse,
        summary="Everything the service manager dashboard shows (staff who read reports)",
    )
    @action(detail=False, methods=["get"])
    def dashboard(self, request: Request, version: str = "v1") -> Response:
        actor = request.user
        if not isinstance(actor, User) or not sees_all_figures(actor):
            raise PermissionDenied(_("You do not have permission to do this."))
        kpi_filter = _filter_for(request)
        body: dict[str, Any] = {"filter": kpi_filter, "dashboard": kpis.dashboard(kpi_filter)}
        return Response(s.DashboardResponse(body).data)
