"""The one tokenizer for every searchable text: articles, tickets, assets, and the queries against them.

Documents and queries go through the same normalisation, so whatever a backend's own parser does to
our tokens it does to both sides alike. The two sides differ on purpose in one respect only:

* a *document* yields every form a searcher might type — jieba's search-mode cut (服务器 and also
  服务), and for codes the whole form, the separator-free form and the parts (0XR5R-A00 →
  ``0xr5r-a00`` is stored as ``0xr5ra00``, ``0xr5r``, ``a00``);
* a *query* yields the single most precise form of each word (jieba's precise cut, the joined code),
  which the document side is guaranteed to contain.

Tokens only ever consist of letters and digits (Han characters count as letters), so neither
PostgreSQL's text-search parser nor SQLite FTS5 splits them again, and no token can carry query
syntax.
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

import rjieba

if TYPE_CHECKING:
    from sasms.core.search.synonyms import Thesaurus

# Text past this length is not indexed: it bounds indexing time and keeps a PostgreSQL tsvector well
# under its 1 MB limit whatever the document.
MAX_INDEX_CHARS = 50_000
# Longer queries are refused (no results) rather than cut: a pasted log is not a search.
MAX_QUERY_CHARS = 256
MAX_QUERY_TERMS = 32
# Hex dumps and hashes are truncated to this, alike on both sides, so a token can always be indexed.
MAX_TOKEN_CHARS = 64

# Han ideographs, including the extension blocks and compatibility ideographs.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Characters that join the parts of a code: 0XR5R-A00, 871246-B21, 10.0.0.1, sda/1, fw_2.1.
SEPARATORS = "-_./:#+"
_RUN = re.compile(
    # Han characters that are letters: the ranges also hold unassigned code points, which are not.
    rf"(?P<han>(?:(?![\W_])[{HAN}])+)"
    rf"|(?P<code>[^\W_{HAN}]+(?:[{re.escape(SEPARATORS)}][^\W_{HAN}]+)*)"
)
_SINGLE_HAN = re.compile(rf"^[{HAN}]$")
_SPLIT = re.compile(rf"[{re.escape(SEPARATORS)}]")
# psu1 → psu; e1234 → 1234; 64gb → 64, gb; 0x8002 → 8002. Only letter/digit boundaries of these
# simple shapes are split: splitting 0xr5r at every boundary would only add noise terms.
_LETTERS_DIGITS = re.compile(r"^([a-z]+)([0-9]+)$")
_DIGITS_LETTERS = re.compile(r"^([0-9]+)([a-z]+)$")
_HEX = re.compile(r"^0x([0-9a-f]+)$")

# Off only to measure search as it was (``sasms search_eval``): single Han characters kept as terms.
drop_single_han: ContextVar[bool] = ContextVar("drop_single_han", default=True)

# Deliberately minimal: words so frequent that they only slow queries down and that nobody searches
# for. Negations (不, 无, not, no) stay: "不识别" and "no power" mean something.
STOP_WORDS = frozenset(
    {
        "a", "an", "the", "of", "and", "or", "to", "is", "are", "be", "in", "on", "at", "for",
        "的", "了", "是", "在", "和", "与", "及", "或", "吗", "呢", "吧", "啊", "也", "就", "都",
    }
)  # fmt: skip


def normalise(text: str) -> str:
    """NFKC (full-width Ｅ１２３４ → e1234, ㎏ → kg) and case-folded; idempotent."""
    # NFKC again after case folding: folding can produce sequences NFKC would compose or expand,
    # and the second pass makes normalise(normalise(x)) == normalise(x).
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _code_parts(part: str) -> Iterator[str]:
    for shape in (_LETTERS_DIGITS, _DIGITS_LETTERS, _HEX):
        found = shape.match(part)
        if found:
            yield from (piece for piece in found.groups() if len(piece) >= 2)
            return


def _document_code_tokens(run: str) -> Iterable[str]:
    if run.isalpha():  # a plain word, by far the most common run: nothing to split
        return (run,)
    parts = _SPLIT.split(run)
    tokens = ["".join(parts)]
    if len(parts) > 1:
        tokens.extend(parts)
    for part in parts:
        tokens.extend(_code_parts(part))
    return tokens


def _runs(text: str) -> list[tuple[str, str]]:
    return [(found.lastgroup or "", found.group()) for found in _RUN.finditer(text)]


def _segment(runs: list[str], *, search_mode: bool) -> Iterator[list[str]]:
    """jieba's words of each Han run, with one call for all of them.

    jieba cuts at every non-Han character anyway, so joining the runs with newlines and splitting
    its answer at them gives what one call per run would, without the per-call cost.
    """
    if not runs:
        return iter(())
    joined = "\n".join(runs)
    # HMM off: guessing unknown words depends on the context, and a guess made differently in a
    # query than in the document would lose the match; unknown characters stay single instead.
    words = rjieba.cut_for_search(joined, False) if search_mode else rjieba.cut(joined, False)
    groups: list[list[str]] = [[]]
    for word in words:
        if word == "\n":
            groups.append([])
        else:
            groups[-1].append(word)
    return iter(groups)


def _kept(tokens: Iterable[str], out: list[str]) -> None:
    for token in tokens:
        token = token[:MAX_TOKEN_CHARS]
        if token and token not in STOP_WORDS:
            out.append(token)


def tokenize(text: str, *, thesaurus: "Thesaurus | None" = None) -> list[str]:
    """Every index term of ``text``, in reading order, repeats kept (they count towards ranking).

    With a ``thesaurus``, each dictionary term found also yields its group's canonical token.
    """
    normalised = normalise(text[:MAX_INDEX_CHARS])
    if thesaurus:
        normalised = thesaurus.expand_document(normalised)
    runs = _runs(normalised)
    # Search mode: the precise words plus their dictionary sub-words (服务器 and 服务).
    segmented = _segment([run for kind, run in runs if kind == "han"], search_mode=True)
    out: list[str] = []
    for kind, run in runs:
        _kept(next(segmented) if kind == "han" else _document_code_tokens(run), out)
    return out


def _is_single_han(term: str) -> bool:
    return _SINGLE_HAN.match(term) is not None


def query_terms(text: str, *, thesaurus: "Thesaurus | None" = None) -> list[str]:
    """The terms a query must match: precise words and joined codes, de-duplicated, in order.

    With a ``thesaurus``, a dictionary term becomes its group's canonical token. A single Han
    character that jieba could not join to a word (过, 低 of 转速过低) matches almost every Chinese
    text, so it is dropped when the query has any longer term; a query of single characters only
    keeps them. Empty for an empty, too long or punctuation-only query.
    """
    if len(text) > MAX_QUERY_CHARS:
        return []
    normalised = normalise(text)
    if thesaurus:
        normalised = thesaurus.rewrite_query(normalised)
    runs = _runs(normalised)
    segmented = _segment([run for kind, run in runs if kind == "han"], search_mode=False)
    terms: list[str] = []
    for kind, run in runs:
        _kept(next(segmented) if kind == "han" else ["".join(_SPLIT.split(run))], terms)
    unique = list(dict.fromkeys(terms))
    if not drop_single_han.get():
        return unique[:MAX_QUERY_TERMS]
    longer = [term for term in unique if not _is_single_han(term)]
    return (longer or unique)[:MAX_QUERY_TERMS]


def to_index_text(text: str, *, thesaurus: "Thesaurus | None" = None) -> str:
    """The space-joined tokens stored in the pre-tokenised column."""
    return " ".join(tokenize(text, thesaurus=thesaurus))


def literal_words(text: str, thesaurus: "Thesaurus") -> dict[str, str]:
    """For a canonical query term, the one word the query wrote it as (硬盘 for syndisk), if one.

    The query asks for "the canonical token or that word": every document with the word has the
    token too, so nothing more is found, but a document with the very word the searcher typed
    ranks above one that only has a synonym, and documents indexed before the dictionary had the
    term are still found by it.
    """
    found: dict[str, str] = {}
    for token, spans in thesaurus.query_spans(normalise(text)).items():
        # Only a span that is one whole word: 开不了机 is not the word 不了, nor "raid 卡" raid.
        words = {"".join(_SPLIT.split(span)) for span in spans}
        if len(words) == 1:
            (word,) = words
            if query_terms(word) == [word]:
                found[token] = word
    return found


def _postgres_query(
    terms: list[str],
    *,
    any_term: bool,
    prefix: bool,
    literal: dict[str, str] | None = None,
    complete: frozenset[str] = frozenset(),
) -> str:
    # Every term quoted as a tsquery literal: quotes doubled, backslashes escaped. Terms are letters
    # and digits already, so this is a second fence, not the only one.
    def quote(t: str) -> str:
        return "'" + t.replace("\\", "\\\\").replace("'", "''") + "'"

    literal = literal or {}
    quoted = [f"({quote(t)} | {quote(literal[t])})" if t in literal else quote(t) for t in terms]
    if prefix and terms[-1] not in complete:
        quoted[-1] += ":*"
    return (" | " if any_term else " & ").join(quoted)


def _sqlite_query(
    terms: list[str],
    *,
    any_term: bool,
    prefix: bool,
    literal: dict[str, str] | None = None,
    complete: frozenset[str] = frozenset(),
) -> str:
    # FTS5 strings in double quotes are never read as NEAR, AND, OR, NOT, *, ^ or column filters.
    def quote(t: str) -> str:
        return '"' + t.replace('"', '""') + '"'

    literal = literal or {}
    quoted = [f"({quote(t)} OR {quote(literal[t])})" if t in literal else quote(t) for t in terms]
    if prefix and terms[-1] not in complete:
        quoted[-1] += "*"
    return (" OR " if any_term else " AND " if literal else " ").join(quoted)


def to_query(
    text: str,
    *,
    vendor: str,
    any_term: bool = False,
    prefix: bool = False,
    thesaurus: "Thesaurus | None" = None,
) -> str:
    """The backend's query for ``text``: a ``to_tsquery('simple', …)`` string or an FTS5 MATCH string.

    All terms must match unless ``any_term``; ``prefix`` lets the last term match as a prefix (for
    suggestions while typing). ``""`` when there is nothing to search for.
    """
    terms = query_terms(text, thesaurus=thesaurus)
    if not terms:
        return ""
    literal = literal_words(text, thesaurus) if thesaurus else {}
    literal = {token: word for token, word in literal.items() if token in terms and word not in terms}
    # A dictionary term is a whole word already: as a prefix, synraid would also be synraidcard.
    complete = frozenset(t for t in terms if thesaurus and thesaurus.spellings(t))
    if vendor == "postgresql":
        return _postgres_query(terms, any_term=any_term, prefix=prefix, literal=literal, complete=complete)
    if vendor == "sqlite":
        return _sqlite_query(terms, any_term=any_term, prefix=prefix, literal=literal, complete=complete)
    raise ValueError(f"no search backend for database vendor {vendor!r}")
