"""Raw RFC 5322 bytes → :class:`InboundEmail`, a frozen, fully decoded view of one message.

``parse_email`` never raises on broken input: anything it had to guess or could not read is listed
in ``InboundEmail.problems`` (a stable code plus English text), so the caller can still file the
message (or send it to triage) instead of losing it.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from email.policy import compat32
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime
from typing import Any

import compressed_rtf  # type: ignore[import-untyped]
import filetype  # type: ignore[import-untyped]
import tnefparse  # type: ignore[import-untyped]
from striprtf.striprtf import rtf_to_text
from tnefparse import properties as tnef_properties

from sasms.intake.email.bounce import Bounce, read_bounce
from sasms.intake.email.classify import classify
from sasms.intake.email.decode import (
    Note,
    decode_bytes,
    decode_header,
    decode_words,
    normalise_charset,
    raw_header_text,
)
from sasms.intake.email.smime import signed_content
from sasms.intake.email.text import html_to_text, strip_quoted, unflow

SR_NUMBER = re.compile(r"(?<![A-Za-z0-9])SR(\d{13})(?!\d)", re.I)
_MSG_ID = re.compile(r"<([^<>\s]+)>")
# Guard against pathological input (a million MIME parts) without refusing ordinary big mail.
MAX_PARTS = 500
# A forward of a forward of a forward is still read; deeper nesting stays an attached .eml only.
MAX_FORWARD_DEPTH = 3
_OPAQUE_SIGNED = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
# A signed MIME entity has no message headers of its own; their absence is no problem there.
_ENTITY_ONLY = frozenset({"missing_from", "missing_message_id", "missing_date"})
_ENTITIES = {"&nbsp;": " ", "&gt;": ">", "&lt;": "<", "&quot;": '"', "&amp;": "&"}
_ENTITY = re.compile("|".join(_ENTITIES))
TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
# Detached signatures say nothing to a service desk; the signed body itself is read as usual.
_SIGNATURES = frozenset(
    {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class EmailAddress:
    address: str
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str  # sniffed from the bytes when recognisable, else the declared type
    declared_content_type: str
    size: int
    data: bytes = field(repr=False)
    is_inline: bool = False
    content_id: str | None = None


@dataclass(frozen=True, slots=True)
class InboundEmail:
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    thread_index: str | None
    thread_topic: str | None
    sender: EmailAddress | None
    to: tuple[EmailAddress, ...]
    cc: tuple[EmailAddress, ...]
    reply_to: tuple[EmailAddress, ...]
    subject: str
    date: datetime | None
    text: str
    html: str | None
    new_text: str
    attachments: tuple[Attachment, ...]
    sr_number: str | None
    is_auto_reply: bool
    is_bounce: bool
    is_loop: bool
    problems: tuple[Problem, ...]
    bounce: Bounce | None = None  # what a bounce reports (failed addresses, the returned message)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Every Message-ID this message refers to, nearest parent first (for reply matching)."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids.extend(ref for ref in reversed(self.references) if ref not in ids)
        return tuple(ids)

    @property
    def should_open_ticket(self) -> bool:
        """Auto-replies, bounces and loops must never create or update a request."""
        return not (self.is_auto_reply or self.is_bounce or self.is_loop)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def note(self, code: str, detail: str) -> None:
        problem = Problem(code, detail)
        if problem not in self.problems:
            self.problems.append(problem)


def _strip_mbox_line(raw: bytes) -> bytes:
    # Files cut from an mbox start with "From sender date"; the parser would take it as the end of
    # the header block and lose every real header.
    if raw.startswith(b"From "):
        newline = raw.find(b"\n")
        return raw[newline + 1 :] if newline >= 0 else b""
    return raw


def _raw_all(msg: Message, name: str) -> list[str]:
    """Header values exactly as received (8-bit bytes as surrogate escapes), never ``Header`` objects."""
    wanted = name.lower()
    return [str(value) for key, value in msg.raw_items() if key.lower() == wanted]


def _raw(msg: Message, name: str) -> str | None:
    values = _raw_all(msg, name)
    return values[0] if values else None


def _message_ids(value: str | None) -> list[str]:
    if not value:
        return []
    found = _MSG_ID.findall(value)
    if found:
        return found
    # Some clients omit the angle brackets; take whitespace-separated tokens that look like ids.
    return [token for token in value.split() if "@" in token]


def _addresses(msg: Message, name: str, hints: list[str], note: Note) -> tuple[EmailAddress, ...]:
    values = _raw_all(msg, name)
    # Decode raw 8-bit bytes before splitting, encoded words after: an encoded display name may hide
    # a comma that must not split the list.
    texts = [raw_header_text(str(v), hints=hints, note=note, what=name) for v in values]
    result: list[EmailAddress] = []
    for display, address in getaddresses(texts):
        address = address.strip()
        if not address and not display:
            continue
        result.append(EmailAddress(address=address, display_name=decode_words(display, note=note, what=name)))
    return tuple(result)


def _date(msg: Message, note: Note) -> datetime | None:
    value = _raw(msg, "Date")
    if value is None:
        note("missing_date", "no Date header")
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        note("bad_date", f"unparseable Date header {str(value)[:80]!r}")
        return None
    # "-0000" means "time zone unknown"; UTC is the only honest reading for an aware value.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _charset_hints(msg: Message) -> list[str]:
    hints: list[str] = []
    for part in msg.walk():
        charset = part.get_param("charset")
        if isinstance(charset, str) and charset.lower() not in hints and charset.lower() != "us-ascii":
            hints.append(charset.lower())
    return hints


def _raw_param(part: Message, header: str, name: str) -> str | None:
    """A plain ``name=value`` parameter with its 8-bit bytes kept as surrogate escapes.

    ``get_param`` turns raw 8-bit bytes into U+FFFD before we could decode them by their charset.
    """
    value = _raw(part, header)
    if value is None or value.isascii():
        return None
    match = re.search(rf'(?:^|;)\s*{name}\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)', value, re.I)
    if match is None:
        return None
    found = match.group(1)
    return found[1:-1].replace('\\"', '"') if found.startswith('"') else found


def _filename(part: Message, index: int, note: Note, hints: Iterable[str] = ()) -> str:
    raw: object = _raw_param(part, "Content-Disposition", "filename") or part.get_param(
        "filename", header="content-disposition"
    )
    if raw is None:
        raw = _raw_param(part, "Content-Type", "name") or part.get_param("name")
    if isinstance(raw, tuple):
        # RFC 2231 (charset, language, value); an invalid byte for the charset must not raise.
        charset, _lang, value = raw
        try:
            data = str(value).encode("latin-1", "surrogateescape")
        except UnicodeEncodeError:
            name = str(value)  # already text (the parser replaced what it could not read)
        else:
            name = _decode_name(data, str(charset or "utf-8"), note)
    elif isinstance(raw, str):
        name = decode_words(
            raw_header_text(collapse_rfc2231_value(raw), hints=hints, note=note, what="filename"), note=note
        )
    else:
        name = ""
    # Keep only the last path element and no control characters: the name will be shown and saved.
    name = re.split(r"[\\/]", name.replace("\x00", ""))[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().strip(".") or ""
    if not name:
        subtype = part.get_content_type()
        ext = ".eml" if subtype == "message/rfc822" else (mimetypes.guess_extension(subtype) or ".bin")
        name = f"part-{index}{ext}"
    return name


def _decode_name(data: bytes, charset: str, note: Note) -> str:
    # No multi-byte guessing for names: a GB18030 guess would swallow the ASCII byte after an invalid
    # one and change the extension; a replacement character is the honest result.
    for codec in (charset, "utf-8"):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    note("bad_attachment_name", "attachment name has bytes invalid in its charset")
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _sniff(data: bytes, declared: str, filename: str) -> str:
    kind = filetype.guess(data) if data else None
    if kind is not None:
        return str(kind.mime)
    if declared in ("application/octet-stream", "") or "/" not in declared:
        guessed, _enc = mimetypes.guess_type(filename)
        if guessed:
            return guessed
    return declared


def _leaves(msg: Message, note: Note) -> list[Message]:
    """Leaf parts in order, not descending into attached messages (they are attachments)."""
    out: list[Message] = []
    stack = [msg]
    while stack:
        part = stack.pop(0)
        if len(out) > MAX_PARTS:
            note("too_many_parts", f"more than {MAX_PARTS} MIME parts; the rest ignored")
            break
        payload = part.get_payload()
        if part.is_multipart() and part.get_content_type() != "message/rfc822" and isinstance(payload, list):
            stack = [p for p in payload if isinstance(p, Message)] + stack
        else:
            out.append(part)
    return out


def _payload(part: Message, note: Note) -> bytes:
    if part.get_content_type() == "message/rfc822" or part.is_multipart():
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0].as_bytes()
        return b""
    try:
        data = part.get_payload(decode=True)
    except (ValueError, LookupError) as exc:  # pragma: no cover - compat32 decodes leniently
        note("bad_transfer_encoding", f"{part.get_content_type()}: {exc}")
        return b""
    return data if isinstance(data, bytes) else b""


@dataclass
class _Body:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    forwards: list[str] = field(default_factory=list)  # text of attached messages, read after the body
    # The body inside winmail.dat repeats the message's own text part; read only when there is none.
    fallback_texts: list[str] = field(default_factory=list)


def _read_part(
    part: Message, index: int, top: Message, hints: list[str], note: Note, body: _Body, depth: int
) -> None:
    """Add one leaf part to the text bodies, the HTML bodies or the attachments."""
    for defect in part.defects:
        note("mime_defect", f"{part.get_content_type()}: {type(defect).__name__}")
    ctype = part.get_content_type()
    if ctype in _SIGNATURES:
        return
    disposition = (part.get_content_disposition() or "").lower()
    has_name = part.get_param("filename", header="content-disposition") or part.get_param("name")
    data = _payload(part, note)
    if not data.strip() if ctype.startswith("text/") else not data:
        return  # an empty part (a client's placeholder) is neither text nor a file
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not has_name:
        decoded = decode_bytes(data, part.get_content_charset(), hints=hints, note=note, what=ctype)
        if ctype == "text/plain" and str(part.get_param("format") or "").lower() == "flowed":
            decoded = unflow(decoded, delsp=str(part.get_param("delsp") or "").lower() == "yes")
        if ctype == "text/plain" and "&nbsp;" in decoded:
            # QQ Mail and Foxmail derive the plain part from their HTML and leave its entities in.
            decoded = _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], decoded)
        (body.texts if ctype == "text/plain" else body.htmls).append(decoded)
        return
    if part is top and ctype.startswith("text/") and not has_name and disposition != "attachment":
        # A single-part message of some other text type (text/enriched, a bare text/foo): read it.
        body.texts.append(decode_bytes(data, part.get_content_charset(), hints=hints, note=note, what=ctype))
        return
    filename = _filename(part, index, note, hints)
    is_tnef = ctype in ("application/ms-tnef", "application/vnd.ms-tnef") or filename.lower() == "winmail.dat"
    if is_tnef and data.startswith(TNEF_SIGNATURE) and _read_tnef(data, hints, note, body):
        return
    if ctype == "message/rfc822" and depth < MAX_FORWARD_DEPTH:
        _read_forward(data, note, body, depth)
    if (
        ctype in _OPAQUE_SIGNED
        and depth < MAX_FORWARD_DEPTH
        and _read_opaque_signed(part, data, note, body, depth)
    ):
        return
    content_ids = _message_ids(_raw(part, "Content-ID"))
    cid = content_ids[0] if content_ids else None
    body.attachments.append(
        Attachment(
            filename=filename,
            content_type=_sniff(data, ctype, filename),
            declared_content_type=ctype,
            size=len(data),
            data=data,
            is_inline=ctype.startswith("image/")
            and (disposition == "inline" or (cid is not None and disposition != "attachment")),
            content_id=cid,
        )
    )


def _tnef_text(value: object, codepage: str | None, hints: list[str], note: Note, what: str) -> str:
    if isinstance(value, bytes):
        return decode_bytes(value.rstrip(b"\x00"), codepage, hints=hints, note=note, what=what)
    return str(value or "").rstrip("\x00")


def _tnef_name(item: Any, number: int, codepage: str | None, hints: list[str], note: Note) -> str:
    # The long (MAPI) name is Unicode already; the short title is bytes in the sender's code page,
    # which tnefparse would decode as UTF-8.
    long_name = next(
        (
            a.data
            for a in getattr(item, "mapi_attrs", ())
            if a.name == tnef_properties.MAPI_ATTACH_LONG_FILENAME
        ),
        None,
    )
    title = long_name if long_name is not None else getattr(item, "_name", b"")
    name = _tnef_text(title, codepage, hints, note, "TNEF attachment name") if title else ""
    name = re.split(r"[\\/]", re.sub(r"[\x00-\x1f\x7f]", "", name))[-1].strip()
    return name or f"winmail-{number}.bin"


_RTF_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")


def _tnef_rtf_text(tnef: Any, codepage: str | None, note: Note) -> str:
    """Outlook's "Rich Text" mail keeps its body only as compressed RTF; read its text."""
    if not getattr(tnef, "_rtfbody", None):
        return ""
    try:
        rtf = compressed_rtf.decompress(bytes(tnef._rtfbody) + b"\x00")
        declared = _RTF_CODEPAGE.search(rtf[:2000])
        encoding = normalise_charset(f"cp{declared.group(1).decode()}" if declared else codepage) or "cp1252"
        text = rtf_to_text(rtf.decode("latin-1"), encoding=encoding, errors="replace")  # type: ignore[no-untyped-call]
        return str(text).strip()
    except Exception as exc:  # third-party decoders on hostile bytes: the files still count
        note("tnef_unreadable", f"winmail.dat rich-text body: {type(exc).__name__}")
        return ""


def _read_tnef(data: bytes, hints: list[str], note: Note, body: _Body) -> bool:
    """Unpack Outlook's winmail.dat into its real files (and its body, used when the message has no
    other text); False leaves the file attached as it came."""
    try:
        tnef = tnefparse.TNEF(data, do_checksum=False)
    except Exception as exc:  # a third-party decoder on hostile bytes: any failure keeps the file
        note("tnef_unreadable", f"winmail.dat: {type(exc).__name__}")
        return False
    codepage = tnef.codepage if isinstance(tnef.codepage, str) else None
    files: list[Attachment] = []
    for number, item in enumerate(tnef.attachments, start=1):
        content = bytes(item.data or b"")
        if not content:
            continue
        name = _tnef_name(item, number, codepage, hints, note)
        declared = mimetypes.guess_type(name)[0] or "application/octet-stream"
        files.append(
            Attachment(
                filename=name,
                content_type=_sniff(content, declared, name),
                declared_content_type=declared,
                size=len(content),
                data=content,
            )
        )
    text = _tnef_text(tnef.body, codepage, hints, note, "TNEF body") if tnef.body else ""
    html = _tnef_text(tnef.htmlbody, codepage, hints, note, "TNEF body") if tnef.htmlbody else ""
    if not text.strip() and not html.strip():
        text = _tnef_rtf_text(tnef, codepage, note)
    if not (files or text.strip() or html.strip()):
        # Only a compressed RTF body (or nothing we can read): keep the file for a person to open.
        note("tnef_unreadable", "winmail.dat: no readable body or attachments")
        return False
    if text.strip():
        body.fallback_texts.append(text)
    elif html.strip():
        body.fallback_texts.append(html_to_text(html))
    body.attachments.extend(files)
    return True


def _read_opaque_signed(part: Message, data: bytes, note: Note, body: _Body, depth: int) -> bool:
    """Opaque S/MIME signed mail: the signed MIME entity inside is the message body."""
    if str(part.get_param("smime-type") or "signed-data").lower() != "signed-data":
        return False  # enveloped (encrypted) data cannot be read without the recipient's key
    content = signed_content(data)
    if content is None:
        note("smime_unreadable", f"{part.get_content_type()}: no signed content found")
        return False
    inner = _parse(content, max_received=10_000, depth=depth + 1)
    for problem in inner.problems:
        if problem.code not in _ENTITY_ONLY:
            note(problem.code, f"signed content: {problem.detail}")
    if inner.text:
        body.texts.append(inner.text)
    body.attachments.extend(inner.attachments)
    return True


def _read_forward(data: bytes, note: Note, body: _Body, depth: int) -> None:
    """The text and files of an attached (forwarded) message become part of this one."""
    inner = _parse(data, max_received=10_000, depth=depth + 1)
    for problem in inner.problems:
        note(problem.code, f"attached message: {problem.detail}")
    lines = ["---------- Forwarded message ----------"]
    if inner.sender is not None:
        name = inner.sender.display_name
        lines.append(f"From: {name} <{inner.sender.address}>" if name else f"From: {inner.sender.address}")
    if inner.date is not None:
        lines.append(f"Date: {inner.date.isoformat(sep=' ')}")
    if inner.subject:
        lines.append(f"Subject: {inner.subject}")
    if inner.to:
        lines.append("To: " + ", ".join(a.address for a in inner.to))
    body.forwards.append("\n".join(lines) + "\n\n" + inner.text)
    body.attachments.extend(inner.attachments)


def parse_email(raw: bytes, *, max_received: int = 30) -> InboundEmail:
    """Parse one message. ``max_received`` Received headers or more mark it as a mail loop.

    Never raises: should a defect slip past every local guard, the raw text is still returned
    (with an ``internal_error`` problem) so the message reaches triage instead of being lost.
    """
    try:
        return _parse(raw, max_received=max_received, depth=0)
    except Exception as exc:  # the contract is "never raise"; the problem names the cause
        return InboundEmail(
            message_id=None,
            in_reply_to=None,
            references=(),
            thread_index=None,
            thread_topic=None,
            sender=None,
            to=(),
            cc=(),
            reply_to=(),
            subject="",
            date=None,
            text=raw.decode("utf-8", errors="replace"),
            html=None,
            new_text=raw.decode("utf-8", errors="replace"),
            attachments=(),
            sr_number=None,
            is_auto_reply=False,
            is_bounce=False,
            is_loop=False,
            problems=(Problem("internal_error", f"{type(exc).__name__}: {exc}"),),
        )


def _parse(raw: bytes, *, max_received: int, depth: int) -> InboundEmail:
    collector = _Collector()
    note = collector.note
    try:
        msg = message_from_bytes(_strip_mbox_line(raw), policy=compat32)
    except Exception as exc:
        note("unparseable", f"{type(exc).__name__}: {exc}")
        msg = Message()
    for defect in msg.defects:
        note("mime_defect", type(defect).__name__)
    hints = _charset_hints(msg)

    subject = decode_header(_raw(msg, "Subject"), hints=hints, note=note, what="Subject")
    senders = _addresses(msg, "From", hints, note) or _addresses(msg, "Sender", hints, note)
    if not senders:
        note("missing_from", "no usable From header")

    body = _Body()
    for index, part in enumerate(_leaves(msg, note), start=1):
        try:
            _read_part(part, index, msg, hints, note, body, depth)
        except Exception as exc:  # one unreadable part must not lose the message
            note("part_unreadable", f"part {index} ({part.get_content_type()}): {type(exc).__name__}")

    if not body.texts and not body.htmls:
        body.texts.extend(body.fallback_texts)
    html = "\n".join(body.htmls) if body.htmls else None
    text = "\n\n".join(t.strip("\n") for t in body.texts if t.strip())
    if not text and html:
        text = html_to_text(html)
    own_text = text
    text = "\n\n".join(t for t in (text.strip("\n"), *(f.strip("\n") for f in body.forwards)) if t.strip())
    # Bare CRs survive from CRLF files whose last line had no newline; one line-end style for callers.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()

    flags = classify(
        msg, subject=subject, sender=senders[0].address if senders else "", max_received=max_received
    )
    in_reply_to = _message_ids(_raw(msg, "In-Reply-To"))
    message_ids = _message_ids(_raw(msg, "Message-ID"))
    if not message_ids:
        note("missing_message_id", "no Message-ID header")
    sr = SR_NUMBER.search(subject)
    topic = _raw(msg, "Thread-Topic")
    thread_index = _raw(msg, "Thread-Index")
    return InboundEmail(
        message_id=message_ids[0] if message_ids else None,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=tuple(_message_ids(" ".join(_raw_all(msg, "References")))),
        thread_index=re.sub(r"\s+", "", thread_index) if thread_index else None,
        thread_topic=decode_header(topic, hints=hints, note=note, what="Thread-Topic") if topic else None,
        sender=senders[0] if senders else None,
        to=_addresses(msg, "To", hints, note),
        cc=_addresses(msg, "Cc", hints, note),
        reply_to=_addresses(msg, "Reply-To", hints, note),
        subject=subject,
        date=_date(msg, note),
        text=text,
        html=html,
        new_text=strip_quoted(text),
        attachments=tuple(body.attachments),
        sr_number=f"SR{sr.group(1)}" if sr else None,
        is_auto_reply=flags.is_auto_reply,
        is_bounce=flags.is_bounce,
        is_loop=flags.is_loop,
        problems=tuple(collector.problems),
        # The server's report only: a returned message attached in full is read from its own part.
        bounce=_bounce(msg, own_text, note) if flags.is_bounce and depth == 0 else None,
    )


def _bounce(msg: Message, text: str, note: Note) -> Bounce | None:
    try:
        return read_bounce(msg, text=text)
    except Exception as exc:  # a bounce we cannot read is still a bounce: it is ignored, not lost
        note("bounce_unreadable", f"{type(exc).__name__}: {exc}")
        return None
