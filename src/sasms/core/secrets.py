"""Credentials at rest (mailbox and BMC passwords, chat-robot addresses and secrets, webhook
secrets): Fernet tokens under a list of keys, newest first.

``SASMS_SECRET_KEYS`` (setting or environment variable, comma-separated urlsafe-base64 Fernet keys)
names the keys; the first encrypts, every one decrypts, so a new key is added in front and
``sasms rotate_secrets`` re-encrypts every stored secret with it before the old key is dropped.
Without the setting (the embedded default) the key is derived from ``SECRET_KEY``, and one from
the key embedded installations once shared still decrypts what was stored under it. Every model
field holding such a token is named ``*_encrypted``; that is how the rotation finds them all.
"""

import base64
import hashlib
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretError(Exception):
    """A stored password cannot be decrypted with any configured key."""


def configured_keys() -> tuple[str, ...]:
    """The keys named by the setting (or environment variable), newest first; empty if none."""
    value = getattr(settings, "SASMS_SECRET_KEYS", None)
    if value is None:
        value = os.environ.get("SASMS_SECRET_KEYS", "")
    if isinstance(value, str):
        value = value.split(",")
    return tuple(k.strip() for k in value if k and k.strip())


def _derived_key(secret_key: str) -> str:
    digest = hashlib.sha256(b"sasms-secrets:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _configured_keys() -> tuple[str, ...]:
    keys = configured_keys()
    if keys:
        return keys
    derived = _derived_key(settings.SECRET_KEY)
    legacy = getattr(settings, "SASMS_LEGACY_SECRET_KEY", "")
    if not legacy or legacy == settings.SECRET_KEY:
        return (derived,)
    # Credentials an embedded installation stored under the old shared key stay readable; new
    # ones, and every one `sasms rotate_secrets` touches, use the installation's own key.
    return (derived, _derived_key(legacy))


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise SecretError("SASMS_SECRET_KEYS holds a value that is not a Fernet key") from exc


def fernet() -> MultiFernet:
    return _fernet(_configured_keys())


def encrypt(plain: str) -> str:
    """The token to store; an empty password stays empty."""
    if not plain:
        return ""
    return fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretError("the stored password cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """The same secret, re-encrypted with the first key."""
    if not token:
        return ""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretError("the stored password cannot be decrypted with the configured keys") from exc
