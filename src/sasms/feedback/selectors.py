"""Reads of customer feedback, scoped to the actor: a customer sees only their own organisation's
surveys; staff who work requests or read reports see all (answers and deflections: reports only).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, QuerySet

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.tenancy import get_for_actor, scope_to_actor
from sasms.feedback.models import SCORE_FIELDS, Deflection, Survey, SurveyResponse
from sasms.tickets import selectors as ticket_selectors
from sasms.tickets.choices import Channel
from sasms.tickets.models import Ticket

Actor = User | AnonymousUser


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
