"""The dispatcher's pages: the list of visits, and scheduling, moving, cancelling one."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.permissions import require
from sasms.field import selectors, services
from sasms.field.choices import VisitStatus
from sasms.field.filtersets import VisitFilterSet
from sasms.field.forms import CancelVisitForm, RescheduleVisitForm, ScheduleVisitForm, engineer_load
from sasms.field.models import Visit
from sasms.tickets.models import Ticket
from sasms.tickets.selectors import access_ticket

STATUS_BADGES = {
    VisitStatus.SCHEDULED: "secondary",
    VisitStatus.ACCEPTED: "info",
    VisitStatus.DECLINED: "danger",
    VisitStatus.TRAVELLING: "primary",
    VisitStatus.ON_SITE: "warning",
    VisitStatus.CHECKED_OUT: "success",
    VisitStatus.CANCELLED: "dark",
}


def _dispatcher(request: HttpRequest) -> User:
    user = request.user
    require(user, Capability.DISPATCH)
    assert isinstance(user, User)
    return user


class VisitListView(ListPage):
    title = gettext_lazy("Field visits")
    capability = Capability.DISPATCH
    filterset_class = VisitFilterSet
    export_name = "field-visits"
    empty_message = gettext_lazy("No visits match these filters.")
    columns = [
        Column(
            gettext_lazy("Visit"), lambda v: f"V{v.pk}", link=lambda v: reverse("field:visit", args=[v.pk])
        ),
        Column(
            gettext_lazy("SR number"),
            attr("ticket.number"),
            link=lambda v: reverse("tickets:detail", args=[v.ticket.number]),
        ),
        Column(gettext_lazy("Customer"), attr("ticket.organisation.name")),
        Column(gettext_lazy("Engineer"), attr("engineer.full_name")),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda v: STATUS_BADGES.get(VisitStatus(v.status), "secondary"),
        ),
        Column(gettext_lazy("Arrive from"), attr("window_start")),
        Column(gettext_lazy("Arrive by"), attr("window_end")),
        Column(gettext_lazy("Checked in"), attr("checked_in_at")),
        Column(gettext_lazy("Checked out"), attr("checked_out_at")),
        Column(gettext_lazy("Signed by"), attr("signer_name")),
        Column(gettext_lazy("Report sent to"), attr("report_sent_to")),
    ]

    def get_queryset(self) -> Any:
        return selectors.visits_visible_to(actor=self.request.user).order_by("-window_start", "-id")


def panel_context(
    request: HttpRequest, ticket: Ticket, form: ScheduleVisitForm | None = None
) -> dict[str, Any] | None:
    """The request page's visits panel; staff only (customers read visits on their timeline)."""
    actor = request.user
    if not isinstance(actor, User) or not selectors.is_visit_reader(actor):
        return None
    can_schedule = actor.can(Capability.DISPATCH) and ticket.is_open
    visits = list(selectors.visits_of_ticket(actor=actor, ticket=ticket))
    if not visits and not can_schedule:
        return None
    return {
        "ticket": ticket,
        "visits": visits,
        "badges": {status.value: badge for status, badge in STATUS_BADGES.items()},
        "form": (form or ScheduleVisitForm(ticket=ticket)) if can_schedule else None,
        "open": form is not None,
    }


@login_required
@require_POST
def schedule_view(request: HttpRequest, number: str) -> HttpResponse:
    """The panel's form; with htmx the panel comes back (with the errors, or the new visit)."""
    actor = _dispatcher(request)
    ticket = access_ticket(actor=actor, number=number)
    form = ScheduleVisitForm(request.POST, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.schedule_visit(
                actor=actor,
                ticket=ticket,
                engineer=data["engineer"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                contact=data["contact"],
                access_notes=data["access_notes"],
                report_language=data["report_language"] or "",
                reassign=bool(data.get("reassign")),
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Visit V%(id)s scheduled for %(engineer)s.")
                % {"id": visit.pk, "engineer": visit.engineer.full_name or visit.engineer.email},
            )
            open_requests, capacity = engineer_load(visit.engineer)
            if capacity is not None and open_requests > capacity:
                messages.warning(
                    request,
                    _("%(engineer)s now carries %(open)s open requests, above the maximum of %(capacity)s.")
                    % {
                        "engineer": visit.engineer.full_name or visit.engineer.email,
                        "open": open_requests,
                        "capacity": capacity,
                    },
                )
            if not request.htmx:  # type: ignore[attr-defined]
                return redirect("tickets:detail", number=ticket.number)
            context = panel_context(request, ticket)
            return render(request, "field/_ticket_visits.html", {"panel": context, "saved": visit})
    if not request.htmx:  # type: ignore[attr-defined]
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("tickets:detail", number=ticket.number)
    return render(
        request, "field/_ticket_visits.html", {"panel": panel_context(request, ticket, form)}, status=422
    )


def _visit_for_dispatcher(request: HttpRequest, pk: int) -> tuple[User, Visit]:
    actor = _dispatcher(request)
    return actor, selectors.access_visit(actor=actor, visit_id=pk)


def _fail(request: HttpRequest, error: ServiceError) -> None:
    detail = "; ".join(m for msgs in error.fields.values() for m in msgs if m != error.message)
    messages.error(request, f"{error.message} {detail}".strip())


@login_required
@require_POST
def reschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, visit = _visit_for_dispatcher(request, pk)
    form = RescheduleVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("field:visit", pk=visit.pk)
    try:
        services.reschedule_visit(actor=actor, visit=visit, **form.cleaned_data)
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(request, _("The visit was moved; the engineer confirms it again."))
    return redirect("field:visit", pk=visit.pk)


@login_required
@require_POST
def cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, visit = _visit_for_dispatcher(request, pk)
    form = CancelVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("field:visit", pk=visit.pk)
    try:
        services.cancel_visit(actor=actor, visit=visit, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(request, _("The visit was cancelled."))
    return redirect("field:visit", pk=visit.pk)
