"""An embedded installation that stored credentials under the old shared key still reads them."""

import base64
import hashlib
from typing import Any

import pytest
from cryptography.fernet import Fernet

from sasms.core import secrets


def _derived(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"sasms-secrets:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def test_credentials_stored_under_the_legacy_key_still_decrypt(settings: Any) -> None:
    settings.SASMS_SECRET_KEYS = []
    settings.SECRET_KEY = "an-installation-key-" + "x" * 40
    old_token = _derived(settings.SASMS_LEGACY_SECRET_KEY).encrypt(b"bmc-password").decode()
    assert secrets.decrypt(old_token) == "bmc-password"
    new_token = secrets.encrypt("mailbox-password")
    # New secrets and rotated ones use the installation's own key only.
    assert _derived(settings.SECRET_KEY).decrypt(new_token.encode()) == b"mailbox-password"
    rotated = secrets.rotate(old_token)
    assert _derived(settings.SECRET_KEY).decrypt(rotated.encode()) == b"bmc-password"


def test_configured_keys_leave_the_legacy_key_out(settings: Any) -> None:
    key = Fernet.generate_key().decode()
    settings.SASMS_SECRET_KEYS = [key]
    legacy_token = _derived(settings.SASMS_LEGACY_SECRET_KEY).encrypt(b"x").decode()
    with pytest.raises(secrets.SecretError):
        secrets.decrypt(legacy_token)
