"""Service requests in privacy exports and erasure: what the contact asked and wrote.

Erasure keeps each request, its times, priority, status and resolution; it replaces the person's
name, address and number in the texts and drops the contact's own attachments.
"""

from typing import Any

from django.db.models import Q

from sasms.accounts.models import Contact
from sasms.core.privacy import Identity, PrivacySection, register_privacy_section
from sasms.tickets.models import Attachment, Ticket, TicketEvent


def _their_events(contact: Contact, identity: Identity | None = None) -> Any:
    name = identity.name if identity else contact.name
    email = identity.email if identity else contact.email
    by_them = Q(data__from_customer=name)
    if email:
        by_them |= Q(actor__email__iexact=email, actor__organisation_id=contact.organisation_id)
    return TicketEvent.objects.filter(ticket__organisation_id=contact.organisation_id).filter(by_them)


def export(contact: Contact) -> dict[str, Any]:
    tickets = Ticket.objects.filter(requester=contact).order_by("created_at")
    return {
        "requests": [
            {
                "number": t.number,
                "title": t.title,
                "description": t.description,
                "status": t.status,
                "created_at": t.created_at,
                "resolved_at": t.resolved_at,
            }
            for t in tickets
        ],
        "messages": [
            {"request": e.ticket.number, "at": e.created_at, "kind": e.kind, "text": e.body}
            for e in _their_events(contact).select_related("ticket").order_by("created_at")
        ],
    }


def erase(contact: Contact, identity: Identity) -> int:
    changed = 0
    tickets = list(Ticket.objects.filter(requester=contact))
    for ticket in tickets:
        title, description = identity.scrub(ticket.title), identity.scrub(ticket.description)
        if (title, description) != (ticket.title, ticket.description):
            Ticket.objects.filter(pk=ticket.pk).update(title=title, description=description)
            changed += 1
    events = TicketEvent.objects.filter(
        Q(ticket__in=tickets) | Q(pk__in=_their_events(contact, identity).values("pk"))
    )
    for event in events:
        data = dict(event.data)
        if data.get("from_customer"):
            data["from_customer"] = ERASED_LABEL
        body, label = identity.scrub(event.body), identity.scrub(event.actor_label)
        if (body, label, data) != (event.body, event.actor_label, event.data):
            TicketEvent.objects.filter(pk=event.pk).update(body=body, actor_label=label, data=data)
            changed += 1
    # Files the customer's own log-in uploaded go; staff files (logs, photos of parts) stay.
    own_files = Attachment.objects.filter(
        ticket__in=tickets, uploaded_by__email__iexact=identity.email or "\x00", internal=False
    )
    for attachment in own_files:
        from sasms.tickets.services.attachments import attachment_storage

        attachment_storage().delete(attachment.storage_name)
        attachment.delete()
        changed += 1
    return changed


ERASED_LABEL = "[erased]"


def register() -> None:
    register_privacy_section(PrivacySection("tickets", export, erase))
