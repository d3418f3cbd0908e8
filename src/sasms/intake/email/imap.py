"""Reading new messages from an IMAP folder by UID, without marking them read until processed.

``UIDVALIDITY`` plus the last processed UID say where the previous poll stopped; a changed
``UIDVALIDITY`` (a rebuilt folder) starts from the beginning again, and the Message-ID table keeps
that from processing anything twice.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType

_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)", re.I)
_FETCH_UID = re.compile(rb"UID (\d+)", re.I)


class ImapError(Exception):
    """The mailbox cannot be read (unreachable, refused log-in, no such folder)."""


@dataclass(frozen=True)
class Fetched:
    uid: int
    raw: bytes


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapReader:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: str,
        username: str,
        password: str,
        timeout: float = 30.0,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self._conn: imaplib.IMAP4 | None = None
        context = context or ssl.create_default_context()
        try:
            if security == "ssl":
                self._conn = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
            else:
                self._conn = imaplib.IMAP4(host, port, timeout=timeout)
                if security == "starttls":
                    self._conn.starttls(ssl_context=context)
            self._conn.login(username, password)
        except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
            self.close()
            raise ImapError(f"{type(exc).__name__}: {exc}") from exc

    @property
    def conn(self) -> imaplib.IMAP4:
        if self._conn is None:
            raise ImapError("not connected")
        return self._conn

    def select(self, folder: str) -> int | None:
        """Open ``folder`` read-write; returns its UIDVALIDITY (None if the server sends none)."""
        try:
            status, data = self.conn.select(_quote(folder))
            if status != "OK":
                raise ImapError(f"cannot open folder {folder!r}: {data!r}")
            _typ, validity = self.conn.response("UIDVALIDITY")
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"{type(exc).__name__}: {exc}") from exc
        for item in validity or []:
            if isinstance(item, bytes) and item.isdigit():
                return int(item)
            match = _UIDVALIDITY.search(item) if isinstance(item, bytes) else None
            if match:
                return int(match.group(1))
        return None

    def uids_after(self, last_uid: int, limit: int) -> list[int]:
        try:
            status, data = self.conn.uid("SEARCH", None, f"UID {last_uid + 1}:*")  # type: ignore[arg-type]
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"{type(exc).__name__}: {exc}") from exc
        if status != "OK":
            raise ImapError(f"UID SEARCH failed: {data!r}")
        # "n:*" always matches the highest UID, even when it is below n.
        uids = sorted({int(u) for chunk in data if chunk for u in chunk.split() if int(u) > last_uid})
        return uids[:limit]

    def fetch(self, uid: int) -> bytes | None:
        """The message's bytes (``BODY.PEEK[]`` leaves it unread), or None if it vanished."""
        try:
            status, data = self.conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"{type(exc).__name__}: {exc}") from exc
        if status != "OK":
            raise ImapError(f"UID FETCH {uid} failed: {data!r}")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                header, body = item
                match = _FETCH_UID.search(header)
                if match is None or int(match.group(1)) == uid:
                    return bytes(body)
        return None

    def mark_seen(self, uid: int) -> None:
        try:
            self.conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)")
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"{type(exc).__name__}: {exc}") from exc

    def messages_after(self, last_uid: int, limit: int) -> Iterator[Fetched]:
        for uid in self.uids_after(last_uid, limit):
            raw = self.fetch(uid)
            if raw is not None:
                yield Fetched(uid=uid, raw=raw)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()

    def __enter__(self) -> ImapReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
