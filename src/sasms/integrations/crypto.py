"""Secrets at rest: robot webhook addresses and signing secrets, encrypted with Fernet.

Keys come from ``SASMS_SECRET_KEYS`` (a setting, else the environment variable of that name; a
list of Fernet keys, the first encrypts and all decrypt, so a key is rotated by putting the new
one first) — the same keys as every stored credential (:mod:`sasms.core.secrets`). In the embedded
mode, without the setting, one key is derived from ``SECRET_KEY``; production refuses to start without it
(system check ``integrations.E001``).
"""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from sasms.core import secrets

SETTING = "SASMS_SECRET_KEYS"


class SecretUnreadable(Exception):
    """The stored value was encrypted with a key that is no longer configured."""


def encrypt(plain: str) -> str:
    """The encrypted token of ``plain``; ``""`` stays ``""`` (no secret). One key set for every
    stored credential of SASMS (:mod:`sasms.core.secrets`), rotated by ``sasms rotate_secrets``."""
    return secrets.encrypt(plain)


def decrypt(token: str) -> str:
    try:
        return secrets.decrypt(token)
    except secrets.SecretError as exc:
        raise SecretUnreadable("the secret cannot be decrypted with the configured keys") from exc


def generate_key() -> str:
    """A new random key for the setting (``sasms shell -c`` or the README's set-up step)."""
    return Fernet.generate_key().decode()


@register("security", deploy=True)
def check_keys(**_kwargs: object) -> list[CheckMessage]:
    if getattr(settings, "PRODUCTION", False) and not secrets.configured_keys():
        return [
            Error(
                f"{SETTING} is not set: integration secrets would be encrypted with a key "
                "derived from SECRET_KEY.",
                hint="Generate a key with cryptography's Fernet.generate_key() and set it.",
                id="integrations.E001",
            )
        ]
    return []
