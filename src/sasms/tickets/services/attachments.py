"""Attachments: size and type checked by content, stored under random names outside the web root.

Images are decoded and saved anew (:mod:`sasms.core.uploads`), which drops their metadata.

The type comes from the file's first bytes (``filetype``), never from its name or the browser's
claim; text logs are recognised as text by having no NUL bytes and decoding as UTF-8 or GB18030.
Files live under ``MEDIA_ROOT/private/tickets`` — nothing serves that directory; downloads go
through a view that checks who is asking.
"""

import hashlib
import secrets
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import ServiceError
from sasms.core.uploads import content_type_of, reencode_image
from sasms.tickets.choices import EventKind
from sasms.tickets.events import record_event
from sasms.tickets.locks import lock_ticket
from sasms.tickets.models import Attachment, Ticket
from sasms.tickets.services.common import audit, is_staff, require_participant

MAX_BYTES_DEFAULT = 20 * 1024 * 1024
ALLOWED_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-tar",
        "application/x-7z-compressed",
        "application/x-xz",
        "application/x-bzip2",
        "text/plain",
    }
)


def max_bytes() -> int:
    return int(getattr(settings, "SASMS_TICKET_ATTACHMENT_MAX_BYTES", MAX_BYTES_DEFAULT))


def attachment_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.MEDIA_ROOT / "private" / "tickets", base_url=None)


def safe_name(name: str) -> str:
    """The last path part of a client-supplied name, without control characters, at most 200 long."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    cleaned = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    cleaned = cleaned.strip().lstrip(".").strip()
    return (cleaned or "attachment")[-200:]


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or ``None`` when it is not allowed."""
    mime = content_type_of(head)
    return mime if mime in ALLOWED_TYPES else None


@transaction.atomic
def add_attachment(
    *, actor: User, ticket: Ticket, name: str, content: IO[bytes], internal: bool = False
) -> Attachment:
    require_participant(actor, ticket)
    if internal and not is_staff(actor):
        raise ServiceError(
            _("Customers cannot add internal files."),
            fields={"internal": [_("Customers cannot add internal files.")]},
        )
    limit = max_bytes()
    data = content.read(limit + 1)
    if len(data) > limit:
        message = _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024) or 1}
        raise ServiceError(message, code="too_large", fields={"file": [message]})
    if not data:
        raise ServiceError(_("The file is empty."), fields={"file": [_("The file is empty.")]})
    mime = sniff(data[:8192])
    if mime is None:
        message = _(
            "This kind of file is not accepted. Send logs as text or archives, "
            "photos as JPEG or PNG, documents as PDF."
        )
        raise ServiceError(message, code="unsupported_type", fields={"file": [message]})
    if mime.startswith("image/"):
        data = reencode_image(data, mime)
    ticket = lock_ticket(ticket.pk)
    storage_name = secrets.token_hex(20)
    storage = attachment_storage()
    stored = storage.save(f"{storage_name[:2]}/{storage_name}", ContentFile(data))
    # The row commits with the file; if writing the row fails, the file goes again.
    try:
        event = record_event(
            ticket=ticket,
            actor=actor,
            kind=EventKind.ATTACHMENT,
            public=not internal,
            data={"name": safe_name(name), "size": len(data), "content_type": mime},
        )
        attachment = Attachment.objects.create(
            ticket=ticket,
            event=event,
            original_name=safe_name(name),
            storage_name=stored,
            content_type=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            internal=internal,
            uploaded_by=actor,
        )
        audit(actor, "attach", ticket, {"attachment": [None, attachment.original_name]})
    except Exception:
        storage.delete(stored)
        raise
    return attachment
