"""The writers of customer feedback: survey invitations and answers, and deflections.

Each public function is one transaction (the invitation runs inside the one that resolves the
request: it is a follower of the request's journey, see :mod:`sasms.journey.followers`).
The signed survey link and the e-mail point at the portal's survey page, where customers answer.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict, NotFound, ServiceError
from sasms.core.outbox import enqueue_email
from sasms.core.permissions import require
from sasms.feedback.models import (
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    AnswerChannel,
    Deflection,
    Survey,
    SurveyResponse,
)
from sasms.feedback.tokens import link_days, make_token
from sasms.tickets.choices import EventKind, Status
from sasms.tickets.events import record_event
from sasms.tickets.models import Ticket, TicketEvent

MAX_COMMENT = 4_000
MAX_QUERY = 500
# The same person confirming the same article again within this time is one deflection, not two.
DEFLECTION_REPEAT_MINUTES = 30


# --- Deflections ---------------------------------------------------------------------------------


def _article_title(actor: User, article_id: int) -> str | None:
    """The article's title when the knowledge app knows it, ``None`` when it does not exist."""
    try:
        from sasms.knowledge import selectors as knowledge_selectors

        visible = getattr(knowledge_selectors, "articles_visible_to", None)
    except ImportError:
        visible = None
    if visible is not None:
        queryset = visible(actor=actor)
    else:
        try:
            queryset = apps.get_model("knowledge", "Article").objects.all()
        except LookupError:
            return ""  # no knowledge base installed yet: the id is taken as given
    article = queryset.filter(pk=article_id).first()
    if article is None:
        return None
    return str(getattr(article, "shown_title", "") or getattr(article, "title", "") or article)[:300]


@transaction.atomic
def record_deflection(*, actor: User, article_id: Any, query: str = "") -> Deflection:
    """The customer says an article solved the problem they were about to report."""
    require(actor, Capability.VIEW_PORTAL)
    try:
        article = int(article_id)
    except (TypeError, ValueError):
        article = 0
    title = _article_title(actor, article) if article > 0 else None
    if title is None:
        raise ServiceError(_("Unknown article."), fields={"article": [_("Unknown article.")]})
    since = timezone.now() - datetime.timedelta(minutes=DEFLECTION_REPEAT_MINUTES)
    repeated = Deflection.objects.filter(user=actor, article_id=article, created_at__gte=since).first()
    if repeated is not None:
        return repeated
    deflection = Deflection.objects.create(
        organisation_id=actor.organisation_id,
        user=actor,
        article_id=article,
        article_title=title,
        query=" ".join(query.split())[:MAX_QUERY],
    )
    record_audit(
        actor=actor,
        action="portal.deflection",
        target=deflection,
        changes={"article": [None, article]},
        organisation=actor.organisation,
    )
    return deflection


# --- Surveys -------------------------------------------------------------------------------------


def survey_link(survey: Survey) -> str:
    return f"{settings.SASMS_BASE_URL}{reverse('portal:survey_link', args=[make_token(survey.pk)])}"


def _recipient(ticket: Ticket) -> tuple[str, str]:
    """Whom to ask (the requester, else the customer who opened it) and in which language."""
    address = ticket.requester.email if ticket.requester is not None else ""
    if not address and ticket.created_by is not None and ticket.created_by.is_customer:
        address = ticket.created_by.email
    language = settings.LANGUAGE_CODE
    if address:
        user = User.objects.filter(organisation_id=ticket.organisation_id, email__iexact=address).first()
        if user is not None:
            language = user.language
    return address, language


def _send_invitation(survey: Survey, ticket: Ticket) -> None:
    with translation.override(survey.language):
        subject = _("[%(number)s] How did we do? Please rate our service") % {"number": ticket.number}
        body = render_to_string(
            "feedback/email/survey_invitation.txt",
            {"ticket": ticket, "link": survey_link(survey), "days": link_days()},
        )
    enqueue_email(
        to=[survey.recipient],
        subject=subject,
        body=body,
        idempotency_key=f"portal:survey:{survey.pk}:invitation:{survey.rounds}",
    )


def invite_to_survey(*, ticket: Ticket, resolved_at: datetime.datetime) -> Survey:
    """Invite the requester to rate ``ticket``; called inside the transaction that resolves it."""
    survey = Survey.objects.select_for_update().filter(ticket_id=ticket.pk).first()
    if survey is not None and survey.is_answered:
        return survey  # rated already: the answer stands (see the model's docstring)
    recipient, language = _recipient(ticket)
    now = timezone.now()
    if survey is None:
        survey = Survey.objects.create(
            ticket=ticket,
            organisation_id=ticket.organisation_id,
            engineer_id=ticket.assignee_id,
            recipient=recipient,
            language=language,
            invited_at=now,
            resolved_at=resolved_at,
        )
        action, changes = "survey.invite", {"engineer": [None, ticket.assignee_id]}
    else:
        changes = {
            "engineer": [survey.engineer_id, ticket.assignee_id],
            "rounds": [survey.rounds, survey.rounds + 1],
        }
        survey.engineer_id = ticket.assignee_id
        survey.recipient, survey.language = recipient, language
        survey.invited_at, survey.resolved_at = now, resolved_at
        survey.rounds += 1
        survey.save(
            update_fields=["engineer", "recipient", "language", "invited_at", "resolved_at", "rounds"]
        )
        action = "survey.renew"
    record_audit(actor=None, action=action, target=survey, changes=changes, organisation=ticket.organisation)
    if recipient:
        _send_invitation(survey, ticket)
    return survey


def on_ticket_event(event: TicketEvent) -> None:
    """Timeline listener: a request that becomes resolved gets its survey invitation."""
    if event.kind == EventKind.STATUS and event.data.get("to") == Status.RESOLVED:
        invite_to_survey(ticket=event.ticket, resolved_at=event.created_at)


def _score_errors(scores: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(scores) - set(SCORE_FIELDS))
    for name in unknown:
        errors[name] = [_("Unknown field.")]
    for name in SCORE_FIELDS:
        value = scores.get(name)
        if value is None or value == "":
            errors[name] = [_("Please choose a score.")]
        elif isinstance(value, bool) or not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            errors[name] = [
                _("Choose a score from %(low)d to %(high)d.") % {"low": SCORE_MIN, "high": SCORE_MAX}
            ]
    return errors


@transaction.atomic
def answer_survey(
    *, actor: User | None, survey: Survey, scores: Mapping[str, Any], comment: str = "", channel: str = ""
) -> SurveyResponse:
    """Record the answer to ``survey``, once.

    ``actor`` is the signed-in customer; ``None`` means the answer came through the signed e-mail
    link, which the caller has checked. Staff cannot answer for the customer.
    """
    if actor is not None:
        if not actor.can(Capability.VIEW_PORTAL) or actor.organisation_id != survey.organisation_id:
            raise NotFound(_("Not found."))
        channel = channel if channel in (AnswerChannel.WEB, AnswerChannel.API) else AnswerChannel.WEB
    else:
        channel = AnswerChannel.LINK
    errors = _score_errors(scores)
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        errors["comment"] = [_("At most %d characters.") % MAX_COMMENT]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    survey = Survey.objects.select_for_update().select_related("ticket").get(pk=survey.pk)
    if survey.answered_at is not None:
        message = _("This survey has already been answered. Thank you!")
        raise Conflict(message, code="already_answered", fields={"survey": [message]})
    ticket = survey.ticket
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        message = _("This request was reopened; we will ask again once it is resolved.")
        raise Conflict(message, code="reopened", fields={"survey": [message]})
    values = {name: int(scores[name]) for name in SCORE_FIELDS}
    average = (Decimal(sum(values.values())) / len(values)).quantize(Decimal("0.01"))
    now = timezone.now()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey,
                ticket=ticket,
                organisation_id=survey.organisation_id,
                engineer_id=survey.engineer_id,
                respondent=actor,
                channel=channel,
                average=average,
                comment=text,
                created_at=now,
                **values,
            )
    except IntegrityError as exc:  # a concurrent answer won the race
        raise Conflict(
            _("This survey has already been answered. Thank you!"), code="already_answered"
        ) from exc
    survey.answered_at = now
    survey.save(update_fields=["answered_at"])
    record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.SURVEY,
        public=False,
        body=text,
        data={"survey": survey.pk, **values, "average": str(average), "channel": channel},
    )
    record_audit(
        actor=actor,
        action="survey.answer",
        target=survey,
        changes={name: [None, value] for name, value in values.items()},
        organisation=ticket.organisation,
    )
    return response
