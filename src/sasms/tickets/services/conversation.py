"""Replies, internal notes, @mentions, watchers and the SOP checklist."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import Conflict, NotFound, ServiceError
from sasms.tickets.choices import EventKind, Status
from sasms.tickets.events import mentioned_addresses, notify, record_event
from sasms.tickets.locks import lock_ticket
from sasms.tickets.models import ChecklistItem, Ticket, TicketEvent
from sasms.tickets.search import index_ticket
from sasms.tickets.services.common import audit, is_staff, require_participant, require_staff

MAX_COMMENT = 20_000


@transaction.atomic
def add_comment(*, actor: User, ticket: Ticket, body: str, internal: bool = False) -> TicketEvent:
    """A public reply (customers see it) or an internal note (staff only).

    Customers can only reply publicly. ``@someone@example.com`` mentions notify staff by e-mail;
    a public reply also notifies the requester and the watchers.
    """
    require_participant(actor, ticket)
    staff = is_staff(actor)
    if internal and not staff:
        raise ServiceError(
            _("Customers cannot write internal notes."),
            fields={"internal": [_("Customers cannot write internal notes.")]},
        )
    text = body.strip()
    if not text:
        raise ServiceError(_("Please write something."), fields={"body": [_("This field is required.")]})
    if len(text) > MAX_COMMENT:
        raise ServiceError(
            _("The text is too long."), fields={"body": [_("At most %d characters.") % MAX_COMMENT]}
        )
    ticket = lock_ticket(ticket.pk)
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        # Nobody writes on a finished request, staff included: the page no longer offers it, and
        # anything further belongs on a new request (e-mail intake opens a follow-up then).
        message = (
            _("This request is closed; replies and notes can no longer be added.")
            if staff
            else _("This request is closed; please open a new one.")
        )
        raise Conflict(message, code="ticket_closed", fields={"body": [message]})
    event = record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.NOTE if internal else EventKind.REPLY,
        public=not internal,
        body=text,
        # The SLA clocks count only the provider's public replies as a response or an update.
        data={"by_staff": staff},
    )
    fields = ["updated_at"]
    ticket.updated_at = timezone.now()
    if staff and not internal and ticket.first_response_at is None:
        ticket.first_response_at = ticket.updated_at
        fields.append("first_response_at")
    resumed = not staff and ticket.status == Status.WAITING_CUSTOMER
    if resumed:
        # The customer answered what we were waiting for: the request is back with the engineer.
        ticket.status = Status.IN_PROGRESS
        fields.append("status")
    ticket.save(update_fields=fields)
    index_ticket(ticket)
    if resumed:
        record_event(
            ticket=ticket,
            actor=actor,
            kind=EventKind.STATUS,
            public=True,
            data={"action": "customer_reply", "from": Status.WAITING_CUSTOMER, "to": Status.IN_PROGRESS},
        )
        audit(actor, "resume", ticket, {"status": [Status.WAITING_CUSTOMER, Status.IN_PROGRESS]})
    audit(actor, "note" if internal else "reply", ticket, {"event": [None, event.pk]})
    # Mentions reach staff only: an address a customer could read must not leak into a note.
    mentioned = list(
        User.objects.filter(email__in=mentioned_addresses(text), is_active=True).exclude(pk=actor.pk)
    )
    mentioned = [u for u in mentioned if u.can(Capability.WORK_TICKETS)]
    if mentioned:
        event.data = {"mentions": [u.pk for u in mentioned]}
        event.save(update_fields=["data"])
        ticket.watchers.add(*mentioned)
        notify(
            event=event,
            recipients=[u.email for u in mentioned],
            message=lambda: (
                _("[%(number)s] %(name)s mentioned you") % {"number": ticket.number, "name": actor.full_name},
                text,
            ),
        )
    if not internal:
        recipients = [u.email for u in ticket.watchers.exclude(pk=actor.pk) if u not in mentioned]
        if ticket.requester is not None and ticket.requester.email and staff:
            recipients.append(ticket.requester.email)
        notify(
            event=event,
            recipients=recipients,
            message=lambda: (
                _("[%(number)s] New reply: %(title)s") % {"number": ticket.number, "title": ticket.title},
                text,
            ),
        )
    return event


@transaction.atomic
def set_watching(*, actor: User, ticket: Ticket, user: User, watching: bool) -> Ticket:
    require_staff(actor)
    if watching and not user.can(Capability.WORK_TICKETS):
        raise ServiceError(
            _("Only staff can watch requests."), fields={"user": [_("Only staff can watch requests.")]}
        )
    ticket = lock_ticket(ticket.pk)
    if watching:
        ticket.watchers.add(user)
    else:
        ticket.watchers.remove(user)
    record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.WATCHER,
        data={"user": user.full_name, "watching": watching},
    )
    audit(
        actor,
        "watch" if watching else "unwatch",
        ticket,
        {"watcher": [None, user.pk] if watching else [user.pk, None]},
    )
    return ticket


@transaction.atomic
def set_checklist_item(*, actor: User, ticket: Ticket, item_id: int, done: bool) -> ChecklistItem:
    require_staff(actor)
    ticket = lock_ticket(ticket.pk)
    item = ChecklistItem.objects.filter(ticket=ticket, pk=item_id).first()
    if item is None:
        raise NotFound(_("Not found."))
    if item.done == done:
        return item
    item.done = done
    item.done_by = actor if done else None
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done", "done_by", "done_at"])
    record_event(ticket=ticket, actor=actor, kind=EventKind.CHECKLIST, data={"code": item.code, "done": done})
    audit(actor, "checklist", ticket, {item.code: [not done, done]})
    return item
