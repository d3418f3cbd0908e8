"""Reads of the portal, scoped to the actor: a customer sees only their own organisation.

Servers, contracts and requests are read through their own apps' selectors, which already scope
by organisation; surveys and deflections are scoped here with :func:`scope_to_actor`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server, ServerStatus
from sasms.assets.selectors import add_months, servers_visible_to
from sasms.contracts.models import Contract
from sasms.contracts.selectors import contracts_visible_to, expiring_within
from sasms.core.tenancy import get_for_actor, scope_to_actor
from sasms.portal.models import SCORE_FIELDS, Deflection, Survey, SurveyResponse
from sasms.tickets import selectors as ticket_selectors
from sasms.tickets.choices import OPEN_STATUSES, Channel
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


def _may_read_surveys(actor: Actor) -> bool:
    return bool(
        actor.is_authenticated
        and actor.is_active
        and (
            actor.can(Capability.VIEW_PORTAL)
            or actor.can(Capability.VIEW_REPORTS)
            or actor.can(Capability.WORK_TICKETS)
        )
    )


def surveys_visible_to(*, actor: Actor) -> QuerySet[Survey]:
    """Customers: their organisation's surveys; staff who work requests or read reports: all."""
    if not _may_read_surveys(actor):
        return Survey.objects.none()
    queryset = Survey.objects.select_related("ticket", "organisation", "engineer", "response")
    return scope_to_actor(queryset, actor=actor)


def access_survey(*, actor: Actor, survey_id: Any) -> Survey:
    return get_for_actor(surveys_visible_to(actor=actor), actor=actor, pk=survey_id)


def survey_of(*, ticket: Ticket) -> Survey | None:
    return Survey.objects.select_related("response", "engineer").filter(ticket_id=ticket.pk).first()


def pending_surveys(*, actor: Actor, limit: int = HOME_ROWS) -> list[Survey]:
    """Unanswered surveys of the customer's requests that are still resolved or closed."""
    return list(
        _portal_only(surveys_visible_to(actor=actor), actor)
        .filter(answered_at__isnull=True, ticket__status__in=("resolved", "closed"))
        .order_by("-invited_at")[:limit]
    )


def survey_answers_visible_to(*, actor: Actor) -> QuerySet[SurveyResponse]:
    """Survey answers for the results page: staff with reports see all, customer admins their own."""
    if not (actor.is_authenticated and actor.is_active and actor.can(Capability.VIEW_REPORTS)):
        return SurveyResponse.objects.none()
    queryset = SurveyResponse.objects.select_related("ticket", "organisation", "engineer", "respondent")
    return scope_to_actor(queryset, actor=actor).order_by("-created_at", "-id")


@dataclass(frozen=True)
class SurveySummary:
    answers: int
    averages: dict[str, Decimal | None]
    overall: Decimal | None


def survey_summary(answers: QuerySet[SurveyResponse]) -> SurveySummary:
    """Count and average scores of ``answers`` (already filtered), in one query."""
    row = answers.order_by().aggregate(
        n=Count("id"), overall=Avg("average"), **{name: Avg(name) for name in SCORE_FIELDS}
    )

    def rounded(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))

    return SurveySummary(
        answers=row["n"],
        averages={name: rounded(row[name]) for name in SCORE_FIELDS},
        overall=rounded(row["overall"]),
    )


# --- Deflections ---------------------------------------------------------------------------------


def deflections_visible_to(*, actor: Actor) -> QuerySet[Deflection]:
    """Deflections for the report: staff with reports see all, customer admins their own."""
    if not (actor.is_authenticated and actor.is_active and actor.can(Capability.VIEW_REPORTS)):
        return Deflection.objects.none()
    return scope_to_actor(Deflection.objects.select_related("organisation", "user"), actor=actor).order_by(
        "-created_at", "-id"
    )


@dataclass(frozen=True)
class DeflectionRate:
    deflections: int
    portal_requests: int

    @property
    def attempts(self) -> int:
        return self.deflections + self.portal_requests

    @property
    def rate(self) -> float | None:
        """Share of portal visits with a problem that ended in an article instead of a request."""
        return self.deflections / self.attempts if self.attempts else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def deflection_rate(
    *,
    actor: Actor,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    organisation_id: int | None = None,
) -> DeflectionRate:
    """Deflections against requests opened in the portal, over the same organisations and days."""
    deflections = deflections_visible_to(actor=actor)
    requests = ticket_selectors.tickets_visible_to(actor=actor).filter(channel=Channel.PORTAL)
    if not actor.is_authenticated or not actor.can(Capability.VIEW_REPORTS):
        requests = requests.none()
    if organisation_id is not None:
        deflections = deflections.filter(organisation_id=organisation_id)
        requests = requests.filter(organisation_id=organisation_id)
    if since is not None:
        deflections = deflections.filter(created_at__date__gte=since)
        requests = requests.filter(created_at__date__gte=since)
    if until is not None:
        deflections = deflections.filter(created_at__date__lte=until)
        requests = requests.filter(created_at__date__lte=until)
    return DeflectionRate(
        deflections=deflections.order_by().count(), portal_requests=requests.order_by().count()
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
