"""The engineer's phone pages: my visits, one visit with its steps, signature and report files."""

import json
import uuid
from itertools import groupby
from typing import Any

from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound, PermissionDenied, ServiceError
from sasms.field import selectors
from sasms.field.api.serializers import VisitStepInput
from sasms.field.choices import ACTIVE_STATUSES, MOVABLE_STATUSES, Action, VisitStatus
from sasms.field.forms import CancelVisitForm, RescheduleVisitForm, ResolveFromVisitForm
from sasms.field.models import Visit
from sasms.field.report import render_report_pdf, report_filename, report_language_for
from sasms.field.services.common import max_check_in_distance_m
from sasms.field.services.sync import perform_step
from sasms.field.storage import read_private
from sasms.tickets import transitions
from sasms.tickets.choices import ResolutionCode
from sasms.tickets.services import transition_ticket


def staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not selectors.is_visit_reader(user):
        raise PermissionDenied(_("You do not have permission to do this."))
    return user


def _private_file(data: bytes, content_type: str, filename: str, *, sandbox: bool) -> HttpResponse:
    """A file of ours, shown inline; a drawing from a phone is sandboxed as well."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if sandbox:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _day_label(visit: Visit) -> str:
    today = timezone.localdate()
    day = timezone.localtime(visit.window_start).date()
    if visit.status not in ACTIVE_STATUSES:
        return str(_("Finished"))
    if day < today:
        return str(_("Overdue"))
    if day == today:
        return str(_("Today"))
    return day.strftime("%Y-%m-%d")


@login_required
@require_GET
def my_visits_view(request: HttpRequest) -> HttpResponse:
    actor = staff(request)
    visits = list(selectors.my_visits(actor=actor))
    # Open visits first (overdue, today, by day), finished ones last.
    rank = {str(_("Overdue")): 0, str(_("Today")): 1, str(_("Finished")): 3}
    visits.sort(key=lambda v: (rank.get(_day_label(v), 2), v.window_start, v.pk))
    groups = [(label, list(items)) for label, items in groupby(visits, key=_day_label)]
    context = {"title": _("My visits"), "groups": groups, "tab": "visits", "count": len(visits)}
    return render(request, "field/my_visits.html", context)


def _onsite_deadline(visit: Visit) -> Any:
    try:
        from sasms.sla.deadlines import deadlines_for
    except ImportError:  # the SLA engine is optional for this page
        return None
    try:
        deadlines = deadlines_for([visit.ticket_id]).get(visit.ticket_id, [])
    except ImportError:
        return None
    return next((d for d in deadlines if d.clock == "onsite"), None)


def _visit_state(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "status": visit.status,
        "signed": visit.signed_at is not None,
        "stepUrl": reverse("visit-steps", kwargs={"pk": visit.pk, "version": "v1"}),
        "labels": {status.value: str(status.label) for status in VisitStatus},
    }


def sections_for(visit: Visit) -> dict[str, bool]:
    """Which step forms the page shows; the script recomputes this with the steps still queued."""
    status, signed = visit.status, visit.signed_at is not None
    work = status in (VisitStatus.ON_SITE, VisitStatus.CHECKED_OUT) and not signed
    return {
        "accept": status == VisitStatus.SCHEDULED,
        "decline": status in (VisitStatus.SCHEDULED, VisitStatus.ACCEPTED),
        "travel": status == VisitStatus.ACCEPTED,
        "check_in": status in (VisitStatus.ACCEPTED, VisitStatus.TRAVELLING),
        "work": work,
        "sign": work,
        "check_out": status == VisitStatus.ON_SITE,
    }


def can_resolve_from(visit: Visit, actor: User) -> bool:
    """A finished, signed visit offers to resolve its request, while the status machine allows it."""
    if visit.status != VisitStatus.CHECKED_OUT or visit.signed_at is None:
        return False
    return any(t.name == "resolve" for t in transitions.available(actor=actor, ticket=visit.ticket))


def resolve_form_for(visit: Visit, actor: User) -> ResolveFromVisitForm | None:
    if not can_resolve_from(visit, actor):
        return None
    code = ResolutionCode.PART_REPLACED if visit.parts.all() else ""
    return ResolveFromVisitForm(
        initial={"resolution_code": code, "resolution_summary": visit.work_summary},
        auto_id="resolve_%s",
    )


def visit_context(request: HttpRequest, visit: Visit, actor: User) -> dict[str, Any]:
    ticket = visit.ticket
    server = ticket.server
    can_dispatch = actor.can(Capability.DISPATCH)
    movable = visit.status in (VisitStatus.SCHEDULED, VisitStatus.ACCEPTED)
    return {
        "title": ticket.number,
        "visit": visit,
        "ticket": ticket,
        "server": server,
        "site": server.site if server is not None else None,
        "is_engineer": actor.pk == visit.engineer_id,
        "can_dispatch": can_dispatch,
        "visit_json": json.dumps(_visit_state(visit)),
        "keys": {action.value: uuid.uuid4() for action in Action},
        "sections": sections_for(visit),
        "onsite_deadline": _onsite_deadline(visit),
        "reschedule_form": RescheduleVisitForm(
            initial={
                "engineer": visit.engineer_id,
                "window_start": timezone.localtime(visit.window_start),
                "window_end": timezone.localtime(visit.window_end),
            }
        )
        if can_dispatch and movable
        else None,
        "cancel_form": CancelVisitForm() if can_dispatch and visit.status in MOVABLE_STATUSES else None,
        "report_languages": [("zh-hans", "中文"), ("en", "English")],
        "resolve_form": resolve_form_for(visit, actor),
        "far_limit_km": max_check_in_distance_m() / 1000,
        "tab": "visit",
    }


@login_required
@require_GET
def visit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = staff(request)
    visit = selectors.with_work_log(selectors.visits_visible_to(actor=actor)).filter(pk=pk).first()
    if visit is None:
        raise NotFound(_("Not found."))
    return render(request, "field/visit.html", visit_context(request, visit, actor))


@login_required
@require_POST
def step_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit page's forms without the script: the same step, timed by the server."""
    actor = staff(request)
    visit = selectors.access_visit(actor=actor, visit_id=pk)
    data: dict[str, Any] = {
        k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "occurred_at")
    }
    data.update(request.FILES.items())
    form = VisitStepInput(data=data)
    if not form.is_valid():
        details = "; ".join(str(m) for msgs in form.errors.values() for m in msgs)
        messages.error(request, f"{_('Please correct the errors below.')} {details}")
        return redirect("field:visit", pk=visit.pk)
    try:
        outcome = perform_step(actor=actor, visit=visit, step=form.to_step())
    except ServiceError as error:
        detail = "; ".join(m for msgs in error.fields.values() for m in msgs if m != error.message)
        messages.error(request, f"{error.message} {detail}".strip())
    else:
        if not outcome.duplicate:
            messages.success(request, _("Saved."))
    return redirect("field:visit", pk=visit.pk)


@login_required
@require_POST
def resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve the request from its finished visit, through the tickets app's status machine."""
    actor = staff(request)
    visit = selectors.access_visit(actor=actor, visit_id=pk)
    form = ResolveFromVisitForm(request.POST)
    if not form.is_valid():
        details = "; ".join(str(m) for msgs in form.errors.values() for m in msgs)
        messages.error(request, f"{_('Please correct the errors below.')} {details}")
        return redirect("field:visit", pk=visit.pk)
    if not can_resolve_from(visit, actor):
        messages.error(request, _("The request cannot be resolved from this visit now."))
        return redirect("field:visit", pk=visit.pk)
    try:
        transition_ticket(
            actor=actor,
            ticket=visit.ticket,
            action="resolve",
            resolution_code=form.cleaned_data["resolution_code"],
            resolution_summary=form.cleaned_data["resolution_summary"],
        )
    except ServiceError as error:
        detail = "; ".join(m for msgs in error.fields.values() for m in msgs if m != error.message)
        messages.error(request, f"{error.message} {detail}".strip())
    else:
        messages.success(request, _("%(number)s is resolved.") % {"number": visit.ticket.number})
    return redirect("field:visit", pk=visit.pk)


@login_required
@require_GET
def signature_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = staff(request)
    visit = selectors.access_visit(actor=actor, visit_id=pk)
    if not visit.signature_file:
        raise NotFound(_("Not found."))
    try:
        data = read_private(visit.signature_file)
    except OSError as exc:
        raise NotFound(_("Not found.")) from exc
    return _private_file(data, "image/png", f"{visit.ticket.number}-signature.png", sandbox=True)


def report_response(visit: Visit, requested: str | None) -> HttpResponse:
    """The service report as sent; ``requested`` ("zh-hans" or "en") renders it afresh in the other."""
    sent_language = visit.report_sent_language or report_language_for(visit)
    language = requested or sent_language
    if language not in ("zh-hans", "en"):
        language = sent_language
    data = b""
    if visit.report_file and language == sent_language:
        try:
            data = read_private(visit.report_file)
        except OSError:
            data = b""
    if not data:
        data = render_report_pdf(visit, language)
    return _private_file(data, "application/pdf", report_filename(visit, language), sandbox=False)


# Our own PDF: Chrome's viewer embeds it, which the site policy's ``object-src 'none'`` would block.
@csp_exempt()  # type: ignore[arg-type]  # django-csp types views as taking the request alone
@login_required
@require_GET
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The service report; staff read every visit's, a customer user their own organisation's
    (another organisation's answers "not found")."""
    user = request.user
    if isinstance(user, User) and selectors.is_customer_reader(user):
        return report_response(
            selectors.access_customer_report(actor=user, visit_id=pk), request.GET.get("lang")
        )
    actor = staff(request)
    visit = selectors.access_visit(actor=actor, visit_id=pk)
    if visit.status != VisitStatus.CHECKED_OUT or visit.signed_at is None:
        raise NotFound(_("The report exists once the engineer has checked out and the customer has signed."))
    return report_response(visit, request.GET.get("lang"))
