"""Comparing firmware versions as vendors write them.

BMCs report versions in many shapes: ``2.72``, ``1.10.2``, ``iDRAC 7.00.00.171``, HPE system ROMs
``U46 v2.90 (01/23/2024)``, BIOS ``P89 v2.76``, Dell revisions ``A10``, ``5.1.4 Build 26``,
``0x0D``, ``2.46 May 11 2021``, ``iLO 5 v2.46``, ``ex235a.bios-1.3.6``. The rules, applied to both
sides:

1. Release dates are cut off (``(01/23/2024)``, ``May 11 2021``) and kept only as a tie-breaker when
   both sides carry one.
2. A *family* names which image the version belongs to and must agree for two versions to be
   compared: HPE ROM families (a letter and two digits before ``v``: ``U46``, ``P89``, ``A43``) and
   prefixes that carry digits or dots (``ex235a.bios-``). A plain product word in front
   (``iDRAC``, ``BIOS``, ``Version``) is dropped. A side without a family compares with any family,
   so an advisory may say ``2.90`` for ``U46 v2.90 (01/23/2024)``. A product name with its
   generation before `` v`` (``iLO 5 v2.46``) is dropped too.
3. Dell revisions ``A10`` compare by their number within the letter (``A09`` < ``A10``).
4. Hexadecimal ``0x0D`` is the number 13.
5. Pure dotted numbers, optionally with an ``alpha``/``beta``/``rc`` suffix, go to
   :class:`packaging.version.Version` (``1.10.2`` > ``1.9``; ``7.00.00.171`` == ``7.0.0.171``).
   Everything else is not PEP 440 — ``1.45.455b66-rev4`` would be read as a beta and a post
   release — so it is split into runs of digits and letters: digits compare as numbers, the words
   ``build``/``rev``/``version``/``v`` are dropped, ``alpha``/``beta``/``rc``/``pre``/``dev`` rank
   below any number, other letters compare as text, and a missing part counts as ``0``.

Two versions of different families, or a version with no digits at all (``undefined``), cannot be
compared: :func:`compare` raises :class:`Incomparable` and matching reports them as unknown rather
than guessing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from packaging.version import InvalidVersion, Version


class Incomparable(ValueError):
    """The two versions are of different images or one has no version number at all."""


_SLASH_DATE = re.compile(r"\(?\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*\)?")
_ISO_DATE = re.compile(r"\(?\s*(\d{4})-(\d{2})-(\d{2})\s*\)?$")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_WORD_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r")[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b", re.I)
_ROM_FAMILY = re.compile(r"^([A-Za-z]\d{2})\s+v?(?=\d)")
# A product name, possibly with its generation, then " v" and the version: "iLO 5 v2.46".
_NAMED_VERSION = re.compile(r"^[A-Za-z][\w .]*?\s+v(?=\d)")
_LETTER_REVISION = re.compile(r"^([A-Za-z])(\d{2,3})$")
_HEX = re.compile(r"^0x([0-9a-fA-F]+)$")
_WORD_PREFIX = re.compile(r"^[A-Za-z][A-Za-z ]*?\s+v?(?=\d)")
_CODE_PREFIX = re.compile(r"^([A-Za-z][\w.]*[A-Za-z])[-_]v?(?=\d)")
_PEP440_SHAPE = re.compile(r"^v?\d+(\.\d+)*([-._]?(alpha|beta|rc)\d*)?$", re.I)
_TOKENS = re.compile(r"\d+|[A-Za-z]+")
_NOISE = frozenset({"build", "rev", "revision", "version", "ver", "v"})
_PRE_RELEASE = {"dev": 0, "pre": 1, "alpha": 2, "a": 2, "beta": 3, "rc": 4}


@dataclass(frozen=True)
class VendorVersion:
    """A parsed version: its family, a comparable key and the release date it was written with."""

    raw: str
    family: str
    key: tuple[tuple[int, int | str], ...] | Version
    released: datetime.date | None = None


def _cut_date(text: str) -> tuple[str, datetime.date | None]:
    for pattern in (_SLASH_DATE, _ISO_DATE):
        match = pattern.search(text)
        if match:
            numbers = [int(g) for g in match.groups()]
            try:
                if pattern is _SLASH_DATE:
                    released = datetime.date(numbers[2], numbers[0], numbers[1])
                else:
                    released = datetime.date(numbers[0], numbers[1], numbers[2])
            except ValueError:
                released = None
            return (text[: match.start()] + text[match.end() :]).strip(), released
    match = _WORD_DATE.search(text)
    if match:
        month = _MONTHS.index(match.group(1)[:3].lower()) + 1
        try:
            released = datetime.date(int(match.group(3)), month, int(match.group(2)))
        except ValueError:
            released = None
        return (text[: match.start()] + text[match.end() :]).strip(), released
    return text, None


def _token_key(text: str) -> tuple[tuple[int, int | str], ...]:
    key: list[tuple[int, int | str]] = []
    for token in _TOKENS.findall(text):
        if token.isdigit():
            key.append((2, int(token)))
            continue
        word = token.lower()
        if word in _NOISE:
            continue
        if word in _PRE_RELEASE:
            key.append((0, _PRE_RELEASE[word]))
        else:
            key.append((1, word))
    while key and key[-1] == (2, 0):
        key.pop()  # 1.0 == 1.0.0
    return tuple(key)


@lru_cache(maxsize=65536)
def parse(raw: str) -> VendorVersion:
    """Parse one version string (see the module's rules). Raises :class:`Incomparable` if it has no digits."""
    text = " ".join(str(raw).split())
    text, released = _cut_date(text)
    if not any(ch.isdigit() for ch in text):
        raise Incomparable(f"no version number in {raw!r}")
    family = ""
    hexa = _HEX.match(text)
    if hexa:
        return VendorVersion(raw, "", ((2, int(hexa.group(1), 16)),), released)
    revision = _LETTER_REVISION.match(text)
    if revision:
        return VendorVersion(raw, revision.group(1).upper(), ((2, int(revision.group(2))),), released)
    rom = _ROM_FAMILY.match(text)
    named = _NAMED_VERSION.match(text)
    if rom:
        family, text = rom.group(1).upper(), text[rom.end() :]
    elif named:
        text = text[named.end() :]  # "iLO 5 v2.46": the product and its generation go
    else:
        code = _CODE_PREFIX.match(text)
        if code and any(ch.isdigit() or ch == "." for ch in code.group(1)):
            family, text = code.group(1).lower(), text[code.end() :]
        else:
            word = _WORD_PREFIX.match(text)
            if word:
                text = text[word.end() :]
    text = text.strip()
    if _PEP440_SHAPE.match(text):
        try:
            return VendorVersion(raw, family, Version(text), released)
        except InvalidVersion:  # pragma: no cover - the shape check admits only valid versions
            pass
    key = _token_key(text)
    if not key:
        raise Incomparable(f"no version number in {raw!r}")
    return VendorVersion(raw, family, key, released)


def _as_tokens(key: tuple[tuple[int, int | str], ...] | Version) -> tuple[tuple[int, int | str], ...]:
    if not isinstance(key, Version):
        return key
    tokens: list[tuple[int, int | str]] = [(2, n) for n in key.release]
    while tokens and tokens[-1] == (2, 0):
        tokens.pop()
    if key.pre is not None:
        tokens.append(
            (0, _PRE_RELEASE["alpha" if key.pre[0] == "a" else "beta" if key.pre[0] == "b" else "rc"])
        )
        tokens.append((2, key.pre[1]))
    return tuple(tokens)


def _cmp_tokens(left: tuple[tuple[int, int | str], ...], right: tuple[tuple[int, int | str], ...]) -> int:
    width = max(len(left), len(right))
    pad: tuple[int, int | str] = (2, 0)
    for a, b in zip(left + (pad,) * (width - len(left)), right + (pad,) * (width - len(right)), strict=True):
        if a == b:
            continue
        if a[0] != b[0]:
            return -1 if a[0] < b[0] else 1
        if isinstance(a[1], int) and isinstance(b[1], int):
            return -1 if a[1] < b[1] else 1
        return -1 if str(a[1]) < str(b[1]) else 1
    return 0


def compare_parsed(left: VendorVersion, right: VendorVersion) -> int:
    """-1, 0 or 1 as ``left`` is older than, the same as or newer than ``right``."""
    if left.family and right.family and left.family != right.family:
        raise Incomparable(f"{left.raw!r} and {right.raw!r} are versions of different images")
    if isinstance(left.key, Version) and isinstance(right.key, Version):
        result = (left.key > right.key) - (left.key < right.key)
    else:
        result = _cmp_tokens(_as_tokens(left.key), _as_tokens(right.key))
    if result == 0 and left.released and right.released:
        result = (left.released > right.released) - (left.released < right.released)
    return result


def compare(left: str, right: str) -> int:
    """Compare two vendor version strings: -1, 0 or 1; :class:`Incomparable` when they cannot be."""
    return compare_parsed(parse(left), parse(right))


def comparable(version: str) -> bool:
    try:
        parse(version)
    except Incomparable:
        return False
    return True


# --- Ranges ------------------------------------------------------------------------------------------

_OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "=")
_CLAUSE_SPLIT = re.compile(r"\s*(?:;|\|\||\n)\s*")
_AND_SPLIT = re.compile(r",\s*(?=[<>=!])")
_SPAN = re.compile(r"^(.+?)\s+(?:-|–|to)\s+(.+)$")


@dataclass(frozen=True)
class Bound:
    operator: str
    version: VendorVersion

    def admits(self, version: VendorVersion) -> bool:
        result = compare_parsed(version, self.version)
        return {
            "<": result < 0,
            "<=": result <= 0,
            ">": result > 0,
            ">=": result >= 0,
            "==": result == 0,
            "=": result == 0,
            "!=": result != 0,
        }[self.operator]


@dataclass(frozen=True)
class VersionRanges:
    """Affected versions: any of several clauses, each all of its bounds.

    Written as ``<2.52`` · ``>=2.40, <2.52`` · ``2.40 - 2.51`` (inclusive) · ``2.44`` (exactly),
    clauses separated by ``;``, ``||`` or new lines.
    """

    clauses: tuple[tuple[Bound, ...], ...]

    def admits(self, version: VendorVersion) -> bool:
        return any(all(bound.admits(version) for bound in clause) for clause in self.clauses)


def parse_ranges(text: str) -> VersionRanges:
    """Parse affected-version ranges; :class:`Incomparable` (the bad part named) if one does not parse."""
    clauses: list[tuple[Bound, ...]] = []
    for clause_text in _CLAUSE_SPLIT.split(text.strip()):
        if not clause_text:
            continue
        span = _SPAN.match(clause_text)
        if span and not clause_text.startswith(_OPERATORS):
            clauses.append((Bound(">=", parse(span.group(1))), Bound("<=", parse(span.group(2)))))
            continue
        bounds: list[Bound] = []
        for part in _AND_SPLIT.split(clause_text):
            part = part.strip()
            operator = next((op for op in _OPERATORS if part.startswith(op)), "==")
            version_text = part[len(operator) :].strip() if part.startswith(operator) else part
            if not version_text:
                raise Incomparable(f"no version after {operator!r}")
            bounds.append(Bound(operator, parse(version_text)))
        clauses.append(tuple(bounds))
    return VersionRanges(tuple(clauses))
