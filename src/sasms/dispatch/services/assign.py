"""Assigning the engineer a recommendation names: one click, or automatically on creation.

Both go through :func:`sasms.tickets.services.assign_ticket` and add a ``DISPATCH`` timeline event
with the explanation. Under the request's row lock they check it is still as the dispatcher saw
it (or still unassigned), and under the engineer's profile lock that the engineer still has room.
"""

import datetime
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict, ServiceError
from sasms.dispatch.access import require_dispatcher
from sasms.dispatch.engine.recommend import Candidate, Recommendation, recommend
from sasms.dispatch.engine.scoring import factor_label
from sasms.dispatch.locks import lock_profile
from sasms.dispatch.models import EngineerProfile
from sasms.dispatch.selectors import auto_dispatch_priorities, current_settings
from sasms.tickets.choices import OPEN_STATUSES, EventKind, Status
from sasms.tickets.events import record_event
from sasms.tickets.locks import lock_ticket
from sasms.tickets.models import Ticket, TicketEvent
from sasms.tickets.services import assign_ticket

logger = logging.getLogger(__name__)
MODE_RECOMMENDATION, MODE_AUTO, MODE_BATCH = "recommendation", "auto", "batch"


def summary_text(mode: str, name: str, score: int | None, factors: list[dict[str, Any]]) -> str:
    heading = {
        MODE_RECOMMENDATION: _("Assigned from the recommendation to %(name)s (score %(score)s)."),
        MODE_AUTO: _("Auto-dispatched to %(name)s (score %(score)s)."),
        MODE_BATCH: _("Assigned from the batch proposal to %(name)s (score %(score)s)."),
    }[mode] % {"name": name, "score": score if score is not None else "—"}
    parts = []
    for factor in factors:
        if factor.get("score") is None:
            continue
        label = factor_label(str(factor["key"]))
        parts.append(f"{label} {round(float(factor['score']) * 100)} %")
    return f"{heading} {' · '.join(parts)}".strip()


def record_dispatch(
    *,
    ticket: Ticket,
    actor: User | None,
    mode: str,
    engineer: User,
    score: int | None,
    factors: list[dict[str, Any]],
    **extra: Any,
) -> TicketEvent:
    return record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.DISPATCH,
        public=False,
        body=summary_text(mode, str(engineer), score, factors),
        data={
            "mode": mode,
            "engineer_id": engineer.pk,
            "engineer": str(engineer),
            "score": score,
            "factors": factors,
            **extra,
        },
    )


def _room_left(profile: EngineerProfile) -> bool:
    open_count = Ticket.objects.filter(assignee_id=profile.user_id, status__in=OPEN_STATUSES).count()
    return open_count < profile.max_concurrent


def _pick(recommendation: Recommendation, engineer: User) -> Candidate:
    candidate = recommendation.candidate(engineer.pk)
    if candidate is None:
        message = _("This engineer has no dispatch profile or takes no new work.")
        raise ServiceError(message, fields={"engineer": [message]})
    if candidate.exclusions:
        message = "; ".join(str(r) for r in candidate.exclusions)
        raise Conflict(message, code="constraint", fields={"engineer": [message]})
    return candidate


@transaction.atomic
def assign_recommended(
    *,
    actor: User,
    ticket: Ticket,
    engineer: User,
    expected_assignee_id: int | None = None,
    now: datetime.datetime | None = None,
) -> Ticket:
    """One click on the recommendation panel: assign ``engineer`` and record why.

    ``expected_assignee_id`` is the assignee the dispatcher saw; if someone else changed it
    meanwhile the click is refused instead of silently overriding them.
    """
    require_dispatcher(actor)
    locked = lock_ticket(ticket.pk)
    if locked.status not in OPEN_STATUSES:
        raise Conflict(_("Only open requests can be dispatched."), code="transition_refused")
    if locked.assignee_id != expected_assignee_id:
        holder = locked.assignee
        message = _("Assigned meanwhile to %(name)s; look again before changing it.") % {
            "name": holder.full_name if holder is not None else "—"
        }
        raise Conflict(message, code="changed", fields={"engineer": [message]})
    recommendation = recommend(locked, settings=current_settings(), now=now)
    candidate = _pick(recommendation, engineer)
    profile = lock_profile(engineer.pk)
    if profile is None or not _room_left(profile):
        message = _("This engineer has no room for another request.")
        raise Conflict(message, code="constraint", fields={"engineer": [message]})
    locked = assign_ticket(actor=actor, ticket=locked, assignee=engineer)
    factors = [f.as_json() for f in candidate.factors]
    record_dispatch(
        ticket=locked,
        actor=actor,
        mode=MODE_RECOMMENDATION,
        engineer=engineer,
        score=candidate.score,
        factors=factors,
    )
    return locked


def auto_dispatch_enabled(ticket: Ticket) -> bool:
    """Read from the database: the final say before an automatic assignment."""
    return ticket.priority in (current_settings().auto_dispatch_priorities or [])


@transaction.atomic
def auto_dispatch(*, ticket_id: int, now: datetime.datetime | None = None) -> User | None:
    """Assign a new, unassigned request of an auto-dispatch priority to its best engineer.

    Returns the engineer, or ``None`` when the request was taken meanwhile or nobody fits (said
    once on the timeline, so a sweep retrying it does not repeat itself).
    """
    try:
        ticket = lock_ticket(ticket_id)
    except Ticket.DoesNotExist:
        return None
    if ticket.assignee_id is not None or ticket.status != Status.NEW or not auto_dispatch_enabled(ticket):
        return None
    with translation.override(django_settings.LANGUAGE_CODE):
        recommendation = recommend(ticket, settings=current_settings(), now=now)
        for candidate in recommendation.ranked:
            profile = lock_profile(candidate.user_id)
            if profile is None or not _room_left(profile):
                continue
            engineer = profile.user
            try:
                ticket = assign_ticket(actor=None, ticket=ticket, assignee=engineer)
            except ServiceError:
                logger.warning("auto-dispatch of %s to %s refused", ticket.pk, engineer.pk, exc_info=True)
                continue
            factors = [f.as_json() for f in candidate.factors]
            record_dispatch(
                ticket=ticket,
                actor=None,
                mode=MODE_AUTO,
                engineer=engineer,
                score=candidate.score,
                factors=factors,
            )
            return engineer
        _record_nobody(ticket, recommendation)
    return None


def _record_nobody(ticket: Ticket, recommendation: Recommendation) -> None:
    last = (
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.DISPATCH)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None and last.data.get("mode") == MODE_AUTO and not last.data.get("engineer_id"):
        return
    reasons: dict[str, int] = {}
    for candidate in recommendation.excluded:
        for reason in candidate.exclusions:
            reasons[reason.code] = reasons.get(reason.code, 0) + 1
    record_event(
        ticket=ticket,
        actor=None,
        kind=EventKind.DISPATCH,
        body=_(
            "Auto-dispatch found no engineer who meets the constraints; the request waits for a dispatcher."
        ),
        data={"mode": MODE_AUTO, "engineer_id": None, "excluded": reasons},
    )


def schedule_auto_dispatch(ticket_id: int) -> None:
    """Run auto-dispatch once the creating transaction has committed."""
    from sasms.dispatch.tasks import auto_dispatch_request

    transaction.on_commit(lambda: auto_dispatch_request.delay(ticket_id))


def _parse_time(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)


def _coordinate(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if -limit <= value <= limit else None


def update_position_from(event: TicketEvent) -> bool:
    """A check-in on site moves the engineer's position (an older, late-synced one never does)."""
    data = event.data or {}
    latitude, longitude = _coordinate(data.get("latitude"), 90), _coordinate(data.get("longitude"), 180)
    at = _parse_time(data.get("occurred_at")) or event.created_at
    engineer_id = data.get("engineer_id") or event.actor_id
    if latitude is None or longitude is None or not isinstance(engineer_id, int):
        return False
    updated = (
        EngineerProfile.objects.filter(user_id=engineer_id)
        .filter(Q(position_at__isnull=True) | Q(position_at__lt=at))
        .update(
            position_latitude=Decimal(f"{latitude:.6f}"),
            position_longitude=Decimal(f"{longitude:.6f}"),
            position_at=at,
            position_ticket_id=event.ticket_id,
        )
    )
    return bool(updated)


def on_ticket_event(event: TicketEvent) -> None:
    """Timeline listener: positions from check-ins, auto-dispatch of new requests."""
    if event.kind == EventKind.VISIT and (event.data or {}).get("step") == "checked_in":
        update_position_from(event)
    elif (
        event.kind == EventKind.CREATED
        and event.ticket.assignee_id is None
        and event.ticket.priority in auto_dispatch_priorities()
    ):
        schedule_auto_dispatch(event.ticket_id)
