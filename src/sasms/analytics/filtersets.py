"""Filters of the drill-down list, on top of the figure it explains (search and status)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket


class DrilldownFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("SR number or title"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("All"))

    class Meta:
        model = Ticket
        fields = ["q", "status"]

    def search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(Q(number__icontains=term) | Q(title__icontains=term))
