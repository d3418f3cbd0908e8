"""Templates work under the Content-Security-Policy, which forbids inline script."""

import re
from pathlib import Path

import sasms

INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
PACKAGE = Path(sasms.__file__).parent


def inline_script_in(text: str) -> list[str]:
    found = [
        match.group(0) for pattern in (INLINE_HANDLER, INLINE_SCRIPT) for match in pattern.finditer(text)
    ]
    # Data islands (json_script) are not executed, so the policy allows them.
    return [tag[:80] for tag in found if "application/json" not in tag]


def test_the_scan_finds_handlers_and_inline_scripts() -> None:
    assert inline_script_in('<select name="v" onchange="this.form.submit()">') != []
    assert inline_script_in("<script>alert(1)</script>") != []
    assert inline_script_in('<script src="/static/app.js"></script>') == []
    assert inline_script_in('<script id="d" type="application/json">{}</script>') == []
    assert inline_script_in('<select name="v" data-autosubmit>') == []


def test_no_template_relies_on_inline_script() -> None:
    """The browser drops inline handlers silently: a control that uses one just does nothing."""
    offenders = {
        str(template.relative_to(PACKAGE)): found
        for template in PACKAGE.rglob("templates/**/*.html")
        if (found := inline_script_in(template.read_text(encoding="utf-8")))
    }
    assert offenders == {}
