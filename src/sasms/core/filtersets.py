import django_filters
from django.utils.translation import gettext_lazy as _

from sasms.core.models import AuditEntry


class AuditFilterSet(django_filters.FilterSet):
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="istartswith")
    actor_label = django_filters.CharFilter(label=_("Actor"), lookup_expr="icontains")
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    channel = django_filters.ChoiceFilter(
        label=_("Channel"),
        choices=[(c, c) for c in ("web", "api", "cli", "task", "intake", "system")],
    )
    since = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["action", "actor_label", "object_type", "object_id", "channel", "since", "until"]
