"""Markdown rendering is safe: no script, no event handler, no javascript: URL survives any input."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sasms.knowledge.markdown import diff_html, plain_text, render_markdown, sanitise

# Classic XSS payloads, in raw HTML and in every Markdown construct that can carry a URL or markup.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jAvAsCrIpT:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<div style=\"background:url('javascript:alert(1)')\">x</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "<input autofocus onfocus=alert(1)>",
    "<!--><script>alert(1)</script>-->",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](  javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](https://ok.example/a.png "a\\" onerror=\\"alert(1)")',
    "[x]: javascript:alert(1)\n\n[ref][x]",
    "<javascript:alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <script>x</script> |",
    "> <script>alert(1)</script>",
    "* <a href=javascript:alert(1)>x</a>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<style>body{display:none}</style>",
    "<template><script>alert(1)</script></template>",
]

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "colgroup", "span",  # the diff table
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src"}
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#|[^:]*$)", re.IGNORECASE)


class _Elements(HTMLParser):
    """Every element and attribute of the output, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def _assert_safe(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attributes in parser.elements:
        assert tag in ALLOWED_TAGS, f"<{tag}> in {html!r}"
        for name, value in attributes:
            assert not name.startswith("on"), f"{name} on <{tag}> in {html!r}"
            if name in URL_ATTRIBUTES:
                url = "".join((value or "").split())
                assert SAFE_URL.match(url), f"{name}={value!r} in {html!r}"
            if name == "style":
                assert re.fullmatch(r"text-align:(left|right|center)", value or ""), value
    assert "<script" not in html.lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_markdown_renders_without_active_content(payload: str) -> None:
    _assert_safe(render_markdown(payload))
    _assert_safe(render_markdown(f"# Title\n\n{payload}\n\nafter"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitiser_alone_strips_active_content(payload: str) -> None:
    """The second fence holds even if the renderer let raw HTML through."""
    _assert_safe(sanitise(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_diff_of_hostile_text_is_inert(payload: str) -> None:
    html = diff_html("safe line", payload, before_label="<b>v1</b>", after_label=payload)
    _assert_safe(html)
    assert "<b>" not in html


def test_raw_html_shows_as_text() -> None:
    html = render_markdown("Press <kbd>F2</kbd> & <script>alert(1)</script>")
    assert "&lt;kbd&gt;F2&lt;/kbd&gt;" in html
    assert "&lt;script&gt;" in html


def test_markdown_features_readers_need_survive() -> None:
    source = (
        "## 更换步骤\n\n1. 关机\n2. 拔出硬盘\n\n**注意**：`racadm raid get vdisks`\n\n"
        "| 槽位 | 状态 |\n|:--|--:|\n| 3 | Failed |\n\n"
        "[Dell support](https://www.dell.com/support) · [KB](/kb/articles/1/) · "
        "[mail](mailto:a@b.example)\n\n"
        "![diagram](https://docs.example/r740.png)\n\n~~old~~\n\n> quote\n\n```\nomreport storage pdisk\n```"
    )
    html = render_markdown(source)
    for fragment in (
        "<h2>更换步骤</h2>",
        "<ol>",
        "<strong>注意</strong>",
        "<code>racadm raid get vdisks</code>",
        '<th style="text-align:left">槽位</th>',
        '<td style="text-align:right">Failed</td>',
        'href="https://www.dell.com/support"',
        'href="/kb/articles/1/"',
        'href="mailto:a@b.example"',
        'rel="noopener noreferrer nofollow"',
        '<img src="https://docs.example/r740.png" alt="diagram">',
        "<s>old</s>",
        "<blockquote>",
        "<pre><code>omreport storage pdisk",
    ):
        assert fragment in html, fragment


def test_plain_text_drops_markup_and_keeps_words() -> None:
    text = plain_text(
        "## 症状\n\n硬盘 **橙色** 指示灯，错误码 `0x8002`。\n\n- PSU1\n- PSU2\n\n<b>raw</b> &amp; more"
    )
    assert text.splitlines()[0] == "症状"
    assert "硬盘 橙色 指示灯，错误码 0x8002。" in text
    assert "PSU1\n\nPSU2" in text or "PSU1\nPSU2" in text
    assert "<b>raw</b> & more" in text  # raw HTML is text; the index escapes it when it shows it


def test_diff_marks_changed_lines_and_escapes_labels() -> None:
    html = diff_html("a\n更换硬盘\nc", "a\n更换电源\nc", before_label="Version 1", after_label="Version <2>")
    assert 'class="diff"' in html
    assert "Version &lt;2&gt;" in html
    assert "diff_sub" in html
    assert "diff_add" in html
    assert "<a " not in html  # difflib's navigation links go


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("<>\"'=/:;&#()[]!` *-_~|\nabcjvsript onerrload硬盘x1")), max_size=120
    )
)
def test_any_mix_of_markup_characters_renders_safely(source: str) -> None:
    _assert_safe(render_markdown(source))
