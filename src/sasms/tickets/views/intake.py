"""Phone intake: find the caller, pick the server, see entitlement at once, open the request."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sasms.accounts.models import Contact, Organisation
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.idempotency import AlreadySubmitted, once, replay
from sasms.core.parsing import parse_id
from sasms.tickets import selectors, services
from sasms.tickets.forms import IntakeForm
from sasms.tickets.search import similar_resolved
from sasms.tickets.views.common import staff_actor


def _organisation(value: str | None) -> Organisation | None:
    organisation_id = parse_id(value)
    if organisation_id is None:
        return None
    return Organisation.objects.filter(pk=organisation_id).first()


@login_required
def intake_view(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    initial: dict[str, Any] = {}
    caller = None
    requester_id = parse_id(request.GET.get("requester"))
    if requester_id is not None:
        caller = Contact.objects.select_related("organisation").filter(pk=requester_id).first()
        if caller is not None:
            initial.update(organisation=caller.organisation_id, requester=caller.pk)
    form = IntakeForm(request.POST or None, initial=initial)
    # As the agent describes the problem, similar requests solved before show beside the form.
    for name in ("title", "description"):
        form.fields[name].widget.attrs.update(
            {
                "hx-get": reverse("tickets:intake_similar"),
                "hx-trigger": "input changed delay:500ms",
                "hx-target": "#similar-results",
                "hx-include": "#id_title, #id_description",
                "hx-sync": "closest form:replace",
            }
        )
    organisation = _organisation(request.POST.get("organisation") or str(initial.get("organisation", "")))
    form.fields["requester"].queryset = (  # type: ignore[attr-defined]
        Contact.objects.filter(organisation=organisation) if organisation else Contact.objects.none()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        servers = selectors.find_server(
            actor=actor, organisation=data["organisation"], identifier=data["server_identifier"]
        )
        if data["server_identifier"] and len(servers) != 1:
            form.add_error(
                "server_identifier",
                _("No server of this customer matches.")
                if not servers
                else _("Several servers match; give the serial number."),
            )
        else:
            try:
                with once(request) as record:
                    ticket = services.create_ticket(
                        actor=actor,
                        organisation=data["organisation"],
                        requester=data["requester"],
                        server=servers[0] if servers else None,
                        channel=data["channel"],
                        type=data["type"],
                        category=data["category"],
                        component=data["component"],
                        impact=data["impact"],
                        urgency=data["urgency"],
                        service_kind=data["service_kind"],
                        title=data["title"],
                        description=data["description"],
                    )
                    record(reverse("tickets:detail", args=[ticket.number]))
            except AlreadySubmitted as done:
                return replay(request, done)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Service request %s opened.") % ticket.number)
                return redirect("tickets:detail", number=ticket.number)
    return render(
        request, "tickets/intake.html", {"form": form, "caller": caller, "title": _("Phone intake")}
    )


@login_required
@require_GET
def caller_search_view(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    callers = selectors.find_callers(actor=actor, query=request.GET.get("q", ""))
    return render(
        request, "tickets/_intake_callers.html", {"callers": callers, "query": request.GET.get("q", "")}
    )


@login_required
@require_GET
def server_lookup_view(request: HttpRequest) -> HttpResponse:
    """The server that matches what the agent typed, with its entitlement right now."""
    from sasms.contracts.entitlement import entitlement_for

    actor = staff_actor(request)
    organisation = _organisation(request.GET.get("organisation"))
    servers = selectors.find_server(
        actor=actor, organisation=organisation, identifier=request.GET.get("server_identifier", "")
    )
    rows = [(server, entitlement_for(server=server, at=timezone.now())) for server in servers[:5]]
    recent = []
    if len(servers) == 1:
        recent = list(
            selectors.tickets_visible_to(actor=actor).filter(server=servers[0]).order_by("-created_at")[:5]
        )
    return render(
        request,
        "tickets/_intake_servers.html",
        {"rows": rows, "recent": recent, "query": request.GET.get("server_identifier", "")},
    )


@login_required
@require_GET
def similar_view(request: HttpRequest) -> HttpResponse:
    """Resolved or closed requests like the one being typed in, with their highlighted text."""
    actor = staff_actor(request)
    text = f"{request.GET.get('title', '')} {request.GET.get('description', '')}"
    return render(
        request, "tickets/_intake_similar.html", {"similar": similar_resolved(actor=actor, text=text)}
    )
