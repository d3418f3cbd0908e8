"""The request page: timeline, composer, allowed transitions, side panel, files and links."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound, ServiceError
from sasms.core.forms import add_service_error
from sasms.core.idempotency import AlreadySubmitted, once
from sasms.tickets import selectors, services, transitions
from sasms.tickets.choices import Status
from sasms.tickets.forms import (
    AssignForm,
    AttachmentForm,
    CommentForm,
    LinkForm,
    PriorityForm,
    TierForm,
    TimeAndMaterialsForm,
    TransitionForm,
)
from sasms.tickets.panels import panels_for
from sasms.tickets.services.attachments import attachment_storage
from sasms.tickets.views.common import any_actor, staff_actor


def _back(number: str) -> HttpResponse:
    return redirect("tickets:detail", number=number)


def _fail(request: HttpRequest, error: ServiceError) -> None:
    detail = "; ".join(m for msgs in error.fields.values() for m in msgs if m != error.message)
    messages.error(request, f"{error.message} {detail}".strip())


def timeline_context(request: HttpRequest, ticket: Any) -> dict[str, Any]:
    actor = any_actor(request)
    events = list(selectors.timeline_for(actor=actor, ticket=ticket))
    files = list(selectors.attachments_for(actor=actor, ticket=ticket))
    return {
        "ticket": ticket,
        "events": events,
        "attachments": files,
        "is_staff": selectors.is_staff_reader(actor),
    }


@login_required
@require_GET
def detail_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = any_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    staff = selectors.is_staff_reader(actor)
    components = (
        list(ticket.server.components.filter(removed_at__isnull=True)) if staff and ticket.server else []
    )
    watchers = list(ticket.watchers.all()) if staff else []
    context = {
        **timeline_context(request, ticket),
        "title": ticket.number,
        "transitions": transitions.available(actor=actor, ticket=ticket),
        "transition_form": TransitionForm(),
        "comment_form": CommentForm(),
        "attachment_form": AttachmentForm(),
        "checklist": list(ticket.checklist.all()) if staff else [],
        "watchers": watchers,
        "watching": any(w.pk == actor.pk for w in watchers),
        "related": selectors.related_for(actor=actor, ticket=ticket) if staff else [],
        "links": list(selectors.links_for(ticket=ticket)) if staff else [],
        "components": components,
        "assign_form": AssignForm(initial={"assignee": ticket.assignee_id, "team": ticket.team_id})
        if staff
        else None,
        "tier_form": TierForm(initial={"tier": ticket.tier}) if staff else None,
        "priority_form": PriorityForm(initial={"impact": ticket.impact, "urgency": ticket.urgency})
        if staff
        else None,
        "link_form": LinkForm() if staff else None,
        "tm_form": TimeAndMaterialsForm() if staff and not ticket.entitled else None,
        "can_dispatch": actor.can(Capability.DISPATCH),
        "main_panels": panels_for(request, ticket, "main"),
        "side_panels": panels_for(request, ticket, "side"),
        "open_statuses": [
            Status.NEW,
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.WAITING_CUSTOMER,
            Status.WAITING_PARTS,
        ],
    }
    return render(request, "tickets/detail.html", context)


@login_required
@require_POST
def comment_view(request: HttpRequest, number: str) -> HttpResponse:
    """The composer: with htmx the timeline and an empty composer come back, no reload."""
    actor = any_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            with once(request) as record:
                services.add_comment(
                    actor=actor,
                    ticket=ticket,
                    body=form.cleaned_data["body"],
                    internal=form.cleaned_data["internal"],
                )
                record(reverse("tickets:detail", args=[ticket.number]))
        except AlreadySubmitted:
            form = CommentForm()  # sent twice: the timeline shows the one reply stored
        except ServiceError as error:
            add_service_error(form, error)
        else:
            form = CommentForm()
    if not request.htmx:  # type: ignore[attr-defined]
        if form.errors:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _back(number)
    ticket = selectors.access_ticket(actor=actor, number=number)  # as the reply left it
    context = {
        **timeline_context(request, ticket),
        "comment_form": form,
        "live_panels": [] if form.errors else panels_for(request, ticket, live_only=True),
    }
    return render(request, "tickets/_composer_response.html", context, status=200 if not form.errors else 422)


@login_required
@require_POST
def transition_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = any_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _back(number)
    data = form.cleaned_data
    try:
        services.transition_ticket(
            actor=actor,
            ticket=ticket,
            action=data["action"],
            reason=data["reason"],
            confirmed=data["confirmed"],
            resolution_code=data["resolution_code"],
            resolution_summary=data["resolution_summary"],
            root_cause=data["root_cause"],
            five_whys=[data[f"why{i}"] for i in range(1, 6)],
            work_minutes=data["work_minutes"],
        )
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Status changed."))
    return _back(number)


@login_required
@require_POST
def assign_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    if "take" in request.POST:
        assignee, team = actor, None
    else:
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return _back(number)
        assignee, team = form.cleaned_data["assignee"], form.cleaned_data["team"]
    try:
        services.assign_ticket(actor=actor, ticket=ticket, assignee=assignee, team=team)
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Assignment saved."))
    return _back(number)


@login_required
@require_POST
def tier_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    form = TierForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a tier and give a reason."))
        return _back(number)
    try:
        services.change_tier(
            actor=actor, ticket=ticket, tier=form.cleaned_data["tier"], reason=form.cleaned_data["reason"]
        )
    except ServiceError as error:
        _fail(request, error)
    return _back(number)


@login_required
@require_POST
def priority_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _back(number)
    try:
        services.change_priority(
            actor=actor,
            ticket=ticket,
            impact=form.cleaned_data["impact"],
            urgency=form.cleaned_data["urgency"],
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as error:
        _fail(request, error)
    return _back(number)


@login_required
@require_POST
def checklist_view(request: HttpRequest, number: str, item_id: int) -> HttpResponse:
    actor = staff_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    item = services.set_checklist_item(
        actor=actor, ticket=ticket, item_id=item_id, done=request.POST.get("done") == "1"
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "tickets/_checklist_item.html", {"item": item, "ticket": ticket})
    return _back(number)


@login_required
@require_POST
def attachment_upload_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = any_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return _back(number)
    upload = form.cleaned_data["file"]
    try:
        services.add_attachment(
            actor=actor,
            ticket=ticket,
            name=upload.name or "",
            content=upload,
            internal=form.cleaned_data["internal"],
        )
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(request, _("File attached."))
    return _back(number)


@login_required
@require_GET
def attachment_download_view(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    """Always a download, never rendered inline: the browser must not interpret uploaded content."""
    actor = any_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    attachment = selectors.access_attachment(actor=actor, ticket=ticket, attachment_id=attachment_id)
    storage = attachment_storage()
    if not storage.exists(attachment.storage_name):
        raise NotFound(_("Not found."))
    response = FileResponse(
        storage.open(attachment.storage_name, "rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def link_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _back(number)
    try:
        other = selectors.access_ticket(actor=actor, number=form.cleaned_data["target"].strip().upper())
        if form.cleaned_data["kind"] == "merge":
            services.merge_tickets(actor=actor, duplicate=ticket, into=other)
        else:
            services.link_tickets(actor=actor, source=ticket, target=other, kind=form.cleaned_data["kind"])
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Saved."))
    return _back(number)


@login_required
@require_POST
def watch_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    services.set_watching(
        actor=actor, ticket=ticket, user=actor, watching=request.POST.get("watching") == "1"
    )
    return _back(number)


@login_required
@require_POST
def time_and_materials_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    form = TimeAndMaterialsForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(f"{form.fields[name].label}: {e}" for name, errs in form.errors.items() for e in errs),
        )
        return _back(number)
    try:
        services.decide_time_and_materials(
            actor=actor,
            ticket=ticket,
            decision=form.cleaned_data["decision"],
            confirmed=form.cleaned_data["confirmed"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Time-and-materials decision saved."))
    return _back(number)
