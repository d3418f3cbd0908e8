import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.filtersets import SearchFilterSet
from sasms.assets.models import Vendor
from sasms.core.filters import YesNoFilter
from sasms.dispatch.choices import Language, ProposalStatus, RowOutcome
from sasms.dispatch.models import BatchProposal, EngineerProfile, ProposalRow, ServiceRegion
from sasms.tickets.choices import Category, ComponentArea, Priority


class ProfileFilterSet(SearchFilterSet):
    search_fields = ("user__full_name", "user__email", "home_label")
    region = django_filters.ModelChoiceFilter(
        label=_("Service region"), field_name="regions", queryset=ServiceRegion.objects.order_by("name")
    )
    component = django_filters.ChoiceFilter(
        label=_("Skilled in"), choices=ComponentArea.choices, method="skilled"
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, method="skilled_category"
    )
    vendor = django_filters.ModelChoiceFilter(
        label=_("Valid certification"), queryset=Vendor.objects.order_by("name"), method="certified"
    )
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Language.choices, method="speaks")
    is_dispatchable = YesNoFilter(label=_("Takes new work"))

    class Meta:
        model = EngineerProfile
        fields = ["q", "region", "category", "component", "vendor", "language", "is_dispatchable"]

    def skilled(
        self, queryset: QuerySet[EngineerProfile], name: str, value: str
    ) -> QuerySet[EngineerProfile]:
        return queryset.filter(skills__kind="component", skills__code=value).distinct()

    def skilled_category(
        self, queryset: QuerySet[EngineerProfile], name: str, value: str
    ) -> QuerySet[EngineerProfile]:
        return queryset.filter(skills__kind="category", skills__code=value).distinct()

    def certified(
        self, queryset: QuerySet[EngineerProfile], name: str, value: Vendor
    ) -> QuerySet[EngineerProfile]:
        valid = Q(certifications__vendor=value, certifications__valid_until__gte=timezone.localdate())
        return queryset.filter(valid).distinct()

    def speaks(self, queryset: QuerySet[EngineerProfile], name: str, value: str) -> QuerySet[EngineerProfile]:
        # JSON containment is not on SQLite; the list is short, so match the quoted code.
        return queryset.filter(languages__icontains=f'"{value}"')


class RegionFilterSet(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = ServiceRegion
        fields = ["q"]


class ProposalFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProposalStatus.choices)

    class Meta:
        model = BatchProposal
        fields = ["status"]


class ProposalRowFilterSet(SearchFilterSet):
    search_fields = ("ticket__number", "ticket__title", "engineer__full_name")
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=RowOutcome.choices)
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), field_name="ticket__priority", choices=Priority.choices
    )
    proposed = YesNoFilter(
        label=_("Engineer proposed"), field_name="engineer", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ProposalRow
        fields = ["q", "outcome", "priority", "proposed"]
