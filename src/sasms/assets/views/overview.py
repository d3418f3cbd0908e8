"""The customer 360° page and the life-cycle list."""

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sasms.accounts.models import Organisation, User
from sasms.accounts.selectors import access_organisation
from sasms.assets import selectors
from sasms.assets.filtersets import LifecycleFilterSet
from sasms.assets.models import Server
from sasms.assets.views.common import actor_of
from sasms.core.lists import Column, ListPage, attr

if TYPE_CHECKING:
    from sasms.contracts.models import Contract

EVENT_LABELS = {
    "eol": gettext_lazy("End of life"),
    "eosl": gettext_lazy("End of service life"),
    "warranty_end": gettext_lazy("Warranty ends"),
}


def _next_event(server: Server) -> tuple[str, datetime.date] | None:
    return selectors.next_lifecycle_event(server, timezone.localdate())


def _event_label(server: Server) -> str:
    event = _next_event(server)
    return str(EVENT_LABELS[event[0]]) if event else ""


def _event_date(server: Server) -> datetime.date | None:
    event = _next_event(server)
    return event[1] if event else None


def _days_left(server: Server) -> int | None:
    day = _event_date(server)
    return (day - timezone.localdate()).days if day else None


class LifecycleListView(ListPage):
    title = gettext_lazy("Life cycle: the next 12 months")
    filterset_class = LifecycleFilterSet
    export_name = "lifecycle"
    empty_message = gettext_lazy("No servers reach EOL, EOSL or warranty end in the next 12 months.")
    columns = [
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(
            gettext_lazy("Serial number"),
            attr("serial"),
            link=lambda s: reverse("assets:server_detail", args=[s.pk]),
        ),
        Column(gettext_lazy("Hostname"), attr("hostname")),
        Column(gettext_lazy("Vendor"), attr("vendor.name")),
        Column(gettext_lazy("Model"), attr("model.name")),
        Column(gettext_lazy("Next event"), _event_label, badge=lambda s: "warning"),
        Column(gettext_lazy("Date"), _event_date),
        Column(gettext_lazy("Days left"), _days_left, css="text-end"),
        Column(gettext_lazy("Warranty end"), attr("warranty_end")),
        Column(gettext_lazy("EOL"), attr("model.eol_date")),
        Column(gettext_lazy("EOSL"), attr("model.eosl_date")),
    ]

    template_name = "assets/lifecycle.html"

    def get_queryset(self) -> QuerySet[Server]:
        return selectors.lifecycle_servers(actor=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        # One grouped query over the same (unfiltered) window: the per-customer picture at a glance.
        return {
            "per_customer": selectors.lifecycle_by_customer(
                servers=self.get_queryset(), today=timezone.localdate()
            )[:30]
        }


@login_required
def customer_overview_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    organisation = access_organisation(actor=actor, organisation_id=pk)
    today = timezone.localdate()
    overview = selectors.customer_overview(actor=actor, organisation=organisation, today=today)
    context: dict[str, Any] = {
        "organisation": organisation,
        "overview": overview,
        "today": today,
        "contracts": _contracts(actor, organisation),
        "sites": selectors.sites_visible_to(actor=actor).filter(organisation=organisation),
    }
    return render(request, "assets/customer_overview.html", context)


def _contracts(actor: User, organisation: Organisation) -> "list[Contract]":
    """The organisation's contracts (at most 50)."""
    # At call time: contracts builds on assets (an exception to the app order, listed in
    # tests/architecture/allowed_imports.txt until the overview takes panels from above).
    from sasms.contracts.selectors import contracts_visible_to

    return list(contracts_visible_to(actor=actor).filter(organisation=organisation)[:50])
