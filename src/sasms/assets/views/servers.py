"""Server list, detail and edit pages, and component changes."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.assets import selectors, services
from sasms.assets.filtersets import ServerFilterSet
from sasms.assets.forms import ComponentForm, ReplaceComponentForm, ServerForm
from sasms.assets.models import Server
from sasms.assets.views.common import actor_of, can_manage, status_badge, warranty_badge, warranty_label
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.permissions import require

SERVER_COLUMNS = [
    Column(
        gettext_lazy("Serial number"),
        attr("serial"),
        link=lambda s: reverse("assets:server_detail", args=[s.pk]),
    ),
    Column(gettext_lazy("Hostname"), attr("hostname")),
    Column(gettext_lazy("Asset tag"), attr("asset_tag")),
    Column(
        gettext_lazy("Customer"),
        attr("organisation.name"),
        link=lambda s: reverse("assets:customer_overview", args=[s.organisation_id]),
    ),
    Column(gettext_lazy("Vendor"), attr("vendor.name")),
    Column(gettext_lazy("Model"), attr("model.name")),
    Column(gettext_lazy("Site"), attr("site.name")),
    Column(gettext_lazy("Status"), attr("get_status_display"), badge=status_badge),
    Column(gettext_lazy("Warranty end"), attr("warranty_end")),
    Column(gettext_lazy("Warranty"), warranty_label, badge=warranty_badge),
    Column(gettext_lazy("EOSL"), attr("model.eosl_date")),
]


class ServerListView(ListPage):
    title = gettext_lazy("Servers")
    filterset_class = ServerFilterSet
    export_name = "servers"
    empty_message = gettext_lazy("No servers match these filters.")
    create_url_name = "assets:server_create"
    create_label = gettext_lazy("New server")
    columns = SERVER_COLUMNS
    template_name = "assets/server_list.html"

    def get_queryset(self) -> QuerySet[Server]:
        return selectors.servers_visible_to(actor=self.request.user).order_by("serial", "pk")

    def can_create(self) -> bool:
        return can_manage(self.request)

    def extra_context(self) -> dict[str, Any]:
        return {"can_import": can_manage(self.request)}


def _entitlement_context(actor: User, server: Server) -> dict[str, Any] | None:
    """Coverage from the contracts app, shown on the server page."""
    # At call time: contracts builds on assets (an exception to the app order, listed in
    # tests/architecture/allowed_imports.txt until the server page takes panels from above).
    from sasms.contracts import selectors as contract_selectors
    from sasms.contracts.entitlement import entitlement_for

    return {
        "entitlement": entitlement_for(server=server),
        "contracts": list(contract_selectors.contracts_for_server(actor=actor, server=server)),
    }


@login_required
def server_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    server = selectors.access_server(actor=actor, server_id=pk)
    components = list(selectors.components_of(server=server))
    requests = selectors.service_requests_for_server(actor=actor, server=server)
    context = {
        "server": server,
        "installed": [c for c in components if c.removed_at is None],
        "removed": sorted(
            (c for c in components if c.removed_at is not None),
            key=lambda c: c.removed_at or c.installed_at,
            reverse=True,
        ),
        "history": selectors.service_timeline(
            history=list(selectors.server_history(server=server)), requests=requests
        ),
        "open_requests": selectors.open_requests(requests),
        "now": timezone.now(),
        "coverage": _entitlement_context(actor, server),
        "warranty_state": warranty_label(server),
        "warranty_badge": warranty_badge(server),
        "eosl_passed": server.model.is_eosl(timezone.localdate()),
        "can_edit": can_manage(request),
    }
    return render(request, "assets/server_detail.html", context)


@login_required
def server_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_ASSETS)
    server = selectors.access_server(actor=actor, server_id=pk) if pk else None
    form = ServerForm(request.POST or None, instance=server, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ServerForm.Meta.fields}
        try:
            if server is None:
                server = services.create_server(actor=actor, **data)
            else:
                server = services.update_server(actor=actor, server=server, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Server “%s” saved.") % server.serial)
            return redirect("assets:server_detail", pk=server.pk)
    return render(request, "assets/server_form.html", {"form": form, "server": server})


@login_required
def component_form_view(request: HttpRequest, server_pk: int, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_ASSETS)
    server = selectors.access_server(actor=actor, server_id=server_pk)
    component = None
    if pk is not None:
        component = selectors.components_of(server=server).filter(pk=pk).first()
        if component is None:
            return redirect("assets:server_detail", pk=server.pk)
    form = ComponentForm(request.POST or None, instance=component)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ComponentForm.Meta.fields}
        try:
            if component is None:
                services.add_component(actor=actor, server=server, **data)
            else:
                services.update_component(actor=actor, component=component, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Component saved."))
            return redirect("assets:server_detail", pk=server.pk)
    context = {"form": form, "server": server, "component": component}
    return render(request, "assets/component_form.html", context)


@login_required
def component_replace_view(request: HttpRequest, server_pk: int, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_ASSETS)
    server = selectors.access_server(actor=actor, server_id=server_pk)
    component = selectors.components_of(server=server, installed=True).filter(pk=pk).first()
    if component is None:
        return redirect("assets:server_detail", pk=server.pk)
    form = ReplaceComponentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        replacement = {k: data[k] for k in ("serial", "part_number", "firmware") if data[k]}
        try:
            services.replace_component(
                actor=actor,
                component=component,
                reason=data["removal_reason"],
                service_request_ref=data["service_request_ref"],
                **replacement,
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Component replaced; the old part is kept in the history."))
            return redirect("assets:server_detail", pk=server.pk)
    context = {"form": form, "server": server, "component": component}
    return render(request, "assets/component_replace.html", context)
