"""The work queues: one list page per queue, with filters, sort, search, bulk actions and export."""

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.lists import Column, ListPage, attr
from sasms.tickets import selectors, services
from sasms.tickets.filtersets import TicketFilterSet, with_next_due
from sasms.tickets.forms import BulkForm
from sasms.tickets.views.common import staff_actor

QUEUE_TITLES = {
    "mine": gettext_lazy("My requests"),
    "team": gettext_lazy("My teams' requests"),
    "unassigned": gettext_lazy("Unassigned requests"),
    "waiting": gettext_lazy("Waiting requests"),
    "at_risk": gettext_lazy("At SLA risk"),
    "breached": gettext_lazy("SLA breached"),
    "open": gettext_lazy("Open requests"),
    "all": gettext_lazy("All requests"),
}
PRIORITY_BADGES = {"P1": "danger", "P2": "warning", "P3": "info", "P4": "secondary"}


def queue_url(name: str) -> str:
    return reverse("tickets:queue" if name == "open" else f"tickets:queue_{name}")


def _detail(ticket: Any) -> str:
    return reverse("tickets:detail", args=[ticket.number])


class TicketQueueView(ListPage):
    capability = Capability.WORK_TICKETS
    filterset_class = TicketFilterSet
    template_name = "tickets/queue.html"
    row_actions_template = "tickets/_bulk_checkbox.html"
    empty_message = gettext_lazy("No requests match these filters.")
    create_url_name = "tickets:intake"
    create_label = gettext_lazy("Phone intake")
    columns = [
        Column(gettext_lazy("SR number"), attr("number"), link=_detail, css="text-nowrap"),
        Column(
            gettext_lazy("Priority"),
            attr("priority"),
            badge=lambda t: PRIORITY_BADGES.get(t.priority, "light"),
        ),
        Column(gettext_lazy("Status"), attr("get_status_display")),
        Column(gettext_lazy("Title"), attr("title")),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Server"), attr("server.serial")),
        Column(gettext_lazy("Tier"), attr("get_tier_display")),
        Column(gettext_lazy("Team"), attr("team.name")),
        Column(gettext_lazy("Assignee"), attr("assignee.full_name")),
        Column(gettext_lazy("Created"), attr("created_at"), css="text-nowrap"),
        Column(gettext_lazy("SLA due"), attr("next_due"), css="text-nowrap"),
    ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if kwargs.get("queue", "open") not in selectors.QUEUES:
            raise Http404
        return super().get(request, *args, **kwargs)

    @property
    def queue_name(self) -> str:
        return str(self.kwargs.get("queue", "open"))

    def get_queryset(self) -> Any:
        return with_next_due(selectors.queue(actor=self.request.user, name=self.queue_name))

    def can_create(self) -> bool:
        return True

    def extra_context(self) -> dict[str, Any]:
        return {
            "queues": [(name, label, queue_url(name)) for name, label in QUEUE_TITLES.items()],
            "current_queue": self.queue_name,
            "bulk_form": BulkForm(),
            "saved_views": [
                (view, f"{queue_url(view.queue)}?{view.query}")
                for view in selectors.saved_views_for(actor=self.request.user)
            ],
        }


@login_required
@require_POST
def bulk_view(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    form = BulkForm(request.POST)
    back = request.POST.get("next") or queue_url("open")
    if not back.startswith("/"):
        back = queue_url("open")
    if not form.is_valid():
        messages.error(request, _("Choose requests and an action."))
        return redirect(back)
    tickets = list(selectors.tickets_visible_to(actor=actor).filter(pk__in=form.ticket_ids()))
    action = form.cleaned_data["action"]
    try:
        if action == "assign":
            if form.cleaned_data["assignee"] is None:
                raise ServiceError(_("Choose an assignee."))
            count = services.bulk_update(actor=actor, tickets=tickets, assignee=form.cleaned_data["assignee"])
        elif action == "priority":
            if not form.cleaned_data["priority"]:
                raise ServiceError(_("Choose a priority."))
            count = services.bulk_update(actor=actor, tickets=tickets, priority=form.cleaned_data["priority"])
        else:
            count = services.bulk_update(actor=actor, tickets=tickets, close=True)
    except ServiceError as error:
        messages.error(request, _("Nothing was changed: %s") % error.message)
    else:
        messages.success(request, ngettext("%d request changed.", "%d requests changed.", count) % count)
    return redirect(back)


@login_required
@require_POST
def save_view_view(request: HttpRequest) -> HttpResponse:
    """Save the queue's current filters. With htmx the filters come from the browser's current
    address (filtering updates it without a reload); without, from the form's hidden field."""
    actor = staff_actor(request)
    queue = request.POST.get("queue", "open")
    htmx = getattr(request, "htmx", None)
    query = urlsplit(htmx.current_url or "").query if htmx else request.POST.get("query", "")
    target = queue_url(queue if queue in QUEUE_TITLES else "open")
    try:
        view = services.save_view(actor=actor, name=request.POST.get("name", ""), queue=queue, query=query)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("View saved."))
        target = f"{queue_url(view.queue)}?{view.query}"
    if htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": target})
    return redirect(target)


@login_required
@require_POST
def delete_view_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = staff_actor(request)
    services.delete_view(actor=actor, view_id=pk)
    messages.success(request, _("View deleted."))
    return redirect(queue_url("open"))
