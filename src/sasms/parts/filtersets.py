"""Filters for the parts lists, shared by the pages and the API."""

import datetime
from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.filtersets import SearchFilterSet
from sasms.assets.models import ServerModel, Vendor
from sasms.core.filters import YesNoFilter
from sasms.parts.choices import (
    OPEN_RMA_STATUSES,
    Condition,
    DepotKind,
    ForecastMethod,
    MovementKind,
    PartKind,
    ProblemKind,
    ReservationStatus,
    ReturnStatus,
    RmaStatus,
    ServiceTier,
    TransferStatus,
)
from sasms.parts.models import (
    DefectiveReturn,
    Depot,
    Forecast,
    Movement,
    Part,
    Problem,
    Reservation,
    RmaCase,
    StockBalance,
    StockPolicy,
    Transfer,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _depots() -> QuerySet[Depot]:
    return Depot.objects.order_by("name")


class PartFilterSet(SearchFilterSet):
    search_fields = ("part_number", "description")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=PartKind.choices)
    vendor = django_filters.ModelChoiceFilter(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    model = django_filters.ModelChoiceFilter(
        label=_("Fits server model"),
        field_name="compatible_models",
        queryset=ServerModel.objects.select_related("vendor").order_by("vendor__name", "name"),
    )
    serialised = YesNoFilter(label=_("Serialised"))
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Part
        fields = ["q", "kind", "vendor", "model", "serialised", "is_active"]


class DepotFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "city")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DepotKind.choices)
    service_tier = django_filters.ChoiceFilter(label=_("Service tier"), choices=ServiceTier.choices)
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Depot
        fields = ["q", "kind", "service_tier", "is_active"]


class BalanceFilterSet(SearchFilterSet):
    search_fields = ("part__part_number", "part__description")
    depot = django_filters.ModelChoiceFilter(label=_("Depot"), queryset=_depots())
    condition = django_filters.ChoiceFilter(label=_("Condition"), choices=Condition.choices)
    kind = django_filters.ChoiceFilter(label=_("Type"), field_name="part__kind", choices=PartKind.choices)
    in_stock = django_filters.ChoiceFilter(label=_("Available now"), choices=YES_NO, method="filter_in_stock")

    class Meta:
        model = StockBalance
        fields = ["q", "depot", "condition", "kind", "in_stock"]

    def filter_in_stock(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        free = Q(on_hand__gt=F("reserved"))
        return queryset.filter(free) if value == "yes" else queryset.exclude(free)


class MovementFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Movement"), choices=MovementKind.choices)
    part = django_filters.CharFilter(
        label=_("Part number"), field_name="part__part_number", lookup_expr="icontains"
    )
    depot = django_filters.ModelChoiceFilter(label=_("Depot"), queryset=_depots())
    condition = django_filters.ChoiceFilter(label=_("Condition"), choices=Condition.choices)
    ticket = django_filters.CharFilter(
        label=_("SR number"), field_name="ticket__number", lookup_expr="iexact"
    )
    serial = django_filters.CharFilter(label=_("Serial number"), lookup_expr="iexact")
    since = django_filters.DateFilter(label=_("From"), field_name="occurred_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="occurred_at", lookup_expr="date__lte")

    class Meta:
        model = Movement
        fields = ["kind", "part", "depot", "condition", "ticket", "serial", "since", "until"]


class ReservationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReservationStatus.choices)
    depot = django_filters.ModelChoiceFilter(label=_("Depot"), queryset=_depots())
    part = django_filters.CharFilter(
        label=_("Part number"), field_name="part__part_number", lookup_expr="icontains"
    )
    ticket = django_filters.CharFilter(
        label=_("SR number"), field_name="ticket__number", lookup_expr="iexact"
    )

    class Meta:
        model = Reservation
        fields = ["status", "depot", "part", "ticket"]


class TransferFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TransferStatus.choices)
    from_depot = django_filters.ModelChoiceFilter(label=_("From depot"), queryset=_depots())
    to_depot = django_filters.ModelChoiceFilter(label=_("To depot"), queryset=_depots())
    part = django_filters.CharFilter(
        label=_("Part number"), field_name="part__part_number", lookup_expr="icontains"
    )

    class Meta:
        model = Transfer
        fields = ["status", "from_depot", "to_depot", "part"]


class ReturnFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReturnStatus.choices)
    depot = django_filters.ModelChoiceFilter(label=_("Return to"), queryset=_depots())
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="filter_overdue")
    ticket = django_filters.CharFilter(
        label=_("SR number"), field_name="ticket__number", lookup_expr="iexact"
    )

    class Meta:
        model = DefectiveReturn
        fields = ["status", "depot", "overdue", "ticket"]

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        late = Q(status=ReturnStatus.EXPECTED, due_date__lt=timezone.localdate())
        return queryset.filter(late) if value == "yes" else queryset.exclude(late)


AGE_CHOICES = [
    ("7", _("Up to 7 days")),
    ("30", _("8–30 days")),
    ("90", _("31–90 days")),
    ("older", _("Over 90 days")),
]
AGE_BOUNDS = {"7": (0, 7), "30": (8, 30), "90": (31, 90), "older": (91, None)}


class RmaFilterSet(SearchFilterSet):
    search_fields = ("number", "serial", "vendor_reference", "tracking_number", "part__part_number")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RmaStatus.choices)
    vendor = django_filters.ModelChoiceFilter(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    depot = django_filters.ModelChoiceFilter(label=_("Depot"), queryset=_depots())
    open = django_filters.ChoiceFilter(label=_("Open"), choices=YES_NO, method="filter_open")
    age = django_filters.ChoiceFilter(label=_("Age"), choices=AGE_CHOICES, method="filter_age")

    class Meta:
        model = RmaCase
        fields = ["q", "status", "vendor", "depot", "open", "age"]

    def filter_open(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = Q(status__in=OPEN_RMA_STATUSES)
        return queryset.filter(condition) if value == "yes" else queryset.exclude(condition)

    def filter_age(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        low, high = AGE_BOUNDS[value]
        now = timezone.now()
        queryset = queryset.filter(created_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            queryset = queryset.filter(created_at__gt=now - datetime.timedelta(days=high + 1))
        return queryset


class ProblemFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Problem"), choices=ProblemKind.choices)
    open = django_filters.ChoiceFilter(label=_("Open"), choices=YES_NO, method="filter_open")
    ticket = django_filters.CharFilter(
        label=_("SR number"), field_name="ticket__number", lookup_expr="iexact"
    )

    class Meta:
        model = Problem
        fields = ["kind", "open", "ticket"]

    def filter_open(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(resolved_at__isnull=value == "yes")


class PolicyFilterSet(SearchFilterSet):
    search_fields = ("part__part_number", "part__description")
    depot = django_filters.ModelChoiceFilter(label=_("Depot"), queryset=_depots())
    low = django_filters.ChoiceFilter(label=_("At or below minimum"), choices=YES_NO, method="filter_low")

    class Meta:
        model = StockPolicy
        fields = ["q", "depot", "low"]

    def filter_low(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        low = Q(available__lte=F("min_quantity"))
        return queryset.filter(low) if value == "yes" else queryset.exclude(low)


class ForecastFilterSet(SearchFilterSet):
    search_fields = ("part__part_number", "part__description")
    depot = django_filters.ModelChoiceFilter(label=_("Depot"), queryset=_depots())
    method = django_filters.ChoiceFilter(label=_("Method"), choices=ForecastMethod.choices)

    class Meta:
        model = Forecast
        fields = ["q", "depot", "method"]


class StockReportFilterSet(SearchFilterSet):
    search_fields = ("part__part_number", "part__description")
    depot = django_filters.ModelChoiceFilter(label=_("Depot"), queryset=_depots())
    dead = django_filters.ChoiceFilter(
        label=_("Dead stock (no issue in 12 months)"), choices=YES_NO, method="filter_dead"
    )

    class Meta:
        model = StockBalance
        fields = ["q", "depot", "dead"]

    def filter_dead(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(issued_12m=0) if value == "yes" else queryset.filter(issued_12m__gt=0)


class VendorFilterSet(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = Vendor
        fields = ["q"]
