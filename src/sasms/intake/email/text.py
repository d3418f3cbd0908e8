"""Body text helpers: HTML → plain text, and cutting the quoted history off a reply."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Content of these elements is never shown to a reader (and <script> must never reach a ticket).
_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "object", "svg"})
_BLOCK = frozenset(
    {
        "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "hr", "section", "article", "header", "footer", "dd", "dt",
    }
)  # fmt: skip


class _TextExtractor(HTMLParser):
    """Collects visible text; the stdlib parser never executes or fetches anything, hence "safe"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML body with paragraph breaks kept and runs of blank space collapsed."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except (AssertionError, ValueError):  # pragma: no cover - HTMLParser is lenient; belt and braces
        return re.sub(r"<[^>]*>", " ", html)
    text = "".join(extractor.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def unflow(text: str, *, delsp: bool = False) -> str:
    """Undo RFC 3676 ``format=flowed``: a line ending in a space continues on the next line."""
    out: list[str] = []
    pending = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line != "-- ":
            pending += line[:-1] if delsp else line
            continue
        out.append(pending + line)
        pending = ""
    if pending:
        out.append(pending)
    return "\n".join(out)


# Lines that start the quoted original in a reply. Each is anchored at the line start so that a
# sentence merely mentioning "wrote:" in the new text does not cut it.
_QUOTE_HEADERS = [
    # "-----Original Message-----", Foxmail's "------------------ Original ------------------",
    # QQ/163 "———— 原始邮件 ————" (dashes of any width).
    re.compile(
        r"^[-—–=]{2,}\s*(?:Original(?: Message)?|Message d'origine|Ursprüngliche Nachricht|Forwarded by .*"
        r"|原始邮件|邮件原件|原邮件|回复的原邮件)\s*[-—–=]{2,}\s*$",
        re.I,
    ),
    re.compile(r"^_{10,}\s*$"),  # Outlook's separator line above the From:/Sent: block
    re.compile(r"^On\s.{1,300}\swrote:\s*$", re.I | re.S),
    re.compile(r"^Le\s.{1,300}\sa écrit\s?:\s*$", re.I | re.S),
    re.compile(r"^Am\s.{1,300}\sschrieb\s.{0,200}:\s*$", re.I | re.S),
    re.compile(r"^在\s?.{1,300}写道\s?[:：]\s*$", re.S),
    re.compile(r"^.{1,200}于\s?.{1,100}写道\s?[:：]\s*$", re.S),
]
# A forward's quoted content *is* the substance of the request: never cut there.
_FORWARD = re.compile(
    r"^(?:-{2,}\s*(?:Forwarded message|转发的邮件|原始邮件转发)\s*-{2,}|Begin forwarded message:)\s*$", re.I
)
_FROM_LINE = re.compile(r"^\*?\s*(?:From|De|Von|发件人|寄件者)\s*\*?\s*[:：]", re.I)
_HEADER_LINE = re.compile(
    r"^\*?\s*(?:Sent|Date|To|Cc|Subject|Envoyé|À|Objet|Gesendet|An|Betreff|发送时间|时间|日期|收件人|抄送|主题|寄件日期|主旨)\s*\*?\s*[:：]",
    re.I,
)


def _is_header_block(lines: list[str], index: int) -> bool:
    """``From:`` followed by other header lines within a few lines: an Outlook/Foxmail quote block."""
    if not _FROM_LINE.match(lines[index].strip()):
        return False
    following = [line.strip() for line in lines[index + 1 : index + 6] if line.strip()]
    return sum(1 for line in following if _HEADER_LINE.match(line)) >= 2


_WRAPPED_INTRO = ("on ", "在", "le ", "am ")


def _starts_quote(lines: list[str], index: int, stripped: str) -> bool:
    if any(p.match(stripped) for p in _QUOTE_HEADERS) or _is_header_block(lines, index):
        return True
    # "On <date>, <name> wrote:" is often wrapped onto two lines by the sender's client; the joined
    # form only counts when the first line opens like such an intro, not when it ends new text.
    if index + 1 >= len(lines) or not stripped.lower().startswith(_WRAPPED_INTRO):
        return False
    joined = stripped + " " + lines[index + 1].strip()
    return any(p.match(joined) for p in _QUOTE_HEADERS)


def strip_quoted(text: str) -> str:
    """The new text of a reply: everything above the first quote header, minus trailing ``>`` lines.

    When the whole message looks quoted (nothing above the header) the full text is kept, so a
    message is never reduced to nothing by a false match.
    """
    lines = text.replace("\r\n", "\n").replace("\xa0", " ").split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _FORWARD.match(stripped):
            break
        if _starts_quote(lines, index, stripped):
            cut = index
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()
