"""Charset and header decoding that survives what real mail clients send.

Real mail lies about its charsets: GB2312 labels on GBK/GB18030 text, UTF-8 bytes labelled GB2312,
raw 8-bit header bytes with no RFC 2047 wrapping, encoded words glued to plain text. Every function
here returns text (never raises on bad bytes); callers learn about a fallback through ``note``.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable

from charset_normalizer import from_bytes

# GB2312 and GBK are strict subsets of GB18030; Chinese clients routinely label GBK (or even
# GB18030) text as GB2312, so decoding with the superset recovers characters the label would lose.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "windows-874": "cp874",
}

Note = Callable[[str, str], None]
# Below this many non-ASCII bytes charset detection is a coin toss; see decode_bytes.
_DETECT_MIN_BYTES = 48
_GB_LOOKALIKES = ("utf_16", "utf_32", "cp949", "euc_kr", "johab", "shift_jis", "cp932", "euc_jp", "iso2022")


def _ignore(_code: str, _detail: str) -> None:
    return None


def normalise_charset(label: str | None) -> str | None:
    """Return a Python codec name for a MIME charset label, or None when Python has no such codec."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").lower()
    # RFC 2231 allows a language suffix inside encoded words (``utf-8*en``).
    cleaned = cleaned.split("*", 1)[0]
    cleaned = _SUPERSETS.get(cleaned, cleaned)
    try:
        return codecs.lookup(cleaned).name
    except (LookupError, ValueError):  # ValueError: a NUL byte inside a forged label
        return None


def _looks_like_multibyte_utf8(data: bytes) -> bool:
    """True when ``data`` has non-ASCII bytes and is valid UTF-8 — practically never an accident."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_bytes(
    data: bytes,
    declared: str | None,
    *,
    hints: Iterable[str] = (),
    note: Note = _ignore,
    what: str = "text",
) -> str:
    """Decode ``data`` that claims charset ``declared``; fall back through UTF-8, hints, GB18030, detection.

    Valid multi-byte UTF-8 wins over any other label: a legacy 8-bit or GB text is almost never also
    valid UTF-8, while UTF-8 bytes under a wrong label are common (Outlook Express, webmail gateways).
    """
    codec = normalise_charset(declared)
    if declared and codec is None:
        note("unknown_charset", f"{what}: unknown charset {declared!r}")
    if data.isascii():
        return data.decode("ascii")
    if codec != "utf-8" and _looks_like_multibyte_utf8(data):
        if codec is not None:
            note("charset_mismatch", f"{what}: labelled {declared!r} but is UTF-8")
        return data.decode("utf-8")
    candidates: list[str] = []
    for label in (declared, *hints, "utf-8"):
        name = normalise_charset(label)
        if name and name not in candidates:
            candidates.append(name)
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if name != codec and codec is not None:
            note("charset_mismatch", f"{what}: labelled {declared!r}, decoded as {name}")
        return text
    # GB18030 accepts most high-byte pairs, so it would "succeed" on Cyrillic or Latin-1 too. On
    # enough text the statistical detector is the better judge; on short text (a subject, a name)
    # it is not (it calls short GBK Korean), and GB18030 is this system's most likely legacy charset.
    non_ascii = sum(1 for byte in data if byte >= 0x80)
    guess = from_bytes(data).best() if non_ascii >= _DETECT_MIN_BYTES else None
    if guess is not None and guess.encoding.startswith(_GB_LOOKALIKES) and _decodes(data, "gb18030"):
        guess = None  # GBK text is often "detected" as Korean, Japanese or UTF-16
    if guess is not None:
        note("charset_guessed", f"{what}: charset guessed as {guess.encoding}")
        return str(guess)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if codec != "gb18030":
            note("charset_guessed", f"{what}: charset guessed as gb18030")
        return text
    guess = from_bytes(data).best()
    if guess is not None:
        note("charset_guessed", f"{what}: charset guessed as {guess.encoding}")
        return str(guess)
    note("charset_undecodable", f"{what}: bytes replaced")
    return data.decode(codec or "utf-8", errors="replace")


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def raw_header_text(
    value: str, *, hints: Iterable[str] = (), note: Note = _ignore, what: str = "header"
) -> str:
    """Turn a raw header value (8-bit bytes smuggled as surrogate escapes) into real text.

    The stdlib parser keeps undecodable header bytes as ``\\udcXX`` surrogates; a Chinese client
    that writes GB2312 bytes straight into ``Subject:`` needs them re-decoded (see ``decode_raw_header``).
    """
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        # Already real text (a str-built message or SMTPUTF8 input): nothing to re-decode.
        return value
    if data.isascii():
        return value
    note("raw_8bit_header", f"{what}: 8-bit bytes without RFC 2047 encoding")
    return decode_raw_header(data, hints=hints, note=note, what=what)


# The legacy charsets a raw 8-bit header is written in by the clients we hear from. GB18030 is the
# superset of GBK and GB2312, so it stands for all three; HKSCS and CP932 likewise extend Big5 and
# Shift_JIS with the characters Hong Kong and Windows clients actually send.
_HEADER_CANDIDATES = ("gb18030", "big5hkscs", "cp932")
_DETECTOR_NAMES = {"gb18030": "gb18030", "big5": "big5hkscs", "cp932": "cp932", "shift_jis": "cp932"}
_SINGLE_BYTE = frozenset(
    {"cp1252", "latin_1", "iso8859_15", "cp1251", "cp1250", "koi8_r", "cp1256", "cp1253", "cp1254"}
)


def _is_common(char: str, codec: str) -> bool:
    """Is ``char`` among the everyday characters of ``codec``'s own language?

    Any double-byte string decodes in all three CJK codecs; the wrong reading gives rare characters
    (GBK extension rows, Big5's less-frequent block, kana in Chinese text), the right one common ones.
    """
    if codec == "gb18030":
        code = char.encode("gb18030")
        if len(code) != 2 or code[1] < 0xA1:
            return False  # four-byte or GBK-extension: rare in everyday text
        return code[0] in (0xA1, 0xA3) or 0xB0 <= code[0] <= 0xD7  # punctuation, full-width, level 1
    if codec == "big5hkscs":
        try:
            code = char.encode("big5hkscs")
        except UnicodeEncodeError:
            return False
        # Symbols (rows A1, A2) and the 5,401 frequently used characters.
        return len(code) == 2 and (code[0] in (0xA1, 0xA2) or 0xA440 <= (code[0] << 8 | code[1]) <= 0xC67E)
    if "\u3041" <= char <= "\u30ff":  # hiragana and katakana: Japanese beyond doubt
        return True
    try:
        lead = char.encode("cp932")[0]
    except UnicodeEncodeError:
        return False
    return lead == 0x81 or 0x88 <= lead <= 0x98  # symbols, JIS level-1 kanji


def _share_common(text: str, codec: str) -> float:
    wide = [char for char in text if ord(char) >= 0x80]
    if not wide:
        return 0.0
    if any(unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs") for char in wide):
        return -1.0  # control, unassigned or private-use characters: a wrong reading
    return sum(1 for char in wide if _is_common(char, codec)) / len(wide)


def decode_raw_header(
    data: bytes, *, hints: Iterable[str] = (), note: Note = _ignore, what: str = "header"
) -> str:
    """Decode 8-bit header bytes that carry no charset, by evidence, never to replacement characters.

    Order: valid multi-byte UTF-8; the charset the message declares for its body (the client wrote
    both); then the CJK charsets, judged by how everyday their readings are, a restricted statistical
    detector breaking ties, and GB18030 (the superset of GBK and GB2312) preferred over Big5 and
    Shift_JIS. An unrestricted detector would read short GBK as Cyrillic or Arabic mojibake.
    """
    if _looks_like_multibyte_utf8(data):
        return data.decode("utf-8")
    readings: dict[str, str] = {}
    for codec in _HEADER_CANDIDATES:
        try:
            readings[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    shares = {codec: _share_common(text, codec) for codec, text in readings.items()}
    best_share = max(shares.values(), default=-1.0)
    for hint in hints:
        label = normalise_charset(hint)
        if label is None or label in ("utf-8", "ascii"):
            continue
        codec = {"big5": "big5hkscs", "shift_jis": "cp932"}.get(label, label)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        share = shares[codec] if codec in shares else _share_common(text, codec)
        if share < 0:
            continue
        # A Latin label on the body says little about CJK bytes in the subject; take it only when
        # no CJK reading is convincing.
        if codec in _SINGLE_BYTE and best_share >= 0.8:
            continue
        # A CJK label the bytes contradict (Big5 headers over a body mislabelled GB2312) is overruled.
        if codec in shares and share < 0.8 and best_share - share > 0.3:
            continue
        return text
    if readings:
        # Equally everyday readings: GB18030 first (GB2312's level 1 is the stricter test and the
        # likeliest charset here), the detector choosing between the others.
        detected = from_bytes(data, cp_isolation=["gb18030", "big5", "cp932", "utf_8"]).best()
        pick = _DETECTOR_NAMES.get(detected.encoding, "") if detected is not None else ""
        order = [codec for codec in ("gb18030", pick) if codec in readings]
        order += [codec for codec in _HEADER_CANDIDATES if codec in readings and codec not in order]
        chosen = max(order, key=lambda codec: shares[codec])  # max keeps the first of equals
        if shares[chosen] >= 0:
            if chosen != "gb18030":
                note("charset_guessed", f"{what}: charset guessed as {chosen}")
            return readings[chosen]
    # Truncated or corrupt bytes: drop what no charset can read rather than store U+FFFD; the raw
    # bytes stay in the stored message.
    note("charset_undecodable", f"{what}: undecodable bytes dropped")
    for codec in ("utf-8", *_HEADER_CANDIDATES):
        text = data.decode(codec, errors="ignore")
        if _share_common(text, codec) >= 0.5 or codec == "cp932":
            return text
    return data.decode("gb18030", errors="ignore")  # pragma: no cover - loop always returns


# The encoded text is printable ASCII by definition (RFC 2047 §2); anything else is not a word.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([\x21-\x3e\x40-\x7e]*)\?=")


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    if encoding.lower() == "q":
        payload_bytes = payload.replace("_", " ").encode("ascii")
        return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), payload_bytes)
    stripped = payload.strip()
    padded = stripped + "=" * (-len(stripped) % 4)
    try:
        return base64.b64decode(padded, validate=False)
    except (binascii.Error, ValueError):
        return None


def decode_words(text: str, *, note: Note = _ignore, what: str = "header") -> str:
    """Decode RFC 2047 encoded words anywhere in ``text`` (also mid-word and inside quotes).

    Adjacent words of one charset are joined *before* decoding because encoders split multi-byte
    characters across words; whitespace between encoded words is dropped as RFC 2047 says.
    """
    pieces: list[tuple[str | None, bytes | str]] = []
    pos = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[pos : match.start()]
        if between and not (between.isspace() and pieces and pieces[-1][0] is not None):
            pieces.append((None, between))
        data = _word_bytes(match.group(2), match.group(3))
        if data is None:
            note("bad_encoded_word", f"{what}: undecodable encoded word")
            pieces.append((None, match.group(0)))
        else:
            charset = match.group(1)
            previous = pieces[-1] if pieces else None
            if previous is not None and previous[0] == charset and isinstance(previous[1], bytes):
                pieces[-1] = (charset, previous[1] + data)
            else:
                pieces.append((charset, data))
        pos = match.end()
    if not pieces:
        return text
    tail = text[pos:]
    if tail:
        pieces.append((None, tail))
    out: list[str] = []
    for charset, chunk in pieces:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset, note=note, what=what))
        else:
            out.append(chunk)
    return "".join(out)


def decode_header(
    value: str | None, *, hints: Iterable[str] = (), note: Note = _ignore, what: str = "header"
) -> str:
    """Full header decoding: raw 8-bit bytes first, then encoded words, then unfolding."""
    if value is None:
        return ""
    text = decode_words(raw_header_text(value, hints=hints, note=note, what=what), note=note, what=what)
    return re.sub(r"\s*\r?\n\s*", " ", text).strip()
