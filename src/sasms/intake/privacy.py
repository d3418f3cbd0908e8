"""E-mail received from a contact, in privacy exports and erasure."""

from typing import Any

from sasms.accounts.models import Contact
from sasms.core.privacy import Identity, PrivacySection, register_privacy_section
from sasms.intake.models import ProcessedMessage
from sasms.intake.services.mail import mail_storage


def _messages(email: str) -> Any:
    if not email:
        return ProcessedMessage.objects.none()
    return ProcessedMessage.objects.filter(sender__iexact=email).select_related("ticket")


def export(contact: Contact) -> list[dict[str, Any]]:
    return [
        {
            "message_id": m.message_id,
            "subject": m.subject,
            "sent_at": m.sent_at,
            "processed_at": m.processed_at,
            "outcome": m.outcome,
            "request": m.ticket.number if m.ticket else None,
        }
        for m in _messages(contact.email)
    ]


def erase(contact: Contact, identity: Identity) -> int:
    changed = 0
    storage = mail_storage()
    for message in _messages(identity.email):
        # The record that the message was processed (its Message-ID) stays, so it is never
        # processed twice; the stored original and the sender's details go.
        if message.raw_name and storage.exists(message.raw_name):
            storage.delete(message.raw_name)
        ProcessedMessage.objects.filter(pk=message.pk).update(
            sender="", sender_name="", subject=identity.scrub(message.subject), raw_name=""
        )
        changed += 1
    return changed


def register() -> None:
    register_privacy_section(PrivacySection("email", export, erase))
