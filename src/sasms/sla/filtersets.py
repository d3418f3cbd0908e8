import django_filters
from django.utils.translation import gettext_lazy as _

from sasms.accounts.filtersets import SearchFilterSet
from sasms.core.filters import YesNoFilter
from sasms.sla.models import BusinessCalendar, Coverage, EscalationPolicy, SpecialDay, SpecialDayKind


class CalendarFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "description")
    coverage = django_filters.ChoiceFilter(label=_("Coverage"), choices=Coverage.choices)
    time_zone = django_filters.CharFilter(label=_("Time zone"), lookup_expr="icontains")
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = BusinessCalendar
        fields = ["q", "coverage", "time_zone", "is_active"]


class SpecialDayFilterSet(django_filters.FilterSet):
    calendar = django_filters.NumberFilter(label=_("Calendar"), field_name="calendar_id")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SpecialDayKind.choices)
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="date", lookup_expr="year", min_value=1970, max_value=2200
    )
    since = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="date", lookup_expr="lte")

    class Meta:
        model = SpecialDay
        fields = ["calendar", "kind", "year", "since", "until"]


class PolicyFilterSet(SearchFilterSet):
    search_fields = ("name", "priorities")
    around_the_clock = YesNoFilter(label=_("Around the clock"))
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = EscalationPolicy
        fields = ["q", "around_the_clock", "is_active"]
