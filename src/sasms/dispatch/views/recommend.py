"""The recommendation for one request: the side panel, the full ranking, and one-click assign."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sasms.accounts.models import User
from sasms.core import exports
from sasms.core.errors import NotFound, ServiceError
from sasms.dispatch import services
from sasms.dispatch.access import can_edit_policy, require_dispatcher
from sasms.dispatch.engine.recommend import Recommendation, recommend
from sasms.dispatch.forms import AssignForm
from sasms.dispatch.selectors import current_settings
from sasms.tickets.models import Ticket
from sasms.tickets.selectors import access_ticket

PANEL_SIZE = 5
PAGE_SIZE = 50


def _ticket(request: HttpRequest, number: str) -> tuple[User, Ticket]:
    actor = require_dispatcher(request.user)
    return actor, access_ticket(actor=actor, number=number)


def _context(recommendation: Recommendation) -> dict[str, Any]:
    return {
        "recommendation": recommendation,
        "ticket": recommendation.ticket,
        "top": recommendation.ranked[:PANEL_SIZE],
        "excluded_top": recommendation.excluded[:PANEL_SIZE],
    }


@login_required
@require_GET
def panel_view(request: HttpRequest, number: str) -> HttpResponse:
    """The ranking for the request page's side column (loaded by htmx)."""
    _actor, ticket = _ticket(request, number)
    recommendation = recommend(ticket, settings=current_settings())
    return render(request, "dispatch/_recommendation_panel.html", _context(recommendation))


@login_required
@require_GET
def ranking_view(request: HttpRequest, number: str) -> HttpResponse:
    """Every candidate with every factor; paginated, filterable by eligibility, exportable."""
    actor, ticket = _ticket(request, number)
    recommendation = recommend(ticket, settings=current_settings())
    show = request.GET.get("show", "eligible")
    rows = {
        "eligible": recommendation.ranked,
        "excluded": recommendation.excluded,
    }.get(show, [*recommendation.ranked, *recommendation.excluded])
    if request.GET.get("export") == "csv":
        return _export(recommendation, rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **_context(recommendation),
        "title": _("Engineers for %(number)s") % {"number": ticket.number},
        "page": page,
        "show": show,
        "querystring": query.urlencode(),
        "factor_labels": [f.label for f in (rows[0].factors if rows else [])],
        "can_edit_policy": can_edit_policy(actor),
    }
    htmx = getattr(request, "htmx", None)
    partial = htmx is not None and bool(htmx) and not htmx.history_restore_request
    return render(request, "dispatch/_ranking_table.html" if partial else "dispatch/ranking.html", context)


def _export(recommendation: Recommendation, rows: list[Any]) -> HttpResponse:
    labels = [str(f.label) for f in rows[0].factors] if rows else []
    lines: list[list[Any]] = [[_("Rank"), _("Engineer"), _("Score"), *labels, _("Excluded because")]]
    for candidate in rows:
        cells = [f"{f.percent if f.percent is not None else '—'} · {f.reason}" for f in candidate.factors]
        exclusions = "; ".join(str(r) for r in candidate.exclusions)
        lines.append([candidate.rank, candidate.name, candidate.score, *cells, exclusions])
    return exports.csv_response(lines, f"engineers-{recommendation.ticket.number}.csv")


@login_required
@require_POST
def assign_view(request: HttpRequest, number: str) -> HttpResponse:
    """One click: assign the engineer the panel recommends, with the explanation on the timeline."""
    actor, ticket = _ticket(request, number)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an engineer."))
        return redirect("tickets:detail", number=ticket.number)
    engineer = User.objects.filter(pk=form.cleaned_data["engineer"], is_active=True).first()
    try:
        if engineer is None:
            raise NotFound(_("Not found."), fields={"engineer": [_("Not found.")]})
        services.assign_recommended(
            actor=actor, ticket=ticket, engineer=engineer, expected_assignee_id=form.cleaned_data["expected"]
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(number)s assigned to %(name)s.") % {"number": ticket.number, "name": engineer}
        )
    return redirect("tickets:detail", number=ticket.number)
