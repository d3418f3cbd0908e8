"""Pages for the product catalogue and contracts. Thin: parse, call a service or selector, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server
from sasms.contracts import selectors, services
from sasms.contracts.entitlement import entitlement_for
from sasms.contracts.filtersets import ContractFilterSet, ProductFilterSet
from sasms.contracts.forms import ContractForm, CoverServersForm, DocumentForm, ProductForm, TransitionForm
from sasms.contracts.models import ALLOWED_TRANSITIONS, ContractStatus
from sasms.core.errors import NotFound, ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.permissions import require

STATUS_BADGES = {
    ContractStatus.DRAFT: "secondary",
    ContractStatus.ACTIVE: "success",
    ContractStatus.EXPIRED: "warning",
    ContractStatus.TERMINATED: "dark",
}


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def server_entitlement_context(*, actor: User, server: Server) -> dict[str, Any]:
    """Context for ``contracts/_server_entitlement.html`` (the server detail page includes it)."""
    return {
        "entitlement": entitlement_for(server=server),
        "contracts": list(selectors.contracts_for_server(actor=actor, server=server)[:20]),
    }


# --- Products ------------------------------------------------------------------------------------


class ProductListView(ListPage):
    title = gettext_lazy("Service products")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = ProductFilterSet
    export_name = "service-products"
    empty_message = gettext_lazy("No products match these filters.")
    create_url_name = "contracts:product_create"
    create_label = gettext_lazy("New product")
    columns = [
        Column(
            gettext_lazy("Name"),
            attr("name"),
            link=lambda p: reverse("contracts:product_detail", args=[p.pk]),
        ),
        Column(gettext_lazy("Code"), attr("code")),
        Column(gettext_lazy("Coverage hours"), attr("get_coverage_hours_display")),
        Column(gettext_lazy("Parts"), attr("get_parts_quality_display")),
        Column(gettext_lazy("Health checks a year"), attr("pm_visits_per_year"), css="text-end"),
        Column(gettext_lazy("Loaner"), attr("loaner_included")),
        Column(gettext_lazy("Rank"), attr("tier"), css="text-end"),
        Column(gettext_lazy("Contracts"), attr("contract_count"), css="text-end"),
        Column(gettext_lazy("On sale"), attr("is_active")),
    ]

    def get_queryset(self) -> Any:
        return selectors.products_visible_to(actor=self.request.user).order_by("-tier", "name")

    def can_create(self) -> bool:
        return self.request.user.can(Capability.MANAGE_SLA)  # type: ignore[union-attr]


@login_required
def product_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.VIEW_ALL_ORGANISATIONS)
    product = selectors.access_product(actor=actor, product_id=pk)
    context = {"product": product, "can_edit": actor.can(Capability.MANAGE_SLA)}
    return render(request, "contracts/product_detail.html", context)


@login_required
def product_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    require(actor, Capability.MANAGE_SLA)
    product = selectors.access_product(actor=actor, product_id=pk) if pk else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ProductForm.Meta.fields}
        try:
            if product is None:
                product = services.create_product(actor=actor, targets=form.targets(), **data)
            else:
                product = services.update_product(
                    actor=actor, product=product, targets=form.targets(), **data
                )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Product “%s” saved.") % product.name)
            return redirect("contracts:product_detail", pk=product.pk)
    return render(request, "contracts/product_form.html", {"form": form, "product": product})


# --- Contracts -----------------------------------------------------------------------------------


class ContractListView(ListPage):
    title = gettext_lazy("Contracts")
    filterset_class = ContractFilterSet
    export_name = "contracts"
    empty_message = gettext_lazy("No contracts match these filters.")
    create_url_name = "contracts:contract_create"
    create_label = gettext_lazy("New contract")
    columns = [
        Column(
            gettext_lazy("Number"),
            attr("number"),
            link=lambda c: reverse("contracts:contract_detail", args=[c.pk]),
        ),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Product"), attr("product.name")),
        Column(gettext_lazy("Start"), attr("start_date")),
        Column(gettext_lazy("End"), attr("end_date")),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda c: STATUS_BADGES.get(c.status, "secondary"),
        ),
        Column(gettext_lazy("Servers"), attr("server_count"), css="text-end"),
    ]

    def get_queryset(self) -> Any:
        return selectors.contracts_visible_to(actor=self.request.user).order_by("end_date", "number")

    def can_create(self) -> bool:
        return self.request.user.can(Capability.MANAGE_SLA)  # type: ignore[union-attr]


@login_required
def contract_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    contract = selectors.access_contract(actor=actor, contract_id=pk)
    can_manage = actor.can(Capability.MANAGE_SLA)
    is_staff = actor.can(Capability.VIEW_ALL_ORGANISATIONS)
    context: dict[str, Any] = {
        "contract": contract,
        "status_badge": STATUS_BADGES.get(ContractStatus(contract.status), "secondary"),
        "targets": list(contract.product.targets.order_by("priority")),
        "servers": selectors.covered_servers(contract=contract)[:500],
        "server_total": selectors.covered_servers(contract=contract).count(),
        "documents": selectors.documents_of(contract=contract),
        "reminders": selectors.reminders_of(contract=contract) if is_staff else None,
        "history": selectors.contract_history(contract=contract) if is_staff else None,
        "can_manage": can_manage,
    }
    if can_manage:
        # Offer only the moves the dates allow today; the service checks again on submit.
        today = services.local_today(contract.organisation)
        context["transitions"] = [
            (s, ContractStatus(s).label)
            for s in ContractStatus.values
            if s in ALLOWED_TRANSITIONS[contract.status]
            and services.transition_refusal(contract, s, "-", today) is None
        ]
        context["cover_form"] = CoverServersForm(
            choices=selectors.coverable_servers(actor=actor, contract=contract)
        )
        context["document_form"] = DocumentForm()
    return render(request, "contracts/contract_detail.html", context)


@login_required
def contract_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    contract = selectors.access_contract(actor=actor, contract_id=pk) if pk else None
    require(actor, Capability.MANAGE_SLA)
    form = ContractForm(request.POST or None, instance=contract, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ContractForm.Meta.fields}
        try:
            if contract is None:
                contract = services.create_contract(actor=actor, **data)
            else:
                contract = services.update_contract(actor=actor, contract=contract, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Contract %s saved.") % contract.number)
            return redirect("contracts:contract_detail", pk=contract.pk)
    return render(request, "contracts/contract_form.html", {"form": form, "contract": contract})


def _refused(request: HttpRequest, error: ServiceError) -> None:
    for messages_of_field in error.fields.values():
        for message in messages_of_field:
            messages.error(request, message)
    if not error.fields:
        messages.error(request, error.message)


@login_required
@require_POST
def contract_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    contract = selectors.access_contract(actor=actor, contract_id=pk)
    require(actor, Capability.MANAGE_SLA)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
    else:
        try:
            services.transition_contract(
                actor=actor,
                contract=contract,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                _("Contract %(number)s is now %(status)s.")
                % {
                    "number": contract.number,
                    "status": ContractStatus(form.cleaned_data["status"]).label,
                },
            )
    return redirect("contracts:contract_detail", pk=contract.pk)


@login_required
@require_POST
def contract_cover_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    contract = selectors.access_contract(actor=actor, contract_id=pk)
    require(actor, Capability.MANAGE_SLA)
    form = CoverServersForm(request.POST, choices=selectors.coverable_servers(actor=actor, contract=contract))
    if not form.is_valid():
        messages.error(request, _("Choose at least one server."))
    else:
        try:
            added = services.cover_servers(
                actor=actor, contract=contract, servers=list(form.cleaned_data["servers"])
            )
        except ServiceError as error:
            _refused(request, error)
        else:
            messages.success(request, _("%(count)d servers added.") % {"count": len(added)})
    return redirect("contracts:contract_detail", pk=contract.pk)


@login_required
@require_POST
def contract_uncover_view(request: HttpRequest, pk: int, server_pk: int) -> HttpResponse:
    actor = _actor(request)
    contract = selectors.access_contract(actor=actor, contract_id=pk)
    require(actor, Capability.MANAGE_SLA)
    server = selectors.covered_servers(contract=contract).filter(pk=server_pk).first()
    if server is None:
        raise NotFound(_("Not found."))
    services.uncover_servers(actor=actor, contract=contract, servers=[server])
    messages.success(request, _("Server %s removed from the contract.") % server.serial)
    return redirect("contracts:contract_detail", pk=contract.pk)


@login_required
@require_POST
def document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    contract = selectors.access_contract(actor=actor, contract_id=pk)
    require(actor, Capability.MANAGE_SLA)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.attach_document(
                actor=actor,
                contract=contract,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ServiceError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Document attached."))
    return redirect("contracts:contract_detail", pk=contract.pk)


@login_required
def document_download_view(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    contract = selectors.access_contract(actor=request.user, contract_id=pk)
    document = selectors.access_document(actor=request.user, contract=contract, document_id=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(_("Not found.")) from exc
    return FileResponse(handle, as_attachment=True, filename=document.original_name)


@login_required
@require_POST
def document_delete_view(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    actor = _actor(request)
    contract = selectors.access_contract(actor=actor, contract_id=pk)
    document = selectors.access_document(actor=actor, contract=contract, document_id=document_pk)
    services.remove_document(actor=actor, document=document)
    messages.success(request, _("Document removed."))
    return redirect("contracts:contract_detail", pk=contract.pk)
