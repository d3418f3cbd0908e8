"""The work log of a visit: notes, photos and parts used, written while on site.

Entries are accepted from check-in until the customer signs: what the customer signed is what
the service report shows.
"""

import datetime
import io
import re

from django.db import transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import ServiceError
from sasms.field.images import clean_photo
from sasms.field.models import Visit, VisitNote, VisitPart, VisitPhoto
from sasms.field.services.common import (
    audit,
    clean_text,
    lock_for_engineer,
    require_on_site_work,
    step_time,
    wrong_state,
)
from sasms.tickets.choices import EventKind
from sasms.tickets.events import record_event
from sasms.tickets.services.attachments import add_attachment

PART_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/#+-]{0,63}$")


def _open_for_work(actor: User, visit: Visit) -> tuple[User, Visit]:
    actor, visit = lock_for_engineer(actor, visit)
    require_on_site_work(visit)
    if visit.signed_at is not None:
        raise wrong_state(_("The customer has signed the visit report; it cannot change any more."))
    return actor, visit


def _work_time(visit: Visit, occurred_at: datetime.datetime | None) -> datetime.datetime:
    return step_time(
        visit,
        occurred_at,
        not_before=visit.checked_in_at,
        not_before_message=_("The time lies before the check-in."),
    )


@transaction.atomic
def add_note(
    *, actor: User, visit: Visit, body: str, occurred_at: datetime.datetime | None = None
) -> VisitNote:
    actor, visit = _open_for_work(actor, visit)
    text = clean_text(body, field="body", limit=4000, required=True, label=_("Note"))
    at = _work_time(visit, occurred_at)
    note = VisitNote.objects.create(visit=visit, body=text, occurred_at=at, author=actor)
    # On the request's timeline as an internal note of the visit, with the time it was written.
    record_event(
        ticket=visit.ticket,
        actor=actor,
        kind=EventKind.NOTE,
        public=False,
        body=text,
        data={"visit_id": visit.pk, "visit_note_id": note.pk, "occurred_at": at.isoformat()},
    )
    audit(actor, "note", visit, {"note": [None, text[:200]]})
    return note


@transaction.atomic
def add_photo(
    *,
    actor: User,
    visit: Visit,
    content: bytes,
    caption: str = "",
    occurred_at: datetime.datetime | None = None,
) -> VisitPhoto:
    """The photo, re-encoded without metadata, becomes a file of the request and of the visit."""
    actor, visit = _open_for_work(actor, visit)
    caption = clean_text(caption, field="caption", limit=200)
    at = _work_time(visit, occurred_at)
    image = clean_photo(content)
    number = visit.photos.count() + 1
    attachment = add_attachment(
        actor=actor,
        ticket=visit.ticket,
        name=f"{visit.ticket.number}-visit{visit.pk}-photo{number}.jpg",
        content=io.BytesIO(image.data),
    )
    photo = VisitPhoto.objects.create(
        visit=visit,
        attachment=attachment,
        caption=caption,
        width=image.width,
        height=image.height,
        occurred_at=at,
        author=actor,
    )
    audit(actor, "photo", visit, {"photo": [None, attachment.original_name]})
    return photo


@transaction.atomic
def add_part(
    *,
    actor: User,
    visit: Visit,
    part_number: str,
    quantity: int = 1,
    serial: str = "",
    removed_serial: str = "",
    occurred_at: datetime.datetime | None = None,
) -> VisitPart:
    """A part used on site; the parts app consumes its reservation from the ``PARTS`` event."""
    actor, visit = _open_for_work(actor, visit)
    errors: dict[str, list[str]] = {}
    part_number = (part_number or "").strip().upper()
    if not part_number:
        errors["part_number"] = [_("This field is required.")]
    elif not PART_NUMBER.match(part_number):
        errors["part_number"] = [_("Not a part number: letters, digits and . _ / # + - only, at most 64.")]
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 999:
        errors["quantity"] = [_("The quantity must be a whole number from 1 to 999.")]
    serial, removed_serial = (serial or "").strip(), (removed_serial or "").strip()
    for name, value in (("serial", serial), ("removed_serial", removed_serial)):
        if len(value) > 64:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": 64}]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    at = _work_time(visit, occurred_at)
    part = VisitPart.objects.create(
        visit=visit,
        part_number=part_number,
        quantity=quantity,
        serial=serial,
        removed_serial=removed_serial,
        occurred_at=at,
        author=actor,
    )
    part.event = record_event(
        ticket=visit.ticket,
        actor=actor,
        kind=EventKind.PARTS,
        public=False,
        data={
            "step": "used",
            "visit_id": visit.pk,
            "part_number": part_number,
            "quantity": quantity,
            "serial": serial,
            "removed_serial": removed_serial,
            "occurred_at": at.isoformat(),
        },
    )
    part.save(update_fields=["event"])
    audit(actor, "part", visit, {"part": [None, f"{part_number} x{quantity}"]})
    return part
