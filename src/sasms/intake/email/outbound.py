"""Threading headers on the e-mail notifications about requests, so replies come back to them.

The tickets app queues notifications through the outbox with the idempotency key
``ticket:<id>:event:<id>:<address>``. At delivery this hook gives each such mail

* a stable ``Message-ID`` derived from that key (a retry sends the same id) and remembers it for the
  request, so a reply naming it in ``In-Reply-To``/``References`` finds the request;
* ``In-Reply-To`` the customer's latest message and ``References`` the request's thread, so mail
  clients file it under the customer's original conversation;
* the SR number in the subject (a second way back), and ``Reply-To`` the intake mailbox marked for
  replies when there is one.

It wraps the outbox's ``email`` handler; mail that is not about a request passes through unchanged.
"""

import hashlib
import re
from collections.abc import Callable, Mapping
from email.utils import parseaddr
from typing import Any

from django.conf import settings

from sasms.core import outbox

_TICKET_KEY = re.compile(r"^ticket:(\d+):event:(\d+):(.+)$")
_installed: dict[str, Callable[[Mapping[str, Any], str], None]] = {}


def mail_domain() -> str:
    _name, address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))
    domain = address.rpartition("@")[2].strip().lower()
    return domain or "sasms.localhost"


def notification_message_id(ticket_id: int, event_id: int, address: str) -> str:
    tag = hashlib.sha256(address.lower().encode()).hexdigest()[:12]
    return f"<sasms.{ticket_id}.{event_id}.{tag}@{mail_domain()}>"


def root_message_id(number: str) -> str:
    """A thread root every notification of the request refers to (never sent itself)."""
    return f"<{number.lower()}@{mail_domain()}>"


def threading_headers(ticket_id: int, event_id: int, address: str) -> dict[str, str] | None:
    from sasms.intake.choices import Direction
    from sasms.intake.models import Mailbox, MailThread
    from sasms.intake.services.mail import remember_thread
    from sasms.tickets.models import Ticket

    ticket = Ticket.objects.filter(pk=ticket_id).only("pk", "number").first()
    if ticket is None:
        return None
    message_id = notification_message_id(ticket_id, event_id, address)
    inbound = list(
        MailThread.objects.filter(ticket=ticket, direction=Direction.INBOUND)
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )
    references = [root_message_id(ticket.number)]
    for known in (inbound[:1] + inbound[-1:]) if inbound else []:
        wrapped = known if known.startswith("<") else f"<{known}>"
        if wrapped not in references:
            references.append(wrapped)
    headers = {
        "Message-ID": message_id,
        "In-Reply-To": references[-1],
        "References": " ".join(references),
        "X-SASMS-Ticket": ticket.number,
    }
    reply_box = Mailbox.objects.filter(is_active=True, reply_to=True).order_by("pk").first()
    if reply_box is not None:
        headers["Reply-To"] = reply_box.address
    remember_thread(ticket=ticket, message_id=message_id, direction=Direction.OUTBOUND)
    headers["_number"] = ticket.number
    return headers


def send_threaded_email(payload: Mapping[str, Any], idempotency_key: str) -> None:
    send = _installed["email"]
    match = _TICKET_KEY.match(idempotency_key)
    headers = threading_headers(int(match.group(1)), int(match.group(2)), match.group(3)) if match else None
    if headers is None:
        send(payload, idempotency_key)
        return
    number = headers.pop("_number")
    subject = str(payload.get("subject", ""))
    if number not in subject:
        subject = f"[{number}] {subject}"
    merged = {**headers, **dict(payload.get("headers") or {})}
    send({**payload, "subject": subject, "headers": merged}, idempotency_key)


def install() -> None:
    """Wrap the outbox's e-mail handler once (from ``IntakeConfig.ready``)."""
    if "email" in _installed:
        return
    _installed["email"] = outbox.send_email
    outbox.register_handler("email")(send_threaded_email)
