"""Stock by depot and part, the ledger, goods in and out by hand, the stock import, serial history."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.assets.models import Component
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, attr
from sasms.parts import selectors, services
from sasms.parts.access import require_clerk
from sasms.parts.filtersets import BalanceFilterSet, MovementFilterSet
from sasms.parts.forms import AdjustForm, ImportForm, ReceiveForm, ReturnGoodForm, ScrapForm, split_serials
from sasms.parts.models import Movement, StockBalance
from sasms.parts.services.imports import MAX_BYTES
from sasms.parts.views.common import Action, PartsListPage, form_page, part_from, reader, tab_context
from sasms.tickets.models import Ticket

CONDITION_BADGES = {"new": "success", "refurbished": "info", "defective": "danger"}


class StockListView(PartsListPage):
    title = gettext_lazy("Stock by depot and part")
    tab = "stock"
    filterset_class = BalanceFilterSet
    export_name = "stock"
    empty_message = gettext_lazy("No stock matches these filters.")
    actions = [
        Action(gettext_lazy("Receive"), "parts:receive", "box-arrow-in-down"),
        Action(gettext_lazy("Import stock"), "parts:import", "file-earmark-arrow-up"),
        Action(gettext_lazy("Adjust"), "parts:adjust", "sliders"),
        Action(gettext_lazy("Return good"), "parts:return_good", "arrow-return-left"),
        Action(gettext_lazy("Scrap"), "parts:scrap", "trash"),
    ]
    columns = [
        Column(
            gettext_lazy("Part number"),
            attr("part.part_number"),
            link=lambda b: reverse("parts:part_detail", args=[b.part_id]),
        ),
        Column(gettext_lazy("Description"), attr("part.description")),
        Column(
            gettext_lazy("Depot"),
            attr("depot.name"),
            link=lambda b: reverse("parts:depot_detail", args=[b.depot_id]),
        ),
        Column(
            gettext_lazy("Condition"),
            attr("get_condition_display"),
            badge=lambda b: CONDITION_BADGES[b.condition],
        ),
        Column(gettext_lazy("On hand"), attr("on_hand"), css="text-end"),
        Column(gettext_lazy("Reserved"), attr("reserved"), css="text-end"),
        Column(gettext_lazy("Available"), attr("available"), css="text-end"),
        Column(gettext_lazy("Updated"), attr("updated_at")),
    ]

    def get_queryset(self) -> QuerySet[StockBalance]:
        return (
            selectors.balances_visible_to(actor=self.request.user)
            .exclude(on_hand=0, reserved=0)
            .order_by("part__part_number", "depot__name", "condition", "pk")
        )


def movement_columns() -> list[Column]:
    return [
        Column(gettext_lazy("Time"), attr("occurred_at")),
        Column(gettext_lazy("Movement"), attr("get_kind_display")),
        Column(
            gettext_lazy("Part number"),
            attr("part.part_number"),
            link=lambda m: reverse("parts:part_detail", args=[m.part_id]),
        ),
        Column(gettext_lazy("Depot"), attr("depot.name")),
        Column(gettext_lazy("Condition"), attr("get_condition_display")),
        Column(gettext_lazy("Quantity"), attr("quantity"), css="text-end"),
        Column(gettext_lazy("On-hand change"), attr("on_hand_delta"), css="text-end"),
        Column(gettext_lazy("Reserved change"), attr("reserved_delta"), css="text-end"),
        Column(
            gettext_lazy("Serial number"),
            attr("serial"),
            link=lambda m: f"{reverse('parts:serial_history')}?serial={m.serial}" if m.serial else "",
        ),
        Column(
            gettext_lazy("Service request"),
            attr("ticket.number"),
            link=lambda m: reverse("tickets:detail", args=[m.ticket.number]) if m.ticket_id else "",
        ),
        Column(gettext_lazy("Other depot"), attr("other_depot.name")),
        Column(gettext_lazy("RMA"), attr("rma.number")),
        Column(gettext_lazy("Reason"), attr("reason")),
        Column(gettext_lazy("By"), attr("actor_label")),
    ]


class MovementListView(PartsListPage):
    title = gettext_lazy("Stock movements (ledger)")
    tab = "movements"
    filterset_class = MovementFilterSet
    export_name = "stock-movements"
    empty_message = gettext_lazy("No movements match these filters.")
    columns = movement_columns()

    def get_queryset(self) -> QuerySet[Movement]:
        return selectors.movements_visible_to(actor=self.request.user).order_by("-created_at", "-id")


def _ticket_from(number: str) -> Ticket | None:
    if not number.strip():
        return None
    ticket = Ticket.objects.filter(number__iexact=number.strip()).first()
    if ticket is None:
        message = _("Unknown SR number.")
        raise ServiceError(message, fields={"ticket": [message]})
    return ticket


def _done(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("parts:movement_list")


@login_required
def receive_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    form = ReceiveForm(request.POST or None, initial={"part": request.GET.get("part", "")})

    def save(data: dict[str, Any]) -> HttpResponse:
        moved = services.receive_stock(
            actor=actor,
            part=part_from(actor, data["part"]),
            depot=data["depot"],
            quantity=data["quantity"],
            condition=data["condition"],
            serials=split_serials(data["serials"]),
            unit_cost=data["unit_cost"],
            reference=data["reference"],
        )
        return _done(
            request, _("Received %(quantity)d units.") % {"quantity": sum(m.quantity for m in moved)}
        )

    return form_page(
        request,
        form,
        title=_("Receive stock"),
        tab="stock",
        on_valid=save,
        cancel_url=reverse("parts:stock_list"),
    )


@login_required
def return_good_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    form = ReturnGoodForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        moved = services.return_good(
            actor=actor,
            part=part_from(actor, data["part"]),
            depot=data["depot"],
            quantity=data["quantity"],
            condition=data["condition"],
            serials=split_serials(data["serials"]),
            ticket=_ticket_from(data["ticket"]),
            reason=data["reason"],
        )
        return _done(
            request, _("Returned %(quantity)d units to stock.") % {"quantity": sum(m.quantity for m in moved)}
        )

    return form_page(
        request,
        form,
        title=_("Return good parts"),
        tab="stock",
        on_valid=save,
        cancel_url=reverse("parts:stock_list"),
    )


@login_required
def adjust_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    form = AdjustForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.adjust_stock(
            actor=actor,
            part=part_from(actor, data["part"]),
            depot=data["depot"],
            condition=data["condition"],
            change=data["change"],
            reason=data["reason"],
        )
        return _done(request, _("Stock adjusted."))

    return form_page(
        request,
        form,
        title=_("Adjust stock"),
        tab="stock",
        on_valid=save,
        cancel_url=reverse("parts:stock_list"),
    )


@login_required
def scrap_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    form = ScrapForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.scrap_stock(
            actor=actor,
            part=part_from(actor, data["part"]),
            depot=data["depot"],
            condition=data["condition"],
            quantity=data["quantity"],
            serial=data["serial"],
            reason=data["reason"],
        )
        return _done(request, _("Scrapped."))

    return form_page(
        request,
        form,
        title=_("Scrap stock"),
        tab="stock",
        on_valid=save,
        cancel_url=reverse("parts:stock_list"),
    )


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                message = _("The file is larger than 10 MB.")
                raise ServiceError(message, fields={"file": [message]})
            result = services.import_stock(actor=actor, handle=upload, filename=upload.name or "")
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Imported %(rows)d rows, %(units)d units.") % {"rows": result.rows, "units": result.units},
            )
            return redirect("parts:stock_list")
    context = {
        "form": form,
        "title": _("Import stock"),
        "cancel_url": reverse("parts:stock_list"),
        **tab_context(request, "stock"),
    }
    return render(request, "parts/import.html", context, status=400 if form.errors else 200)


@login_required
def import_template_view(request: HttpRequest) -> HttpResponse:
    reader(request)
    response = HttpResponse(
        "\ufeffpart_number,depot,quantity,condition,serials,unit_cost\nST4000NM0035,sh-fsl,4,new,,1450.00\n",
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="stock-import-template.csv"'
    return response


@login_required
def serial_history_view(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    serial = request.GET.get("serial", "").strip()[:64]
    units = list(selectors.units_visible_to(actor=actor).filter(serial__iexact=serial)) if serial else []
    movements = (
        selectors.movements_visible_to(actor=actor)
        .filter(serial__iexact=serial)
        .order_by("occurred_at", "id")
        if serial
        else Movement.objects.none()
    )
    returns = (
        selectors.returns_visible_to(actor=actor).filter(removed_serial__iexact=serial) if serial else []
    )
    rmas = (
        selectors.rma_cases_visible_to(actor=actor).filter(serial__iexact=serial)
        | selectors.rma_cases_visible_to(actor=actor).filter(replacement_serial__iexact=serial)
        if serial
        else []
    )
    components = (
        Component.objects.filter(serial__iexact=serial).select_related("server").order_by("installed_at")
        if serial
        else []
    )
    context = {
        "title": _("Serial number history"),
        "serial": serial,
        "units": units,
        "movements": movements,
        "returns": returns,
        "rmas": rmas,
        "components": components,
        **tab_context(request, "movements"),
    }
    if serial and not (units or movements or returns or rmas or components):
        context["not_found"] = True
    return render(request, "parts/serial_history.html", context)
