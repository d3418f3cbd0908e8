"""Reservations, transfers, defective returns, RMA cases and the clerk's problem list."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.accounts.models import User
from sasms.assets.models import Vendor
from sasms.core.errors import ServiceError
from sasms.core.lists import Column, attr
from sasms.core.parsing import parse_id
from sasms.parts import selectors, services
from sasms.parts.access import require_clerk
from sasms.parts.choices import RMA_NEXT, RmaStatus
from sasms.parts.filtersets import (
    ProblemFilterSet,
    ReservationFilterSet,
    ReturnFilterSet,
    RmaFilterSet,
    TransferFilterSet,
)
from sasms.parts.forms import (
    ReasonForm,
    ReceiveReturnForm,
    ResolveForm,
    RmaAdvanceForm,
    RmaOpenForm,
    ShipForm,
    TransferForm,
)
from sasms.parts.models import DefectiveReturn, Problem, Reservation, RmaCase, Transfer
from sasms.parts.views.common import Action, PartsListPage, form_page, part_from, reader, tab_context

RESERVATION_BADGES = {
    "reserved": "primary",
    "delivered": "info",
    "consumed": "success",
    "released": "secondary",
}
RMA_BADGES = {
    "requested": "secondary",
    "shipped": "primary",
    "received_by_vendor": "info",
    "repaired": "warning",
    "replaced": "warning",
    "back_in_stock": "success",
    "closed": "dark",
    "cancelled": "light",
}


def _ticket_link(obj: Any) -> str:
    return reverse("tickets:detail", args=[obj.ticket.number]) if obj.ticket_id else ""


def _fail(request: HttpRequest, error: ServiceError) -> None:
    detail = "; ".join(m for msgs in error.fields.values() for m in msgs if m != error.message)
    messages.error(request, f"{error.message} {detail}".strip())


def _post_action(request: HttpRequest, run: Callable[[], Any], done: str, back: str) -> HttpResponse:
    try:
        run()
    except ServiceError as error:
        _fail(request, error)
    else:
        messages.success(request, done)
    return redirect(back)


# --- Reservations ---------------------------------------------------------------------------------


class ReservationListView(PartsListPage):
    title = gettext_lazy("Reservations")
    tab = "reservations"
    filterset_class = ReservationFilterSet
    export_name = "part-reservations"
    empty_message = gettext_lazy("No reservations match these filters.")
    columns = [
        Column(gettext_lazy("Reserved at"), attr("created_at")),
        Column(gettext_lazy("Service request"), attr("ticket.number"), link=_ticket_link),
        Column(
            gettext_lazy("Part number"),
            attr("part.part_number"),
            link=lambda r: reverse("parts:part_detail", args=[r.part_id]),
        ),
        Column(gettext_lazy("Depot"), attr("depot.name")),
        Column(gettext_lazy("Condition"), attr("get_condition_display")),
        Column(gettext_lazy("Quantity"), attr("quantity"), css="text-end"),
        Column(gettext_lazy("Used"), attr("consumed_quantity"), css="text-end"),
        Column(
            gettext_lazy("Status"), attr("get_status_display"), badge=lambda r: RESERVATION_BADGES[r.status]
        ),
        Column(gettext_lazy("Expected on site"), attr("eta")),
        Column(gettext_lazy("Needed by (SLA)"), attr("needed_by")),
        Column(gettext_lazy("Delivered on site"), attr("delivered_at")),
    ]

    def get_queryset(self) -> QuerySet[Reservation]:
        return selectors.reservations_visible_to(actor=self.request.user).order_by("-created_at", "-id")


# --- Transfers ------------------------------------------------------------------------------------


class TransferListView(PartsListPage):
    title = gettext_lazy("Transfers between depots")
    tab = "transfers"
    filterset_class = TransferFilterSet
    export_name = "part-transfers"
    empty_message = gettext_lazy("No transfers match these filters.")
    actions = [Action(gettext_lazy("New transfer"), "parts:transfer_create")]
    row_actions_template = "parts/_transfer_actions.html"
    columns = [
        Column(gettext_lazy("Transfer"), lambda t: str(t)),
        Column(gettext_lazy("Requested"), attr("created_at")),
        Column(gettext_lazy("Part number"), attr("part.part_number")),
        Column(gettext_lazy("From depot"), attr("from_depot.name")),
        Column(gettext_lazy("To depot"), attr("to_depot.name")),
        Column(gettext_lazy("Quantity"), attr("quantity"), css="text-end"),
        Column(gettext_lazy("Status"), attr("get_status_display")),
        Column(gettext_lazy("Service request"), attr("ticket.number"), link=_ticket_link),
        Column(gettext_lazy("Carrier"), attr("carrier")),
        Column(gettext_lazy("Tracking number"), attr("tracking_number")),
        Column(gettext_lazy("Received"), attr("received_at")),
    ]

    def get_queryset(self) -> QuerySet[Transfer]:
        return selectors.transfers_visible_to(actor=self.request.user).order_by("-created_at", "-id")


@login_required
def transfer_form_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    form = TransferForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        transfer = services.request_transfer(
            actor=actor,
            part=part_from(actor, data["part"]),
            from_depot=data["from_depot"],
            to_depot=data["to_depot"],
            quantity=data["quantity"],
            condition=data["condition"],
            reason=data["reason"],
        )
        messages.success(request, _("Transfer %(transfer)s requested.") % {"transfer": transfer})
        return redirect("parts:transfer_list")

    return form_page(
        request,
        form,
        title=_("New transfer"),
        tab="transfers",
        on_valid=save,
        cancel_url=reverse("parts:transfer_list"),
    )


@login_required
@require_POST
def transfer_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor: User = reader(request)
    require_clerk(actor)
    transfer = selectors.access_transfer(actor=actor, transfer_id=pk)
    back = reverse("parts:transfer_list")
    if action == "ship":
        form = ShipForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        return _post_action(
            request,
            lambda: services.ship_transfer(
                actor=actor,
                transfer=transfer,
                carrier=data.get("carrier", ""),
                tracking_number=data.get("tracking_number", ""),
            ),
            _("Transfer shipped."),
            back,
        )
    if action == "receive":
        return _post_action(
            request,
            lambda: services.receive_transfer(actor=actor, transfer=transfer),
            _("Transfer received."),
            back,
        )
    if action == "cancel":
        return _post_action(
            request,
            lambda: services.cancel_transfer(actor=actor, transfer=transfer),
            _("Transfer cancelled."),
            back,
        )
    return redirect(back)


# --- Defective returns ----------------------------------------------------------------------------


class ReturnListView(PartsListPage):
    title = gettext_lazy("Defective returns")
    tab = "returns"
    filterset_class = ReturnFilterSet
    export_name = "defective-returns"
    empty_message = gettext_lazy("No returns match these filters.")
    row_actions_template = "parts/_return_actions.html"
    columns = [
        Column(
            gettext_lazy("Due"),
            attr("due_date"),
            badge=lambda r: "danger" if r.status == "expected" and r.due_date < timezone.localdate() else "",
        ),
        Column(gettext_lazy("Service request"), attr("ticket.number"), link=_ticket_link),
        Column(gettext_lazy("Part number"), attr("part.part_number")),
        Column(
            gettext_lazy("Serial removed"),
            attr("removed_serial"),
            link=lambda r: (
                f"{reverse('parts:serial_history')}?serial={r.removed_serial}" if r.removed_serial else ""
            ),
        ),
        Column(gettext_lazy("Quantity"), attr("quantity"), css="text-end"),
        Column(gettext_lazy("Return to"), attr("depot.name")),
        Column(gettext_lazy("Status"), attr("get_status_display")),
        Column(gettext_lazy("Received"), attr("received_at")),
        Column(gettext_lazy("Note"), attr("note")),
    ]

    def get_queryset(self) -> QuerySet[DefectiveReturn]:
        return selectors.returns_visible_to(actor=self.request.user).order_by("status", "due_date", "id")


@login_required
def return_receive_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    item = selectors.access_return(actor=actor, return_id=pk)
    form = ReceiveReturnForm(
        request.POST or None, initial={"depot": item.depot_id, "serial": item.removed_serial}
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        received = services.receive_defective(
            actor=actor, item=item, depot=data["depot"], serial=data["serial"]
        )
        if data["open_rma"]:
            case = services.open_rma(
                actor=actor,
                part=received.part,
                depot=received.depot,
                quantity=received.quantity,
                serial=(data["serial"] or received.removed_serial) if received.quantity == 1 else "",
                defective_return=received,
            )
            messages.success(request, _("Received; RMA %(number)s opened.") % {"number": case.number})
            return redirect("parts:rma_detail", pk=case.pk)
        messages.success(request, _("Defective part received."))
        return redirect("parts:return_list")

    title = _("Receive defective %(part)s for %(ticket)s") % {
        "part": item.part.part_number,
        "ticket": item.ticket.number,
    }
    return form_page(
        request, form, title=title, tab="returns", on_valid=save, cancel_url=reverse("parts:return_list")
    )


@login_required
def return_write_off_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    item = selectors.access_return(actor=actor, return_id=pk)
    form = ReasonForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.write_off_return(actor=actor, item=item, reason=data["reason"])
        messages.success(request, _("Return written off."))
        return redirect("parts:return_list")

    return form_page(
        request,
        form,
        title=_("Write off return"),
        tab="returns",
        on_valid=save,
        cancel_url=reverse("parts:return_list"),
    )


# --- RMA ------------------------------------------------------------------------------------------


class RmaListView(PartsListPage):
    title = gettext_lazy("RMA cases")
    tab = "rma"
    filterset_class = RmaFilterSet
    export_name = "rma-cases"
    empty_message = gettext_lazy("No RMA cases match these filters.")
    actions = [Action(gettext_lazy("New RMA"), "parts:rma_create")]
    columns = [
        Column(
            gettext_lazy("RMA number"),
            attr("number"),
            link=lambda c: reverse("parts:rma_detail", args=[c.pk]),
        ),
        Column(gettext_lazy("Opened"), attr("created_at")),
        Column(gettext_lazy("Vendor"), attr("vendor.name")),
        Column(gettext_lazy("Part number"), attr("part.part_number")),
        Column(gettext_lazy("Serial number"), attr("serial")),
        Column(gettext_lazy("Quantity"), attr("quantity"), css="text-end"),
        Column(gettext_lazy("Depot"), attr("depot.name")),
        Column(gettext_lazy("Status"), attr("get_status_display"), badge=lambda c: RMA_BADGES[c.status]),
        Column(gettext_lazy("Age (days)"), lambda c: (timezone.now() - c.created_at).days, css="text-end"),
        Column(gettext_lazy("Carrier"), attr("carrier")),
        Column(gettext_lazy("Tracking number"), attr("tracking_number")),
        Column(gettext_lazy("Vendor RMA reference"), attr("vendor_reference")),
    ]

    def get_queryset(self) -> QuerySet[RmaCase]:
        return selectors.rma_cases_visible_to(actor=self.request.user).order_by("-created_at", "-id")


BOARD_COLUMNS = [s for s in RmaStatus if s not in (RmaStatus.CLOSED, RmaStatus.CANCELLED)]
BOARD_CARDS = 30


@login_required
def rma_board_view(request: HttpRequest) -> HttpResponse:
    """Open RMA cases in a column per step, oldest first; the column counts are exact."""
    actor = reader(request)
    cases = selectors.rma_ageing(actor=actor)
    vendor = request.GET.get("vendor", "")
    vendor_id = parse_id(vendor)
    if vendor_id is not None:
        cases = cases.filter(vendor_id=vendor_id)
    counts = dict(cases.order_by().values_list("status").annotate(n=Count("id")))
    now = timezone.now()
    columns = []
    for status in BOARD_COLUMNS:
        cards = [(case, (now - case.created_at).days) for case in cases.filter(status=status)[:BOARD_CARDS]]
        columns.append((status, status.label, counts.get(status, 0), cards))
    context = {
        "title": _("RMA board"),
        "columns": columns,
        "vendors": Vendor.objects.filter(rma_cases__isnull=False).distinct().order_by("name"),
        "vendor": vendor,
        **tab_context(request, "rma"),
    }
    return render(request, "parts/rma_board.html", context)


@login_required
def rma_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = reader(request)
    case = selectors.access_rma(actor=actor, rma_id=pk)
    allowed = RMA_NEXT.get(case.status, ())
    form = RmaAdvanceForm(request.POST or None, allowed=allowed, initial={"depot": case.depot_id})
    if request.method == "POST":
        require_clerk(actor)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.advance_rma(
                    actor=actor,
                    case=case,
                    status=data["status"],
                    carrier=data["carrier"],
                    tracking_number=data["tracking_number"],
                    vendor_reference=data["vendor_reference"],
                    replacement_serial=data["replacement_serial"],
                    depot=data["depot"],
                )
            except ServiceError as error:
                from sasms.core.forms import add_service_error

                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("RMA %(number)s: %(status)s.")
                    % {"number": case.number, "status": RmaStatus(data["status"]).label},
                )
                return redirect("parts:rma_detail", pk=case.pk)
    context = {
        "case": case,
        "title": case.number,
        "form": form if allowed else None,
        "movements": selectors.movements_visible_to(actor=actor)
        .filter(rma=case)
        .order_by("occurred_at", "id"),
        "steps": [
            (RmaStatus.REQUESTED.label, case.created_at),
            (RmaStatus.SHIPPED.label, case.shipped_at),
            (RmaStatus.RECEIVED_BY_VENDOR.label, case.vendor_received_at),
            (_("Repaired / replaced"), case.resolved_at),
            (RmaStatus.BACK_IN_STOCK.label, case.back_in_stock_at),
            (
                RmaStatus.CLOSED.label if case.status != RmaStatus.CANCELLED else RmaStatus.CANCELLED.label,
                case.closed_at,
            ),
        ],
        **tab_context(request, "rma"),
    }
    return render(request, "parts/rma_detail.html", context, status=400 if form.errors else 200)


@login_required
def rma_create_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    form = RmaOpenForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        case = services.open_rma(
            actor=actor,
            part=part_from(actor, data["part"]),
            depot=data["depot"],
            quantity=data["quantity"],
            serial=data["serial"],
            notes=data["notes"],
        )
        messages.success(request, _("RMA %(number)s opened.") % {"number": case.number})
        return redirect("parts:rma_detail", pk=case.pk)

    return form_page(
        request, form, title=_("New RMA"), tab="rma", on_valid=save, cancel_url=reverse("parts:rma_list")
    )


# --- Problems -------------------------------------------------------------------------------------


class ProblemListView(PartsListPage):
    title = gettext_lazy("Problems for the parts clerk")
    tab = "problems"
    filterset_class = ProblemFilterSet
    export_name = "parts-problems"
    empty_message = gettext_lazy("No problems match these filters.")
    row_actions_template = "parts/_problem_actions.html"
    columns = [
        Column(gettext_lazy("Reported"), attr("created_at")),
        Column(
            gettext_lazy("Problem"),
            attr("get_kind_display"),
            badge=lambda p: "success" if p.resolved_at else "warning",
        ),
        Column(gettext_lazy("Service request"), attr("ticket.number"), link=_ticket_link),
        Column(gettext_lazy("Part number"), attr("part_number")),
        Column(
            gettext_lazy("Details"), lambda p: ", ".join(f"{k}: {v}" for k, v in sorted(p.details.items()))
        ),
        Column(gettext_lazy("Resolved"), attr("resolved_at")),
        Column(gettext_lazy("Resolution"), attr("resolution")),
    ]

    def get_queryset(self) -> QuerySet[Problem]:
        return selectors.problems_visible_to(actor=self.request.user).order_by("-created_at", "-id")


@login_required
def problem_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    problem = selectors.access_problem(actor=actor, problem_id=pk)
    form = ResolveForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.resolve_problem(actor=actor, problem=problem, resolution=data["resolution"])
        messages.success(request, _("Problem resolved."))
        return redirect("parts:problem_list")

    return form_page(
        request,
        form,
        title=_("Resolve: %(problem)s") % {"problem": problem.get_kind_display()},
        tab="problems",
        on_valid=save,
        cancel_url=reverse("parts:problem_list"),
        extra={"problem": problem},
    )
