"""Files of the field app (signatures, service reports) in ``default_storage`` under ``private/``.

Nothing serves that prefix; the pages hand the files out through views that check who asks. The
outbox reads report attachments from the same storage when it sends the e-mail.
"""

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PREFIX = "private/field"


def save_private(kind: str, data: bytes, suffix: str) -> str:
    """Store ``data`` under a random name; returns the storage path."""
    token = secrets.token_hex(20)
    return str(default_storage.save(f"{PREFIX}/{kind}/{token[:2]}/{token}{suffix}", ContentFile(data)))


def read_private(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return bytes(handle.read())


def delete_private(path: str) -> None:
    if path and default_storage.exists(path):
        default_storage.delete(path)
