"""Filters of the intake lists (pages, exports and the API share them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from sasms.accounts.filtersets import SearchFilterSet
from sasms.core.filters import YesNoFilter
from sasms.intake.choices import (
    AlertSeverity,
    AlertState,
    BmcIdentity,
    Outcome,
    PollStatus,
    SourceKind,
    TriageChannel,
    TriageReason,
    TriageStatus,
)
from sasms.intake.models import Alert, AlertSource, BmcEndpoint, Mailbox, ProcessedMessage, TriageItem


class MailboxFilterSet(SearchFilterSet):
    search_fields = ("name", "address", "host", "username")
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Mailbox
        fields = ["q", "is_active"]


class AlertSourceFilterSet(SearchFilterSet):
    search_fields = ("name",)
    kind = django_filters.ChoiceFilter(label=_("Format"), choices=SourceKind.choices)
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = AlertSource
        fields = ["q", "kind", "is_active"]


class BmcEndpointFilterSet(SearchFilterSet):
    search_fields = ("address", "server__serial", "server__hostname")
    last_status = django_filters.ChoiceFilter(label=_("Status"), choices=PollStatus.choices)
    identity_status = django_filters.ChoiceFilter(label=_("Identity"), choices=BmcIdentity.choices)
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = BmcEndpoint
        fields = ["q", "last_status", "identity_status", "is_active"]


class AlertFilterSet(SearchFilterSet):
    search_fields = (
        "name",
        "summary",
        "incident_key",
        "server__serial",
        "server__hostname",
        "ticket__number",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AlertState.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=AlertSeverity.choices)
    source = django_filters.ModelChoiceFilter(
        label=_("Source"), queryset=AlertSource.objects.order_by("name")
    )
    unplaced = YesNoFilter(label=_("Without a request"), field_name="ticket", lookup_expr="isnull")
    since = django_filters.DateFilter(label=_("From"), field_name="last_received_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(
        label=_("Until"), field_name="last_received_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Alert
        fields = ["q", "status", "severity", "source", "unplaced", "since", "until"]


class MessageFilterSet(SearchFilterSet):
    search_fields = ("subject", "sender", "sender_name", "message_id", "ticket__number")
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Outcome.choices)
    mailbox = django_filters.ModelChoiceFilter(label=_("Mailbox"), queryset=Mailbox.objects.order_by("name"))
    since = django_filters.DateFilter(label=_("From"), field_name="processed_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="processed_at", lookup_expr="date__lte")

    class Meta:
        model = ProcessedMessage
        fields = ["q", "outcome", "mailbox", "since", "until"]


class TriageFilterSet(SearchFilterSet):
    search_fields = ("summary", "origin", "detail")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TriageStatus.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=TriageChannel.choices)
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=TriageReason.choices)
    since = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = TriageItem
        fields = ["q", "status", "channel", "reason", "since", "until"]
