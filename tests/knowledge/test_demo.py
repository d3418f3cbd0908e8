"""The demo step: about 60 bilingual articles in every state, searchable, built through the services."""

import random
from collections import Counter
from collections.abc import Callable

import pytest

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import ServerModel
from sasms.knowledge import demo
from sasms.knowledge.demo_texts import TOPICS
from sasms.knowledge.models import Article, ArticleFeedback, ArticleStatus
from sasms.knowledge.search import search_articles
from sasms.tickets import services as ticket_services

pytestmark = pytest.mark.django_db


def _progress(step: str, done: int, total: int) -> None:
    return None


def test_demo_builds_bilingual_articles_in_every_state(
    make_user: Callable[..., User], customer_a: Organisation, r740: ServerModel, editor: User, manager: User
) -> None:
    make_user(Role.AGENT)
    customer = make_user(Role.CUSTOMER)
    server = asset_services.create_server(actor=None, model=r740, serial="DEMO001", organisation=customer_a)
    ticket = ticket_services.create_ticket(
        actor=None, organisation=customer_a, server=server, title="硬盘故障告警", component="disk"
    )
    ticket = ticket_services.assign_ticket(actor=editor, ticket=ticket, assignee=editor)
    ticket = ticket_services.transition_ticket(actor=editor, ticket=ticket, action="start")
    ticket_services.transition_ticket(
        actor=editor,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="更换 3 号槽硬盘，重建完成。",
        root_cause="硬盘介质老化。",
    )
    state: dict[str, object] = {}
    demo.build_step(rng=random.Random(7), scale=1, progress=_progress, state=state)
    articles = Article.objects.all()
    assert articles.count() == len(TOPICS) * 2 + 1 == state["knowledge"]["articles"]  # type: ignore[index]
    assert Counter(articles.values_list("language", flat=True)) == {
        "zh-hans": len(TOPICS) + 1,
        "en": len(TOPICS),
    }
    statuses = set(articles.values_list("status", flat=True))
    assert statuses == {
        ArticleStatus.DRAFT,
        ArticleStatus.IN_REVIEW,
        ArticleStatus.PUBLISHED,
        ArticleStatus.ARCHIVED,
    }
    assert any(a.has_pending_revision for a in articles)
    assert articles.filter(source_ticket=ticket).count() == 1
    assert ArticleFeedback.objects.exists()
    # Searchable right away, in both languages, and customers only find customer-visible live articles.
    assert search_articles(actor=customer, query="硬盘预测性故障")
    assert search_articles(actor=customer, query="PSU redundancy")
    for hit in search_articles(actor=customer, query="iDRAC"):
        assert hit.article.live_version is not None
        assert hit.article.live_version.audience == "customer"
    # Running it again on the same data does not fail (categories are reused).
    demo.build_step(rng=random.Random(8), scale=1, progress=_progress, state=state)
