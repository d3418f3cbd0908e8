import django_filters
from django.utils.translation import gettext_lazy as _

from sasms.accounts.filtersets import SearchFilterSet
from sasms.core.filters import YesNoFilter
from sasms.reports.models import Frequency, ReportKind, ReportLanguage, ReportSubscription


class SubscriptionFilterSet(SearchFilterSet):
    search_fields = ("name", "organisation__name", "owner__email")
    kind = django_filters.ChoiceFilter(label=_("Report"), choices=ReportKind.choices)
    frequency = django_filters.ChoiceFilter(label=_("Frequency"), choices=Frequency.choices)
    language = django_filters.ChoiceFilter(label=_("Language"), choices=ReportLanguage.choices)
    active = YesNoFilter(label=_("Active"))

    class Meta:
        model = ReportSubscription
        fields = ["q", "kind", "frequency", "language", "active"]
