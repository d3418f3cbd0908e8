"""The contact itself, and a customer log-in with the same address, in privacy exports and erasure."""

from typing import Any

from django.utils import timezone

from sasms.accounts.models import Contact, User
from sasms.core.privacy import Identity, PrivacySection, register_privacy_section


def _users(contact: Contact) -> list[User]:
    if not contact.email:
        return []
    return list(User.objects.filter(organisation_id=contact.organisation_id, email__iexact=contact.email))


def export(contact: Contact) -> dict[str, Any]:
    return {
        "contact": {
            "name": contact.name,
            "title": contact.title,
            "email": contact.email,
            "phone": contact.phone,
            "organisation": contact.organisation.name,
            "primary": contact.is_primary,
        },
        "user_accounts": [
            {
                "email": u.email,
                "full_name": u.full_name,
                "role": u.role,
                "language": u.language,
                "date_joined": u.date_joined,
                "last_login": u.last_login,
                "active": u.is_active,
            }
            for u in _users(contact)
        ],
    }


def erase(contact: Contact, identity: Identity) -> int:
    users = _users(contact)
    for user in users:
        user.email = f"erased-{user.pk}@erased.invalid"
        user.full_name = f"Erased user {user.pk}"
        user.is_active = False
        user.set_unusable_password()
        user.save()
    contact.name = f"Erased contact {contact.pk}"
    contact.title = contact.email = contact.phone = ""
    contact.erased_at = timezone.now()
    contact.save()
    return 1 + len(users)


def register() -> None:
    register_privacy_section(PrivacySection("accounts", export, erase, order=1000))
