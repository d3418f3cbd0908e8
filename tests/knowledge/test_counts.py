"""Counts on the knowledge pages count articles and views, grouped in thousands, in both languages."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import User
from sasms.knowledge.models import Article, Category
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "views", "articles"),
    [("en", "1,556 views", "1 article"), ("zh-hans", "阅读 1,556 次", "1 篇文章")],
)
def test_home_counts_views_and_articles(
    make_article: Callable[..., Article],
    publish: Publish,
    storage: Category,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    language: str,
    views: str,
    articles: str,
) -> None:
    article = publish(make_article(category=storage))
    Article.objects.filter(pk=article.pk).update(view_count=1556)
    client = client_for(make_user("engineer", language=language))
    client.cookies["sasms_language"] = language

    page = client.get(reverse("knowledge:home")).content.decode()

    assert views in page  # the views were counted as rows before: 共 1556 行
    assert articles in page
