"""Filters of the proactive lists, shared by the pages and the API."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation, OrganisationKind
from sasms.accounts.selectors import organisations_visible_to
from sasms.assets.models import Vendor
from sasms.proactive.models import (
    Campaign,
    CampaignItem,
    CampaignStatus,
    FirmwareAdvisory,
    FirmwareBaseline,
    FirmwareType,
    Grade,
    HealthCheck,
    ItemStatus,
    ServerHealth,
    Severity,
)


class AdvisoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    vendor = django_filters.ModelChoiceFilter(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    component_type = django_filters.ChoiceFilter(label=_("Component type"), choices=FirmwareType.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)

    class Meta:
        model = FirmwareAdvisory
        fields = ["q", "vendor", "component_type", "severity"]

    def search(
        self, queryset: QuerySet[FirmwareAdvisory], name: str, value: str
    ) -> QuerySet[FirmwareAdvisory]:
        text = value.strip()
        return queryset.filter(
            Q(reference__icontains=text) | Q(title__icontains=text) | Q(cve_ids__icontains=text)
        )


class BaselineFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    component_type = django_filters.ChoiceFilter(label=_("Component type"), choices=FirmwareType.choices)

    class Meta:
        model = FirmwareBaseline
        fields = ["q", "component_type"]

    def search(
        self, queryset: QuerySet[FirmwareBaseline], name: str, value: str
    ) -> QuerySet[FirmwareBaseline]:
        text = value.strip()
        return queryset.filter(Q(model__name__icontains=text) | Q(recommended_version__icontains=text))


class CampaignFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CampaignStatus.choices)

    class Meta:
        model = Campaign
        fields = ["q", "status"]

    def search(self, queryset: QuerySet[Campaign], name: str, value: str) -> QuerySet[Campaign]:
        text = value.strip()
        return queryset.filter(Q(title__icontains=text) | Q(advisory__reference__icontains=text))


class ItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ItemStatus.choices)
    organisation = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Organisation.objects.none())
    priority = django_filters.NumberFilter(label=_("Priority"), min_value=1, max_value=4)

    class Meta:
        model = CampaignItem
        fields = ["q", "status", "organisation", "priority"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = getattr(self.request, "user", None)
        visible = organisations_visible_to(actor=actor) if actor else Organisation.objects.none()
        self.filters["organisation"].queryset = visible.filter(kind=OrganisationKind.CUSTOMER).order_by(
            "name"
        )

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        return queryset.filter(Q(server__serial__icontains=text) | Q(server__hostname__icontains=text))


class HealthCheckFilterSet(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Organisation.objects.none())

    class Meta:
        model = HealthCheck
        fields = ["organisation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = getattr(self.request, "user", None)
        visible = organisations_visible_to(actor=actor) if actor else Organisation.objects.none()
        self.filters["organisation"].queryset = visible.filter(kind=OrganisationKind.CUSTOMER).order_by(
            "name"
        )


class ResultFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Grade.choices)

    class Meta:
        model = ServerHealth
        fields = ["q", "grade"]

    def search(self, queryset: QuerySet[ServerHealth], name: str, value: str) -> QuerySet[ServerHealth]:
        text = value.strip()
        return queryset.filter(Q(server__serial__icontains=text) | Q(server__hostname__icontains=text))
