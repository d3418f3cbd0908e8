"""Reads of the portal, scoped to the actor: a customer sees only their own organisation.

Servers, contracts, requests, surveys and deflections are read through their own apps' selectors
(:mod:`sasms.feedback.selectors` for the last two), which already scope by organisation.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server, ServerStatus
from sasms.assets.selectors import add_months, servers_visible_to
from sasms.contracts.models import Contract
from sasms.contracts.selectors import contracts_visible_to, expiring_within
from sasms.core.tenancy import get_for_actor
from sasms.feedback.models import Survey
from sasms.feedback.selectors import DeflectionRate, deflection_rate, surveys_visible_to
from sasms.tickets import selectors as ticket_selectors
from sasms.tickets.choices import OPEN_STATUSES
from sasms.tickets.models import Ticket, TicketEvent

Actor = User | AnonymousUser
EXPIRING_DAYS = 90
EOSL_MONTHS = 12
HOME_ROWS = 8


def is_portal_user(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active and actor.can(Capability.VIEW_PORTAL))


def _portal_only(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    """Portal reads are the customer's own: anyone without the portal sees nothing here."""
    return queryset if is_portal_user(actor) else queryset.none()


# --- Servers -------------------------------------------------------------------------------------


def portal_servers(*, actor: Actor) -> QuerySet[Server]:
    return _portal_only(servers_visible_to(actor=actor), actor).order_by("serial", "pk")


def access_portal_server(*, actor: Actor, server_id: Any) -> Server:
    return get_for_actor(portal_servers(actor=actor), actor=actor, pk=server_id)


def search_own_servers(*, actor: Actor, text: str, limit: int = 8) -> list[Server]:
    """Own servers whose serial, hostname or asset tag starts with ``text`` (the request form)."""
    term = text.strip()
    if len(term) < 2:
        return []
    condition = Q(serial__istartswith=term) | Q(hostname__istartswith=term) | Q(asset_tag__istartswith=term)
    servers = portal_servers(actor=actor).exclude(status=ServerStatus.DECOMMISSIONED).filter(condition)
    return list(servers[:limit])


def own_server_by_identifier(*, actor: Actor, identifier: str) -> list[Server]:
    """Own servers whose serial, hostname or asset tag is exactly ``identifier``."""
    if not is_portal_user(actor):
        return []
    assert isinstance(actor, User)
    return ticket_selectors.find_server(actor=actor, organisation=actor.organisation, identifier=identifier)


def eosl_soon(*, actor: Actor, today: datetime.date) -> QuerySet[Server]:
    """Own servers in use whose model reaches end of service life within 12 months (or has)."""
    return (
        portal_servers(actor=actor)
        .exclude(status=ServerStatus.DECOMMISSIONED)
        .filter(model__eosl_date__isnull=False, model__eosl_date__lte=add_months(today, EOSL_MONTHS))
        .order_by("model__eosl_date", "serial")
    )


# --- Requests ------------------------------------------------------------------------------------


def portal_requests(*, actor: Actor) -> QuerySet[Ticket]:
    return _portal_only(ticket_selectors.tickets_visible_to(actor=actor), actor).order_by(
        "-created_at", "-id"
    )


def access_portal_request(*, actor: Actor, number: str) -> Ticket:
    """One of the customer's own requests by SR number, or ``NotFound``."""
    queryset = portal_requests(actor=actor).select_related("server__model", "server__site")
    return get_for_actor(queryset, actor=actor, number=number)


def public_timeline(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    """What the customer may read of the request's story: public events only."""
    return (
        TicketEvent.objects.filter(ticket=ticket, public=True)
        .select_related("actor")
        .order_by("created_at", "id")
    )


# --- Contracts -----------------------------------------------------------------------------------


def contracts_expiring(*, actor: Actor, today: datetime.date) -> QuerySet[Contract]:
    contracts = _portal_only(contracts_visible_to(actor=actor), actor)
    return expiring_within(contracts, days=EXPIRING_DAYS, today=today).order_by("end_date", "number")


# --- Surveys -------------------------------------------------------------------------------------


def pending_surveys(*, actor: Actor, limit: int = HOME_ROWS) -> list[Survey]:
    """Unanswered surveys of the customer's requests that are still resolved or closed."""
    return list(
        _portal_only(surveys_visible_to(actor=actor), actor)
        .filter(answered_at__isnull=True, ticket__status__in=("resolved", "closed"))
        .order_by("-invited_at")[:limit]
    )


# --- Home ----------------------------------------------------------------------------------------


@dataclass
class PortalHome:
    open_requests: list[Ticket]
    open_count: int
    server_count: int
    expiring: list[Contract]
    expiring_count: int
    eosl: list[Server]
    eosl_count: int
    surveys: list[Survey]
    deflection: DeflectionRate | None


def portal_home(*, actor: Actor, today: datetime.date | None = None) -> PortalHome:
    day = today or timezone.localdate()
    open_requests = portal_requests(actor=actor).filter(status__in=OPEN_STATUSES)
    expiring = contracts_expiring(actor=actor, today=day)
    eosl = eosl_soon(actor=actor, today=day)
    deflection = None
    if isinstance(actor, User) and is_portal_user(actor) and actor.can(Capability.VIEW_REPORTS):
        deflection = deflection_rate(actor=actor, since=day - datetime.timedelta(days=90))
    return PortalHome(
        open_requests=list(open_requests[:HOME_ROWS]),
        open_count=open_requests.order_by().count(),
        server_count=portal_servers(actor=actor)
        .exclude(status=ServerStatus.DECOMMISSIONED)
        .order_by()
        .count(),
        expiring=list(expiring[:HOME_ROWS]),
        expiring_count=expiring.order_by().count(),
        eosl=list(eosl[:HOME_ROWS]),
        eosl_count=eosl.order_by().count(),
        surveys=pending_surveys(actor=actor),
        deflection=deflection,
    )
