"""What a bounce says: which addresses failed, how badly, and which of our messages came back.

Mail servers report failures in a handful of shapes, all of which must lead back to the request:

* RFC 3464 ``multipart/report; report-type=delivery-status`` (Postfix, Sendmail, Gmail, Exchange and
  Office 365 NDRs): per-recipient ``Final-Recipient``/``Action``/``Status`` fields, the returned
  message as ``message/rfc822`` or only its header block as ``text/rfc822-headers``;
* plain-text bounces (qmail's "Hi. This is the qmail-send program", Exim's "Mail delivery failed"):
  the failed addresses in the prose and a copy of the returned message below a separator line.

Exchange also sets ``In-Reply-To``/``References`` on its NDR itself; the caller reads those as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, message_from_string
from email.message import Message
from email.policy import compat32

from sasms.intake.email.decode import decode_header

_MSG_ID = re.compile(r"<([^<>\s]+)>")
_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+\.[^\s<>\"'(),;:]+")
_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
# Lines that introduce the copy of the returned message in plain-text bounces.
_COPY_SEPARATOR = re.compile(
    r"^\s*-*\s*(?:Below this line is a copy of the message|This is a copy of (?:the|your) message"
    r"|The header of the original message is following|Original message headers:?"
    r"|Original message follows|Undelivered message headers|The original message was)"
    r"[^\n]*$",
    re.I | re.M,
)
_QMAIL_RECIPIENT = re.compile(r"^<([^<>\s]+@[^<>\s]+)>:\s*$", re.M)
_EXIM_INTRO = re.compile(r"following address(?:\(es\)|es)? failed:?\s*\n", re.I)
_PERMANENT_TEXT = re.compile(r"permanent(?:ly)? (?:error|failure|fatal)|I've given up|\b55[0-4][ -]", re.I)
_TRANSIENT_TEXT = re.compile(
    r"\bdelayed\b|will (?:continue to |keep )?(?:re)?try|temporar(?:y|ily) (?:error|failure)|"
    r"not yet been delivered",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Bounce:
    recipients: tuple[str, ...]  # the addresses that failed, lower-case
    permanent: bool
    status: str  # the DSN status code ("5.1.1") when one was given
    diagnostic: str  # the server's reason, one line
    original_message_id: str | None
    original_references: tuple[str, ...]  # In-Reply-To, then References of the returned message
    original_subject: str
    original_headers: tuple[tuple[str, str], ...]  # the returned message's headers, as received

    @property
    def referenced_ids(self) -> tuple[str, ...]:
        """Every Message-ID that leads back to a conversation: the returned message first."""
        ids = [self.original_message_id] if self.original_message_id else []
        ids.extend(i for i in self.original_references if i not in ids)
        return tuple(ids)

    def original_header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.original_headers if key.lower() == wanted), None)


def _raw_header(msg: Message, name: str) -> str | None:
    wanted = name.lower()
    return next((str(v) for k, v in msg.raw_items() if k.lower() == wanted), None)


def _ids(value: str | None) -> list[str]:
    return _MSG_ID.findall(value) if value else []


def _clean_address(value: str) -> str:
    # "rfc822; user@example.com", "<user@example.com>", "user@example.com (Name)"
    found = _ADDRESS.search(value.split(";", 1)[-1])
    return found.group(0).strip(".").lower() if found else ""


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload.decode("utf-8", errors="replace")
    inner = part.get_payload()
    if isinstance(inner, list):
        return "\n".join(str(p) for p in inner if isinstance(p, Message))
    return str(inner or "")


def _returned_from_part(part: Message) -> Message | None:
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0]
        return None
    if ctype in ("text/rfc822-headers", "message/rfc822-headers", "text/rfc822"):
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            return message_from_bytes(data.lstrip(b"\r\n"), policy=compat32)
    return None


def _returned_from_text(text: str) -> Message | None:
    """The copy of the returned message below the separator of a plain-text bounce."""
    match = _COPY_SEPARATOR.search(text)
    if match is None:
        return None
    rest = text[match.end() :].lstrip("\r\n")
    # Some servers indent the copy (Exchange 2003) or leave a blank line before it; drop both.
    lines = rest.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    indent = min((len(line) - len(line.lstrip()) for line in lines[:5] if line.strip()), default=0)
    if indent:
        lines = [line[indent:] for line in lines]
    copy = message_from_string("\n".join(lines), policy=compat32)
    return copy if copy.keys() else None


def _delivery_status(part: Message) -> list[Message]:
    """The field blocks of a ``message/delivery-status`` part (per-message, then per-recipient)."""
    inner = part.get_payload()
    if isinstance(inner, list):
        return [block for block in inner if isinstance(block, Message)]
    data = part.get_payload(decode=True)
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(inner or "")
    blocks = re.split(r"\r?\n\s*\r?\n", text.strip())
    return [message_from_string(block + "\n\n", policy=compat32) for block in blocks if block.strip()]


def read_bounce(msg: Message, *, text: str) -> Bounce:
    """Read a message already classified as a bounce; ``text`` is its decoded body text."""
    recipients: list[str] = []
    statuses: list[str] = []
    actions: list[str] = []
    diagnostic = ""
    returned: Message | None = None
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/delivery-status", "message/global-delivery-status"):
            for block in _delivery_status(part):
                recipient = _clean_address(
                    str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
                )
                if recipient and recipient not in recipients:
                    recipients.append(recipient)
                if block.get("Action"):
                    actions.append(str(block.get("Action")).strip().lower())
                if block.get("Status"):
                    statuses.append(str(block.get("Status")).strip())
                if block.get("Diagnostic-Code") and not diagnostic:
                    diagnostic = str(block.get("Diagnostic-Code")).split(";", 1)[-1]
        elif returned is None:
            returned = _returned_from_part(part)
    if returned is None:
        returned = _returned_from_text(text)
    # The server's own words end where the copy of the returned message begins.
    separator = _COPY_SEPARATOR.search(text)
    text = text[: separator.start()] if separator is not None else text
    for value in msg.get_all("X-Failed-Recipients") or []:
        for address in str(value).split(","):
            cleaned = _clean_address(address)
            if cleaned and cleaned not in recipients:
                recipients.append(cleaned)
    if not recipients:
        recipients.extend(_prose_recipients(text))
    if not statuses:
        statuses.extend(match.group(0) for match in _STATUS.finditer(text))
    if not diagnostic:
        diagnostic = _prose_reason(text, recipients)
    permanent = _is_permanent(actions, statuses, text)
    headers: tuple[tuple[str, str], ...] = ()
    original_id: str | None = None
    references: list[str] = []
    subject = ""
    if returned is not None:
        headers = tuple((str(k), str(v)) for k, v in returned.raw_items())
        found = _ids(str(returned.get("Message-ID") or ""))
        original_id = found[0] if found else None
        for name in ("In-Reply-To", "References"):
            for ref in _ids(" ".join(str(v) for v in returned.get_all(name) or [])):
                if ref not in references:
                    references.append(ref)
        subject = decode_header(_raw_header(returned, "Subject"), what="returned Subject")
        if not recipients:
            # A single-recipient original names the failed address.
            to = [_clean_address(a) for a in str(returned.get("To") or "").split(",")]
            if len([a for a in to if a]) == 1:
                recipients.append(to[0])
    return Bounce(
        recipients=tuple(recipients),
        permanent=permanent,
        status=next((s for s in statuses if _STATUS.fullmatch(s)), statuses[0] if statuses else ""),
        diagnostic=re.sub(r"\s+", " ", diagnostic).strip()[:500],
        original_message_id=original_id,
        original_references=tuple(references),
        original_subject=subject,
        original_headers=headers,
    )


def _prose_recipients(text: str) -> list[str]:
    found = [address.lower() for address in _QMAIL_RECIPIENT.findall(text)]
    intro = _EXIM_INTRO.search(text)
    if intro is not None:
        # Exim lists each failed address indented, with its reason on the following lines.
        for line in text[intro.end() :].splitlines():
            if _COPY_SEPARATOR.match(line):
                break
            stripped = line.strip()
            if line[:1] in (" ", "\t") and _ADDRESS.fullmatch(stripped.rstrip(":").strip("<>")):
                address = stripped.rstrip(":").strip("<>").lower()
                if address not in found:
                    found.append(address)
    return found


def _prose_reason(text: str, recipients: list[str]) -> str:
    """The reason under the failed address in a plain-text bounce (qmail and Exim put it there):
    the line with an SMTP or status code when there is one, else the first line."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if recipients and recipients[0] in line.lower():
            following = [f.strip() for f in lines[index + 1 : index + 5] if f.strip()]
            coded = [f for f in following if _STATUS.search(f) or re.match(r"[45]\d\d\b", f)]
            return (coded or following or [""])[0]
    return ""


def _is_permanent(actions: list[str], statuses: list[str], text: str) -> bool:
    if actions or statuses:
        return "failed" in actions or any(status.startswith("5") for status in statuses)
    if _TRANSIENT_TEXT.search(text) and not _PERMANENT_TEXT.search(text):
        return False
    return bool(_PERMANENT_TEXT.search(text))
