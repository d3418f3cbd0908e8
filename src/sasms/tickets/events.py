"""Timeline events and the notifications that go with them, written in the caller's transaction."""

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sasms.core.outbox import enqueue_email
from sasms.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from sasms.accounts.models import User

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
    return TicketEvent.objects.create(
        ticket=ticket,
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.full_name or actor.email) if actor is not None else "system",
        kind=kind,
        public=public,
        body=body,
        data=dict(data or {}),
    )


def ticket_url(ticket: Ticket) -> str:
    return f"{settings.SASMS_BASE_URL}{reverse('tickets:detail', args=[ticket.number])}"


def notify(*, event: TicketEvent, recipients: Iterable[str], subject: str, body: str) -> None:
    """One e-mail per recipient through the outbox, keyed by event and address (sent once)."""
    for address in sorted({r.lower() for r in recipients if r}):
        enqueue_email(
            to=[address],
            subject=subject,
            body=f"{body}\n\n{ticket_url(event.ticket)}",
            idempotency_key=f"ticket:{event.ticket_id}:event:{event.pk}:{address}",
        )


def mentioned_addresses(text: str) -> list[str]:
    """``@name@example.com`` mentions, by e-mail address (unique, in order)."""
    return list(dict.fromkeys(m.lower().rstrip(".") for m in MENTION.findall(text)))
