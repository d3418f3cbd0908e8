"""The translation check (tools/check_translations.py) catches translations with another meaning.

Each rule is fed small catalogue entries that break it, and entries that keep it; the committed
catalogue and glossary are checked entry by entry as well (without makemessages, which `make lint` runs).
"""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polib
import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "check_translations.py"


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_translations", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


check = _load_tool()

GLOSSARY = check.Glossary(
    terms=(
        check.Term("engineer", ("工程师",)),
        check.Term("server", ("服务器",)),
        check.Term("row", ("行",)),
        check.Term("view", ("视图", "浏览", "阅读")),
        check.Term("article", ("文章",)),
        check.Term("alert", ("告警",)),
        check.Term("day", ("天", "日")),
        check.Term("due", ("到期", "截止")),
        check.Term("clock", ("时钟",)),
        check.Term("around the clock", ("全天候",)),
        check.Term("part", ("备件",)),
        check.Term("depot", ("备件库",)),
        check.Term("RMA", ("返修", "RMA")),
    ),
    exceptions=frozenset({("server", "", "Loaner server")}),
    senses=(
        check.Sense("Opened", "", "the date a request was opened"),
        check.Sense("Opened", "count", "the number of requests opened", ("时间", "日期")),
    ),
)


def plural(msgid: str, msgid_plural: str, translation: str, msgctxt: str | None = None) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=msgctxt,
        msgid=msgid,
        msgid_plural=msgid_plural,
        msgstr_plural={0: translation},
        flags=["python-format"],
    )


def single(msgid: str, translation: str, msgctxt: str | None = None) -> polib.POEntry:
    return polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr=translation)


def problems(entry: polib.POEntry) -> list[str]:
    result: list[str] = check.check_entry(entry, GLOSSARY)
    return result


# --- Plural messages that count something else ---------------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "msgid_plural", "wrong", "missing", "introduced"),
    [
        (
            "%(counter)s engineer excluded",
            "%(counter)s engineers excluded",
            "%(counter)s 台服务器",
            "engineer",
            "服务器",
        ),
        ("%(counter)s alert firing", "%(counter)s alerts firing", "%(counter)s 台服务器", "alert", "服务器"),
        ("%(counter)s view", "%(counter)s views", "共 %(counter)s 行", "view", "行"),
        ("%(counter)s article", "%(counter)s articles", "共 %(counter)s 行", "article", "行"),
    ],
)
def test_a_plural_that_counts_another_noun_is_reported(
    msgid: str, msgid_plural: str, wrong: str, missing: str, introduced: str
) -> None:
    found = problems(plural(msgid, msgid_plural, wrong))

    assert any(f"glossary: {missing!r} must be rendered as" in problem for problem in found), found
    assert any(f"translation says {introduced!r}" in problem for problem in found), found


def test_a_plural_that_adds_a_meaning_to_its_count_is_reported() -> None:
    """An RMA's age "41 days" read as "41 days before it is due": overdue cards looked in time."""
    found = problems(plural("%(days)s day", "%(days)s days", "到期前 %(days)s 天"))

    assert found == [
        "glossary: translation says '到期' ('due'), which the source does not mention: '到期前 %(days)s 天'"
    ]


@pytest.mark.parametrize(
    ("msgid", "msgid_plural", "right"),
    [
        ("%(counter)s engineer excluded", "%(counter)s engineers excluded", "已排除 %(counter)s 名工程师"),
        ("%(counter)s view", "%(counter)s views", "阅读 %(counter)s 次"),
        ("%(counter)s article", "%(counter)s articles", "%(counter)s 篇文章"),
        ("%(days)s day", "%(days)s days", "%(days)s 天"),
        ("%(counter)s row", "%(counter)s rows", "共 %(counter)s 行"),
        # 行 inside 执行 is no row: one character counts only where a counted noun stands.
        ("%(counter)s job ran", "%(counter)s jobs ran", "已执行 %(counter)s 个作业"),
        # 备件 inside 备件库 belongs to the depot the source names.
        ("%(counter)s depot", "%(counter)s depots", "%(counter)s 个备件库"),
    ],
)
def test_a_plural_that_counts_what_the_source_counts_passes(
    msgid: str, msgid_plural: str, right: str
) -> None:
    assert problems(plural(msgid, msgid_plural, right)) == []


def test_a_plural_translation_must_show_the_count() -> None:
    found = problems(plural("%(counter)s article", "%(counter)s articles", "文章"))

    assert "plural translation drops the count %(counter)s: '文章'" in found


def test_a_positional_count_must_stay_too() -> None:
    entry = plural("%d request changed.", "%d requests changed.", "已更改服务请求。")

    assert "plural translation drops the count %d: '已更改服务请求。'" in problems(entry)


def test_a_count_named_only_in_the_plural_source_is_still_required() -> None:
    entry = plural("One server", "%(count)d servers", "一台服务器")

    assert any("drops the count %(count)s" in problem for problem in problems(entry))


# --- Glossary on every message -------------------------------------------------------------------


def test_a_glossary_term_needs_one_of_its_renderings() -> None:
    assert problems(single("Engineer on call", "值班技术员")) == [
        "glossary: 'engineer' must be rendered as 工程师, translation is '值班技术员'"
    ]
    assert problems(single("Engineer on call", "值班工程师")) == []


def test_glossary_words_match_as_words_in_any_case_and_plural() -> None:
    assert problems(single("SERVERS", "主机")) != []
    assert problems(single("Observer", "观察者")) == []  # "server" inside another word
    assert problems(single("Firmware parts-list", "固件清单")) == []  # hyphenated compound, no part
    assert problems(single("Open RMAs", "未结返修单")) == []
    assert problems(single("Open RMAs", "未结单")) != []


def test_acronyms_match_only_in_capitals() -> None:
    assert problems(single("Path /rma/", "路径 /rma/")) == []


def test_placeholders_and_identifiers_are_not_words() -> None:
    assert problems(single("%(server)s is down", "%(server)s 已宕机")) == []
    assert problems(single("{server} is down", "{server} 已宕机")) == []
    assert problems(single("e.g. knowledge.article", "例如 knowledge.article")) == []


def test_a_longer_term_hides_the_shorter_one_inside_it() -> None:
    assert problems(single("Around the clock", "全天候")) == []
    assert problems(single("Stop the clock", "停止计费")) == [
        "glossary: 'clock' must be rendered as 时钟, translation is '停止计费'"
    ]


def test_a_reviewed_exception_is_accepted_for_its_msgid_only() -> None:
    assert problems(single("Loaner server", "备用机")) == []
    assert problems(single("Loaner server", "备用机", msgctxt="short")) != []
    assert problems(single("Spare server", "备用机")) != []


def test_the_existing_placeholder_rules_still_hold() -> None:
    entry = single("%(count)s servers", "%(total)s 台服务器")
    entry.flags = ["python-format"]

    assert problems(entry) == [
        "named placeholders differ: source ['count'], translation ['total']",
    ]


# --- Msgids with more than one meaning -----------------------------------------------------------


def test_a_context_cannot_read_as_another_meaning() -> None:
    assert problems(single("Opened", "发起时间", msgctxt="count")) == [
        "context 'count' means 'the number of requests opened': '时间' gives it another meaning"
    ]
    assert problems(single("Opened", "新建", msgctxt="count")) == []
    assert problems(single("Opened", "发起时间")) == []


def test_an_ambiguous_msgid_needs_a_listed_context() -> None:
    found = check.context_problems([single("Opened", "新建", msgctxt="dashboard")], GLOSSARY)

    assert len(found) == 1
    assert "'Opened' has more than one meaning" in found[0]
    assert "not 'dashboard'" in found[0]


def test_each_meaning_needs_its_own_wording() -> None:
    same = [single("Opened", "发起时间"), single("Opened", "发起时间", msgctxt="count")]
    different = [single("Opened", "发起时间"), single("Opened", "新建", msgctxt="count")]

    assert check.context_problems(same, GLOSSARY) == [
        "'Opened': contexts count, none have the same translation '发起时间'; "
        "each meaning needs its own wording"
    ]
    assert check.context_problems(different, GLOSSARY) == []


def test_compare_reports_the_context_and_glossary_problems_of_the_extracted_messages() -> None:
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for entry in [
        single("Opened", "发起时间"),
        single("Opened", "发起时间", msgctxt="count"),
        plural("%(counter)s view", "%(counter)s views", "共 %(counter)s 行"),
    ]:
        catalogue.append(entry)
    extracted = [
        single("Opened", ""),
        single("Opened", "", msgctxt="count"),
        plural("%(counter)s view", "%(counter)s views", ""),
    ]

    found, total, stale = check.compare(extracted, catalogue, GLOSSARY)

    assert (total, stale) == (3, 0)
    assert any("each meaning needs its own wording" in problem for problem in found)
    assert any("'view' must be rendered as" in problem for problem in found)
    assert any("context 'count' means" in problem for problem in found)


# --- The repository's own files ------------------------------------------------------------------


def test_an_exception_must_name_a_glossary_term(tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("english,chinese,note\nserver,服务器,\n", encoding="utf-8")
    exceptions = tmp_path / "exceptions.csv"
    exceptions.write_text("term,context,msgid,reason\nservre,,Loaner server,typo\n", encoding="utf-8")

    with pytest.raises(SystemExit, match="'servre' is not a glossary term"):
        check.load_glossary(glossary, exceptions, tmp_path / "none.csv")


def test_the_repository_glossary_holds_the_reviewed_terms() -> None:
    glossary = check.load_glossary()
    renderings = {term.english: term.renderings for term in glossary.terms}

    assert renderings["request"][0] == "服务请求"
    assert renderings["engineer"] == ("工程师",)
    assert renderings["alert"] == ("告警",)
    assert "返修" in renderings["RMA"]
    assert set(glossary.senses_of("Opened")) == {"", "count"}


def test_every_committed_translation_keeps_the_rules() -> None:
    catalogue = polib.pofile(str(check.CATALOGUE))
    glossary = check.load_glossary()

    found = [
        f"{entry.msgid!r}: {problem}"
        for entry in catalogue
        if entry.msgid and not entry.obsolete
        for problem in check.check_entry(entry, glossary)
    ]

    assert found == []
    assert check.context_problems(list(catalogue), glossary) == []
