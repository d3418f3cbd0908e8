"""The search dictionary and the single-character rule, in the tokenizer and on the real database."""

import pytest

from sasms.accounts.models import User
from sasms.core.search.services import index_document, search
from sasms.core.search.synonyms import Thesaurus
from sasms.core.search.tokenizer import normalise, query_terms, tokenize
from tests.core.search.util import ids

GROUPS = Thesaurus(
    [
        ("nopower", ["开不了机", "无法开机", "不开机", "no power"]),
        ("crash", ["宕机", "死机", "down"]),
        ("linkdown", ["link down"]),
        ("raidcard", ["RAID 卡", "RAID controller"]),
        ("raid", ["RAID"]),
        ("fan", ["风扇", "fan"]),
        ("psu", ["电源", "电源模块", "PSU", "power supply"]),
    ]
)


def test_a_query_term_becomes_its_groups_token() -> None:
    assert query_terms("开不了机", thesaurus=GROUPS) == ["synnopower"]
    assert query_terms("电源模块 坏了", thesaurus=GROUPS)[0] == "synpsu"
    # Longest first: RAID 卡 (with or without the space) is the controller, not RAID.
    assert query_terms("RAID 卡", thesaurus=GROUPS) == ["synraidcard"]
    assert query_terms("raid卡", thesaurus=GROUPS) == ["synraidcard"]
    # The unit number goes with the term.
    assert query_terms("FAN3", thesaurus=GROUPS) == ["synfan"]


def test_latin_terms_are_whole_words() -> None:
    assert query_terms("download", thesaurus=GROUPS) == ["download"]
    assert query_terms("shut down", thesaurus=GROUPS) == ["shut", "syncrash"]
    # "link down" is its own group and is read before "down".
    assert query_terms("link down", thesaurus=GROUPS) == ["synlinkdown"]


def test_a_document_keeps_its_words_and_gains_the_tokens() -> None:
    tokens = tokenize("服务器无法开机", thesaurus=GROUPS)
    assert {"服务器", "无法", "开机", "synnopower"} <= set(tokens)
    # FAN3 stays one token and gains the fan group beside it.
    assert {"fan3", "synfan"} <= set(tokenize("FAN3 failed", thesaurus=GROUPS))
    # A longer term brings the groups of the terms inside it: a RAID controller is about RAID too.
    assert {"synraidcard", "synraid"} <= set(tokenize("RAID controller battery", thesaurus=GROUPS))


def test_matching_ignores_width_and_case() -> None:
    assert GROUPS.matches(normalise("ＰＳＵ"))
    assert GROUPS.matches(normalise("Power Supply"))
    assert not GROUPS.matches(normalise("ibmc download"))


def test_single_characters_are_dropped_when_the_query_has_longer_terms() -> None:
    assert query_terms("转速过低") == ["转速"]
    assert query_terms("风扇告警，FAN3 转速过低") == ["风扇", "告警", "fan3", "转速"]
    # A query of single characters only keeps them: there is nothing better to search for.
    assert query_terms("低") == ["低"]


def test_colloquial_words_find_the_written_ones(staff: User) -> None:
    """With the dictionary seeded by migration: 开不了机 finds 无法开机, PSU finds 电源模块."""
    index_document(object_type="kb", object_id=20, title="服务器无法开机的排查", body="检查供电。")
    index_document(object_type="kb", object_id=21, title="电源模块更换", body="热插拔更换。")
    assert ids(staff, "开不了机") == ["kb:20"]
    assert ids(staff, "won't power on") == ["kb:20"]
    assert ids(staff, "PSU replacement") == ["kb:21"]


@pytest.mark.usefixtures("corpus")
def test_a_hit_marks_the_spellings_the_query_stood_for(staff: User) -> None:
    index_document(object_type="kb", object_id=22, title="服务器无法开机", body="按电源键无反应。")
    [hit] = search(actor=staff, query="开不了机")
    assert hit.title_html == "服务器<mark>无法</mark><mark>开机</mark>"


def test_the_fan_article_ranks_first_for_a_customers_alarm(staff: User) -> None:
    """Articles sharing only single characters (过, 低) with the query no longer outrank it."""
    index_document(
        object_type="kb", object_id=30, title="风扇故障或转速异常告警", body="风扇转速低于阈值时告警。"
    )
    index_document(object_type="kb", object_id=31, title="温度过高", body="进风温度过高，性能降低。")
    index_document(object_type="kb", object_id=32, title="电压过低告警", body="主板电压低，过一段时间恢复。")
    index_document(object_type="kb", object_id=33, title="磁盘空间低", body="日志过多。")
    found = ids(staff, "风扇告警，FAN3 转速过低", any_term=True)
    assert found[0] == "kb:30"
    assert "kb:33" not in found  # only 过 and 低 in common
