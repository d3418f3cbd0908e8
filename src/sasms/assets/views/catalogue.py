"""Vendors, server models and sites: lists, detail and edit pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.accounts.roles import Capability
from sasms.assets import selectors, services
from sasms.assets.filtersets import ServerModelFilterSet, SiteFilterSet, VendorFilterSet
from sasms.assets.forms import ServerModelForm, SiteForm, VendorForm
from sasms.assets.models import ServerModel, Site, Vendor
from sasms.assets.views.common import actor_of, can_manage
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.permissions import require


class VendorListView(ListPage):
    title = gettext_lazy("Vendors")
    filterset_class = VendorFilterSet
    export_name = "vendors"
    empty_message = gettext_lazy("No vendors match these filters.")
    create_url_name = "assets:vendor_create"
    create_label = gettext_lazy("New vendor")
    columns = [
        Column(gettext_lazy("Name"), attr("name"), link=lambda v: reverse("assets:vendor_edit", args=[v.pk])),
        Column(gettext_lazy("Code"), attr("code")),
        Column(gettext_lazy("Website"), attr("website")),
        Column(gettext_lazy("Support phone"), attr("support_phone")),
        Column(gettext_lazy("Models"), attr("model_count"), css="text-end"),
    ]

    def get_queryset(self) -> QuerySet[Vendor]:
        return selectors.vendors_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return can_manage(self.request)


class ServerModelListView(ListPage):
    title = gettext_lazy("Server models")
    filterset_class = ServerModelFilterSet
    export_name = "server-models"
    empty_message = gettext_lazy("No models match these filters.")
    create_url_name = "assets:model_create"
    create_label = gettext_lazy("New model")
    columns = [
        Column(gettext_lazy("Vendor"), attr("vendor.name")),
        Column(gettext_lazy("Model"), attr("name"), link=lambda m: reverse("assets:model_edit", args=[m.pk])),
        Column(gettext_lazy("Generation"), attr("generation")),
        Column(gettext_lazy("Form factor"), attr("get_form_factor_display")),
        Column(gettext_lazy("Released"), attr("release_date")),
        Column(gettext_lazy("EOL"), attr("eol_date")),
        Column(gettext_lazy("EOSL"), attr("eosl_date")),
        Column(gettext_lazy("Servers"), attr("server_count"), css="text-end"),
    ]

    def get_queryset(self) -> QuerySet[ServerModel]:
        # Counted over the servers the actor may see: a customer sees its own fleet per model.
        visible = selectors.servers_visible_to(actor=self.request.user).values("pk")
        return selectors.server_models_visible_to(actor=self.request.user).annotate(
            server_count=Count("servers", filter=Q(servers__pk__in=visible))
        )

    def can_create(self) -> bool:
        return can_manage(self.request)


class SiteListView(ListPage):
    title = gettext_lazy("Sites")
    filterset_class = SiteFilterSet
    export_name = "sites"
    empty_message = gettext_lazy("No sites match these filters.")
    create_url_name = "assets:site_create"
    create_label = gettext_lazy("New site")
    columns = [
        Column(gettext_lazy("Name"), attr("name"), link=lambda s: reverse("assets:site_detail", args=[s.pk])),
        Column(gettext_lazy("Kind"), attr("get_kind_display")),
        Column(gettext_lazy("Data centre"), attr("parent.name")),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("City"), attr("city")),
        Column(gettext_lazy("Address"), attr("address")),
        Column(gettext_lazy("Time zone"), attr("time_zone")),
        Column(gettext_lazy("Servers"), attr("server_count"), css="text-end"),
    ]

    def get_queryset(self) -> QuerySet[Site]:
        return (
            selectors.sites_visible_to(actor=self.request.user)
            .annotate(server_count=Count("servers"))
            .order_by("organisation__name", "name", "pk")
        )

    def can_create(self) -> bool:
        return can_manage(self.request)


@login_required
def site_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    site = selectors.access_site(actor=actor, site_id=pk)
    servers = (
        selectors.servers_visible_to(actor=actor).filter(site=site).order_by("rack", "rack_unit", "serial")
    )
    context = {
        "site": site,
        "rooms": selectors.sites_visible_to(actor=actor).filter(parent=site),
        "servers": servers[:200],
        "server_count": servers.count(),
        "can_edit": can_manage(request),
    }
    return render(request, "assets/site_detail.html", context)


@login_required
def site_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_ASSETS)
    site = selectors.access_site(actor=actor, site_id=pk) if pk else None
    form = SiteForm(request.POST or None, instance=site, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in SiteForm.Meta.fields}
        try:
            if site is None:
                site = services.create_site(actor=actor, **data)
            else:
                site = services.update_site(actor=actor, site=site, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Site “%s” saved.") % site.name)
            return redirect("assets:site_detail", pk=site.pk)
    context = {"form": form, "object": site, "title": _("Site"), "cancel_url": reverse("assets:site_list")}
    return render(request, "assets/simple_form.html", context)


@login_required
def vendor_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_ASSETS)
    vendor = selectors.access_vendor(actor=actor, vendor_id=pk) if pk else None
    form = VendorForm(request.POST or None, instance=vendor)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in VendorForm.Meta.fields}
        try:
            if vendor is None:
                vendor = services.create_vendor(actor=actor, **data)
            else:
                vendor = services.update_vendor(actor=actor, vendor=vendor, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Vendor “%s” saved.") % vendor.name)
            return redirect("assets:vendor_list")
    context = {
        "form": form,
        "object": vendor,
        "title": _("Vendor"),
        "cancel_url": reverse("assets:vendor_list"),
    }
    return render(request, "assets/simple_form.html", context)


@login_required
def model_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_ASSETS)
    model = selectors.access_server_model(actor=actor, model_id=pk) if pk else None
    form = ServerModelForm(request.POST or None, instance=model)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ServerModelForm.Meta.fields}
        try:
            if model is None:
                model = services.create_server_model(actor=actor, **data)
            else:
                model = services.update_server_model(actor=actor, server_model=model, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Model “%s” saved.") % model.name)
            return redirect("assets:model_list")
    context = {
        "form": form,
        "object": model,
        "title": _("Server model"),
        "cancel_url": reverse("assets:model_list"),
    }
    return render(request, "assets/simple_form.html", context)
