"""Signatures, each exactly as its receiver documents it.

* DingTalk custom robots: ``sign = urlencode(base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp_ms}\\n{secret}")))`` as the ``timestamp`` and ``sign`` query parameters.
* Feishu custom bots: ``sign = base64(HMAC-SHA256(key=f"{timestamp_s}\\n{secret}", msg=b""))``
  with ``timestamp`` (seconds, as a string) and ``sign`` in the JSON body.
* SASMS webhooks: ``X-SASMS-Signature: sha256=<hex HMAC-SHA256(key=secret,
  msg=f"{timestamp}.{raw body}")>`` with ``X-SASMS-Timestamp: <timestamp>``; binding the time into
  the signature lets a receiver refuse old requests replayed by a third party.
"""

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

from sasms.core.parsing import is_ascii_digits


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The ``sign`` query value, already URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-SASMS-Signature`` header value."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_webhook_signature(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does (documented in the webhook page's help, used by the tests)."""
    if not is_ascii_digits(timestamp):
        return False
    return hmac.compare_digest(webhook_signature(secret, int(timestamp), body), header)
