"""The customer's requests: list, new request (with article suggestions), and the request page."""

from typing import Any

from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.idempotency import AlreadySubmitted, once, replay
from sasms.core.lists import Column, ListPage, attr
from sasms.feedback import selectors as feedback_selectors
from sasms.feedback import services as feedback_services
from sasms.field import selectors as field_selectors
from sasms.field.views.engineer import report_response
from sasms.portal import deadlines, selectors, services
from sasms.portal.choices import STATUS_SENTENCES, STEP_OF_STATUS, STEPS
from sasms.portal.filtersets import PortalRequestFilterSet
from sasms.portal.forms import DeflectionForm, NewRequestForm, ReplyForm, StatusForm, UploadForm
from sasms.portal.views.common import portal_actor
from sasms.tickets import services as ticket_services
from sasms.tickets import transitions
from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket

STATUS_BADGES = {
    Status.NEW: "info",
    Status.ASSIGNED: "info",
    Status.IN_PROGRESS: "primary",
    Status.WAITING_CUSTOMER: "warning",
    Status.WAITING_PARTS: "secondary",
    Status.RESOLVED: "success",
    Status.CLOSED: "dark",
    Status.CANCELLED: "dark",
}


def _detail(ticket: Ticket) -> str:
    return reverse("portal:request_detail", args=[ticket.number])


class PortalRequestListView(ListPage):
    title = gettext_lazy("My requests")
    capability = Capability.VIEW_PORTAL
    filterset_class = PortalRequestFilterSet
    export_name = "my-requests"
    template_name = "portal/request_list.html"
    partial_template_name = "portal/_request_rows.html"
    empty_message = gettext_lazy("No requests match these filters.")
    create_url_name = "portal:request_create"
    create_label = gettext_lazy("New request")
    columns = [
        Column(gettext_lazy("SR number"), attr("number"), link=_detail, css="text-nowrap"),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda t: STATUS_BADGES.get(Status(t.status), "secondary"),
        ),
        Column(gettext_lazy("Title"), attr("title"), css="text-break"),
        Column(gettext_lazy("Server"), attr("server.serial")),
        Column(gettext_lazy("Priority"), attr("priority")),
        Column(gettext_lazy("Opened"), attr("created_at"), css="text-nowrap"),
        Column(gettext_lazy("Last change"), attr("updated_at"), css="text-nowrap"),
    ]

    def get_queryset(self) -> QuerySet[Ticket]:
        return selectors.portal_requests(actor=self.request.user)

    def can_create(self) -> bool:
        return True


@login_required
def new_request_view(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    initial = {"server": request.GET.get("server", "")[:253]}
    form = NewRequestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        server = None
        if data["server"].strip():
            matches = selectors.own_server_by_identifier(actor=actor, identifier=data["server"])
            if len(matches) == 1:
                server = matches[0]
            else:
                form.add_error(
                    "server",
                    _("None of your servers has this serial number, hostname or asset tag.")
                    if not matches
                    else _("Several of your servers match; please give the serial number."),
                )
        if not form.errors:
            try:
                with once(request) as record:
                    ticket = services.submit_request(
                        actor=actor,
                        title=data["title"],
                        description=data["description"],
                        server=server,
                        kind=data["kind"],
                        category=data["category"],
                        impact=data["impact"],
                        urgency=data["urgency"],
                        files=[(f.name or "", f) for f in data["attachments"]],
                    )
                    record(reverse("portal:request_detail", args=[ticket.number]))
            except AlreadySubmitted as done:
                return replay(request, done)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request, _("Thank you. Your request %(number)s is open.") % {"number": ticket.number}
                )
                return redirect("portal:request_detail", number=ticket.number)
    context = {
        "title": _("New request"),
        "form": form,
        "deflect_form": DeflectionForm(),
    }
    return render(request, "portal/request_new.html", context, status=422 if form.errors else 200)


@login_required
@require_GET
def server_search_view(request: HttpRequest) -> HttpResponse:
    """Own servers matching what the customer types in the server field (htmx fragment)."""
    actor = portal_actor(request)
    text = request.GET.get("server", "")
    return render(
        request,
        "portal/_server_choices.html",
        {"servers": selectors.search_own_servers(actor=actor, text=text), "query": text.strip()},
    )


@login_required
@require_POST
def deflect_view(request: HttpRequest) -> HttpResponse:
    """ "This solved my problem": count it, open no request."""
    actor = portal_actor(request)
    form = DeflectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown article."))
        return redirect("portal:request_create")
    try:
        feedback_services.record_deflection(
            actor=actor, article_id=form.cleaned_data["article"], query=form.cleaned_data["q"]
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("portal:request_create")
    if getattr(request, "htmx", False):
        return render(request, "portal/_deflected.html", {})
    messages.success(request, _("Glad that helped! No request was opened."))
    return redirect("portal:home")


def _steps(ticket: Ticket) -> list[dict[str, Any]]:
    reached = STEP_OF_STATUS.get(Status(ticket.status), 0)
    cancelled = ticket.status == Status.CANCELLED
    return [
        {"key": key, "label": label, "done": index < reached, "current": index == reached and not cancelled}
        for index, (key, label) in enumerate(STEPS)
    ]


def request_context(request: HttpRequest, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    actor = portal_actor(request)
    commitments = deadlines.commitments_for(ticket.pk) if ticket.is_open else []
    moves = {t.name: t for t in transitions.available(actor=actor, ticket=ticket)}
    attachments = [a for a in ticket.attachments.all() if not a.internal]
    survey = feedback_selectors.survey_of(ticket=ticket)
    return {
        "title": ticket.number,
        "ticket": ticket,
        "status_sentence": STATUS_SENTENCES.get(Status(ticket.status), ""),
        "steps": _steps(ticket),
        "events": list(selectors.public_timeline(ticket=ticket)),
        "visits": list(field_selectors.customer_visits_of_ticket(actor=actor, ticket=ticket)),
        "attachments": attachments,
        "commitments": commitments,
        "eta": deadlines.expected_resolution(commitments),
        "can_confirm": "close" in moves,
        "can_reopen": "reopen" in moves,
        "can_cancel": "cancel" in moves,
        "can_write": ticket.status not in (Status.CLOSED, Status.CANCELLED),
        "survey": survey,
        "survey_pending": bool(
            survey and not survey.is_answered and ticket.status in (Status.RESOLVED, Status.CLOSED)
        ),
        "reply_form": extra.pop("reply_form", None) or ReplyForm(),
        "upload_form": extra.pop("upload_form", None) or UploadForm(),
        "status_form": extra.pop("status_form", None) or StatusForm(),
        **extra,
    }


# Our own PDF: Chrome's viewer embeds it, which the site policy's ``object-src 'none'`` would block.
@csp_exempt()  # type: ignore[arg-type]  # django-csp types views as taking the request alone
@login_required
@require_GET
def visit_report_view(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """The service report of a visit to one of the customer's own requests; others' are "not found"."""
    actor = portal_actor(request)
    ticket = selectors.access_portal_request(actor=actor, number=number)
    visit = field_selectors.access_customer_report(actor=actor, visit_id=pk, ticket=ticket)
    return report_response(visit, request.GET.get("lang"))


@login_required
@require_GET
def request_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = portal_actor(request)
    ticket = selectors.access_portal_request(actor=actor, number=number)
    return render(request, "portal/request_detail.html", request_context(request, ticket))


def _back(ticket: Ticket) -> HttpResponse:
    return redirect("portal:request_detail", number=ticket.number)


def _refused(request: HttpRequest, ticket: Ticket, template_form: str, form: Any) -> HttpResponse:
    """The request page again, with the form's errors in place and nothing changed."""
    context = request_context(request, ticket, **{template_form: form})
    return render(request, "portal/request_detail.html", context, status=422)


@login_required
@require_POST
def reply_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = portal_actor(request)
    ticket = selectors.access_portal_request(actor=actor, number=number)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            with once(request) as record:
                ticket_services.add_comment(actor=actor, ticket=ticket, body=form.cleaned_data["body"])
                record(reverse("portal:request_detail", args=[ticket.number]))
        except AlreadySubmitted as done:
            return replay(request, done)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return _back(ticket)
    return _refused(request, ticket, "reply_form", form)


@login_required
@require_POST
def upload_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = portal_actor(request)
    ticket = selectors.access_portal_request(actor=actor, number=number)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            ticket_services.add_attachment(actor=actor, ticket=ticket, name=upload.name or "", content=upload)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("File attached."))
            return _back(ticket)
    return _refused(request, ticket, "upload_form", form)


@login_required
@require_POST
def status_view(request: HttpRequest, number: str) -> HttpResponse:
    """Confirm the resolution, reopen, or cancel — the tickets app's status machine decides."""
    actor = portal_actor(request)
    ticket = selectors.access_portal_request(actor=actor, number=number)
    form = StatusForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            ticket_services.transition_ticket(
                actor=actor, ticket=ticket, action=action, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            if "reason" in error.fields:
                form.add_error("reason", error.fields["reason"][0])
            else:
                add_service_error(form, error)
        else:
            done = {
                "close": _("Thank you for confirming. The request is closed."),
                "reopen": _("The request is open again; an engineer will follow up."),
                "cancel": _("The request was cancelled."),
            }
            messages.success(request, done[action])
            return _back(ticket)
    return _refused(request, selectors.access_portal_request(actor=actor, number=number), "status_form", form)
