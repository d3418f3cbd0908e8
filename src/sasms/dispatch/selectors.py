"""Reads of the dispatch app, for dispatchers only (customers are refused before any query)."""

import datetime
import threading
import time

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import Capability, Role
from sasms.core.errors import NotFound
from sasms.dispatch.access import require_dispatcher
from sasms.dispatch.models import (
    BatchProposal,
    Certification,
    DispatchSettings,
    EngineerProfile,
    OnCallEntry,
    ProposalRow,
    ServiceRegion,
)
from sasms.tickets.choices import OPEN_STATUSES
from sasms.tickets.models import Ticket

Actor = User | AnonymousUser


def current_settings() -> DispatchSettings:
    """The settings row, or the defaults while nobody has saved any."""
    return DispatchSettings.objects.filter(pk="default").first() or DispatchSettings(pk="default")


_AUTO_TTL_SECONDS = 5.0
_auto_cache: dict[str, tuple[float, frozenset[str]]] = {}
_auto_lock = threading.Lock()


def auto_dispatch_priorities() -> frozenset[str]:
    """The priorities that auto-dispatch, cached a few seconds per process.

    Asked on every new request, so it must not cost a query each time; an edit is seen at once in
    the process that made it (the cache is cleared on commit) and within seconds elsewhere. The
    auto-dispatch itself reads the row again before it assigns anyone.
    """
    now = time.monotonic()
    with _auto_lock:
        held = _auto_cache.get("priorities")
        if held is not None and held[0] > now:
            return held[1]
    value = frozenset(current_settings().auto_dispatch_priorities or [])
    with _auto_lock:
        _auto_cache["priorities"] = (now + _AUTO_TTL_SECONDS, value)
    return value


def clear_settings_cache() -> None:
    with _auto_lock:
        _auto_cache.clear()


def profiles_visible_to(*, actor: Actor) -> QuerySet[EngineerProfile]:
    require_dispatcher(actor)
    return (
        EngineerProfile.objects.select_related("user", "calendar")
        .prefetch_related("regions")
        .annotate(
            open_count=Count(
                "user__assigned_tickets", filter=Q(user__assigned_tickets__status__in=OPEN_STATUSES)
            )
        )
        .order_by("user__full_name", "user_id")
    )


def access_profile(*, actor: Actor, profile_id: int) -> EngineerProfile:
    try:
        return (
            profiles_visible_to(actor=actor)
            .prefetch_related(
                "skills",
                Prefetch("certifications", queryset=Certification.objects.select_related("vendor")),
                Prefetch("on_call", queryset=OnCallEntry.objects.order_by("starts_on")),
            )
            .get(pk=profile_id)
        )
    except (EngineerProfile.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Not found.") from exc


def engineers_without_profile(*, actor: Actor) -> QuerySet[User]:
    """Active staff who work requests and have no dispatch profile yet."""
    require_dispatcher(actor)
    roles = [
        Role.ENGINEER,
        Role.FIELD_ENGINEER,
        Role.AGENT,
        Role.DISPATCHER,
        Role.SERVICE_MANAGER,
        Role.ADMINISTRATOR,
    ]
    return User.objects.filter(
        is_active=True, is_machine=False, role__in=roles, engineer_profile__isnull=True
    ).order_by("full_name", "email")


def can_work_tickets(user: User) -> bool:
    return user.is_active and not user.is_machine and user.can(Capability.WORK_TICKETS)


def regions_visible_to(*, actor: Actor) -> QuerySet[ServiceRegion]:
    require_dispatcher(actor)
    return ServiceRegion.objects.annotate(engineer_count=Count("engineers")).order_by("name")


def access_region(*, actor: Actor, region_id: int) -> ServiceRegion:
    try:
        return regions_visible_to(actor=actor).get(pk=region_id)
    except (ServiceRegion.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Not found.") from exc


def proposals_visible_to(*, actor: Actor) -> QuerySet[BatchProposal]:
    require_dispatcher(actor)
    return BatchProposal.objects.select_related("created_by").annotate(
        row_count=Count("rows"),
        proposed_count=Count("rows", filter=Q(rows__engineer__isnull=False)),
        applied_count=Count("rows", filter=Q(rows__outcome="applied")),
    )


def access_proposal(*, actor: Actor, proposal_id: int) -> BatchProposal:
    try:
        return proposals_visible_to(actor=actor).get(pk=proposal_id)
    except (BatchProposal.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Not found.") from exc


def proposal_rows(*, actor: Actor, proposal: BatchProposal) -> QuerySet[ProposalRow]:
    require_dispatcher(actor)
    return (
        ProposalRow.objects.filter(proposal=proposal)
        .select_related("ticket", "ticket__organisation", "engineer", "applied_by")
        .order_by("position", "id")
    )


def unassigned_requests(*, actor: Actor) -> QuerySet[Ticket]:
    """Open requests nobody works on, nearest deadline first (requests without one last)."""
    from sasms.sla.clocks.selectors import with_time_to_breach

    require_dispatcher(actor)
    queryset = Ticket.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=True).select_related(
        "organisation", "server__site"
    )
    return with_time_to_breach(queryset).order_by(_nulls_last("next_due"), "priority", "created_at")


def at_risk_requests(*, actor: Actor, now: datetime.datetime | None = None) -> QuerySet[Ticket]:
    """Open requests with a clock past its risk point or breached, nearest deadline first."""
    from sasms.sla.clocks import selectors as clocks

    require_dispatcher(actor)
    open_requests = Ticket.objects.filter(status__in=OPEN_STATUSES).select_related(
        "organisation", "assignee", "server__site"
    )
    risky = Q(pk__in=clocks.at_risk(open_requests, now=now).values("pk"))
    risky |= Q(pk__in=clocks.breached(open_requests).values("pk"))
    return clocks.with_time_to_breach(open_requests.filter(risky)).order_by(
        _nulls_last("next_due"), "priority", "created_at"
    )


def _nulls_last(name: str) -> OrderBy:
    return F(name).asc(nulls_last=True)


def latest_open_proposal(*, actor: Actor) -> BatchProposal | None:
    return (
        proposals_visible_to(actor=actor)
        .filter(status__in=["open", "partial"])
        .order_by("-created_at")
        .first()
    )


def today() -> datetime.date:
    return timezone.localdate()
