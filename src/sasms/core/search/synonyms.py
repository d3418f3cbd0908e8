"""Synonyms and abbreviations: many ways of writing one thing, folded into one canonical index term.

Customers write 开不了机, the article says 无法开机; an engineer types PSU, the request says 电源模块.
A :class:`Thesaurus` maps every term of a group to the group's canonical token (``syn`` + the
group's key, letters and digits only, so neither database's parser splits it). Documents keep their
own words and gain the canonical token beside each term found; a query's term is replaced by the
canonical token. Both index adapters then match any spelling against any other with no change of
their own.

The groups live in the knowledge app's dictionary (a database table, edited by knowledge managers);
that app registers where to read them (:func:`register_source`). Each process keeps the compiled
thesaurus and rebuilds it when the revision published through the cache changes (:func:`changed`),
so a page edit reaches every worker sharing the cache. After a change the stored documents must be
re-indexed to gain the new canonical tokens; queries use the new ones at once.
"""

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache

from sasms.core.search.tokenizer import HAN, normalise

CANONICAL_PREFIX = "syn"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,39}$")
MIN_TERM_CHARS = 2
MAX_TERM_CHARS = 60
_REVISION_KEY = "sasms:search:thesaurus-revision"
# Spaces, hyphens and underscores inside a term are optional in the text: "RAID 卡" = "RAID卡",
# "power-supply" = "power supply".
_GAP = re.compile(r"[\s\-_]+")
_LATIN_EDGE = re.compile(r"[a-z0-9]")
_LETTER = re.compile(r"[a-z]")
_GAP_CHAR = re.compile(r"[\s\-_]")
_HAN_CHAR = re.compile(rf"[{HAN}]")


def canonical_token(key: str) -> str:
    return f"{CANONICAL_PREFIX}{key}"


def term_key(term: str) -> str:
    """The form a term is looked up by: normalised, gaps removed."""
    return _GAP.sub("", normalise(term).strip())


def term_problem(term: str) -> str:
    """Why ``term`` cannot be a dictionary term, in English (the form translates); ``""`` if it can.

    A single character (风, a) would fold far too much text together.
    """
    key = term_key(term)
    if len(key) < MIN_TERM_CHARS:
        return "too short"
    if len(key) > MAX_TERM_CHARS:
        return "too long"
    return ""


def _pattern(term: str) -> str:
    text = normalise(term).strip()
    body = r"[\s\-_]*".join(re.escape(piece) for piece in _GAP.split(text) if piece)
    # A Latin term is a word of its own: "down" is not found in "download", "bmc" not in "ibmc".
    # Digits may follow (FAN3, PSU1, DIMM A1 are the fan, power supply and memory).
    if _LATIN_EDGE.match(text[0]):
        body = r"(?<![a-z0-9])" + body
    if _LATIN_EDGE.match(text[-1]):
        body += r"(?![a-z])"
    return body


_TRAILING_WORD = re.compile(r"[a-z0-9]*")


def _word_end(text: str, end: int) -> int:
    if end and _LATIN_EDGE.match(text[end - 1]):
        found = _TRAILING_WORD.match(text, end)
        return found.end() if found else end
    return end


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    token: str


class Thesaurus:
    """Compiled groups: ``{key: [term, …]}``; a term in two groups belongs to the first."""

    def __init__(self, groups: Iterable[tuple[str, Sequence[str]]] = ()) -> None:
        self.tokens: dict[str, str] = {}
        self.terms_of: dict[str, list[str]] = {}
        for key, terms in groups:
            if not KEY_PATTERN.match(key):
                continue
            token = canonical_token(key)
            for term in terms:
                looked_up = term_key(term)
                if term_problem(term) or looked_up in self.tokens:
                    continue
                self.tokens[looked_up] = token
                self.terms_of.setdefault(token, []).append(term.strip())
        terms = sorted(
            {t for spellings in self.terms_of.values() for t in spellings}, key=lambda t: -len(term_key(t))
        )
        # Candidate lengths by first character, longest first: at one position the longer term
        # wins (电源模块 before 电源, RAID 卡 before RAID). A dictionary walk, not one regex of
        # every term: an alternation of a thousand terms tries each at every position.
        lengths: dict[str, set[int]] = {}
        for looked_up in self.tokens:
            lengths.setdefault(looked_up[0], set()).add(len(looked_up))
        self._lengths = {first: sorted(found, reverse=True) for first, found in lengths.items()}
        self.contained = self._contained(terms)

    def _contained(self, terms: list[str]) -> dict[str, tuple[str, ...]]:
        """For each term, the other groups' tokens of the terms inside it.

        A document's "RAID controller" is about a RAID controller and also about RAID: it gains
        both tokens, so a query for either finds it. (A query keeps the longest reading only.)
        """
        texts = {t: normalise(t).strip() for t in terms}
        contained: dict[str, tuple[str, ...]] = {}
        for outer in terms:
            outer_text = texts[outer]
            outer_token = self.tokens[term_key(outer)]
            found: list[str] = []
            for inner in terms:
                inner_text = texts[inner]
                if len(inner_text) >= len(outer_text) or inner_text not in outer_text:
                    continue
                token = self.tokens[term_key(inner)]
                if token != outer_token and token not in found and re.search(_pattern(inner), outer_text):
                    found.append(token)
            if found:
                contained[term_key(outer)] = tuple(found)
        return contained

    def __bool__(self) -> bool:
        return bool(self.tokens)

    def matches(self, normalised_text: str) -> list[Match]:
        """The terms found in already normalised text, left to right, not overlapping.

        Spaces, hyphens and underscores are skipped (RAID 卡 = RAID卡). A Latin term is a word of
        its own: "down" is not found in "download", "bmc" not in "ibmc"; digits may follow it
        (FAN3, PSU1 are a fan and a power supply).
        """
        if not self.tokens:
            return []
        text = normalised_text
        positions = [i for i, ch in enumerate(text) if not _GAP_CHAR.match(ch)]
        compact = "".join(text[i] for i in positions)
        found: list[Match] = []
        i = 0
        size = len(compact)
        while i < size:
            candidates = self._lengths.get(compact[i])
            matched = 0
            if candidates:
                for length in candidates:
                    if i + length > size:
                        continue
                    token = self.tokens.get(compact[i : i + length])
                    if token is None:
                        continue
                    start, end = positions[i], positions[i + length - 1] + 1
                    if _LATIN_EDGE.match(text[start]) and start and _LATIN_EDGE.match(text[start - 1]):
                        continue
                    if _LATIN_EDGE.match(text[end - 1]) and end < len(text) and _LETTER.match(text[end]):
                        continue
                    found.append(Match(start, end, token))
                    matched = length
                    break
            i += matched or 1
        return found

    def expand_document(self, normalised_text: str) -> str:
        """The text with each term followed by its canonical token (the term's own words stay)."""
        emitted: set[str] = set()
        pieces: list[str] = []
        last = 0
        for match in self.matches(normalised_text):
            # After the whole word: FAN3 stays one token (fan3) and gains synfan beside it.
            end = _word_end(normalised_text, match.end)
            if end < last:
                continue
            pieces.append(normalised_text[last:end])
            inside = self.contained.get(_GAP.sub("", normalised_text[match.start : match.end]), ())
            # Each token once per text: a bilingual title (电源冗余丢失 PSU redundancy lost) names
            # every concept twice and would otherwise outrank one that names it once.
            fresh = [t for t in (match.token, *inside) if t not in emitted]
            emitted.update(fresh)
            pieces.append(" " + " ".join(fresh) + " " if fresh else " ")
            last = end
        pieces.append(normalised_text[last:])
        return "".join(pieces)

    def rewrite_query(self, normalised_text: str) -> str:
        """The query with each term replaced by its canonical token."""
        pieces: list[str] = []
        last = 0
        for match in self.matches(normalised_text):
            if match.start < last:
                continue
            pieces.append(normalised_text[last : match.start])
            pieces.append(f" {match.token} ")
            # The unit number goes with the term: FAN3 asks for any fan article, not for a "3".
            last = _word_end(normalised_text, match.end)
        pieces.append(normalised_text[last:])
        return "".join(pieces)

    def query_spans(self, normalised_text: str) -> dict[str, list[str]]:
        """The text of the query each canonical token stands for (as :meth:`rewrite_query` reads it)."""
        spans: dict[str, list[str]] = {}
        last = 0
        for match in self.matches(normalised_text):
            if match.start < last:
                continue
            spans.setdefault(match.token, []).append(normalised_text[match.start : match.end])
            last = _word_end(normalised_text, match.end)
        return spans

    def spellings(self, token: str) -> list[str]:
        """Every term of the canonical token's group (for highlighting what a query matched)."""
        return self.terms_of.get(token, [])


EMPTY = Thesaurus()

# --- The current thesaurus of this process ------------------------------------------------------

Source = Callable[[], Iterable[tuple[str, Sequence[str]]]]
_source: Source | None = None
_lock = threading.Lock()
_current: tuple[object, Thesaurus] | None = None


def register_source(source: Source) -> None:
    """Where the groups are read from (the knowledge app's dictionary table)."""
    global _source, _current
    _source = source
    _current = None


def changed() -> None:
    """Publish a new revision: every process rebuilds its thesaurus on its next use."""
    global _current
    import uuid

    cache.set(_REVISION_KEY, uuid.uuid4().hex, timeout=None)
    _current = None


def forget() -> None:
    """Drop this process's compiled thesaurus (tests, after a rolled-back change)."""
    global _current
    _current = None


# Off only to measure search without the dictionary (``sasms search_eval``).
enabled: ContextVar[bool] = ContextVar("synonyms_enabled", default=True)


def current() -> Thesaurus:
    """The thesaurus in force; empty when no source is registered."""
    global _current
    if _source is None or not enabled.get():
        return EMPTY
    revision = cache.get(_REVISION_KEY)
    held = _current
    if held is not None and held[0] == revision:
        return held[1]
    with _lock:
        thesaurus = Thesaurus(_source())
        _current = (revision, thesaurus)
    return thesaurus


def is_han(text: str) -> bool:
    return bool(_HAN_CHAR.fullmatch(text))
