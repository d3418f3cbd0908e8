"""The tokenizer on its own: segmentation, normalisation, codes, and properties that must always hold."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sasms.core.search.tokenizer import (
    MAX_QUERY_CHARS,
    MAX_TOKEN_CHARS,
    normalise,
    query_terms,
    to_index_text,
    to_query,
    tokenize,
)

TOKEN = re.compile(r"^[^\W_]+$")


def test_chinese_is_segmented_in_search_mode() -> None:
    tokens = tokenize("服务器硬盘出现故障告警")
    assert {"服务器", "服务", "硬盘", "故障", "告警"} <= set(tokens)
    # The query side keeps the precise words only; the document side holds every one of them.
    assert query_terms("服务器硬盘故障") == ["服务器", "硬盘", "故障"]


def test_latin_text_is_lower_cased_and_split_without_stemming() -> None:
    assert tokenize("Disk FAILURE on the Controller, disks failing") == [
        "disk",
        "failure",
        "controller",
        "disks",
        "failing",
    ]


def test_full_width_forms_become_ascii() -> None:
    assert tokenize("Ｅ１２３４ ＰＳＵ１") == tokenize("E1234 PSU1")
    assert normalise("ＲＡＩＤ　５") == "raid 5"


def test_part_numbers_are_kept_whole_and_split_at_separators() -> None:
    assert tokenize("0XR5R-A00") == ["0xr5ra00", "0xr5r", "a00", "00"]
    assert {"hpe", "871246b21", "871246", "b21"} <= set(tokenize("HPE 871246-B21"))
    assert query_terms("HPE 871246-B21") == ["hpe", "871246b21"]
    # Written with or without the separator, a code is the same query term.
    assert query_terms("871246B21") == query_terms("871246-b21")


def test_error_codes_and_component_names() -> None:
    assert tokenize("0x8002") == ["0x8002", "8002"]
    assert tokenize("E1234") == ["e1234", "1234"]
    assert tokenize("PSU1") == ["psu1", "psu"]
    assert tokenize("DIMM12 64GB") == ["dimm12", "dimm", "12", "64gb", "64", "gb"]


def test_minimal_stop_words() -> None:
    assert tokenize("the disk of the server") == ["disk", "server"]
    assert "不" in tokenize("内存不识别")
    assert "not" in tokenize("does not boot")


def test_query_syntax_never_survives() -> None:
    hostile = "disk\" OR title:* NEAR(a b) ^x -y (z) '; DROP TABLE x; -- & | ! <-> :*"
    for term in query_terms(hostile):
        assert TOKEN.match(term), term
    assert to_query(hostile, vendor="sqlite").count('"') % 2 == 0
    assert to_query("", vendor="postgresql") == ""
    assert to_query("?!，。……", vendor="sqlite") == ""
    assert to_query("x" * (MAX_QUERY_CHARS + 1), vendor="sqlite") == ""


def test_backend_query_shapes() -> None:
    assert to_query("硬盘 disk", vendor="postgresql") == "'硬盘' & 'disk'"
    assert to_query("硬盘 disk", vendor="postgresql", any_term=True, prefix=True) == "'硬盘' | 'disk':*"
    assert to_query("硬盘 disk", vendor="sqlite") == '"硬盘" "disk"'
    assert to_query("硬盘 disk", vendor="sqlite", any_term=True, prefix=True) == '"硬盘" OR "disk"*'


def test_to_index_text_is_space_joined_tokens() -> None:
    assert to_index_text("PSU1 故障") == "psu1 psu 故障"


def test_long_runs_are_truncated_alike_on_both_sides() -> None:
    code = "a" * 200
    assert tokenize(code) == ["a" * MAX_TOKEN_CHARS]
    assert query_terms(code) == ["a" * MAX_TOKEN_CHARS]


def test_deterministic() -> None:
    text = "戴尔 PowerEdge R740 电源模块 PSU1 报错 0x8002，更换 0XR5R-A00 后恢复"
    assert tokenize(text) == tokenize(text) == tokenize(str(text))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_tokens_are_plain_words(text: str) -> None:
    for token in [*tokenize(text), *query_terms(text)]:
        assert token
        assert len(token) <= MAX_TOKEN_CHARS
        assert TOKEN.match(token), token


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert tokenize(once) == tokenize(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=MAX_QUERY_CHARS))
def test_a_text_always_contains_the_terms_of_itself_as_a_query(text: str) -> None:
    # The guarantee search rests on: whatever the user types, a document with that text matches.
    assert set(query_terms(text)) <= set(tokenize(text))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["服务器", "硬盘", "故障", "告警", "电源", "主板", "内存", "不识别", "风扇", "过热"]),
        max_size=12,
    )
)
def test_chinese_phrases_match_themselves(words: list[str]) -> None:
    text = "".join(words)
    assert set(query_terms(text)) <= set(tokenize(text))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
            | st.sampled_from("硬盘故障服务器电源"),
            min_size=1,
        ),
        max_size=6,
    ),
    st.sampled_from(["，", " ", "。", "-", " PSU1 ", "\n"]),
)
def test_separate_runs_are_segmented_independently(runs: list[str], separator: str) -> None:
    # The tokenizer cuts all Han runs of a text in one jieba call; that must equal one call per run.
    joined = separator.join(runs)
    expected = [token for run in runs for token in [*tokenize(run), *tokenize(separator)]]
    if runs:
        expected = expected[: len(expected) - len(tokenize(separator))]
    assert tokenize(joined) == expected
