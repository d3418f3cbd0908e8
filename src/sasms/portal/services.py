"""The portal's writers: requests opened by customers (deflections and surveys: sasms.feedback).

Each function is one transaction. Requests, replies, files and status moves go through the
tickets app's services (:mod:`sasms.tickets.services`); what is written here is the portal's own.
"""

import io
from collections.abc import Sequence
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server
from sasms.assets.selectors import server_named_in
from sasms.core.audit import changed_fields, record_audit, snapshot
from sasms.core.errors import ServiceError
from sasms.core.permissions import require
from sasms.core.uploads import reencode_image
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import Channel
from sasms.tickets.models import Ticket
from sasms.tickets.services.attachments import max_bytes, sniff

MAX_FILES = 5


# --- Requests ------------------------------------------------------------------------------------


def requester_contact(*, actor: User) -> Contact:
    """The contact card of a signed-in customer (by e-mail address), made on their first request.

    The request's requester is a contact: that is whom status e-mails and the survey reach.
    """
    contact = (
        Contact.objects.filter(organisation_id=actor.organisation_id, email__iexact=actor.email)
        .order_by("pk")
        .first()
    )
    if contact is not None:
        return contact
    contact = Contact.objects.create(
        organisation_id=actor.organisation_id,
        name=(actor.full_name or actor.email)[:120],
        email=actor.email,
        phone=actor.phone,
    )
    record_audit(
        actor=actor,
        action="contact.create",
        target=contact,
        changes=changed_fields({}, snapshot(contact, ("name", "email", "phone"))),
        organisation=actor.organisation,
    )
    return contact


def _checked_files(files: Sequence[tuple[str, IO[bytes]]]) -> list[tuple[str, bytes]]:
    """Every file read and checked before anything is written: one bad file refuses them all."""
    if len(files) > MAX_FILES:
        message = _("Attach at most %(count)d files.") % {"count": MAX_FILES}
        raise ServiceError(message, fields={"attachments": [message]})
    limit = max_bytes()
    checked: list[tuple[str, bytes]] = []
    for name, content in files:
        data = content.read(limit + 1)
        if len(data) > limit:
            message = _("“%(name)s” is larger than %(mb)d MB.") % {
                "name": name,
                "mb": limit // (1024 * 1024) or 1,
            }
        elif not data:
            message = _("“%(name)s” is empty.") % {"name": name}
        elif sniff(data[:8192]) is None:
            message = _(
                "“%(name)s” is not a kind of file we accept. Send logs as text or archives, "
                "photos as JPEG or PNG, documents as PDF."
            ) % {"name": name}
        else:
            mime = sniff(data[:8192]) or ""
            if mime.startswith("image/"):
                try:  # the tickets app decodes images again on saving; a fake is refused here first
                    reencode_image(data, mime, field="attachments")
                except ServiceError as error:
                    message = _("“%(name)s”: %(problem)s") % {"name": name, "problem": error.message}
                    raise ServiceError(
                        message, code="invalid_file", fields={"attachments": [message]}
                    ) from error
            checked.append((name, data))
            continue
        raise ServiceError(message, code="invalid_file", fields={"attachments": [message]})
    return checked


@transaction.atomic
def submit_request(
    *,
    actor: User,
    title: str,
    description: str = "",
    server: Server | None = None,
    kind: str,
    category: str,
    impact: str,
    urgency: str,
    files: Sequence[tuple[str, IO[bytes]]] = (),
) -> Ticket:
    """Open a request from the portal for the actor's own organisation, with its files."""
    require(actor, Capability.VIEW_PORTAL)
    checked = _checked_files(files)
    if server is None and actor.organisation is not None:
        # Customers often type the serial or host name instead of picking the server: only their
        # own organisation's servers are looked up, so nothing about another customer leaks.
        server = server_named_in(organisation=actor.organisation, passages=[[title, description]])
    ticket = ticket_services.create_ticket(
        actor=actor,
        organisation=actor.organisation,
        requester=requester_contact(actor=actor),
        server=server,
        channel=Channel.PORTAL,
        type=kind,
        category=category,
        impact=impact,
        urgency=urgency,
        title=title,
        description=description.strip(),
    )
    for name, data in checked:
        ticket_services.add_attachment(actor=actor, ticket=ticket, name=name, content=io.BytesIO(data))
    return ticket
