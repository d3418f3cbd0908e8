"""Check that the Simplified Chinese catalogue covers every translatable string in SASMS.

Usage (from the repository root)::

    .venv/bin/python tools/check_translations.py            # check, exit 1 on any problem
    .venv/bin/python tools/check_translations.py --update   # merge new strings into the real catalogue

The check copies ``src/sasms`` (without compiled catalogues, vendored assets and caches) into a
temporary directory and runs ``makemessages`` there, so the committed catalogue is never touched. Every
extracted message must then be present in ``src/sasms/locale/zh_Hans/LC_MESSAGES/django.po``,
translated (every plural form), not fuzzy, and its placeholders must match the source string; the
one Chinese plural form must show the count.

The meaning is checked against the reviewed glossary ``tools/glossary.csv``: when a msgid uses an
English domain term as a word, the translation must use one of its accepted renderings, and a plural
translation must not bring in a glossary noun the source does not mention (``%(counter)s 台服务器`` for
"engineers excluded"). Reviewed exceptions live in ``tools/glossary_exceptions.csv``. A msgid listed in
``tools/contexts.csv`` has more than one meaning: every use must carry one of its listed contexts
(``pgettext``, ``{% translate "Opened" context "count" %}``), each context must read differently, and
a context may name renderings that would give it another meaning (a count is no 时间).

``--update`` runs ``makemessages`` on the real tree (existing translations are kept, obsolete ones are
dropped) and normalises the catalogue header for Chinese; then fill in the empty ``msgstr`` lines,
compile with ``cd src/sasms && ../../.venv/bin/sasms compilemessages`` and run the check again.
"""

from __future__ import annotations

import argparse
import csv
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

REPO_DIR = Path(__file__).resolve().parent.parent
SRC_DIR = REPO_DIR / "src"
PACKAGE_DIR = SRC_DIR / "sasms"
LOCALE = "zh_Hans"
DOMAIN = "django"
CATALOGUE = PACKAGE_DIR / "locale" / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.po"
PLURAL_FORMS = "nplurals=1; plural=0;"
# Paths (relative to the package) that makemessages must not walk: vendored third-party assets.
IGNORE_PATTERNS = ("static/vendor/*",)

# printf-style directives as Python's ``%`` operator understands them, including ``%%``.
PRINTF_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<conv>[diouxXeEfFgGcrsa%])"
)
# str.format fields: ``{}``, ``{0}``, ``{name}``, ``{name!r:>10}``; ``{{`` and ``}}`` are literal braces.
BRACE_RE = re.compile(r"\{\{|\}\}|\{(?P<field>[^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}")
# Template variables left in a translation are never rendered: blocktranslate needs %(name)s.
TEMPLATE_VAR_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")

# The reviewed domain glossary, its reviewed exceptions, and the msgids that carry more than one meaning.
TOOLS_DIR = REPO_DIR / "tools"
GLOSSARY_FILE = TOOLS_DIR / "glossary.csv"
GLOSSARY_EXCEPTIONS_FILE = TOOLS_DIR / "glossary_exceptions.csv"
SENSES_FILE = TOOLS_DIR / "contexts.csv"
# Markup and dotted identifiers (knowledge.article, report.pdf) are not words of the message.
NOT_WORDS_RE = re.compile(r"<[^>]*>|\w+(?:\.\w+)+")
# Chinese measure words that may stand between a count and its noun: 3 台服务器, 5 篇文章.
MEASURE_WORDS = "个台位篇次条名项件张份家套批笔种"


@dataclass(frozen=True)
class Term:
    """One glossary row: an English domain word and the Chinese renderings reviewers accept."""

    english: str
    renderings: tuple[str, ...]

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        words = r"\s+".join(re.escape(word) for word in self.english.split())
        # Acronyms (RMA, SLA) are matched case-sensitively: "rma" inside a path is no RMA.
        flags = 0 if self.english.isupper() else re.IGNORECASE
        return re.compile(rf"(?<![\w-]){words}(?:s|es)?(?![\w-])", flags)


@dataclass(frozen=True)
class Sense:
    """One meaning of a msgid that is used in more than one meaning, told apart by its context."""

    msgid: str
    context: str
    meaning: str
    # Renderings that give this sense another meaning, e.g. 时间 for "Opened" as a count.
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    # (English term, msgctxt, msgid) pairs a reviewer accepted without the usual rendering.
    exceptions: frozenset[tuple[str, str, str]] = frozenset()
    senses: tuple[Sense, ...] = ()

    def senses_of(self, msgid: str) -> dict[str, Sense]:
        return {sense.context: sense for sense in self.senses if sense.msgid == msgid}

    def excepted(self, term: Term, entry: polib.POEntry) -> bool:
        return (term.english, entry.msgctxt or "", entry.msgid) in self.exceptions


def _alternatives(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if any((value or "").strip() for value in row.values())]


def load_glossary(
    glossary_file: Path = GLOSSARY_FILE,
    exceptions_file: Path = GLOSSARY_EXCEPTIONS_FILE,
    senses_file: Path = SENSES_FILE,
) -> Glossary:
    terms = tuple(Term(row["english"].strip(), _alternatives(row["chinese"])) for row in _rows(glossary_file))
    known = {term.english for term in terms}
    exceptions = set()
    for row in _rows(exceptions_file):
        if row["term"] not in known:
            raise SystemExit(f"{exceptions_file.name}: {row['term']!r} is not a glossary term")
        exceptions.add((row["term"], row["context"], row["msgid"]))
    senses = tuple(
        Sense(row["msgid"], row["context"], row["meaning"], _alternatives(row.get("forbidden") or ""))
        for row in _rows(senses_file)
    )
    return Glossary(terms, frozenset(exceptions), senses)


@functools.cache
def default_glossary() -> Glossary:
    return load_glossary()


def _words_only(text: str) -> str:
    return NOT_WORDS_RE.sub(" ", BRACE_RE.sub(" ", PRINTF_RE.sub(" ", text)))


def source_terms(text: str, terms: Iterable[Term]) -> list[Term]:
    """The glossary terms the source text uses; a longer term hides the shorter ones inside it."""
    words = _words_only(text)
    matches = [(m.start(), m.end(), term) for term in terms for m in term.pattern.finditer(words)]
    found: list[Term] = []
    for start, end, term in matches:
        # "around the clock" is an idiom with its own rendering, not the SLA clock.
        if any(s <= start and end <= e and e - s > end - start for s, e, _term in matches):
            continue
        if term not in found:
            found.append(term)
    return found


def _count_ends(translation: str) -> list[int]:
    """Where the text after each placeholder starts, past a measure word: where a counted noun stands."""
    ends = []
    for match in PRINTF_RE.finditer(translation):
        if match["conv"] == "%":
            continue
        end = match.end()
        while end < len(translation) and translation[end] == " ":
            end += 1
        if end < len(translation) and translation[end] in MEASURE_WORDS:
            end += 1
        ends.append(end)
    return ends


def _spans(text: str, needle: str) -> list[tuple[int, int]]:
    return [(match.start(), match.end()) for match in re.finditer(re.escape(needle), text)]


def _glossary_problems(
    entry: polib.POEntry, sources: Sequence[str], translation: str, glossary: Glossary
) -> list[str]:
    problems: list[str] = []
    source_text = "\n".join(sources)
    in_source = source_terms(source_text, glossary.terms)
    for term in in_source:
        if glossary.excepted(term, entry) or any(r in translation for r in term.renderings):
            continue
        problems.append(
            f"glossary: {term.english!r} must be rendered as {' or '.join(term.renderings)}, "
            f"translation is {translation!r}"
        )
    if not entry.msgid_plural:
        return problems
    # A count must count what the source counts: a noun from the glossary that the source does not
    # mention (3 台服务器 for "3 engineers") gives the count another meaning.
    covered = [span for term in in_source for r in term.renderings for span in _spans(translation, r)]
    count_ends = _count_ends(translation)

    def introduced(term: Term) -> str | None:
        for rendering in term.renderings:
            for start, end in _spans(translation, rendering):
                if any(s <= start and end <= e for s, e in covered):
                    continue  # part of a rendering of a word the source has: 备件 in 备件库 (depot)
                # One character (行, 天) is too common inside other words; it counts only after a number.
                if len(rendering) > 1 or start in count_ends:
                    return rendering
        return None

    for term in glossary.terms:
        if term in in_source or glossary.excepted(term, entry):
            continue
        rendering = introduced(term)
        if rendering is not None:
            problems.append(
                f"glossary: translation says {rendering!r} ({term.english!r}), "
                f"which the source does not mention: {translation!r}"
            )
    return problems


def _count_placeholder_problems(entry: polib.POEntry, translation: str) -> list[str]:
    """Chinese uses one form for every number: it must show the number the plural source shows."""
    named, positional, _stray = _printf_tokens(entry.msgid_plural)
    have_named, have_positional, _stray = _printf_tokens(translation)
    missing = [f"%({name})s" for name in named if name not in have_named]
    if positional and not have_positional:
        missing.append("%d")
    if "python-brace-format" in entry.flags:
        fields = _brace_fields(translation)
        missing += [f"{{{name}}}" for name in _brace_fields(entry.msgid_plural) if name not in fields]
    return [f"plural translation drops the count {', '.join(missing)}: {translation!r}"] if missing else []


def _sense_problems(entry: polib.POEntry, translation: str, glossary: Glossary) -> list[str]:
    sense = glossary.senses_of(entry.msgid).get(entry.msgctxt or "")
    if sense is None:
        return []
    return [
        f"context {sense.context!r} means {sense.meaning!r}: {rendering!r} gives it another meaning"
        for rendering in sense.forbidden
        if rendering in translation
    ]


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def _ignore_for_copy(directory: str, names: list[str]) -> set[str]:
    ignored = {name for name in names if name == "__pycache__" or name.endswith((".mo", ".pyc"))}
    path = Path(directory)
    if path == PACKAGE_DIR / "static":
        ignored.add("vendor")
    if path == PACKAGE_DIR:
        # The committed catalogue is read directly; extraction starts from an empty one.
        ignored.add("locale")
    return ignored


def _makemessages(package_dir: Path, python_path: Path, var_dir: Path | None) -> None:
    """Run ``makemessages`` with ``package_dir`` as the working directory and settings from there."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(python_path), env.get("PYTHONPATH", "")]))
    env["DJANGO_SETTINGS_MODULE"] = "sasms.settings"
    if var_dir is not None:
        env["SASMS_VAR_DIR"] = str(var_dir)
    # Keep the check independent of deployment settings that could refuse to import.
    env.pop("SASMS_MODE", None)
    command = [
        sys.executable,
        "-P",  # do not put the working directory (the package itself) on sys.path: sasms/celery.py
        "-m",
        "django",
        "makemessages",
        "--locale",
        LOCALE,
        "--domain",
        DOMAIN,
        "--no-obsolete",
        "--no-location",
        "--verbosity",
        "0",
    ]
    for pattern in IGNORE_PATTERNS:
        command += ["--ignore", pattern]
    result = subprocess.run(command, cwd=package_dir, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"makemessages failed with exit status {result.returncode}")
    if result.stderr.strip():
        sys.stderr.write(result.stderr)


def extract_messages() -> polib.POFile:
    """Extract every translatable string from a throw-away copy of the source tree."""
    with tempfile.TemporaryDirectory(prefix="sasms-i18n-") as tmp:
        tmp_dir = Path(tmp)
        package_copy = tmp_dir / "src" / "sasms"
        shutil.copytree(PACKAGE_DIR, package_copy, ignore=_ignore_for_copy)
        (package_copy / "locale").mkdir()
        _makemessages(package_copy, tmp_dir / "src", tmp_dir / "var")
        extracted = package_copy / "locale" / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not extracted.exists():
            return polib.POFile()
        return polib.pofile(str(extracted))


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _describe(entry: polib.POEntry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context}"


def _printf_tokens(text: str) -> tuple[Counter[str], int, bool]:
    """Named placeholders, count of positional ones, and whether a stray ``%`` is left over."""
    named: Counter[str] = Counter()
    positional = 0
    for match in PRINTF_RE.finditer(text):
        if match["conv"] == "%":
            continue
        if match["name"] is not None:
            named[match["name"]] += 1
        else:
            positional += 1
    stray = "%" in PRINTF_RE.sub("", text)
    return named, positional, stray


def _brace_fields(text: str) -> Counter[str]:
    return Counter(match["field"] for match in BRACE_RE.finditer(text) if match["field"] is not None)


def _placeholder_problems(entry: polib.POEntry, sources: Sequence[str], translation: str) -> list[str]:
    problems: list[str] = []
    python_format = "python-format" in entry.flags
    source_named: set[str] = set()
    source_positional: set[int] = set()
    for source in sources:
        named, positional, _stray = _printf_tokens(source)
        source_named |= set(named)
        source_positional.add(positional)
    named, positional, stray = _printf_tokens(translation)
    if python_format or source_named:
        if set(named) != source_named:
            problems.append(
                f"named placeholders differ: source {sorted(source_named)}, translation {sorted(named)}"
            )
        if positional not in source_positional:
            problems.append(
                f"positional placeholders differ: source {sorted(source_positional)}, "
                f"translation {positional}"
            )
        if python_format and stray:
            problems.append("translation has a lone '%' (write '%%' for a literal percent sign)")
        if source_named and positional:
            problems.append("translation mixes named and positional placeholders")
    elif named or positional:
        problems.append(f"translation has placeholders the source lacks: {translation!r}")
    if "python-brace-format" in entry.flags:
        source_fields: set[str] = set()
        for source in sources:
            source_fields |= set(_brace_fields(source))
        fields = set(_brace_fields(translation))
        if fields != source_fields:
            problems.append(
                f"brace fields differ: source {sorted(source_fields)}, translation {sorted(fields)}"
            )
    if TEMPLATE_VAR_RE.search(translation) and not any(TEMPLATE_VAR_RE.search(s) for s in sources):
        problems.append("translation contains template syntax, which is never rendered")
    return problems


def check_entry(entry: polib.POEntry, glossary: Glossary | None = None) -> list[str]:
    """Problems with one committed catalogue entry (``glossary`` defaults to the repository's)."""
    glossary = default_glossary() if glossary is None else glossary
    if entry.fuzzy:
        return ["marked fuzzy"]
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        if not forms or any(not forms.get(index) for index in range(max(len(forms), 1))):
            return ["untranslated (empty plural form)"]
        if len(forms) != 1:
            return [f"has {len(forms)} plural forms; Chinese has one"]
        sources = [entry.msgid, entry.msgid_plural]
        translations = [forms[index] for index in sorted(forms)]
    elif not entry.msgstr:
        return ["untranslated"]
    else:
        sources = [entry.msgid]
        translations = [entry.msgstr]
    problems = []
    for translation in translations:
        problems += _placeholder_problems(entry, sources, translation)
        if entry.msgid_plural:
            problems += _count_placeholder_problems(entry, translation)
        problems += _glossary_problems(entry, sources, translation, glossary)
        problems += _sense_problems(entry, translation, glossary)
    return problems


def check_header(catalogue: polib.POFile) -> list[str]:
    problems = []
    if catalogue.metadata_is_fuzzy:
        problems.append("header is marked fuzzy (msgfmt would leave out Plural-Forms)")
    plural_forms = catalogue.metadata.get("Plural-Forms", "")
    if plural_forms.replace(" ", "") != PLURAL_FORMS.replace(" ", ""):
        problems.append(f"header Plural-Forms is {plural_forms!r}, expected {PLURAL_FORMS!r}")
    if "charset=UTF-8" not in catalogue.metadata.get("Content-Type", ""):
        problems.append("header Content-Type must declare charset=UTF-8")
    return problems


def context_problems(extracted: Iterable[polib.POEntry], glossary: Glossary) -> list[str]:
    """A msgid with more than one meaning must say which one it means, and each meaning reads differently."""
    problems = []
    translations: dict[str, dict[str, str]] = {}
    for entry in extracted:
        senses = glossary.senses_of(entry.msgid)
        if not senses:
            continue
        context = entry.msgctxt or ""
        if context not in senses:
            listed = ", ".join(repr(c) if c else "none" for c in sorted(senses))
            problems.append(
                f"{entry.msgid!r} has more than one meaning ({SENSES_FILE.name}): give it one of the "
                f"contexts {listed}, not {context!r}"
            )
            continue
        translation = entry.msgstr or " ".join(entry.msgstr_plural.values())
        if translation:
            translations.setdefault(entry.msgid, {})[context] = translation
    for msgid, by_context in sorted(translations.items()):
        for translation in sorted(set(by_context.values())):
            contexts = sorted(c or "none" for c, t in by_context.items() if t == translation)
            if len(contexts) > 1:
                problems.append(
                    f"{msgid!r}: contexts {', '.join(contexts)} have the same translation "
                    f"{translation!r}; each meaning needs its own wording"
                )
    return problems


def compare(
    extracted: Iterable[polib.POEntry], catalogue: polib.POFile, glossary: Glossary | None = None
) -> tuple[list[str], int, int]:
    """Return the problems, the number of extracted messages and of stale committed entries."""
    glossary = default_glossary() if glossary is None else glossary
    committed = {_key(entry): entry for entry in catalogue if not entry.obsolete and entry.msgid}
    problems = [f"{CATALOGUE.relative_to(REPO_DIR)}: {problem}" for problem in check_header(catalogue)]
    extracted = [entry for entry in extracted if entry.msgid and not entry.obsolete]
    # The senses are judged on the source's contexts with the committed translations.
    problems += context_problems([committed.get(_key(entry), entry) for entry in extracted], glossary)
    seen: set[tuple[str, str]] = set()
    for source_entry in extracted:
        key = _key(source_entry)
        seen.add(key)
        entry = committed.get(key)
        if entry is None:
            problems.append(f"missing from catalogue: {_describe(source_entry)}")
            continue
        if source_entry.msgid_plural != entry.msgid_plural:
            problems.append(f"plural source changed: {_describe(source_entry)}")
            continue
        # Flags such as python-format come from the source, not from the committed copy.
        entry.flags = sorted(set(entry.flags) | (set(source_entry.flags) - {"fuzzy"}))
        problems += [f"{problem}: {_describe(entry)}" for problem in check_entry(entry, glossary)]
    stale = len(set(committed) - seen)
    return problems, len(seen), stale


def _msgfmt_check() -> list[str]:
    """Let GNU msgfmt validate the catalogue the way ``compilemessages`` will."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    result = subprocess.run(  # noqa: S603
        [msgfmt, "--check-format", "--check-header", "--output-file", os.devnull, str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return []
    return [f"msgfmt: {line}" for line in result.stderr.splitlines() if line.strip()]


HEADER_FIELDS = {
    "Project-Id-Version": "SASMS",
    "Language": LOCALE,
    "Content-Type": "text/plain; charset=UTF-8",
    "Plural-Forms": PLURAL_FORMS,
    "Language-Team": "Chinese (Simplified)",
}
# The placeholder comment xgettext puts above a new catalogue's header.
HEADER_COMMENT = "# Simplified Chinese translation of SASMS.\n"
HEADER_COMMENT_RE = re.compile(
    r"\A(?:# SOME DESCRIPTIVE TITLE\.\n(?:#.*\n)*?)?(?:#\n)?(?:#, fuzzy\n)?(?=msgid \"\"\n)"
)


def _fix_header(text: str) -> str:
    """Set the header fields Chinese needs, editing only those lines (the rest stays as msgmerge wrote it)."""
    for field, value in HEADER_FIELDS.items():
        line = f'"{field}: {value}\\n"'
        pattern = re.compile(rf'^"{re.escape(field)}:.*\\n"$', re.MULTILINE)
        text, count = pattern.subn(line.replace("\\", "\\\\"), text, count=1)
        if not count:
            text = text.replace('msgstr ""\n', f'msgstr ""\n{line}\n', 1)
    # A fuzzy header is left out of the compiled catalogue, and Plural-Forms with it.
    if text.startswith("# SOME DESCRIPTIVE TITLE") or '#, fuzzy\nmsgid ""\n' in text[:2000]:
        text = HEADER_COMMENT_RE.sub(HEADER_COMMENT, text, count=1)
    return text


def update() -> int:
    """Merge the current source strings into the real catalogue, keeping existing translations."""
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    _makemessages(PACKAGE_DIR, SRC_DIR, None)
    CATALOGUE.write_text(_fix_header(CATALOGUE.read_text(encoding="utf-8")), encoding="utf-8")
    catalogue = polib.pofile(str(CATALOGUE))
    entries = [entry for entry in catalogue if not entry.obsolete]
    todo = [entry for entry in entries if check_entry(entry)]
    _say(f"{CATALOGUE.relative_to(REPO_DIR)}: {len(entries)} messages, {len(todo)} to translate or fix")
    return 0


def check() -> int:
    if not CATALOGUE.exists():
        _say(f"{CATALOGUE.relative_to(REPO_DIR)} does not exist; run with --update first")
        return 1
    extracted = extract_messages()
    catalogue = polib.pofile(str(CATALOGUE))
    problems, total, stale = compare(extracted, catalogue)
    if not problems:
        problems = _msgfmt_check()
    for problem in problems:
        _say(problem)
    if problems:
        _say(f"translations: {total} messages, {len(problems)} problems (see above)")
        return 1
    note = f" ({stale} stale entries; --update removes them)" if stale else ""
    _say(f"translations: {total} messages, all translated{note}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--update",
        action="store_true",
        help="run makemessages on the real tree, merging new strings into the committed catalogue",
    )
    options = parser.parse_args(argv)
    return update() if options.update else check()


if __name__ == "__main__":
    sys.exit(main())
