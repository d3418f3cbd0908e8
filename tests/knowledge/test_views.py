"""Pages: home and search, article page, editor, workflow, feedback, history, lists — in both languages."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import User
from sasms.core.search.models import Audience
from sasms.knowledge import services
from sasms.knowledge.models import Article, ArticleStatus, Category
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db


def _url(name: str, *args: Any) -> str:
    return reverse(f"knowledge:{name}", args=args)


@pytest.fixture
def published(make_article: Callable[..., Article], publish: Publish, storage: Category) -> Article:
    return publish(
        make_article(
            title="硬盘预测性故障处理",
            body="## 症状\n\n硬盘指示灯橙色闪烁，错误码 PDR1016。\n\n<script>alert(1)</script>",
            category=storage,
            tags="硬盘, PERC",
        )
    )


@pytest.fixture
def internal(make_article: Callable[..., Article], publish: Publish) -> Article:
    return publish(
        make_article(title="内部备件调拨 PDR1016", body="只给工程师看", audience=Audience.INTERNAL)
    )


@pytest.fixture
def draft(make_article: Callable[..., Article]) -> Article:
    return make_article(title="草稿 PDR1016", body="未审核")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_in_both_languages(
    published: Article, make_user: Callable[..., User], client_for: Callable[[User], Client], language: str
) -> None:
    reader = make_user("engineer", language=language)
    client = client_for(reader)
    client.cookies["sasms_language"] = language
    services.update_article(actor=reader, article=published, body="第二版")
    words = {"en": ("Search", "Save", "Version"), "zh-hans": ("搜索", "保存", "版本")}[language]
    for url, word in (
        (_url("home"), words[0]),
        (_url("article_edit", published.pk), words[1]),
        (_url("history", published.pk), words[2]),
        (_url("article", published.pk), published.title),
        (_url("diff", published.pk), published.number),
        (_url("article_list"), published.number),
        (_url("review_queue"), ""),
        (_url("feedback_list"), ""),
        (_url("category_list"), published.category.name),  # type: ignore[union-attr]
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == language
        assert word in response.content.decode()


def test_search_page_and_as_you_type_fragment(
    published: Article,
    internal: Article,
    draft: Article,
    editor: User,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    page = client_for(customer_user).get(_url("home"), {"q": "PDR1016"}).content.decode()
    assert published.title in page
    assert "<mark>PDR1016</mark>" in page
    assert internal.title not in page
    assert draft.title not in page
    fragment = client_for(customer_user).get(_url("search"), {"q": "硬盘预"}, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text
    assert published.number in text
    staff = client_for(editor).get(_url("search"), {"q": "PDR1016"}).content.decode()
    assert published.number in staff
    assert internal.number in staff
    assert draft.number in staff
    unknown = client_for(customer_user).get(_url("home"), {"q": "PDR1016", "category": "999999"})
    assert unknown.status_code == 200
    assert published.title in unknown.content.decode()
    category = (
        client_for(customer_user).get(_url("home"), {"category": str(published.category_id)}).content.decode()
    )
    assert published.title in category


def test_article_page_for_a_customer_shows_the_live_version_safely(
    published: Article, editor: User, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    services.update_article(actor=editor, article=published, title="Secret new title", body="Unreviewed text")
    client = client_for(customer_user)
    response = client.get(_url("article", published.pk), {"version": 2})
    body = response.content.decode()
    assert response.status_code == 200
    assert "硬盘预测性故障处理" in body
    assert "Secret new title" not in body
    assert "Unreviewed" not in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert "kb-status" not in body  # workflow state is for editors
    assert 'data-testid="kb-views">1</dd>' in body
    published.refresh_from_db()
    assert published.view_count == 1
    editor_body = client_for(editor).get(_url("article", published.pk), {"version": 2}).content.decode()
    assert "Unreviewed text" in editor_body
    assert 'data-testid="kb-not-live"' in editor_body


@pytest.mark.parametrize("which", ["internal", "draft"])
def test_customers_get_404_for_internal_and_unpublished_articles(
    which: str,
    internal: Article,
    draft: Article,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    article = internal if which == "internal" else draft
    client = client_for(customer_user)
    for name in ("article", "history", "diff"):
        assert client.get(_url(name, article.pk)).status_code == 404
    assert client.post(_url("feedback", article.pk), {"helpful": "yes"}).status_code == 404


def test_archived_articles_vanish_for_readers(
    published: Article, editor: User, customer_user: User, clerk: User, client_for: Callable[[User], Client]
) -> None:
    services.transition_article(actor=editor, article=published, action="archive")
    assert client_for(customer_user).get(_url("article", published.pk)).status_code == 404
    assert client_for(clerk).get(_url("article", published.pk)).status_code == 404
    assert client_for(editor).get(_url("article", published.pk)).status_code == 200


def test_editor_creates_with_preview_and_sees_field_errors(
    editor: User, customer_user: User, storage: Category, client_for: Callable[[User], Client]
) -> None:
    client = client_for(editor)
    assert client.get(_url("article_create")).status_code == 200
    preview = client.post(_url("preview"), {"body": "**bold** <img src=x onerror=alert(1)>"}).content.decode()
    assert "<strong>bold</strong>" in preview
    assert "<img" not in preview
    assert "&lt;img src=x onerror=alert(1)&gt;" in preview
    assert client_for(customer_user).post(_url("preview"), {"body": "x"}).status_code == 403
    bad = client.post(
        _url("article_create"), {"title": "", "body": "", "audience": "customer", "language": "en"}
    )
    assert bad.status_code == 400
    assert Article.objects.count() == 0
    response = client.post(
        _url("article_create"),
        {
            "title": "PSU redundancy lost",
            "body": "Reseat the cord.",
            "audience": "customer",
            "language": "en",
            "category": storage.pk,
            "component": "psu",
            "tags": "PSU, power",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("article", article.pk)
    assert article.status == ArticleStatus.DRAFT
    assert article.author == editor
    assert sorted(t.name for t in article.tags.all()) == ["PSU", "power"]


def test_edit_with_a_stale_revision_shows_the_conflict_and_keeps_the_text(
    draft: Article, editor: User, reviewer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(editor)
    form = {
        "title": "Mine",
        "body": "Mine",
        "audience": "internal",
        "language": "zh-hans",
        "revision": draft.revision,
    }
    services.update_article(actor=reviewer, article=draft, body="Theirs")
    response = client.post(_url("article_edit", draft.pk), form)
    assert response.status_code == 400
    assert "Someone else changed this article" in response.content.decode()
    draft.refresh_from_db()
    assert draft.current_version is not None
    assert draft.current_version.body == "Theirs"


def test_workflow_buttons_submit_refuse_self_approval_and_approve(
    draft: Article, editor: User, reviewer: User, client_for: Callable[[User], Client]
) -> None:
    editor_client = client_for(editor)
    page = editor_client.get(_url("article", draft.pk)).content.decode()
    assert 'data-testid="kb-action-submit"' in page
    editor_client.post(_url("workflow", draft.pk), {"action": "submit", "reviewers": [reviewer.pk]})
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.IN_REVIEW
    refused = editor_client.post(_url("workflow", draft.pk), {"action": "approve"}, follow=True)
    assert "You cannot approve your own article" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.IN_REVIEW
    client_for(reviewer).post(_url("workflow", draft.pk), {"action": "approve"})
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.PUBLISHED


def test_feedback_with_htmx_thanks_and_counts_once_per_reader(
    published: Article, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    response = client.post(_url("feedback", published.pk), {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="kb-feedback-thanks"' in response.content.decode()
    client.post(
        _url("feedback", published.pk),
        {"helpful": "no", "comment": "没有 R750 的步骤"},
        HTTP_HX_REQUEST="true",
    )
    published.refresh_from_db()
    assert (published.helpful_count, published.not_helpful_count) == (0, 1)
    bad = client.post(_url("feedback", published.pk), {"helpful": "maybe"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400


def test_history_and_diff_for_editors(
    published: Article, editor: User, client_for: Callable[[User], Client]
) -> None:
    services.update_article(
        actor=editor, article=published, title="硬盘预测性故障处理（新）", body="新的步骤 <b>x</b>"
    )
    client = client_for(editor)
    history = client.get(_url("history", published.pk)).content.decode()
    assert "v1" in history
    assert "v2" in history
    diff = client.get(_url("diff", published.pk), {"a": 1, "b": 2})
    text = diff.content.decode()
    assert diff.status_code == 200
    assert 'class="diff"' in text
    assert "diff_add" in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text
    assert "硬盘预测性故障处理（新）" in text  # the title change is listed
    assert client.get(_url("diff", published.pk), {"a": 1, "b": 9}).status_code == 404


def test_article_list_filters_searches_exports_and_refuses_customers(
    published: Article,
    internal: Article,
    draft: Article,
    editor: User,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(editor)
    body = client.get(_url("article_list"), {"status": "draft"}).content.decode()
    assert draft.number in body
    assert published.number not in body
    searched = client.get(_url("article_list"), {"q": "预测性"}, HTTP_HX_REQUEST="true").content.decode()
    assert published.number in searched
    assert internal.number not in searched
    assert "<html" not in searched
    csv = client.get(_url("article_list"), {"export": "csv", "audience": "internal"})
    content = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    assert internal.number in content
    assert published.number not in content
    xlsx = client.get(_url("article_list"), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    for name in ("article_list", "review_queue", "feedback_list", "category_list"):
        assert client_for(customer_user).get(_url(name)).status_code == 403
        assert client.get(_url(name)).status_code == 200


def test_review_queue_shows_what_waits_for_me(
    draft: Article,
    make_article: Callable[..., Article],
    editor: User,
    reviewer: User,
    manager: User,
    client_for: Callable[[User], Client],
) -> None:
    services.transition_article(actor=editor, article=draft, action="submit", reviewers=[reviewer])
    other = make_article(title="Other review")
    services.transition_article(actor=editor, article=other, action="submit", reviewers=[manager])
    mine = client_for(reviewer).get(_url("review_queue"), {"mine": "true"}).content.decode()
    assert draft.number in mine
    assert other.number not in mine


def test_categories_are_created_and_duplicates_refused(
    editor: User, storage: Category, client_for: Callable[[User], Client]
) -> None:
    client = client_for(editor)
    response = client.post(_url("category_create"), {"name": "电源 Power", "code": "psu", "position": 20})
    assert response.status_code == 302
    duplicate = client.post(_url("category_create"), {"name": "Other", "code": "psu", "position": 30})
    assert duplicate.status_code == 400
    assert "already exists" in duplicate.content.decode()
    edit = client.post(
        _url("category_edit", storage.pk), {"name": "硬盘 Disks", "code": "disk", "position": 5}
    )
    assert edit.status_code == 302
    storage.refresh_from_db()
    assert storage.position == 5


def test_article_list_queries_do_not_grow_with_rows(
    make_article: Callable[..., Article],
    editor: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(editor)
    make_article(tags="a, b")
    client.get(_url("article_list"))
    with django_assert_max_num_queries(12) as few:
        client.get(_url("article_list"))
    for index in range(20):
        make_article(title=f"Article {index}", tags="a, b, c")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("article_list"))


def test_menu_entries_for_staff_only(
    editor: User, clerk: User, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    editor_page = client_for(editor).get(_url("home")).content.decode()
    assert 'href="/kb/"' in editor_page
    assert 'href="/kb/review/"' in editor_page
    clerk_page = client_for(clerk).get(_url("home")).content.decode()
    assert 'href="/kb/"' in clerk_page
    assert 'href="/kb/review/"' not in clerk_page
    customer_page = client_for(customer_user).get(_url("home")).content.decode()
    assert 'href="/kb/review/"' not in customer_page
