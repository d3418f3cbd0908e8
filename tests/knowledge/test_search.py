"""Search over a small bilingual set written for the tests: expected top results and who sees what.

Runs on whichever database DATABASE_URL names (PostgreSQL full-text search or SQLite FTS5).
"""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from sasms.accounts.models import User
from sasms.core.search.models import Audience, SearchDocument
from sasms.knowledge import services
from sasms.knowledge.models import Article
from sasms.knowledge.search import LIVE_DOCUMENT, highlighted, index_articles, search_articles
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db

CORPUS = {
    "disk": (
        "硬盘预警故障处理",
        "阵列卡报告物理硬盘预测性故障（Predictive Failure），前面板指示灯橙色闪烁。备份数据后更换硬盘。",
    ),
    "psu": (
        "PSU redundancy lost on PowerEdge R740",
        "iDRAC reports PSU1 failure with error code PSU0003. Check the power cord, then replace the supply.",
    ),
    "dimm": (
        "内存 ECC 可纠正错误超过阈值",
        "系统事件日志提示 DIMM A1 可纠正 ECC 错误，错误码 MEM0701。请更换内存条，备件号 871246-B21。",
    ),
    "raid": (
        "RAID virtual disk degraded",
        "The virtual disk is degraded after a drive failed. Replace the drive and let it rebuild.",
    ),
    "ilo": ("iLO 无法访问", "HPE iLO 5 网页无响应，可通过主机 OS 使用 hponcfg 重置 iLO。"),
    "xcc": (
        "XCC firmware update fails",
        "Lenovo XCC rejects the firmware package with error 0x8002 when the image is corrupt.",
    ),
    "internal": ("内部：备件调拨流程", "工程师从北京备件库调拨电源模块 0XR5R-A00 的内部流程。"),
}


@pytest.fixture
def corpus(make_article: Callable[..., Article], publish: Publish) -> dict[str, Article]:
    articles = {}
    for key, (title, body) in CORPUS.items():
        audience = Audience.INTERNAL if key == "internal" else Audience.CUSTOMER
        articles[key] = publish(make_article(title=title, body=body, audience=audience))
    return articles


def _keys(corpus: dict[str, Article], actor: User, query: str, **options: object) -> list[str]:
    by_id = {a.pk: k for k, a in corpus.items()}
    return [by_id.get(h.article.pk, "?") for h in search_articles(actor=actor, query=query, **options)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("硬盘故障", "disk"),
        ("硬盘预测性故障", "disk"),
        ("内存错误", "dimm"),
        ("iLO无法访问", "ilo"),
        ("PSU redundancy", "psu"),
        ("virtual disk degraded", "raid"),
        ("firmware", "xcc"),
        ("871246-B21", "dimm"),
        ("871246B21", "dimm"),
        ("MEM0701", "dimm"),
        ("PSU0003", "psu"),
        ("0x8002", "xcc"),
        ("R740", "psu"),
        ("0XR5R-A00", "internal"),
    ],
)
def test_expected_top_result(corpus: dict[str, Article], editor: User, query: str, expected: str) -> None:
    assert _keys(corpus, editor, query)[0] == expected


def test_title_matches_rank_first_and_snippets_mark_the_words(
    corpus: dict[str, Article], reviewer: User, django_assert_max_num_queries: Any
) -> None:
    hits = search_articles(actor=reviewer, query="硬盘")
    assert hits[0].article.pk == corpus["disk"].pk
    assert hits[0].snippet == ""  # ranked without reading the texts
    with django_assert_max_num_queries(1):
        shown = highlighted(hits[:20], query="硬盘")
    assert "<mark>硬盘</mark>" in shown[0].title_html
    assert "<mark>硬盘</mark>" in shown[0].snippet
    english = highlighted(search_articles(actor=reviewer, query="redundancy lost"), query="redundancy lost")
    assert "<mark>redundancy</mark> <mark>lost</mark>" in english[0].title_html


def test_search_as_you_type_matches_the_last_word_as_a_prefix(
    corpus: dict[str, Article], editor: User
) -> None:
    # The index alone has no word "redund"; learned similarity still finds the article it is from.
    assert _keys(corpus, editor, "redund", learned=False) == []
    assert _keys(corpus, editor, "redund") == ["psu"]
    assert _keys(corpus, editor, "redund", prefix=True) == ["psu"]
    assert _keys(corpus, editor, "virtual disk degr", prefix=True) == ["raid"]


def test_article_number_finds_the_article(corpus: dict[str, Article], customer_user: User) -> None:
    assert _keys(corpus, customer_user, corpus["ilo"].number) == ["ilo"]
    assert _keys(corpus, customer_user, corpus["internal"].number) == []


def test_customers_find_only_published_customer_visible_articles(
    corpus: dict[str, Article],
    make_article: Callable[..., Article],
    editor: User,
    reviewer: User,
    customer_user: User,
    customer_b_user: User,
    clerk: User,
) -> None:
    draft = make_article(title="硬盘 draft never published", body="硬盘 draft")
    in_review = make_article(title="硬盘 in review", body="硬盘 review")
    services.transition_article(actor=editor, article=in_review, action="submit", reviewers=[reviewer])
    archived = corpus["raid"]
    services.transition_article(actor=editor, article=archived, action="archive")
    # A published article whose next version turns internal keeps its published (customer) text live.
    revised = services.update_article(
        actor=editor, article=corpus["disk"], audience=Audience.INTERNAL, title="硬盘 内部修订 secret"
    )
    for customer in (customer_user, customer_b_user):
        keys = _keys(corpus, customer, "硬盘")
        assert keys == ["disk"]
        shown = highlighted(search_articles(actor=customer, query="硬盘"), query="硬盘")
        assert "secret" not in shown[0].title_html
        assert _keys(corpus, customer, "0XR5R-A00") == []  # internal
        assert _keys(corpus, customer, "degraded") == []  # archived
        assert _keys(corpus, customer, "secret") == []  # unpublished revision
    # Staff who do not edit see published internal articles, never drafts.
    assert _keys(corpus, clerk, "0XR5R-A00") == ["internal"]
    assert _keys(corpus, clerk, "secret") == []
    assert _keys(corpus, clerk, "draft") == []
    # Editors find drafts and revisions too, marked as such.
    hits = {h.article.pk: h for h in search_articles(actor=editor, query="硬盘")}
    assert {draft.pk, in_review.pk, revised.pk} <= set(hits)
    assert hits[draft.pk].draft
    [secret] = search_articles(actor=editor, query="secret")
    assert secret.article.pk == revised.pk
    assert secret.draft
    assert not SearchDocument.objects.filter(object_type=LIVE_DOCUMENT, object_id=str(archived.pk)).exists()


def test_a_stale_index_entry_never_reaches_a_customer(
    corpus: dict[str, Article], customer_user: User
) -> None:
    """The index is one fence; reading the articles through the visibility rule is the second."""
    internal = corpus["internal"]
    SearchDocument.objects.filter(object_type=LIVE_DOCUMENT, object_id=str(internal.pk)).update(
        audience=Audience.CUSTOMER
    )
    assert _keys(corpus, customer_user, "0XR5R-A00") == []


def test_filters_narrow_within_the_ranking(corpus: dict[str, Article], editor: User) -> None:
    services.update_article(actor=editor, article=corpus["psu"], component="psu")
    assert _keys(corpus, editor, "replace", filters=Q(component="psu")) == ["psu"]
    assert set(_keys(corpus, editor, "replace")) >= {"psu", "raid"}


def test_reindexing_in_bulk_gives_the_same_documents(corpus: dict[str, Article], editor: User) -> None:
    before = sorted(SearchDocument.objects.values_list("object_type", "object_id", "title", "audience"))
    SearchDocument.objects.all().delete()
    assert index_articles([a.pk for a in corpus.values()]) == len(corpus)
    after = sorted(SearchDocument.objects.values_list("object_type", "object_id", "title", "audience"))
    assert after == before


def test_empty_punctuation_and_too_long_queries_find_nothing(
    corpus: dict[str, Article], editor: User
) -> None:
    for query in ("", "   ", "！？。", "x" * 300):
        assert search_articles(actor=editor, query=query) == []


def test_reindex_command_rebuilds_the_index(corpus: dict[str, Article]) -> None:
    SearchDocument.objects.all().delete()
    out = io.StringIO()
    call_command("reindex_knowledge", batch_size=3, stdout=out)
    assert f"Indexed {len(corpus)} knowledge articles" in out.getvalue()
    assert SearchDocument.objects.filter(object_type=LIVE_DOCUMENT).count() == len(corpus)
    with pytest.raises(CommandError):
        call_command("reindex_knowledge", batch_size=0)
