"""Deciding triage items: open a request for a customer, attach to an existing request, or discard.

A person decides what intake could not: who an unknown sender is, which customer an unknown
device belongs to. Each decision is one transaction, refused if someone decided first (the item is
locked), and audited.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts import services as account_services
from sasms.accounts.models import Contact, Organisation, User
from sasms.assets.models import Server
from sasms.core.errors import Conflict, ServiceError
from sasms.intake.actors import mail_actor
from sasms.intake.choices import (
    Direction,
    Outcome,
    TriageChannel,
    TriageResolution,
    TriageStatus,
)
from sasms.intake.email import InboundEmail, parse_email
from sasms.intake.email.servers import server_of_message
from sasms.intake.models import Alert, ProcessedMessage, TriageItem
from sasms.intake.services.alerts import _describe, open_request_for_alerts
from sasms.intake.services.common import audit, require_work
from sasms.intake.services.mail import (
    _attach_files,
    _body,
    clean_text,
    load_raw,
    open_email_request,
    remember_thread,
)
from sasms.tickets.choices import OPEN_STATUSES, Channel
from sasms.tickets.models import Ticket
from sasms.tickets.services import add_comment, create_ticket


def _lock_open(item: TriageItem) -> TriageItem:
    item = TriageItem.objects.select_for_update(of=("self",)).select_related("message").get(pk=item.pk)
    if item.status != TriageStatus.OPEN:
        problem = _("Someone has already decided this item.")
        raise Conflict(problem, fields={"item": [problem]})
    return item


def _close(item: TriageItem, *, actor: User, resolution: str, ticket: Ticket | None, note: str) -> TriageItem:
    item.status = TriageStatus.RESOLVED
    item.resolution = resolution
    item.resolved_by = actor
    item.resolved_at = timezone.now()
    item.updated_at = item.resolved_at
    item.ticket = ticket
    item.note = note.strip()[:2000]
    item.save()
    audit(
        actor,
        f"triage.{resolution}",
        item,
        {
            "status": [TriageStatus.OPEN, TriageStatus.RESOLVED],
            **({"ticket": [None, ticket.number]} if ticket else {}),
        },
        ticket.organisation if ticket else item.suggested_organisation,
    )
    return item


def _message_of(item: TriageItem) -> InboundEmail | None:
    if item.message is None or not item.message.raw_name:
        return None
    try:
        raw = load_raw(item.message)
    except OSError:
        return None
    return parse_email(raw) if raw else None


def _mark_message(record: ProcessedMessage | None, outcome: str, ticket: Ticket) -> None:
    if record is not None:
        ProcessedMessage.objects.filter(pk=record.pk).update(outcome=outcome, ticket=ticket)


def _sender_contact(
    actor: User, organisation: Organisation, message: InboundEmail | None, add_contact: bool
) -> Contact | None:
    if message is None or message.sender is None or not message.sender.address:
        return None
    address = message.sender.address.strip()
    contact = Contact.objects.filter(organisation=organisation, email__iexact=address).first()
    if contact is None and add_contact:
        name = clean_text(message.sender.display_name).strip() or address.split("@", 1)[0]
        contact = account_services.add_contact(
            actor=actor, organisation=organisation, name=name[:120], email=address
        )
    return contact


@transaction.atomic
def create_request_from_triage(
    *,
    actor: User,
    item: TriageItem,
    organisation: Organisation,
    server: Server | None = None,
    title: str = "",
    add_contact: bool = False,
    note: str = "",
) -> Ticket:
    """Open a request for ``organisation`` from the item (the e-mail or the device's alerts)."""
    require_work(actor)
    item = _lock_open(item)
    if server is not None and server.organisation_id != organisation.pk:
        problem = _("The server belongs to another organisation.")
        raise ServiceError(problem, fields={"server": [problem]})
    if item.channel == TriageChannel.EMAIL:
        message = _message_of(item)
        contact = _sender_contact(actor, organisation, message, add_contact)
        if message is not None:
            # The agent picked the customer; the mail may still name one of its servers.
            server = server or server_of_message(message, organisation=organisation)
            ticket = open_email_request(
                message, organisation=organisation, requester=contact, server=server, title=title
            )
            _attach_files(ticket, mail_actor(organisation), message)
        else:
            ticket = create_ticket(
                actor=actor,
                organisation=organisation,
                requester=contact,
                server=server,
                title=title.strip() or item.summary,
                description=item.detail,
                channel=Channel.EMAIL,
            )
        _mark_message(item.message, Outcome.CREATED, ticket)
    else:
        alerts = list(item.alerts.all())
        if alerts:
            ticket = open_request_for_alerts(
                organisation_id=organisation.pk, server=server, alerts=alerts, title=title.strip()
            )
            Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(
                ticket=ticket, **({"server": server} if server else {})
            )
        else:
            ticket = create_ticket(
                actor=actor,
                organisation=organisation,
                server=server,
                title=title.strip() or item.summary,
                description=item.detail,
                channel=Channel.MONITORING if item.channel == TriageChannel.MONITORING else Channel.BMC,
            )
    _close(item, actor=actor, resolution=TriageResolution.CREATED, ticket=ticket, note=note)
    return ticket


@transaction.atomic
def attach_triage_to_request(*, actor: User, item: TriageItem, ticket: Ticket, note: str = "") -> Ticket:
    """Add the item to an open request: the e-mail as an internal note with its files, or the alerts."""
    require_work(actor)
    item = _lock_open(item)
    if ticket.status not in OPEN_STATUSES:
        problem = _("This request is no longer open.")
        raise Conflict(problem, fields={"ticket": [problem]})
    if item.channel == TriageChannel.EMAIL:
        message = _message_of(item)
        header = _("E-mail from %(sender)s, added from triage:") % {"sender": item.origin or "?"}
        text = _body(message, reply=True) if message is not None else item.detail
        add_comment(actor=actor, ticket=ticket, body=f"{header}\n\n{text or item.summary}", internal=True)
        if message is not None:
            _attach_files(ticket, actor, message, internal=True)
            remember_thread(ticket=ticket, message_id=message.message_id, direction=Direction.INBOUND)
        _mark_message(item.message, Outcome.COMMENTED, ticket)
    else:
        alerts = list(item.alerts.all())
        Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(ticket=ticket)
        header = _("Alerts of an unknown device, added from triage:")
        add_comment(
            actor=actor, ticket=ticket, body=f"{header}\n\n{_describe(alerts) or item.detail}", internal=True
        )
    _close(item, actor=actor, resolution=TriageResolution.ATTACHED, ticket=ticket, note=note)
    return ticket


@transaction.atomic
def discard_triage(*, actor: User, item: TriageItem, note: str = "") -> TriageItem:
    """Nothing to do (spam, a test alert); the e-mail or the alerts stay on record."""
    require_work(actor)
    item = _lock_open(item)
    return _close(item, actor=actor, resolution=TriageResolution.DISCARDED, ticket=None, note=note)


def attachment_names(item: TriageItem) -> list[str]:
    names = item.payload.get("attachments") if isinstance(item.payload, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else []
