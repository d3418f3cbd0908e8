"""The customer's PM page in the portal: upcoming visits, attainment, and asking for another date."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.permissions import require
from sasms.maintenance import selectors, services
from sasms.maintenance.attainment import pm_attainment
from sasms.maintenance.choices import PmVisitStatus
from sasms.maintenance.forms import DateRequestForm
from sasms.maintenance.views.common import actor_of, refused


@login_required
def portal_pm_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.VIEW_PORTAL)
    today = timezone.localdate()
    upcoming = list(
        selectors.pm_visits_visible_to(actor=actor)
        .filter(planned_date__gte=today, status__in=[PmVisitStatus.PLANNED, PmVisitStatus.SCHEDULED])
        .prefetch_related("date_requests")
        .order_by("planned_date")[:50]
    )
    year = pm_attainment(
        actor=actor, start=datetime.date(today.year, 1, 1), end=datetime.date(today.year, 12, 31)
    )
    context = {
        "title": _("Preventive maintenance"),
        "upcoming": upcoming,
        "attainment": year,
        "form": DateRequestForm(),
        "requests": list(selectors.date_requests_visible_to(actor=actor).order_by("-created_at")[:20]),
    }
    return render(request, "maintenance/portal.html", context)


@login_required
@require_POST
def portal_other_date_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.VIEW_PORTAL)
    pm_visit = selectors.access_pm_visit(actor=actor, pm_visit_id=pk)
    form = DateRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid date."))
    else:
        try:
            services.request_other_date(
                actor=actor,
                pm_visit=pm_visit,
                requested_date=form.cleaned_data["requested_date"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            refused(request, error)
        else:
            messages.success(
                request, _("Your request for another date was sent; the dispatcher will answer.")
            )
    return redirect("maintenance:portal")
