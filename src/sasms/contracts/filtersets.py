"""Filters for the contract and product lists, shared by the pages and the API."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation, OrganisationKind
from sasms.accounts.selectors import organisations_visible_to
from sasms.contracts.models import Contract, ContractStatus, CoverageHours, ServiceProduct
from sasms.contracts.selectors import expiring_within
from sasms.core.filters import YesNoFilter


class ContractFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    organisation = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Organisation.objects.none())
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=ServiceProduct.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ContractStatus.choices)
    expiring_within = django_filters.NumberFilter(
        label=_("Expiring within (days)"), method="filter_expiring", min_value=0, max_value=3660
    )

    class Meta:
        model = Contract
        fields = ["q", "organisation", "product", "status", "expiring_within"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Customer choices are scoped too: a customer sees only their own organisation.
        actor = getattr(self.request, "user", None)
        visible = organisations_visible_to(actor=actor) if actor else Organisation.objects.none()
        self.filters["organisation"].queryset = visible.filter(kind=OrganisationKind.CUSTOMER).order_by(
            "name"
        )
        self.filters["product"].queryset = ServiceProduct.objects.order_by("-tier", "name")

    def search(self, queryset: QuerySet[Contract], name: str, value: str) -> QuerySet[Contract]:
        text = value.strip()
        return queryset.filter(Q(number__icontains=text) | Q(organisation__name__icontains=text))

    def filter_expiring(self, queryset: QuerySet[Contract], name: str, value: Any) -> QuerySet[Contract]:
        if value is None:
            return queryset
        return expiring_within(queryset, days=int(value), today=timezone.localdate())


class ContractApiFilterSet(ContractFilterSet):
    """The API also filters by covered server id (the pages reach that through the server page)."""

    server = django_filters.NumberFilter(label=_("Server id"), field_name="coverage__server", distinct=True)


class ProductFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    coverage_hours = django_filters.ChoiceFilter(label=_("Coverage hours"), choices=CoverageHours.choices)
    is_active = YesNoFilter(label=_("On sale"))

    class Meta:
        model = ServiceProduct
        fields = ["q", "coverage_hours", "is_active"]

    def search(self, queryset: QuerySet[ServiceProduct], name: str, value: str) -> QuerySet[ServiceProduct]:
        text = value.strip()
        return queryset.filter(Q(name__icontains=text) | Q(code__icontains=text))
