"""Timeline events and the notifications that go with them, written in the caller's transaction."""

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from sasms.accounts.selectors import languages_by_address
from sasms.core.outbox import enqueue_email
from sasms.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from sasms.accounts.models import User

EventListener = Callable[[TicketEvent], None]
# Apps that follow a request's story (the SLA clocks, auto-dispatch) register here from their
# ``AppConfig.ready``. Listeners run inside the transaction that records the event, so what they
# write commits or rolls back with it.
_LISTENERS: list[EventListener] = []


def add_event_listener(listener: EventListener) -> None:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


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
    for listener in _LISTENERS:
        listener(event)
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
