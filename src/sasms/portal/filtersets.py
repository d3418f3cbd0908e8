"""Filters of the portal's lists and of the survey and deflection reports."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import STAFF_ROLES
from sasms.assets.filtersets import (
    CONTRACT_CHOICES,
    EOSL_CHOICES,
    WARRANTY_CHOICES,
    contract_state_q,
    eosl_window_q,
    warranty_state_q,
)
from sasms.assets.models import Server, ServerModel, Site
from sasms.assets.selectors import sites_visible_to
from sasms.core.filters import YesNoFilter
from sasms.core.tenancy import scope_to_actor
from sasms.feedback.models import AnswerChannel, Deflection, SurveyResponse
from sasms.tickets.choices import OPEN_STATUSES, Status
from sasms.tickets.models import Ticket


def _actor(filterset: django_filters.FilterSet) -> Any:
    return getattr(filterset.request, "user", None)


class PortalServerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Serial, hostname or asset tag"), method="search")
    site = django_filters.ModelChoiceFilter(label=_("Site"), queryset=Site.objects.none())
    model = django_filters.ModelChoiceFilter(label=_("Model"), queryset=ServerModel.objects.none())
    warranty = django_filters.ChoiceFilter(
        label=_("Warranty"), choices=WARRANTY_CHOICES, method="filter_warranty"
    )
    contract = django_filters.ChoiceFilter(
        label=_("Contract"), choices=CONTRACT_CHOICES, method="filter_contract"
    )
    eosl = django_filters.ChoiceFilter(label=_("EOSL"), choices=EOSL_CHOICES, method="filter_eosl")

    class Meta:
        model = Server
        fields = ["q", "site", "model", "warranty", "contract", "eosl"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = _actor(self)
        organisation_id = getattr(actor, "organisation_id", None) or 0
        self.filters["site"].queryset = (
            sites_visible_to(actor=actor).order_by("name") if actor else Site.objects.none()
        )
        # Only the models the customer owns: the full catalogue would be noise.
        self.filters["model"].queryset = (
            ServerModel.objects.filter(servers__organisation_id=organisation_id)
            .select_related("vendor")
            .distinct()
            .order_by("vendor__name", "name")
        )

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(serial__istartswith=term) | Q(hostname__istartswith=term) | Q(asset_tag__istartswith=term)
        )

    def filter_warranty(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(warranty_state_q(value, timezone.localdate()))

    def filter_contract(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(contract_state_q(value, timezone.localdate()))

    def filter_eosl(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(eosl_window_q(value, timezone.localdate()))


REQUEST_STATE_CHOICES = [("open", _("All open requests")), *Status.choices]


class PortalRequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("SR number or title"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=REQUEST_STATE_CHOICES, method="filter_status", empty_label=_("Any status")
    )
    server = django_filters.CharFilter(label=_("Server serial"), method="filter_server")
    created_after = django_filters.DateFilter(
        label=_("Opened from"), field_name="created_at", lookup_expr="date__gte"
    )
    created_before = django_filters.DateFilter(
        label=_("Opened until"), field_name="created_at", lookup_expr="date__lte"
    )
    opened_by = django_filters.ChoiceFilter(
        label=_("Opened by"),
        choices=[("me", _("Me")), ("others", _("My colleagues or the service desk"))],
        method="filter_opened_by",
        empty_label=_("Anyone"),
    )

    class Meta:
        model = Ticket
        fields = ["q", "status", "server", "created_after", "created_before", "opened_by"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(Q(number__iexact=term) | Q(title__icontains=term))

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_server(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        term = value.strip()
        return queryset.filter(server__serial__istartswith=term) if term else queryset

    def filter_opened_by(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        actor = _actor(self)
        if actor is None or value not in ("me", "others"):
            return queryset
        return queryset.filter(created_by=actor) if value == "me" else queryset.exclude(created_by=actor)


def _organisations_for(actor: Any) -> QuerySet[Organisation]:
    organisations = Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by("name")
    return (
        scope_to_actor(organisations, actor=actor, organisation_field="self")
        if actor
        else organisations.none()
    )


class SurveyResponseFilterSet(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Organisation.objects.none())
    engineer = django_filters.ModelChoiceFilter(label=_("Engineer"), queryset=User.objects.none())
    since = django_filters.DateFilter(
        label=_("Answered from"), field_name="created_at", lookup_expr="date__gte"
    )
    until = django_filters.DateFilter(
        label=_("Answered until"), field_name="created_at", lookup_expr="date__lte"
    )
    at_most = django_filters.NumberFilter(label=_("Average at most"), field_name="average", lookup_expr="lte")
    channel = django_filters.ChoiceFilter(label=_("Answered through"), choices=AnswerChannel.choices)
    commented = YesNoFilter(label=_("With a comment"), method="filter_commented")

    class Meta:
        model = SurveyResponse
        fields = ["organisation", "engineer", "since", "until", "at_most", "channel", "commented"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = _actor(self)
        self.filters["organisation"].queryset = _organisations_for(actor)
        staff = bool(actor is not None and actor.is_authenticated and actor.is_service_staff)
        self.filters["engineer"].queryset = (
            User.objects.filter(role__in=STAFF_ROLES, is_machine=False).order_by("full_name")
            if staff
            else User.objects.none()
        )

    def filter_commented(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.exclude(comment="") if value else queryset.filter(comment="")


class DeflectionFilterSet(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Organisation.objects.none())
    q = django_filters.CharFilter(label=_("Search"), method="search")
    since = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Deflection
        fields = ["organisation", "q", "since", "until"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["organisation"].queryset = _organisations_for(_actor(self))

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(Q(query__icontains=term) | Q(article_title__icontains=term))
