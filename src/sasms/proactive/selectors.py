"""Reads for proactive service, scoped to what the acting user may see.

Advisories, baselines and campaigns are the provider's work: staff only. Campaign items and health
checks belong to a customer: staff see all, a customer user only their own organisation's.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound
from sasms.core.tenancy import get_for_actor, scope_to_actor, sees_all_organisations
from sasms.proactive.models import (
    Campaign,
    CampaignItem,
    FirmwareAdvisory,
    FirmwareBaseline,
    HealthCheck,
    HealthCheckSchedule,
    ItemStatus,
    ServerHealth,
)

Actor = User | AnonymousUser


def _staff(actor: Actor) -> bool:
    return sees_all_organisations(actor)


def advisories_visible_to(*, actor: Actor) -> QuerySet[FirmwareAdvisory]:
    if not _staff(actor):
        return FirmwareAdvisory.objects.none()
    return (
        FirmwareAdvisory.objects.select_related("vendor")
        .prefetch_related("server_models")
        .annotate(campaign_count=Count("campaigns", distinct=True))
    )


def access_advisory(*, actor: Actor, advisory_id: Any) -> FirmwareAdvisory:
    try:
        return advisories_visible_to(actor=actor).get(pk=advisory_id)
    except (FirmwareAdvisory.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


def baselines_visible_to(*, actor: Actor) -> QuerySet[FirmwareBaseline]:
    if not _staff(actor):
        return FirmwareBaseline.objects.none()
    return FirmwareBaseline.objects.select_related("model", "model__vendor")


def campaigns_visible_to(*, actor: Actor) -> QuerySet[Campaign]:
    if not _staff(actor):
        return Campaign.objects.none()
    return Campaign.objects.select_related("advisory", "advisory__vendor").annotate(
        item_count=Count("items", distinct=True),
        done_count=Count("items", filter=Q(items__status=ItemStatus.DONE), distinct=True),
    )


def access_campaign(*, actor: Actor, campaign_id: Any) -> Campaign:
    try:
        return campaigns_visible_to(actor=actor).get(pk=campaign_id)
    except (Campaign.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


def items_visible_to(*, actor: Actor) -> QuerySet[CampaignItem]:
    queryset = CampaignItem.objects.select_related(
        "server", "server__model", "organisation", "site", "campaign", "campaign__advisory", "ticket"
    )
    return scope_to_actor(queryset, actor=actor)


def access_item(*, actor: Actor, item_id: Any) -> CampaignItem:
    return get_for_actor(items_visible_to(actor=actor), actor=actor, pk=item_id)


def progress(*, campaign: Campaign) -> dict[str, Any]:
    """Items by status overall and per customer (done / scheduled / refused / not reachable …)."""
    rows = (
        CampaignItem.objects.filter(campaign=campaign)
        .values("organisation_id", "organisation__name", "status")
        .annotate(n=Count("id"))
        .order_by("organisation__name")
    )
    totals: dict[str, int] = {s.value: 0 for s in ItemStatus}
    customers: dict[int, dict[str, Any]] = {}
    for row in rows:
        totals[row["status"]] += row["n"]
        entry = customers.setdefault(
            row["organisation_id"],
            {"name": row["organisation__name"], "counts": {s.value: 0 for s in ItemStatus}, "total": 0},
        )
        entry["counts"][row["status"]] += row["n"]
        entry["total"] += row["n"]
    return {"totals": totals, "customers": list(customers.values()), "total": sum(totals.values())}


def health_checks_visible_to(*, actor: Actor) -> QuerySet[HealthCheck]:
    if not actor.is_authenticated or not (sees_all_organisations(actor) or actor.can(Capability.VIEW_PORTAL)):
        return HealthCheck.objects.none()
    return scope_to_actor(HealthCheck.objects.select_related("organisation", "created_by"), actor=actor)


def access_health_check(*, actor: Actor, check_id: Any) -> HealthCheck:
    return get_for_actor(health_checks_visible_to(actor=actor), actor=actor, pk=check_id)


def latest_health_check(*, actor: Actor, organisation_id: int) -> HealthCheck | None:
    return (
        health_checks_visible_to(actor=actor)
        .filter(organisation_id=organisation_id)
        .order_by("-created_at", "-id")
        .first()
    )


def results_of(*, check: HealthCheck) -> QuerySet[ServerHealth]:
    """The check's server results (scoped through the check, which the caller accessed)."""
    return ServerHealth.objects.filter(health_check=check).select_related(
        "server",
        "server__model",
        "server__model__vendor",
        "server__site",
        "server__organisation",
        "health_check",
    )


def schedules_visible_to(*, actor: Actor) -> QuerySet[HealthCheckSchedule]:
    if not _staff(actor):
        return HealthCheckSchedule.objects.none()
    return HealthCheckSchedule.objects.select_related("contract", "organisation").order_by("next_run", "id")


def access_result(*, actor: Actor, result_id: Any) -> ServerHealth:
    queryset = ServerHealth.objects.select_related(
        "server", "server__organisation", "health_check", "organisation"
    )
    return get_for_actor(queryset, actor=actor, pk=result_id)
