"""Actions of the request page's parts panel: reserve, ask for a transfer, deliver, release."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasms.accounts.models import User
from sasms.core.errors import ServiceError
from sasms.parts import selectors, services
from sasms.parts.choices import USABLE_CONDITIONS
from sasms.parts.deadlines import part_deadline
from sasms.parts.forms import ReserveForm, TransferRequestForm
from sasms.parts.planner import plan_parts
from sasms.parts.views.common import reader
from sasms.tickets.models import Ticket
from sasms.tickets.selectors import access_ticket


def _ticket(request: HttpRequest, number: str) -> tuple[User, Ticket]:
    actor = reader(request)
    return actor, access_ticket(actor=actor, number=number)


def _fail(request: HttpRequest, error: ServiceError) -> None:
    detail = "; ".join(m for msgs in error.fields.values() for m in msgs if m != error.message)
    messages.error(request, f"{error.message} {detail}".strip())


def _back(ticket: Ticket) -> HttpResponse:
    return redirect("tickets:detail", number=ticket.number)


@login_required
@require_POST
def reserve_view(request: HttpRequest, number: str) -> HttpResponse:
    """Reserve a part at a depot; without a depot, at the one the planner chooses."""
    actor, ticket = _ticket(request, number)
    form = ReserveForm(request.POST)
    part_number = request.POST.get("part_number", "").strip()
    override_reason = request.POST.get("override_reason", "").strip()
    try:
        quantity = int(request.POST.get("quantity", "1"))
        if part_number:
            part = selectors.part_by_number(actor=actor, part_number=part_number)
            conditions = USABLE_CONDITIONS if override_reason else None
            plan = plan_parts(ticket, [part], quantity=quantity, conditions=conditions).plans[0]
            if plan.best is None:
                depot = plan.options[0].depot if plan.options else None
                if depot is None:
                    raise services.NotAvailable(
                        _("Not available: no depot has %(part)s.") % {"part": part.part_number},
                        alternatives=[],
                    )
            else:
                depot = plan.best.depot
        elif form.is_valid():
            part = selectors.access_part(actor=actor, part_id=form.cleaned_data["part"])
            depot = selectors.access_depot(actor=actor, depot_id=form.cleaned_data["depot"])
            quantity = form.cleaned_data["quantity"]
        else:
            raise ServiceError(_("Choose a part, a depot and a quantity from 1 to 999."))
        reservation = services.reserve_part(
            actor=actor,
            ticket=ticket,
            part=part,
            depot=depot,
            quantity=quantity,
            needed_by=part_deadline(ticket.pk),
            override_reason=override_reason,
        )
    except ValueError:
        messages.error(request, _("Choose a part, a depot and a quantity from 1 to 999."))
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            _("Reserved %(quantity)d × %(part)s at %(depot)s.")
            % {
                "quantity": reservation.quantity,
                "part": reservation.part.part_number,
                "depot": reservation.depot.name,
            },
        )
    return _back(ticket)


@login_required
@require_POST
def transfer_request_view(request: HttpRequest, number: str) -> HttpResponse:
    actor, ticket = _ticket(request, number)
    form = TransferRequestForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_("Choose a part, both depots and a quantity from 1 to 999."))
        data = form.cleaned_data
        transfer = services.request_transfer(
            actor=actor,
            ticket=ticket,
            part=selectors.access_part(actor=actor, part_id=data["part"]),
            from_depot=selectors.access_depot(actor=actor, depot_id=data["from_depot"]),
            to_depot=selectors.access_depot(actor=actor, depot_id=data["to_depot"]),
            quantity=data["quantity"],
            reason=_("For %(number)s") % {"number": ticket.number},
        )
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            _("Transfer %(transfer)s requested from %(source)s to %(target)s.")
            % {"transfer": transfer, "source": transfer.from_depot.name, "target": transfer.to_depot.name},
        )
    return _back(ticket)


@login_required
@require_POST
def reservation_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = reader(request)
    reservation = selectors.access_reservation(actor=actor, reservation_id=pk)
    ticket = access_ticket(actor=actor, number=reservation.ticket.number)
    try:
        if action == "deliver":
            services.mark_delivered(actor=actor, reservation=reservation)
            messages.success(request, _("Marked as delivered on site."))
        elif action == "release":
            services.release_reservation(
                actor=actor, reservation=reservation, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Reservation released."))
    except ServiceError as error:
        _fail(request, error)
    return _back(ticket)
