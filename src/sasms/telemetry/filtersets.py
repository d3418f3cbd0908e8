"""Filters of the prediction lists (pages and API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from sasms.telemetry.choices import ProactiveStatus, Rule, SeriesKind
from sasms.telemetry.models import ProactiveRequest, Threshold


class ThresholdFilterSet(django_filters.FilterSet):
    rule = django_filters.ChoiceFilter(label=_("Rule"), choices=Rule.choices)
    kind = django_filters.ChoiceFilter(label=_("Part"), choices=SeriesKind.choices)
    part_model = django_filters.CharFilter(label=_("Part model"), lookup_expr="icontains")

    class Meta:
        model = Threshold
        fields = ["rule", "kind", "part_model"]


class ProactiveFilterSet(django_filters.FilterSet):
    rule = django_filters.ChoiceFilter(label=_("Rule"), choices=Rule.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProactiveStatus.choices)
    serial = django_filters.CharFilter(
        label=_("Serial number"), field_name="server__serial", lookup_expr="icontains"
    )

    class Meta:
        model = ProactiveRequest
        fields = ["rule", "status", "serial"]
