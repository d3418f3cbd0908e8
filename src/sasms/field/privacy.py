"""Field visits in privacy exports and erasure: who signed, and the signature itself."""

from typing import Any

from django.db.models import Q

from sasms.accounts.models import Contact
from sasms.core.privacy import ERASED, Identity, PrivacySection, register_privacy_section
from sasms.field.models import Visit
from sasms.field.storage import delete_private


def _visits(contact: Contact, name: str) -> Any:
    mine = Q(contact=contact)
    if name:
        mine |= Q(ticket__organisation_id=contact.organisation_id, signer_name__iexact=name)
    return Visit.objects.filter(mine).select_related("ticket")


def export(contact: Contact) -> list[dict[str, Any]]:
    return [
        {
            "request": v.ticket.number,
            "window_start": v.window_start,
            "signed_by": v.signer_name,
            "signed_at": v.signed_at,
            "access_notes": v.access_notes,
        }
        for v in _visits(contact, contact.name)
    ]


def erase(contact: Contact, identity: Identity) -> int:
    changed = 0
    for visit in _visits(contact, identity.name):
        # The visit and its times stay; the signature image and the report naming the person go
        # (the report is made again, without the name, when it is next opened).
        delete_private(visit.signature_file)
        delete_private(visit.report_file)
        Visit.objects.filter(pk=visit.pk).update(
            signer_name=ERASED if visit.signer_name else "",
            signature_file="",
            report_file="",
            access_notes=identity.scrub(visit.access_notes),
        )
        changed += 1
    return changed


def register() -> None:
    register_privacy_section(PrivacySection("field", export, erase))
