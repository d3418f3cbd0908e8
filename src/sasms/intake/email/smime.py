"""The signed content of an opaque S/MIME message (``application/pkcs7-mime; smime-type=signed-data``).

Clear-signed mail (``multipart/signed``) carries its body as an ordinary MIME part; opaque-signed mail
(Outlook with "send clear text signed message" off, many mobile clients) wraps the whole MIME entity in
a CMS SignedData structure. Reading it needs no key and no verification: the content sits in
``encapContentInfo.eContent``. This walker reads DER and the BER indefinite lengths and constructed
OCTET STRINGs that Outlook writes; any malformed input gives ``None`` (the part stays an attachment).
"""

from __future__ import annotations

# 1.2.840.113549.1.7.2 (pkcs7-signedData), DER-encoded with its tag and length.
_SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")
_MAX_DEPTH = 32


class _Malformed(ValueError):
    pass


def _read(data: bytes, pos: int, depth: int = 0) -> tuple[int, int, int, int]:
    """``(tag, content_start, content_end, next_pos)`` of the element at ``pos``."""
    if depth > _MAX_DEPTH or pos + 2 > len(data):
        raise _Malformed
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise _Malformed  # high tag numbers never occur in the structures read here
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        end = pos + first
        if end > len(data):
            raise _Malformed
        return tag, pos, end, end
    if first == 0x80:  # indefinite length: children up to the end-of-contents octets
        if not tag & 0x20:
            raise _Malformed
        cursor = pos
        while data[cursor : cursor + 2] != b"\x00\x00":
            cursor = _read(data, cursor, depth + 1)[3]
            if cursor >= len(data):
                raise _Malformed
        return tag, pos, cursor, cursor + 2
    size = first & 0x7F
    if size > 4 or pos + size > len(data):
        raise _Malformed
    length = int.from_bytes(data[pos : pos + size], "big")
    pos += size
    if pos + length > len(data):
        raise _Malformed
    return tag, pos, pos + length, pos + length


def _children(data: bytes, start: int, end: int, depth: int) -> list[tuple[int, int, int]]:
    found = []
    pos = start
    while pos < end:
        tag, content_start, content_end, pos = _read(data, pos, depth)
        found.append((tag, content_start, content_end))
    return found


def _octets(data: bytes, tag: int, start: int, end: int, depth: int) -> bytes:
    if tag == 0x04:  # primitive OCTET STRING
        return data[start:end]
    if tag == 0x24:  # constructed: the concatenation of its pieces
        return b"".join(
            _octets(data, t, s, e, depth + 1) for t, s, e in _children(data, start, end, depth + 1)
        )
    raise _Malformed


def signed_content(der: bytes) -> bytes | None:
    """The encapsulated content of a CMS SignedData (the signed MIME entity), or None."""
    try:
        tag, start, end, _next = _read(der, 0)
        if tag != 0x30:
            return None
        info = _children(der, start, end, 1)
        if len(info) < 2 or der[info[0][1] - 2 : info[0][2]] != _SIGNED_DATA_OID or info[1][0] != 0xA0:
            return None
        [signed] = _children(der, info[1][1], info[1][2], 2)
        fields = _children(der, signed[1], signed[2], 3)
        # SignedData: version, digestAlgorithms, encapContentInfo, ...
        if len(fields) < 3 or fields[2][0] != 0x30:
            return None
        encap = _children(der, fields[2][1], fields[2][2], 4)
        if len(encap) < 2 or encap[1][0] != 0xA0:
            return None  # detached signature: no content inside
        [content] = _children(der, encap[1][1], encap[1][2], 5)
        return _octets(der, content[0], content[1], content[2], 6)
    except (_Malformed, ValueError, IndexError):
        return None
