"""The knowledge API: readers' views, writes through the services, search, review steps, feedback."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from sasms.accounts.models import User
from sasms.core.search.models import Audience
from sasms.knowledge import services
from sasms.knowledge.models import Article, ArticleStatus, Category
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db
API = "/api/v1/knowledge/articles/"


@pytest.fixture
def live(make_article: Callable[..., Article], publish: Publish) -> Article:
    return publish(
        make_article(title="PSU redundancy lost", body="Reseat the **cord**. <script>x</script>", tags="PSU")
    )


@pytest.fixture
def internal(make_article: Callable[..., Article], publish: Publish) -> Article:
    return publish(make_article(title="Internal PSU swap", body="Internal only", audience=Audience.INTERNAL))


@pytest.fixture
def draft(make_article: Callable[..., Article]) -> Article:
    return make_article(title="PSU draft", body="Not reviewed")


def test_customers_list_and_read_only_published_customer_visible_articles(
    live: Article,
    internal: Article,
    draft: Article,
    editor: User,
    customer_user: User,
    api_for: Callable[[User], APIClient],
) -> None:
    services.update_article(actor=editor, article=live, title="Unreviewed new title")
    client = api_for(customer_user)
    rows = client.get(API).json()["results"]
    assert [r["number"] for r in rows] == [live.number]
    [row] = rows
    assert row["title"] == "PSU redundancy lost"
    assert row["status"] == "published"
    assert row["working_version"] is None
    assert row["revision"] is None
    assert row["version"] == 1
    detail = client.get(f"{API}{live.pk}/").json()
    assert "<strong>cord</strong>" in detail["html"]
    assert "<script>" not in detail["html"]
    assert detail["source_ticket"] is None
    for hidden in (internal, draft):
        response = client.get(f"{API}{hidden.pk}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    # Workflow filters are not theirs: asking for drafts changes nothing.
    assert [r["number"] for r in client.get(API, {"status": "draft"}).json()["results"]] == [live.number]


def test_editors_list_everything_and_filter(
    live: Article, internal: Article, draft: Article, editor: User, api_for: Callable[[User], APIClient]
) -> None:
    client = api_for(editor)
    assert {r["number"] for r in client.get(API).json()["results"]} == {
        live.number,
        internal.number,
        draft.number,
    }
    assert [r["number"] for r in client.get(API, {"status": "draft"}).json()["results"]] == [draft.number]
    assert [r["number"] for r in client.get(API, {"audience": "internal"}).json()["results"]] == [
        internal.number
    ]
    assert [r["number"] for r in client.get(API, {"q": "redundancy"}).json()["results"]] == [live.number]


def test_create_validates_names_fields_and_goes_through_the_service(
    editor: User, customer_user: User, storage: Category, api_for: Callable[[User], APIClient]
) -> None:
    client = api_for(editor)
    bad = client.post(API, {"title": "", "body": "x", "audience": "everyone", "colour": "red"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) >= {"colour"}
    bad = client.post(API, {"title": "", "body": "x", "audience": "everyone"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"title", "audience"}
    missing = client.post(API, {"title": "T", "body": "B", "category": 999999}, format="json")
    assert missing.status_code == 404
    assert "category" in missing.json()["error"]["fields"]
    assert not Article.objects.exists()
    created = client.post(
        API,
        {
            "title": "内存 ECC 错误",
            "body": "更换内存。",
            "category": storage.pk,
            "tags": ["内存", "ECC"],
            "component": "memory",
        },
        format="json",
    )
    assert created.status_code == 201
    data = created.json()
    assert data["status"] == "draft"
    assert data["tags"] == ["ECC", "内存"]
    assert data["revision"] == 1
    assert api_for(customer_user).post(API, {"title": "T", "body": "B"}, format="json").status_code == 403


def test_update_with_revision_makes_a_new_version_of_a_published_article(
    live: Article, editor: User, reviewer: User, api_for: Callable[[User], APIClient]
) -> None:
    client = api_for(editor)
    revision = client.get(f"{API}{live.pk}/").json()["revision"]
    response = client.patch(
        f"{API}{live.pk}/", {"body": "New text", "revision": revision, "change_note": "v2"}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["version"], data["live_version"]) == ("draft", 2, 1)
    stale = client.patch(f"{API}{live.pk}/", {"body": "Other", "revision": revision}, format="json")
    assert stale.status_code == 409
    assert "revision" in stale.json()["error"]["fields"]
    assert (
        api_for(reviewer).patch(f"{API}{live.pk}/", {"status": "published"}, format="json").status_code == 400
    )


def test_search_endpoint_ranks_and_highlights(
    live: Article, internal: Article, customer_user: User, editor: User, api_for: Callable[[User], APIClient]
) -> None:
    data = api_for(customer_user).get(f"{API}search/", {"q": "PSU"}).json()
    assert data["count"] == 1
    [hit] = data["results"]
    assert hit["article"]["number"] == live.number
    assert "<mark>PSU</mark>" in hit["title_html"]
    assert api_for(editor).get(f"{API}search/", {"q": "PSU"}).json()["count"] == 2
    assert api_for(editor).get(f"{API}search/", {"q": "redund", "prefix": "true"}).json()["count"] == 1
    assert api_for(editor).get(f"{API}search/").status_code == 400


def test_review_steps_through_the_api(
    draft: Article, editor: User, reviewer: User, api_for: Callable[[User], APIClient]
) -> None:
    url = f"{API}{draft.pk}/transition/"
    submitted = api_for(editor).post(url, {"action": "submit", "reviewers": [reviewer.pk]}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "in_review"
    own = api_for(editor).post(url, {"action": "approve"}, format="json")
    assert own.status_code == 403
    assert own.json()["error"]["code"] == "self_approval"
    wrong = api_for(reviewer).post(url, {"action": "restore"}, format="json")
    assert wrong.status_code == 409
    unknown = api_for(reviewer).post(url, {"action": "approve", "reviewers": [999999]}, format="json")
    assert unknown.status_code == 404
    assert "reviewers" in unknown.json()["error"]["fields"]
    approved = api_for(reviewer).post(url, {"action": "approve"}, format="json")
    assert approved.status_code == 200
    assert approved.json()["status"] == ArticleStatus.PUBLISHED


def test_feedback_through_the_api(
    live: Article, internal: Article, customer_user: User, api_for: Callable[[User], APIClient]
) -> None:
    client = api_for(customer_user)
    response = client.post(f"{API}{live.pk}/feedback/", {"helpful": True}, format="json")
    assert response.status_code == 200
    assert response.json()["helpful_count"] == 1
    assert client.post(f"{API}{live.pk}/feedback/", {"helpful": "perhaps"}, format="json").status_code == 400
    assert client.post(f"{API}{internal.pk}/feedback/", {"helpful": True}, format="json").status_code == 404


def test_schema_lists_the_knowledge_endpoints(manager: User, api_for: Callable[[User], APIClient]) -> None:
    schema = api_for(manager).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/knowledge/articles/",
        "/api/v1/knowledge/articles/{id}/",
        "/api/v1/knowledge/articles/search/",
        "/api/v1/knowledge/articles/{id}/transition/",
        "/api/v1/knowledge/articles/{id}/feedback/",
    ):
        assert path in paths, path
