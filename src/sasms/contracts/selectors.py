"""Reads for contracts, scoped to what the acting user may see.

Customers see their own organisation's contracts (read-only); staff see all. The product catalogue
is not customer-owned: every signed-in user may read it.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.contracts.models import (
    Contract,
    ContractDocument,
    CoveredServer,
    RenewalReminder,
    ServiceProduct,
    ServiceTarget,
)
from sasms.core.errors import NotFound
from sasms.core.models import AuditEntry
from sasms.core.tenancy import get_for_actor, scope_to_actor

Actor = User | AnonymousUser


def products_visible_to(*, actor: Actor) -> QuerySet[ServiceProduct]:
    if not actor.is_authenticated or not actor.is_active:
        return ServiceProduct.objects.none()
    targets = Prefetch("targets", queryset=ServiceTarget.objects.order_by("priority"))
    return ServiceProduct.objects.prefetch_related(targets).annotate(
        contract_count=Count("contracts", distinct=True)
    )


def access_product(*, actor: Actor, product_id: Any) -> ServiceProduct:
    try:
        return products_visible_to(actor=actor).get(pk=product_id)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


def contracts_visible_to(*, actor: Actor) -> QuerySet[Contract]:
    queryset = Contract.objects.select_related("organisation", "product").annotate(
        server_count=Count("coverage", distinct=True)
    )
    return scope_to_actor(queryset, actor=actor)


def access_contract(*, actor: Actor, contract_id: Any) -> Contract:
    return get_for_actor(
        Contract.objects.select_related("organisation", "product"), actor=actor, pk=contract_id
    )


def contracts_for_server(*, actor: Actor, server: Server) -> QuerySet[Contract]:
    """The contracts covering ``server`` that the actor may see, newest first."""
    return contracts_visible_to(actor=actor).filter(coverage__server=server).order_by("-end_date", "-pk")


def expiring_within(queryset: QuerySet[Contract], *, days: int, today: datetime.date) -> QuerySet[Contract]:
    """Active contracts ending between today and ``days`` days from today (inclusive)."""
    return queryset.filter(
        status="active", end_date__gte=today, end_date__lte=today + datetime.timedelta(days=days)
    )


def with_contract_coverage(queryset: QuerySet[Server], *, day: datetime.date) -> QuerySet[Server]:
    """Annotate ``on_active_contract``: an active contract of the owner covers the server on ``day``.

    For list filters and counts (one ``EXISTS`` per row, no per-row queries). It ignores EOSL and
    per-site time zones; the authoritative answer for one server is ``entitlement_for``.
    """
    active = CoveredServer.objects.filter(
        server=OuterRef("pk"),
        contract__organisation=OuterRef("organisation"),
        contract__status="active",
        contract__start_date__lte=day,
        contract__end_date__gte=day,
    )
    return queryset.annotate(on_active_contract=Exists(active))


def covered_servers(*, contract: Contract) -> QuerySet[Server]:
    """The contract's servers. Scoping follows the contract: only its own customer's servers."""
    return (
        Server.objects.filter(coverage__contract=contract, organisation_id=contract.organisation_id)
        .select_related("model", "model__vendor", "site")
        .order_by("serial")
    )


def coverable_servers(*, actor: Actor, contract: Contract) -> QuerySet[Server]:
    """The customer's servers not yet on the contract (for the add-servers picker)."""
    queryset = scope_to_actor(Server.objects.filter(organisation_id=contract.organisation_id), actor=actor)
    return (
        queryset.exclude(coverage__contract=contract)
        .exclude(status="decommissioned")
        .select_related("model")
        .order_by("serial")
    )


def documents_of(*, contract: Contract) -> QuerySet[ContractDocument]:
    return ContractDocument.objects.filter(contract=contract).select_related("uploaded_by")


def access_document(*, actor: Actor, contract: Contract, document_id: Any) -> ContractDocument:
    try:
        return documents_of(contract=contract).get(pk=document_id)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


def reminders_of(*, contract: Contract) -> QuerySet[RenewalReminder]:
    return RenewalReminder.objects.filter(contract=contract)


def contract_history(*, contract: Contract, limit: int = 50) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        Q(object_type="contracts.contract", object_id=str(contract.pk))
    ).order_by("-created_at", "-id")[:limit]


def target_table(product: ServiceProduct) -> dict[str, dict[str, int | None]]:
    """The product's targets by priority, as request entitlement snapshots and SLA clocks keep them
    (``{"P1": {"response_minutes": 15, ...}, ...}``); prefetch ``targets`` to read no rows again."""
    return {
        target.priority: {
            "response_minutes": target.response_minutes,
            "dispatch_minutes": target.dispatch_minutes,
            "update_minutes": target.update_minutes,
            "onsite_minutes": target.onsite_minutes,
            "resolution_minutes": target.resolution_minutes,
        }
        for target in product.targets.all()
    }
