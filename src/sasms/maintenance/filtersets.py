"""Filters for the PM lists, shared by the pages and the API."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation, OrganisationKind
from sasms.accounts.selectors import organisations_visible_to
from sasms.maintenance.choices import DateRequestStatus, PlanStatus, PmVisitStatus
from sasms.maintenance.models import BlackoutWindow, DateRequest, PmPlan, PmVisit


class _CustomerScoped(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Customer choices are scoped too: a customer sees only their own organisation.
        actor = getattr(self.request, "user", None)
        visible = organisations_visible_to(actor=actor) if actor else Organisation.objects.none()
        self.filters["organisation"].queryset = visible.filter(kind=OrganisationKind.CUSTOMER).order_by(
            "name"
        )


class PlanFilterSet(_CustomerScoped):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanStatus.choices)

    class Meta:
        model = PmPlan
        fields = ["q", "organisation", "status"]

    def search(self, queryset: QuerySet[PmPlan], name: str, value: str) -> QuerySet[PmPlan]:
        text = value.strip()
        return queryset.filter(Q(contract__number__icontains=text) | Q(organisation__name__icontains=text))


class PmVisitFilterSet(_CustomerScoped):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PmVisitStatus.choices)
    since = django_filters.DateFilter(label=_("From"), field_name="planned_date", lookup_expr="gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="planned_date", lookup_expr="lte")

    class Meta:
        model = PmVisit
        fields = ["q", "organisation", "status", "since", "until"]

    def search(self, queryset: QuerySet[PmVisit], name: str, value: str) -> QuerySet[PmVisit]:
        text = value.strip()
        return queryset.filter(
            Q(plan__contract__number__icontains=text)
            | Q(site__name__icontains=text)
            | Q(ticket__number__icontains=text)
        )


class BlackoutFilterSet(_CustomerScoped):
    since = django_filters.DateFilter(label=_("Ending from"), field_name="end_date", lookup_expr="gte")

    class Meta:
        model = BlackoutWindow
        fields = ["organisation", "since"]


class DateRequestFilterSet(_CustomerScoped):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DateRequestStatus.choices)

    class Meta:
        model = DateRequest
        fields = ["organisation", "status"]
