"""Timeline events and the notifications that go with them, written in the caller's transaction.

Every event is handed to the request's *journey*: the ordered list of followers (SLA clocks,
auto-dispatch, parts booking, survey invitations, classification, deliveries) declared in one
place, :mod:`sasms.journey`, and described in ``docs/request-journey.md``. This app defines what a
follower is and runs them; it does not import them, because they all build on tickets.
"""

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone, translation

from sasms.accounts.selectors import languages_by_address
from sasms.core.errors import ServiceError
from sasms.core.outbox import enqueue_email
from sasms.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from sasms.accounts.models import User

logger = logging.getLogger(__name__)

# What a follower's failure does: ``rolls_back`` — the exception reaches the caller and the whole
# step (the event included) is rolled back; ``problem_row`` — the follower catches its own
# failure in a savepoint and records a row a person works through (the caller's step stands).
OnFailure = Literal["rolls_back", "problem_row"]


@dataclass(frozen=True)
class Follower:
    """One step of the request's journey: ``run`` is called with every timeline event, in the
    transaction that records it, after the request has its SR number."""

    name: str
    run: Callable[[TicketEvent], None]
    on_failure: OnFailure = "rolls_back"


_journey: tuple[Follower, ...] | None = None


def install_journey(followers: Sequence[Follower]) -> None:
    """Set the followers, in order. Called once, by :mod:`sasms.journey` when the apps are ready."""
    global _journey
    _journey = tuple(followers)


def journey() -> tuple[Follower, ...]:
    if _journey is None:
        # Without it clocks would not start and nothing would be dispatched: refuse loudly.
        raise ImproperlyConfigured(
            "The request journey is not installed: add sasms.journey to INSTALLED_APPS."
        )
    return _journey


def follow(event: TicketEvent) -> None:
    """Hand ``event`` to each follower in order. A failure is logged with the request and the
    follower and re-raised: the caller's transaction rolls back, nothing is half-done."""
    for follower in journey():
        try:
            follower.run(event)
        except ServiceError:
            raise  # a refusal the caller shows to the person (e.g. a rule of the clocks)
        except Exception:
            logger.exception(
                "request %s: follower %r failed on event %s (%s); the step is rolled back",
                event.ticket_id,
                follower.name,
                event.pk,
                event.kind,
            )
            raise


MENTION = re.compile(r"@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def record_event(
    *,
    ticket: Ticket,
    actor: "User | None",
    kind: str,
    public: bool = False,
    body: str = "",
    data: Mapping[str, Any] | None = None,
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.full_name or actor.email) if actor is not None else "system",
        kind=kind,
        public=public,
        body=body,
        data=dict(data or {}),
    )
    follow(event)
    return event


def ticket_url(ticket: Ticket) -> str:
    return f"{settings.SASMS_BASE_URL}{reverse('tickets:detail', args=[ticket.number])}"


# Builds (subject, body); called once per language among the recipients, inside that language.
Message = Callable[[], tuple[str, str]]


def notify(*, event: TicketEvent, recipients: Iterable[str], message: Message) -> None:
    """One e-mail per recipient through the outbox, keyed by event and address (sent once), in
    the recipient's own language."""
    languages = languages_by_address(recipients)
    rendered: dict[str, tuple[str, str]] = {}
    for address in sorted(languages):
        language = languages[address]
        if language not in rendered:
            with translation.override(language):
                rendered[language] = message()
        subject, body = rendered[language]
        enqueue_email(
            to=[address],
            subject=subject,
            body=f"{body}\n\n{ticket_url(event.ticket)}",
            idempotency_key=f"ticket:{event.ticket_id}:event:{event.pk}:{address}",
        )


def mentioned_addresses(text: str) -> list[str]:
    """``@name@example.com`` mentions, by e-mail address (unique, in order)."""
    return list(dict.fromkeys(m.lower().rstrip(".") for m in MENTION.findall(text)))
