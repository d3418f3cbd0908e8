"""Article text: Markdown rendered to sanitised HTML, plain text for the index, readable diffs.

Two fences stand between an author's text and a reader's browser. markdown-it-py renders with raw
HTML switched off (``<script>`` in the source comes out as text) and refuses ``javascript:``-like
link targets; then nh3 keeps only an allow-list of tags, attributes and URL schemes, so no
element can carry an event handler, a style sheet, a frame or a form whatever the renderer does.
The version diff is built by :mod:`difflib` (which escapes the text) and goes through nh3 too.
"""

import difflib
import html
import re
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# Bodies past this are refused by the services; the renderer never sees more.
MAX_BODY_CHARS = 100_000

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "img",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Tags whose content goes with them: a stray <script> never leaves its code behind as text.
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})

# The diff table of difflib.HtmlDiff: its own markup only.
DIFF_TAGS = frozenset({"table", "colgroup", "thead", "tbody", "tr", "th", "td", "span", "br"})
DIFF_ATTRIBUTES = {"table": {"class"}, "td": {"class"}, "th": {"class", "colspan"}, "span": {"class"}}


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    # CommonMark with tables and strikethrough; "html": False escapes raw HTML in the source.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        # Table cell alignment is the only style markdown-it writes; anything else is dropped.
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def _diff_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(DIFF_TAGS),
        # difflib's "next change" anchors point at ids that are not kept: they go, with their letters.
        clean_content_tags={"a", "script", "style"},
        attributes={tag: set(names) for tag, names in DIFF_ATTRIBUTES.items()},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )


def sanitise(fragment: str) -> SafeString:
    """``fragment`` reduced to the article allow-list: the only way HTML reaches a page here."""
    return mark_safe(_cleaner().clean(fragment))  # noqa: S308 — the allow-list sanitiser ran just now


def render_markdown(text: str) -> SafeString:
    """Safe HTML of an article body written in Markdown."""
    return sanitise(_renderer().render(text[:MAX_BODY_CHARS]))


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr|pre|blockquote|table)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(text: str) -> str:
    """The words of a Markdown body without its markup: what the index stores and snippets show."""
    rendered = _renderer().render(text[:MAX_BODY_CHARS])
    with_breaks = _BLOCK_END.sub(lambda m: m.group(0) + "\n", rendered)
    stripped = html.unescape(nh3.clean(with_breaks, tags=set(), clean_content_tags={"script", "style"}))
    lines = (_SPACES.sub(" ", line).strip() for line in stripped.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def diff_html(before: str, after: str, *, before_label: str, after_label: str) -> SafeString:
    """A side-by-side table of the changed lines (with three lines of context), sanitised."""
    table = difflib.HtmlDiff(tabsize=4, wrapcolumn=70).make_table(
        before.splitlines(),
        after.splitlines(),
        fromdesc=html.escape(before_label),
        todesc=html.escape(after_label),
        context=True,
        numlines=3,
    )
    return mark_safe(_diff_cleaner().clean(table))  # noqa: S308 — sanitised by the diff allow-list
