"""Ranking for agents: drafts after published articles, learned similarity, the any-word fallback."""

from collections.abc import Callable, Sequence

import pytest
from django.test import Client

from sasms.accounts.models import User
from sasms.knowledge import rerank
from sasms.knowledge.models import Article
from sasms.knowledge.search import ArticleHit, search_articles
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def fan_articles(make_article: Callable[..., Article], publish: Publish) -> dict[str, Article]:
    return {
        "fan": publish(
            make_article(title="风扇故障或转速异常告警", body="风扇转速低于阈值时告警，更换风扇模块。")
        ),
        "fan_en": publish(make_article(title="Fan failure or low fan speed", body="Replace the fan module.")),
        "temp": publish(make_article(title="进风温度过高", body="温度过高，性能降低。")),
        "volt": publish(make_article(title="主板电压过低告警", body="电压低，过一段时间自动恢复。")),
        "draft": make_article(
            title="风扇告警 FAN3 转速过低（草稿）", body="风扇告警 FAN3 转速过低，未审核。"
        ),
    }


def _keys(articles: dict[str, Article], hits: Sequence[ArticleHit]) -> list[str]:
    by_id = {a.pk: key for key, a in articles.items()}
    return [by_id[h.article.pk] for h in hits]


def test_a_draft_ranks_below_published_articles_unless_drafts_are_included(
    fan_articles: dict[str, Article], editor: User
) -> None:
    query = "风扇告警，FAN3 转速过低"
    found = _keys(fan_articles, search_articles(actor=editor, query=query))
    assert found[0] == "fan"
    assert found[-1] == "draft"
    ranked = search_articles(actor=editor, query=query, drafts_ranked=True)
    assert _keys(fan_articles, ranked)[0] == "draft"
    assert ranked[0].draft


def test_the_search_page_has_the_include_drafts_filter(
    fan_articles: dict[str, Article], editor: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(editor)
    plain = client.get("/kb/search/", {"q": "风扇告警 FAN3 转速过低"}).content.decode()
    with_drafts = client.get(
        "/kb/search/", {"q": "风扇告警 FAN3 转速过低", "include_drafts": "on"}
    ).content.decode()
    # The result list, after the answer card that quotes the best published article.
    plain = plain[plain.index('data-testid="kb-result-count"') :]
    with_drafts = with_drafts[with_drafts.index('data-testid="kb-result-count"') :]
    link = f"/kb/articles/{fan_articles['draft'].pk}/"
    fan = f"/kb/articles/{fan_articles['fan'].pk}/"
    assert plain.index(fan) < plain.index(link)
    assert with_drafts.index(link) < with_drafts.index(fan)
    assert 'data-testid="kb-include-drafts"' in client.get("/kb/").content.decode()


def test_customers_phrasing_with_more_words_than_any_article_still_finds_it(
    fan_articles: dict[str, Article], customer_user: User
) -> None:
    hits = search_articles(actor=customer_user, query="机房里风扇告警，FAN3 转速过低，怎么办")
    assert _keys(fan_articles, hits)[0] == "fan"
    assert "draft" not in _keys(fan_articles, hits)


def test_learned_similarity_is_fitted_on_our_articles_and_forgives_typos(
    fan_articles: dict[str, Article], editor: User
) -> None:
    # Misspelt, the query shares no index word with any article.
    assert search_articles(actor=editor, query="fann speeed", learned=False) == []
    hits = search_articles(actor=editor, query="fann speeed")
    assert _keys(fan_articles, hits)[:1] == ["fan_en"]
    model = rerank.model()
    assert model is not None
    assert len(model.rows) == 4


def test_re_ranking_keeps_the_candidates_and_prefers_the_similar_one(
    fan_articles: dict[str, Article], editor: User
) -> None:
    plain = search_articles(actor=editor, query="告警 过低", learned=False)
    learned = search_articles(actor=editor, query="告警 过低")
    assert {h.article.pk for h in plain} == {h.article.pk for h in learned}
