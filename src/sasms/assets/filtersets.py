"""Filters for the asset lists, shared by the pages and the API."""

import datetime
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from sasms.accounts.filtersets import SearchFilterSet
from sasms.accounts.models import Organisation, OrganisationKind
from sasms.assets.models import (
    Component,
    ComponentKind,
    FormFactor,
    Server,
    ServerModel,
    ServerStatus,
    Site,
    Vendor,
)
from sasms.assets.selectors import EXPIRING_DAYS, add_months, server_models_visible_to, sites_visible_to
from sasms.core.filters import YesNoFilter
from sasms.core.parsing import parse_id
from sasms.core.tenancy import scope_to_actor

WARRANTY_CHOICES = [
    ("active", _("Active")),
    ("expiring", _("Ending within 90 days")),
    ("expired", _("Expired")),
    ("none", _("No warranty recorded")),
]
CONTRACT_CHOICES = [
    ("active", _("On an active contract")),
    ("expiring", _("Contract ending within 90 days")),
    ("none", _("On no active contract")),
]
EOSL_CHOICES = [
    ("past", _("Already past EOSL")),
    ("12", _("EOSL within 12 months")),
    ("24", _("EOSL within 24 months")),
    ("later", _("EOSL later")),
    ("unknown", _("EOSL unknown")),
]


def _today() -> datetime.date:
    return timezone.localdate()


def warranty_state_q(value: str, today: datetime.date) -> Q:
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    return {
        "active": Q(warranty_end__gte=today)
        & (Q(warranty_start__isnull=True) | Q(warranty_start__lte=today)),
        "expiring": Q(warranty_end__range=(today, soon)),
        "expired": Q(warranty_end__lt=today),
        "none": Q(warranty_end__isnull=True),
    }.get(value, Q())


def contract_state_q(value: str, today: datetime.date) -> Q:
    """Servers by the contracts covering them today (``contracts`` app, looked up by name)."""
    covered = apps.get_model("contracts", "CoveredServer").objects.filter(
        server=OuterRef("pk"),
        contract__status="active",
        contract__start_date__lte=today,
        contract__end_date__gte=today,
    )
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    return {
        "active": Q(Exists(covered)),
        "expiring": Q(Exists(covered.filter(contract__end_date__lte=soon))),
        "none": ~Q(Exists(covered)),
    }.get(value, Q())


def eosl_window_q(value: str, today: datetime.date, prefix: str = "model__") -> Q:
    field = f"{prefix}eosl_date"
    return {
        "past": Q(**{f"{field}__lt": today}),
        "12": Q(**{f"{field}__range": (today, add_months(today, 12))}),
        "24": Q(**{f"{field}__range": (today, add_months(today, 24))}),
        "later": Q(**{f"{field}__gt": add_months(today, 24)}),
        "unknown": Q(**{f"{field}__isnull": True}),
    }.get(value, Q())


class FastSelect(forms.Select):
    """A select rendered in Python rather than one template include per option.

    The customer filter of a provider with hundreds of customers spent most of the list page's time
    in per-option template rendering; the HTML is the same.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        context = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, group_options, _index in context["optgroups"]
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(context["attrs"]), options)


class ScopedChoicesMixin:
    """Limit the organisation and site choices to what the acting user may see."""

    filters: dict[str, Any]
    request: Any

    def scope_choices(self) -> None:
        actor = getattr(self.request, "user", None)
        if "organisation" in self.filters:
            organisations = Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by("name")
            self.filters["organisation"].queryset = (
                scope_to_actor(organisations, actor=actor, organisation_field="self")
                if actor
                else Organisation.objects.none()
            )
        if "site" in self.filters:
            sites = sites_visible_to(actor=actor) if actor else Site.objects.none()
            # With a customer chosen, only its sites: a fleet-wide list would be thousands of options.
            organisation = (getattr(self, "data", None) or {}).get("organisation")
            organisation_id = parse_id(organisation)
            if organisation_id is not None:
                sites = sites.filter(organisation_id=organisation_id)
            self.filters["site"].queryset = sites
        if "model" in self.filters:
            self.filters["model"].queryset = (
                server_models_visible_to(actor=actor) if actor else ServerModel.objects.none()
            )


class VendorFilterSet(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = Vendor
        fields = ["q"]


class ServerModelFilterSet(SearchFilterSet):
    search_fields = ("name", "generation")
    vendor = django_filters.ModelChoiceFilter(
        widget=FastSelect, label=_("Vendor"), queryset=Vendor.objects.order_by("name")
    )
    form_factor = django_filters.ChoiceFilter(label=_("Form factor"), choices=FormFactor.choices)
    eosl = django_filters.ChoiceFilter(label=_("EOSL"), choices=EOSL_CHOICES, method="filter_eosl")

    class Meta:
        model = ServerModel
        fields = ["q", "vendor", "form_factor", "eosl"]

    def filter_eosl(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(eosl_window_q(value, _today(), prefix=""))


class SiteFilterSet(ScopedChoicesMixin, SearchFilterSet):
    search_fields = ("name", "city", "address")
    organisation = django_filters.ModelChoiceFilter(
        widget=FastSelect, label=_("Customer"), queryset=Organisation.objects.none()
    )
    city = django_filters.CharFilter(label=_("City"), lookup_expr="icontains")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_choices()

    class Meta:
        model = Site
        fields = ["q", "organisation", "city"]


class ServerFilterSet(ScopedChoicesMixin, SearchFilterSet):
    q = django_filters.CharFilter(label=_("Serial, hostname or asset tag"), method="search")
    organisation = django_filters.ModelChoiceFilter(
        widget=FastSelect, label=_("Customer"), queryset=Organisation.objects.none()
    )
    site = django_filters.ModelChoiceFilter(widget=FastSelect, label=_("Site"), queryset=Site.objects.none())
    vendor = django_filters.ModelChoiceFilter(
        widget=FastSelect, label=_("Vendor"), queryset=Vendor.objects.order_by("name")
    )
    model = django_filters.ModelChoiceFilter(
        widget=FastSelect, label=_("Model"), queryset=ServerModel.objects.none()
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ServerStatus.choices)
    warranty = django_filters.ChoiceFilter(
        label=_("Warranty"), choices=WARRANTY_CHOICES, method="filter_warranty"
    )
    contract = django_filters.ChoiceFilter(
        label=_("Contract"), choices=CONTRACT_CHOICES, method="filter_contract"
    )
    eosl = django_filters.ChoiceFilter(label=_("EOSL"), choices=EOSL_CHOICES, method="filter_eosl")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_choices()

    class Meta:
        model = Server
        fields = ["q", "organisation", "site", "vendor", "model", "status", "warranty", "contract", "eosl"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # Prefix matches use the serial/hostname/asset-tag indexes; a scanner reads whole serials.
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(serial__istartswith=term) | Q(hostname__istartswith=term) | Q(asset_tag__istartswith=term)
        )

    def filter_warranty(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(warranty_state_q(value, _today()))

    def filter_eosl(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(eosl_window_q(value, _today()))

    def filter_contract(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(contract_state_q(value, _today()))


class LifecycleFilterSet(ScopedChoicesMixin, SearchFilterSet):
    q = django_filters.CharFilter(label=_("Serial, hostname or asset tag"), method="search")
    organisation = django_filters.ModelChoiceFilter(
        widget=FastSelect, label=_("Customer"), queryset=Organisation.objects.none()
    )
    vendor = django_filters.ModelChoiceFilter(
        widget=FastSelect, label=_("Vendor"), queryset=Vendor.objects.order_by("name")
    )
    search_fields = ("serial", "hostname", "asset_tag")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_choices()

    class Meta:
        model = Server
        fields = ["q", "organisation", "vendor"]


class ComponentFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=ComponentKind.choices)
    installed = YesNoFilter(label=_("Installed"), field_name="removed_at", lookup_expr="isnull")

    class Meta:
        model = Component
        fields = ["kind", "installed"]
