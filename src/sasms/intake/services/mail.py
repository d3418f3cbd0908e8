"""Inbound e-mail → a new request, a comment on an existing one, or a triage item.

Each message is processed exactly once: a row keyed by its Message-ID (a digest of the raw bytes when
it has none) is inserted in the same transaction as the request or comment it becomes, so a second
delivery — another poll, another worker, a second mailbox — finds the row and does nothing. The raw
bytes are kept under private storage first, so a message that fails is never lost: it becomes a
``failed`` row and a triage item that a person can still act on.

Routing, in order: unreadable → triage; our own mail coming back, auto-replies → recorded and ignored;
bounces → never a request, but filed under the request they refer to (with an internal note) and, for a
permanent failure of mail we sent, the failed address marked as bouncing on its contacts; a reply (SR
number in the subject, or In-Reply-To/References naming a message of a request) → a comment, if the
sender belongs to that request; otherwise a new request for the sender's organisation (contact matched
by address), or triage when the sender is unknown or known at several customers.
"""

import contextlib
import hashlib
import io
import logging
import operator
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, Organisation, User
from sasms.assets.models import Server
from sasms.core import secrets
from sasms.core.audit import record_audit
from sasms.core.context import Origin, acting_from
from sasms.core.errors import Conflict, ServiceError
from sasms.intake.actors import mail_actor, robot_actor
from sasms.intake.choices import Direction, Outcome, TriageChannel, TriageReason
from sasms.intake.email import LOOP_HEADER, SR_NUMBER, InboundEmail, parse_email
from sasms.intake.email.imap import ImapError, ImapReader
from sasms.intake.email.outbound import mail_domain
from sasms.intake.email.servers import server_of_message
from sasms.intake.models import Mailbox, MailThread, ProcessedMessage, TriageItem
from sasms.intake.selectors import Sender, identify_sender
from sasms.intake.services.common import clip
from sasms.tickets.choices import Channel
from sasms.tickets.models import Ticket
from sasms.tickets.services import add_attachment, add_comment, create_ticket

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 50 * 1024 * 1024
MIN_INLINE_IMAGE_BYTES = 1024  # spacer GIFs and tracking pixels are not worth a file on the request
POLL_BATCH = 200
POLL_LEASE = timedelta(minutes=10)
MAX_TEXT = 19_000  # below the comment limit of the tickets app
INTAKE_ORIGIN = Origin(channel="intake")
_UNREADABLE = frozenset({"internal_error", "unparseable"})


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()


def clean_text(text: str) -> str:
    """Text a database column accepts: no NUL characters, no lone surrogates."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "")


def message_key(message_id: str | None, raw: bytes) -> tuple[str, str]:
    """``(key, message_id)``: the digest that makes processing exactly-once, and the id to show."""
    if message_id and message_id.strip():
        return _digest(message_id.strip()), clean_text(message_id.strip())
    body = hashlib.sha256(raw).hexdigest()
    return _digest("raw:" + body), f"(none; sha256 {body[:16]})"


def thread_key(message_id: str) -> str:
    return _digest(message_id.strip().strip("<>"))


def mail_storage() -> FileSystemStorage:
    """Raw messages live beside the ticket attachments, outside anything served."""
    return FileSystemStorage(location=settings.MEDIA_ROOT / "private" / "intake", base_url=None)


def _store_raw(key: str, raw: bytes) -> str:
    storage = mail_storage()
    name = f"mail/{key[:2]}/{key}.eml"
    if storage.exists(name):
        return name
    return storage.save(name, ContentFile(raw))


def load_raw(record: ProcessedMessage) -> bytes:
    if not record.raw_name:
        return b""
    with mail_storage().open(record.raw_name, "rb") as handle:
        return bytes(handle.read())


def remember_thread(*, ticket: Ticket, message_id: str | None, direction: str) -> None:
    """Let replies naming ``message_id`` find ``ticket`` (idempotent)."""
    if not message_id:
        return
    MailThread.objects.get_or_create(
        key=thread_key(message_id),
        defaults={"message_id": clean_text(message_id)[:998], "ticket": ticket, "direction": direction},
    )


@dataclass
class Received:
    record: ProcessedMessage
    duplicate: bool = False


# --- One message ---------------------------------------------------------------------------------


def receive_email(*, raw: bytes, mailbox: Mailbox | None = None, uid: int | None = None) -> Received:
    """Process one raw message (from IMAP, a test, or a triage retry). Never raises for bad mail."""
    message = parse_email(raw) if len(raw) <= MAX_MESSAGE_BYTES else None
    key, message_id = message_key(message.message_id if message else None, raw)
    existing = ProcessedMessage.objects.filter(key=key).first()
    if existing is not None:
        return Received(existing, duplicate=True)
    raw_name = _store_raw(key, raw)
    with acting_from(INTAKE_ORIGIN):
        try:
            return _process(
                key=key, message_id=message_id, raw_name=raw_name, size=len(raw), message=message,
                mailbox=mailbox, uid=uid,
            )  # fmt: skip
        except Exception as exc:  # a bug or an outage must not lose the message: park it in triage
            logger.exception("processing e-mail %s failed", message_id)
            return _record_failure(
                key=key, message_id=message_id, raw_name=raw_name, size=len(raw), message=message,
                mailbox=mailbox, uid=uid, error=f"{type(exc).__name__}: {exc}",
            )  # fmt: skip


def _new_record(
    *,
    key: str,
    message_id: str,
    raw_name: str,
    size: int,
    message: InboundEmail | None,
    mailbox: Mailbox | None,
    uid: int | None,
    outcome: str,
) -> ProcessedMessage:
    sender = message.sender if message else None
    return ProcessedMessage(
        key=key,
        message_id=message_id[:998],
        mailbox=mailbox,
        imap_uid=uid,
        sender=clean_text(sender.address)[:254] if sender else "",
        sender_name=clean_text(sender.display_name)[:200] if sender else "",
        subject=clean_text(message.subject)[:500] if message else "",
        sent_at=message.date if message else None,
        outcome=outcome,
        raw_name=raw_name,
        size=size,
        problems=[
            {"code": p.code, "detail": clean_text(p.detail)} for p in (message.problems if message else ())
        ],
    )


@transaction.atomic
def _process(
    *,
    key: str,
    message_id: str,
    raw_name: str,
    size: int,
    message: InboundEmail | None,
    mailbox: Mailbox | None,
    uid: int | None,
) -> Received:
    record = _new_record(
        key=key, message_id=message_id, raw_name=raw_name, size=size, message=message, mailbox=mailbox,
        uid=uid, outcome=Outcome.FAILED,
    )  # fmt: skip
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # a concurrent worker is processing (or has processed) the same message
        return Received(ProcessedMessage.objects.get(key=key), duplicate=True)
    route_message(record, message, mailbox=mailbox)
    record.save()
    return Received(record)


def _record_failure(
    *,
    key: str,
    message_id: str,
    raw_name: str,
    size: int,
    message: InboundEmail | None,
    mailbox: Mailbox | None,
    uid: int | None,
    error: str,
) -> Received:
    with transaction.atomic():
        record = ProcessedMessage.objects.filter(key=key).first()
        if record is not None:
            return Received(record, duplicate=True)
        record = _new_record(
            key=key, message_id=message_id, raw_name=raw_name, size=size, message=message, mailbox=mailbox,
            uid=uid, outcome=Outcome.FAILED,
        )  # fmt: skip
        record.detail = clean_text(error)[:4000]
        record.save()
        _triage(record, message, reason=TriageReason.FAILED, organisation=None, detail=record.detail)
        return Received(record)


def route_message(record: ProcessedMessage, message: InboundEmail | None, *, mailbox: Mailbox | None) -> None:
    """Decide and write what ``message`` becomes; sets ``record.outcome`` (and ``ticket``)."""
    scope = mailbox.organisation if mailbox is not None else None
    if message is None:
        _triage(
            record, None, reason=TriageReason.UNREADABLE, organisation=scope,
            detail=_("The message is larger than %(mb)d MB.") % {"mb": MAX_MESSAGE_BYTES // (1024 * 1024)},
        )  # fmt: skip
        return
    if message.is_loop:
        record.outcome = Outcome.LOOP
        return
    if message.is_bounce:
        record_bounce(record, message)
        return
    if message.is_auto_reply:
        record.outcome = Outcome.AUTO_REPLY
        return
    if (
        {p.code for p in message.problems} & _UNREADABLE
        or message.sender is None
        or not message.sender.address
    ):
        detail = "; ".join(f"{p.code}: {p.detail}" for p in message.problems) or _("No sender address.")
        _triage(
            record, message, reason=TriageReason.UNREADABLE, organisation=scope, detail=clean_text(detail)
        )
        return
    sender = identify_sender(message.sender.address)
    ticket = thread_ticket(message)
    if ticket is not None and _add_reply(record, message, sender, ticket):
        return
    _open_request(record, message, sender, scope=scope, follow_up=ticket)


def _bounced_ticket(message: InboundEmail) -> Ticket | None:
    """The request a bounce refers to: its own thread headers (Exchange sets In-Reply-To on its NDRs),
    then the returned message's Message-ID, In-Reply-To and References, its SR number or ticket header."""
    ticket = thread_ticket(message)
    bounce = message.bounce
    if ticket is not None or bounce is None:
        return ticket
    keys = [thread_key(i) for i in bounce.referenced_ids[:100]]
    rows = {row.key: row for row in MailThread.objects.filter(key__in=keys).select_related("ticket")}
    for key in keys:
        if key in rows:
            return _follow_merges(rows[key].ticket)
    for text in (bounce.original_header("X-SASMS-Ticket") or "", bounce.original_subject):
        found = SR_NUMBER.search(text)
        if found is not None:
            ticket = Ticket.objects.filter(number=f"SR{found.group(1)}").first()
            if ticket is not None:
                return _follow_merges(ticket)
    return None


def _ours(message: InboundEmail) -> bool:
    """Did the returned message leave from here? Then its failed addresses are known to bounce."""
    bounce = message.bounce
    if bounce is None:
        return False
    if bounce.original_header(LOOP_HEADER) or bounce.original_header("X-SASMS-Ticket"):
        return True
    domain = "@" + mail_domain()
    return bool(bounce.original_message_id and bounce.original_message_id.lower().endswith(domain))


def record_bounce(record: ProcessedMessage, message: InboundEmail) -> None:
    """A bounce opens nothing: it is filed under the request it refers to, with an internal note, and
    a permanent failure marks the contacts with that address as bouncing."""
    record.outcome = Outcome.BOUNCE
    ticket = _bounced_ticket(message)
    bounce = message.bounce
    record.ticket = ticket
    failed = [a for a in (bounce.recipients if bounce is not None else ()) if a][:20]
    if bounce is not None and bounce.permanent and failed and (ticket is not None or _ours(message)):
        contacts = Contact.objects.filter(
            reduce(operator.or_, (Q(email__iexact=a) for a in failed)), email_bounced_at__isnull=True
        ).select_related("organisation")
        for contact in contacts:
            contact.email_bounced_at = timezone.now()
            contact.save(update_fields=["email_bounced_at"])
            record_audit(
                actor=None,
                action="contact.email_bounced",
                target=contact,
                changes={"email_bounced_at": [None, contact.email_bounced_at]},
                organisation=contact.organisation,
            )
    if ticket is None:
        return
    lines = [
        _("An e-mail about this request could not be delivered to %(addresses)s.")
        % {"addresses": ", ".join(failed) or _("(address not given)")}
    ]
    if bounce is not None and (bounce.status or bounce.diagnostic):
        lines.append(clean_text(" ".join(p for p in (bounce.status, bounce.diagnostic) if p))[:500])
    if bounce is not None and bounce.permanent and failed:
        lines.append(_("The address is marked as bouncing."))
    elif bounce is not None and not bounce.permanent:
        lines.append(_("The mail server will keep trying."))
    with contextlib.suppress(ServiceError):  # a closed request takes no notes; the bounce stays filed
        add_comment(actor=robot_actor(), ticket=ticket, internal=True, body="\n".join(lines))


def _follow_merges(ticket: Ticket) -> Ticket:
    for _step in range(5):
        if ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def thread_ticket(message: InboundEmail) -> Ticket | None:
    """The request this message answers: SR number in the subject first, then the thread headers."""
    if message.sr_number:
        ticket = Ticket.objects.filter(number=message.sr_number.upper()).first()
        if ticket is not None:
            return _follow_merges(ticket)
    ids = list(message.thread_ids)[:100]
    if not ids:
        return None
    keys = [thread_key(i) for i in ids]
    rows = {row.key: row for row in MailThread.objects.filter(key__in=keys).select_related("ticket")}
    for key in keys:  # nearest parent first
        if key in rows:
            return _follow_merges(rows[key].ticket)
    return None


def _body(message: InboundEmail, *, reply: bool) -> str:
    text = clean_text((message.new_text if reply else message.text) or message.text).strip()
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "\n…"
    return text


def _author(sender: Sender, ticket: Ticket) -> tuple[User | None, Contact | None]:
    """Who writes the comment: the sender's own account, or the customer's e-mail intake account on
    behalf of a contact of the request's organisation; ``(None, None)`` for a stranger."""
    if sender.staff is not None:
        return sender.staff, None
    user = next((u for u in sender.customer_users if u.organisation_id == ticket.organisation_id), None)
    if user is not None:
        return user, None
    contact = next((c for c in sender.contacts if c.organisation_id == ticket.organisation_id), None)
    if contact is not None:
        return mail_actor(ticket.organisation), contact
    return None, None


def _add_reply(record: ProcessedMessage, message: InboundEmail, sender: Sender, ticket: Ticket) -> bool:
    """Comment on ``ticket``; False when the request is closed to the sender (a new one opens)."""
    actor, contact = _author(sender, ticket)
    if actor is None:
        _triage(
            record, message, reason=TriageReason.REPLY_FROM_STRANGER, organisation=ticket.organisation,
            detail=clean_text(message.new_text or message.text), ticket=ticket,
        )  # fmt: skip
        return True
    body = _body(message, reply=True) or _("(The e-mail has no text; see its attachments.)")
    if contact is not None:
        body = f"✉ {contact.name} <{sender.address}>\n\n{body}"
    try:
        add_comment(actor=actor, ticket=ticket, body=body)
    except Conflict:
        return False
    _attach_files(ticket, actor, message)
    remember_thread(ticket=ticket, message_id=message.message_id, direction=Direction.INBOUND)
    record.outcome = Outcome.COMMENTED
    record.ticket = ticket
    return True


def _open_request(
    record: ProcessedMessage,
    message: InboundEmail,
    sender: Sender,
    *,
    scope: Organisation | None,
    follow_up: Ticket | None,
) -> None:
    contacts = [c for c in sender.contacts if scope is None or c.organisation_id == scope.pk]
    users = [u for u in sender.customer_users if scope is None or u.organisation_id == scope.pk]
    organisations = {c.organisation_id for c in contacts} | {u.organisation_id for u in users}
    suggestion = scope or (follow_up.organisation if follow_up is not None else None)
    if len(organisations) != 1:
        reason = TriageReason.AMBIGUOUS_SENDER if organisations else TriageReason.UNKNOWN_SENDER
        _triage(record, message, reason=reason, organisation=suggestion, detail=_body(message, reply=False))
        return
    [organisation_id] = organisations
    contact = next((c for c in contacts if c.organisation_id == organisation_id), None)
    user = next((u for u in users if u.organisation_id == organisation_id), None)
    organisation = contact.organisation if contact is not None else user.organisation  # type: ignore[union-attr]
    ticket = open_email_request(
        message,
        organisation=organisation,
        requester=contact,
        follow_up=follow_up,
        server=server_of_message(message, organisation=organisation) or _server_of(follow_up, organisation),
    )
    _attach_files(ticket, user or mail_actor(organisation), message)
    record.outcome = Outcome.CREATED
    record.ticket = ticket


def _server_of(ticket: Ticket | None, organisation: Organisation) -> Server | None:
    """A follow-up to a closed request is about the same server, while the customer still owns it."""
    if ticket is None or ticket.server is None or ticket.server.organisation_id != organisation.pk:
        return None
    return ticket.server


def open_email_request(
    message: InboundEmail,
    *,
    organisation: Organisation,
    requester: Contact | None,
    follow_up: Ticket | None = None,
    server: Server | None = None,
    title: str = "",
) -> Ticket:
    title = title.strip() or clean_text(message.subject).strip()
    if not title:
        first_line = next((line for line in _body(message, reply=False).splitlines() if line.strip()), "")
        title = first_line.strip()[:120] or _("E-mail without a subject")
    description = _body(message, reply=False)
    if follow_up is not None:
        note = _("Follow-up to %(number)s, which is closed.") % {"number": follow_up.number}
        description = f"{note}\n\n{description}"
    ticket = create_ticket(
        actor=None,
        organisation=organisation,
        requester=requester,
        server=server,
        title=title,
        description=description,
        channel=Channel.EMAIL,
    )
    remember_thread(ticket=ticket, message_id=message.message_id, direction=Direction.INBOUND)
    return ticket


def _attach_files(ticket: Ticket, actor: User, message: InboundEmail, *, internal: bool = False) -> list[str]:
    """Attach what the tickets app accepts; an internal note lists what it refused."""
    refused: list[str] = []
    for attachment in message.attachments:
        if attachment.is_inline and attachment.size < MIN_INLINE_IMAGE_BYTES:
            continue
        name = clean_text(attachment.filename)
        try:
            add_attachment(
                actor=actor, ticket=ticket, name=name, content=io.BytesIO(attachment.data), internal=internal
            )
        except ServiceError as exc:
            refused.append(f"{name} ({attachment.size} B): {exc.message}")
    if refused:
        add_comment(
            actor=robot_actor(),
            ticket=ticket,
            internal=True,
            body=_("Attachments of the e-mail that were not kept (the original is under Triage → E-mails):")
            + "\n"
            + "\n".join(f"- {line}" for line in refused),
        )
    return refused


def _triage(
    record: ProcessedMessage,
    message: InboundEmail | None,
    *,
    reason: str,
    organisation: Organisation | None,
    detail: str,
    ticket: Ticket | None = None,
) -> TriageItem:
    sender = message.sender if message else None
    origin = f"{sender.display_name} <{sender.address}>".strip() if sender else ""
    subject = clean_text(message.subject).strip() if message else ""
    item = TriageItem.objects.create(
        channel=TriageChannel.EMAIL,
        reason=reason,
        summary=clip(subject or _("E-mail without a subject"), 300),
        origin=clean_text(origin)[:300],
        detail=clean_text(detail)[:8000],
        payload={
            "attachments": [clean_text(a.filename) for a in message.attachments] if message else [],
            **({"ticket": ticket.number} if ticket is not None else {}),
        },
        message=record,
        suggested_organisation=organisation,
    )
    record.outcome = Outcome.FAILED if reason == TriageReason.FAILED else Outcome.TRIAGED
    return item


# --- Polling ----------------------------------------------------------------------------------------


@dataclass
class MailPoll:
    mailbox: str
    fetched: int = 0
    duplicates: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    error: str = ""
    busy: bool = False


def poll_mailbox(mailbox: Mailbox, *, limit: int = POLL_BATCH, timeout: float = 30.0) -> MailPoll:
    """Read the folder's new messages (by UID) and process each; one poller per mailbox at a time."""
    result = MailPoll(mailbox=mailbox.name)
    now = timezone.now()
    taken = (
        Mailbox.objects.filter(pk=mailbox.pk, is_active=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + POLL_LEASE)
    )
    if not taken:
        result.busy = True
        return result
    mailbox.refresh_from_db()
    try:
        password = secrets.decrypt(mailbox.password_encrypted)
        with ImapReader(
            host=mailbox.host,
            port=mailbox.port,
            security=mailbox.security,
            username=mailbox.username,
            password=password,
            timeout=timeout,
        ) as reader:
            validity = reader.select(mailbox.folder)
            last_uid = mailbox.last_uid
            if validity != mailbox.uid_validity:
                last_uid = 0
                Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=validity, last_uid=0)
            for fetched in reader.messages_after(last_uid, limit):
                received = receive_email(raw=fetched.raw, mailbox=mailbox, uid=fetched.uid)
                reader.mark_seen(fetched.uid)
                Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=fetched.uid)
                result.fetched += 1
                if received.duplicate:
                    result.duplicates += 1
                else:
                    result.outcomes[received.record.outcome] += 1
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=now, last_success_at=now, last_error="")
    except (ImapError, secrets.SecretError) as exc:
        result.error = str(exc)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=now, last_error=str(exc)[:2000])
    finally:
        Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=None)
    return result


def poll_all_mailboxes() -> list[MailPoll]:
    return [poll_mailbox(m) for m in Mailbox.objects.filter(is_active=True).order_by("pk")]
