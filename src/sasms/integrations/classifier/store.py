"""Where fitted models live: files in private storage, loaded only when their digest matches.

The file is written by :func:`save_bundle` from a model this process just fitted, never from
anything a user sent; :func:`load_bundle` checks the SHA-256 the database row recorded before it
unpickles, so a swapped or damaged file is refused instead of loaded.
"""

import hashlib
import io
import secrets
import threading
from typing import Any

import joblib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from sasms.integrations.classifier.training import BUNDLE_FORMAT


class ModelFileError(Exception):
    """The model file is missing, damaged or not the one its row describes."""


def model_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.MEDIA_ROOT / "private" / "classifier", base_url=None)


def save_bundle(bundle: dict[str, Any], *, version: int) -> tuple[str, str, int]:
    """Write the bundle; returns ``(file name, sha256, size)``."""
    buffer = io.BytesIO()
    joblib.dump(bundle, buffer, compress=3)
    data = buffer.getvalue()
    name = model_storage().save(f"model-v{version}-{secrets.token_hex(8)}.joblib", ContentFile(data))
    return name, hashlib.sha256(data).hexdigest(), len(data)


def delete_file(name: str) -> None:
    if name:
        model_storage().delete(name)


_cache: dict[tuple[str, str], dict[str, Any]] = {}
_lock = threading.Lock()


def load_bundle(*, file_name: str, sha256: str) -> dict[str, Any]:
    """The fitted bundle of one model row, from a small per-process cache."""
    key = (file_name, sha256)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        try:
            with model_storage().open(file_name, "rb") as handle:
                data = handle.read()
        except (OSError, ValueError) as exc:
            raise ModelFileError(f"model file {file_name!r} cannot be read: {exc}") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ModelFileError(f"model file {file_name!r} does not match its recorded digest")
        bundle = joblib.load(io.BytesIO(data))  # digest checked above: our own file
        if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
            raise ModelFileError(f"model file {file_name!r} has an unknown format")
        _cache.clear()  # one model is active at a time; keep memory to one
        _cache[key] = bundle
        return bundle


def clear_cache() -> None:
    from sasms.integrations.classifier.memory import forget

    with _lock:
        _cache.clear()
    forget()
