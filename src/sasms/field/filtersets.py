from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sasms.accounts.filtersets import SearchFilterSet
from sasms.accounts.models import Organisation, OrganisationKind
from sasms.core.filters import YesNoFilter
from sasms.field.choices import ACTIVE_STATUSES, VisitStatus
from sasms.field.models import Visit
from sasms.field.selectors import engineers_for_visits


def _customers(request: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by("name")


def _engineers(request: Any) -> Any:
    return engineers_for_visits()


class VisitFilterSet(SearchFilterSet):
    search_fields = ("ticket__number", "ticket__title", "ticket__organisation__name", "engineer__full_name")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[("open", _("Not finished")), *VisitStatus.choices], method="by_status"
    )
    engineer = django_filters.ModelChoiceFilter(label=_("Engineer"), queryset=_engineers)
    organisation = django_filters.ModelChoiceFilter(
        label=_("Customer"), field_name="ticket__organisation", queryset=_customers
    )
    since = django_filters.DateFilter(label=_("From"), field_name="window_start", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="window_start", lookup_expr="date__lte")
    signed = YesNoFilter(label=_("Signed"), field_name="signed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Visit
        fields = ["q", "status", "engineer", "organisation", "since", "until", "signed"]

    def by_status(self, queryset: QuerySet[Visit], name: str, value: str) -> QuerySet[Visit]:
        if value == "open":
            return queryset.filter(status__in=ACTIVE_STATUSES)
        return queryset.filter(status=value)


class VisitApiFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=VisitStatus.choices)
    engineer = django_filters.NumberFilter(field_name="engineer_id")
    ticket = django_filters.CharFilter(field_name="ticket__number", label="SR number")
    window_from = django_filters.IsoDateTimeFilter(field_name="window_start", lookup_expr="gte")
    window_until = django_filters.IsoDateTimeFilter(field_name="window_start", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Visit
        fields = ["status", "engineer", "ticket", "window_from", "window_until", "updated_since"]
