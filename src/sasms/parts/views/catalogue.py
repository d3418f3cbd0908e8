"""The catalogue and the depots: lists, detail pages and edit forms."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.core.errors import ServiceError
from sasms.core.lists import Column, attr
from sasms.parts import selectors, services
from sasms.parts.access import require_clerk
from sasms.parts.filtersets import DepotFilterSet, PartFilterSet
from sasms.parts.forms import DepotForm, PartForm, SubstituteForm
from sasms.parts.models import Depot, Part
from sasms.parts.services.catalogue import DEPOT_FIELDS, PART_FIELDS
from sasms.parts.views.common import Action, PartsListPage, form_page, part_from, reader, tab_context


class PartListView(PartsListPage):
    title = gettext_lazy("Parts catalogue")
    tab = "catalogue"
    filterset_class = PartFilterSet
    export_name = "parts-catalogue"
    empty_message = gettext_lazy("No parts match these filters.")
    actions = [Action(gettext_lazy("New part"), "parts:part_create")]
    columns = [
        Column(
            gettext_lazy("Part number"),
            attr("part_number"),
            link=lambda p: reverse("parts:part_detail", args=[p.pk]),
        ),
        Column(gettext_lazy("Description"), attr("description")),
        Column(gettext_lazy("Type"), attr("get_kind_display")),
        Column(gettext_lazy("Vendor"), attr("vendor.name")),
        Column(gettext_lazy("Unit cost (CNY)"), attr("unit_cost"), css="text-end"),
        Column(gettext_lazy("Serialised"), attr("serialised")),
        Column(gettext_lazy("On hand"), attr("on_hand"), css="text-end"),
        Column(gettext_lazy("Available"), attr("available"), css="text-end"),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get_queryset(self) -> QuerySet[Part]:
        return selectors.parts_visible_to(actor=self.request.user).order_by("part_number")


@login_required
def part_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = reader(request)
    part = selectors.access_part(actor=actor, part_id=pk)
    context = {
        "part": part,
        "title": part.part_number,
        "balances": selectors.balances_visible_to(actor=actor)
        .filter(part=part)
        .order_by("depot__name", "condition"),
        "models": part.compatible_models.select_related("vendor").order_by("vendor__name", "name"),
        "substitutes": part.substitutes.select_related("substitute").order_by("substitute__part_number"),
        "movements": selectors.movements_visible_to(actor=actor).filter(part=part)[:20],
        "substitute_form": SubstituteForm(),
        **tab_context(request, "catalogue"),
    }
    return render(request, "parts/part_detail.html", context)


@login_required
def part_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    part = selectors.access_part(actor=actor, part_id=pk) if pk else None
    initial: dict[str, Any] = {}
    if part is not None:
        initial = {name: getattr(part, name) for name in PART_FIELDS}
        initial["compatible_models"] = list(part.compatible_models.all())
    form = PartForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        if part is None:
            saved = services.create_part(actor=actor, **data)
        else:
            saved = services.update_part(actor=actor, part=part, **data)
        messages.success(request, _("Part %(part)s saved.") % {"part": saved.part_number})
        return redirect("parts:part_detail", pk=saved.pk)

    return form_page(
        request,
        form,
        title=part.part_number if part else _("New part"),
        tab="catalogue",
        on_valid=save,
        cancel_url=reverse("parts:part_detail", args=[part.pk]) if part else reverse("parts:part_list"),
    )


@login_required
@require_POST
def substitute_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = reader(request)
    part = selectors.access_part(actor=actor, part_id=pk)
    form = SubstituteForm(request.POST)
    if form.is_valid():
        try:
            other = part_from(actor, form.cleaned_data["substitute"])
            services.add_substitute(
                actor=actor,
                part=part,
                substitute=other,
                note=form.cleaned_data["note"],
                both_ways=form.cleaned_data["both_ways"],
            )
        except ServiceError as error:
            messages.error(
                request,
                " ".join(
                    [error.message, *[m for ms in error.fields.values() for m in ms if m != error.message]]
                ),
            )
        else:
            messages.success(request, _("Substitute added."))
    else:
        messages.error(request, _("Enter the substitute's part number."))
    return redirect("parts:part_detail", pk=part.pk)


@login_required
@require_POST
def substitute_remove_view(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    actor = reader(request)
    part = selectors.access_part(actor=actor, part_id=pk)
    substitute = selectors.access_part(actor=actor, part_id=other)
    services.remove_substitute(actor=actor, part=part, substitute=substitute)
    messages.success(request, _("Substitute removed."))
    return redirect("parts:part_detail", pk=part.pk)


class DepotListView(PartsListPage):
    title = gettext_lazy("Depots")
    tab = "depots"
    filterset_class = DepotFilterSet
    export_name = "depots"
    empty_message = gettext_lazy("No depots match these filters.")
    actions = [Action(gettext_lazy("New depot"), "parts:depot_create")]
    columns = [
        Column(gettext_lazy("Code"), attr("code"), link=lambda d: reverse("parts:depot_detail", args=[d.pk])),
        Column(gettext_lazy("Name"), attr("name")),
        Column(gettext_lazy("Kind"), attr("get_kind_display")),
        Column(gettext_lazy("Service tier"), attr("get_service_tier_display")),
        Column(gettext_lazy("City"), attr("city")),
        Column(gettext_lazy("Latitude"), attr("latitude"), css="text-end"),
        Column(gettext_lazy("Longitude"), attr("longitude"), css="text-end"),
        Column(gettext_lazy("Usable units"), attr("usable_units"), css="text-end"),
        Column(gettext_lazy("Defective units"), attr("defective_units"), css="text-end"),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get_queryset(self) -> QuerySet[Depot]:
        return selectors.depots_visible_to(actor=self.request.user).order_by("name")


@login_required
def depot_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = reader(request)
    depot = selectors.access_depot(actor=actor, depot_id=pk)
    context = {
        "depot": depot,
        "title": depot.name,
        "balances": selectors.balances_visible_to(actor=actor)
        .filter(depot=depot, on_hand__gt=0)
        .order_by("part__part_number", "condition")[:200],
        "movements": selectors.movements_visible_to(actor=actor).filter(depot=depot)[:20],
        **tab_context(request, "depots"),
    }
    return render(request, "parts/depot_detail.html", context)


@login_required
def depot_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = reader(request)
    require_clerk(actor)
    depot = selectors.access_depot(actor=actor, depot_id=pk) if pk else None
    initial = {name: getattr(depot, name) for name in DEPOT_FIELDS} if depot else {}
    form = DepotForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        if depot is None:
            saved = services.create_depot(actor=actor, **data)
        else:
            saved = services.update_depot(actor=actor, depot=depot, **data)
        messages.success(request, _("Depot %(depot)s saved.") % {"depot": saved.name})
        return redirect("parts:depot_detail", pk=saved.pk)

    return form_page(
        request,
        form,
        title=depot.name if depot else _("New depot"),
        tab="depots",
        on_valid=save,
        cancel_url=reverse("parts:depot_detail", args=[depot.pk]) if depot else reverse("parts:depot_list"),
    )
