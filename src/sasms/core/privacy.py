"""Personal data of a contact (PIPL / GDPR): export everything held, or erase it.

Each app that keeps something about a contact registers a :class:`PrivacySection` from its
``AppConfig.ready``: how to export it and how to erase it. Erasure replaces personal details
with placeholders but keeps every row, so request counts, times, SLA figures and survey scores —
the service history — stay statistically intact.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.roles import Capability
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict
from sasms.core.permissions import require

if TYPE_CHECKING:
    from sasms.accounts.models import Contact, User

ERASED = "[erased]"


@dataclass(frozen=True)
class Identity:
    """What identifies the person in free text, captured before erasure changes it."""

    contact_id: int
    name: str
    email: str
    phone: str

    def scrub(self, text: str) -> str:
        """``text`` with the person's name, e-mail address and phone number replaced."""
        for value in (self.email, self.phone, self.name):
            if value and len(value) >= 2:
                text = re.sub(re.escape(value), ERASED, text, flags=re.IGNORECASE)
        return text


@dataclass(frozen=True)
class PrivacySection:
    """``order``: erasure runs in ascending order; the contact and its log-ins go last, so the
    other sections can still find what the person wrote through them."""

    key: str
    export: Callable[["Contact"], Any]
    erase: Callable[["Contact", Identity], int]
    order: int = 100


_SECTIONS: dict[str, PrivacySection] = {}


def register_privacy_section(section: PrivacySection) -> None:
    _SECTIONS[section.key] = section


def sections() -> list[PrivacySection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def export_contact(*, actor: "User", contact: "Contact") -> dict[str, Any]:
    """Everything SASMS holds about the contact, as JSON-ready data; the export is audited."""
    require(actor, Capability.MANAGE_ORGANISATIONS)
    data = {
        "exported_at": timezone.now().isoformat(),
        "contact_id": contact.pk,
        "sections": {section.key: _plain(section.export(contact)) for section in sections()},
    }
    record_audit(actor=actor, action="privacy_export", target=contact, organisation=contact.organisation)
    return data


@dataclass
class ErasureReport:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@transaction.atomic
def erase_contact(*, actor: "User", contact: "Contact", reason: str) -> ErasureReport:
    """Replace the contact's personal data everywhere; the rows (and the statistics) remain."""
    require(actor, Capability.MANAGE_ORGANISATIONS)
    if not reason.strip():
        from sasms.core.errors import ServiceError

        message = _("Give the reason for the erasure (e.g. the request's reference).")
        raise ServiceError(message, fields={"reason": [message]})
    if getattr(contact, "erased_at", None) is not None:
        raise Conflict(_("This contact's personal data has already been erased."))
    identity = Identity(contact.pk, contact.name, contact.email, contact.phone)
    report = ErasureReport()
    for section in sections():
        report.rows[section.key] = section.erase(contact, identity)
    record_audit(
        actor=actor,
        action="privacy_erase",
        target=contact,
        organisation=contact.organisation,
        changes={"reason": [None, reason.strip()[:300]], "rows": [None, report.total]},
    )
    return report
