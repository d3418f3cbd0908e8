"""The customer's servers: list, and one server with warranty, entitlement, contracts and history."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sasms.accounts.roles import Capability
from sasms.assets import selectors as asset_selectors
from sasms.assets.models import Server
from sasms.assets.views.common import status_badge, warranty_badge, warranty_label
from sasms.contracts.entitlement import entitlement_for
from sasms.contracts.selectors import contracts_for_server
from sasms.core.lists import Column, ListPage, attr
from sasms.portal import selectors
from sasms.portal.filtersets import PortalServerFilterSet
from sasms.portal.views.common import portal_actor


def _detail(server: Server) -> str:
    return reverse("portal:server_detail", args=[server.pk])


class PortalServerListView(ListPage):
    title = gettext_lazy("My servers")
    capability = Capability.VIEW_PORTAL
    filterset_class = PortalServerFilterSet
    export_name = "my-servers"
    empty_message = gettext_lazy("None of your servers match these filters.")
    columns = [
        Column(gettext_lazy("Serial number"), attr("serial"), link=_detail, css="text-nowrap"),
        Column(gettext_lazy("Hostname"), attr("hostname")),
        Column(gettext_lazy("Model"), lambda s: f"{s.model.vendor.name} {s.model.name}"),
        Column(gettext_lazy("Site"), attr("site.name")),
        Column(gettext_lazy("Status"), attr("get_status_display"), badge=status_badge),
        Column(gettext_lazy("Warranty end"), attr("warranty_end"), css="text-nowrap"),
        Column(gettext_lazy("Warranty"), warranty_label, badge=warranty_badge),
        Column(gettext_lazy("EOSL"), attr("model.eosl_date"), css="text-nowrap"),
        Column(gettext_lazy("Asset tag"), attr("asset_tag")),
    ]

    def get_queryset(self) -> QuerySet[Server]:
        return selectors.portal_servers(actor=self.request.user)


@login_required
@require_GET
def server_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = portal_actor(request)
    server = selectors.access_portal_server(actor=actor, server_id=pk)
    today = timezone.localdate()
    entitlement = entitlement_for(server=server)
    requests = asset_selectors.service_requests_for_server(actor=actor, server=server)
    context: dict[str, Any] = {
        "title": server.serial,
        "server": server,
        "entitlement": entitlement,
        "contracts": list(contracts_for_server(actor=actor, server=server)),
        "requests": requests,
        "open_requests": asset_selectors.open_requests(requests),
        "warranty_state": warranty_label(server),
        "warranty_badge": warranty_badge(server),
        "eosl_passed": server.model.is_eosl(today),
        "next_event": asset_selectors.next_lifecycle_event(server, today),
        "components": list(asset_selectors.components_of(server=server, installed=True)),
    }
    return render(request, "portal/server_detail.html", context)
