"""Highlighted snippets of the original text, the same on both databases.

``ts_headline`` and FTS5's ``snippet()`` only know their own parsers: over the original text they
cannot find Chinese words (no spaces), and over the token columns they would show tokens instead of
the text. So the snippet is cut here, from the stored original, by matching the query terms in its
normalised form and mapping the positions back. Every piece of the original is HTML-escaped; only
the ``<mark>`` tags added here are markup.
"""

import html
import re
from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe

from sasms.core.search.tokenizer import HAN, SEPARATORS, normalise

SNIPPET_CHARS = 160
# Positions are mapped character by character only in this much text; past it (very long bodies
# whose normalisation changes their length) the first match is searched in the plain text.
MAX_MAPPED_CHARS = 20_000
_SEPARATOR_CLASS = rf"[{re.escape(SEPARATORS)}]?"
_HAN_ONLY = re.compile(rf"^[{HAN}]+$")


def _term_pattern(term: str) -> str:
    if _HAN_ONLY.match(term):
        return re.escape(term)
    # Codes are searched in their joined form (871246b21); in the text they may be written with
    # separators (871246-B21), so any one separator may stand between two characters.
    return _SEPARATOR_CLASS.join(re.escape(ch) for ch in term)


@lru_cache(maxsize=512)
def _terms_regex(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    # Cached: one search highlights many hits with the same terms.
    usable = sorted({t for t in terms if t}, key=len, reverse=True)
    if not usable:
        return None
    return re.compile("|".join(_term_pattern(t) for t in usable))


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """``text`` normalised, and for each of its characters the index of the original one."""
    whole = normalise(text)
    if len(whole) == len(text):
        # The usual case (ASCII, CJK, full-width forms): one character for one, positions carry over.
        return whole, list(range(len(text)))
    text = text[:MAX_MAPPED_CHARS]
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = normalise(char)
        pieces.append(folded)
        origin.extend([index] * len(folded))
    return "".join(pieces), origin


def highlight(text: str, terms: list[str], *, width: int | None = SNIPPET_CHARS) -> SafeString:
    """HTML for a window of ``text`` around the first match, matches wrapped in ``<mark>``.

    ``width=None`` highlights the whole text (titles). Without a match, the start of the text.
    """
    regex = _terms_regex(tuple(terms))
    normalised, origin = _normalised_with_map(text)
    spans: list[tuple[int, int]] = []
    if regex is not None:
        for found in regex.finditer(normalised):
            if found.end() > found.start():
                start = origin[found.start()]
                end = origin[found.end() - 1] + 1
                if not spans or start >= spans[-1][1]:
                    spans.append((start, end))
    if width is None:
        window_start, window_end = 0, len(text)
    else:
        first = spans[0][0] if spans else 0
        # A third of the window before the first match gives it some context.
        window_start = max(0, first - width // 3)
        window_end = min(len(text), window_start + width)
        window_start = max(0, min(window_start, window_end - width))
    out: list[str] = ["…"] if window_start > 0 else []
    cursor = window_start
    for start, end in spans:
        if end <= window_start or start >= window_end:
            continue
        start, end = max(start, window_start), min(end, window_end)
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:window_end]))
    if window_end < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 — every piece of user text above went through html.escape
