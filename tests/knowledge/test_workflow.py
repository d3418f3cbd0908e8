"""The review workflow: who may take which step, refused steps change nothing, the live version moves."""

from collections.abc import Callable

import pytest

from sasms.accounts.models import User
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry, OutboxMessage
from sasms.knowledge import services
from sasms.knowledge.models import Article, ArticleReview, ArticleStatus, ReviewAction
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db


def _state(article: Article) -> tuple[str, int | None, int | None, int, int]:
    article.refresh_from_db()
    return (
        article.status,
        article.live_version_id,
        article.current_version_id,
        ArticleReview.objects.filter(article=article).count(),
        AuditEntry.objects.filter(object_type="knowledge.article", object_id=str(article.pk)).count(),
    )


def test_draft_to_review_to_published_to_archived_and_back(
    make_article: Callable[..., Article], editor: User, reviewer: User
) -> None:
    article = make_article()
    assert article.status == ArticleStatus.DRAFT
    assert article.live_version is None
    article = services.transition_article(
        actor=editor, article=article, action="submit", reviewers=[reviewer]
    )
    assert article.status == ArticleStatus.IN_REVIEW
    assert list(article.reviewers.all()) == [reviewer]
    article = services.transition_article(actor=reviewer, article=article, action="approve", comment="Good.")
    assert article.status == ArticleStatus.PUBLISHED
    assert article.live_version_id == article.current_version_id
    assert article.live_version is not None
    assert article.live_version.approved_by == reviewer
    assert article.published_at is not None
    article = services.transition_article(actor=editor, article=article, action="archive", comment="Obsolete")
    assert article.status == ArticleStatus.ARCHIVED
    assert article.live_version is None
    article = services.transition_article(actor=editor, article=article, action="restore")
    assert article.status == ArticleStatus.DRAFT
    log = list(ArticleReview.objects.filter(article=article).values_list("action", "actor_id", "comment"))
    assert log == [
        (ReviewAction.SUBMITTED, editor.pk, ""),
        (ReviewAction.APPROVED, reviewer.pk, "Good."),
        (ReviewAction.ARCHIVED, editor.pk, "Obsolete"),
        (ReviewAction.RESTORED, editor.pk, ""),
    ]
    actions = set(
        AuditEntry.objects.filter(object_type="knowledge.article", object_id=str(article.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"knowledge.article.create", "knowledge.article.submit", "knowledge.article.approve"} <= actions


def test_author_cannot_approve_their_own_article_even_as_manager(
    make_article: Callable[..., Article], manager: User, reviewer: User
) -> None:
    article = make_article(actor=manager)
    article = services.transition_article(
        actor=manager, article=article, action="submit", reviewers=[reviewer]
    )
    before = _state(article)
    with pytest.raises(PermissionDenied) as refused:
        services.transition_article(actor=manager, article=article, action="approve")
    assert refused.value.code == "self_approval"
    assert _state(article) == before


def test_editor_of_the_new_version_cannot_approve_it(
    make_article: Callable[..., Article], publish: Publish, editor: User, reviewer: User, manager: User
) -> None:
    article = publish(make_article())
    # The reviewer edits the published article: they wrote version 2, so they may not approve it.
    article = services.update_article(actor=reviewer, article=article, body="New text by the reviewer.")
    article = services.transition_article(
        actor=reviewer, article=article, action="submit", reviewers=[editor]
    )
    with pytest.raises(PermissionDenied):
        services.transition_article(actor=reviewer, article=article, action="approve")
    article = services.transition_article(actor=editor, article=article, action="approve")
    assert article.live_version is not None
    assert article.live_version.number == 2


def test_only_named_reviewers_or_managers_approve(
    make_article: Callable[..., Article],
    make_user: Callable[..., User],
    editor: User,
    reviewer: User,
    manager: User,
) -> None:
    other = make_user("engineer")
    article = make_article()
    article = services.transition_article(
        actor=editor, article=article, action="submit", reviewers=[reviewer]
    )
    before = _state(article)
    with pytest.raises(PermissionDenied):
        services.transition_article(actor=other, article=article, action="approve")
    with pytest.raises(PermissionDenied):
        services.transition_article(actor=other, article=article, action="request_changes", comment="x")
    assert _state(article) == before
    # A service manager approves without being named.
    article = services.transition_article(actor=manager, article=article, action="approve")
    assert article.status == ArticleStatus.PUBLISHED


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve", ArticleStatus.DRAFT),
        ("request_changes", ArticleStatus.DRAFT),
        ("withdraw", ArticleStatus.DRAFT),
        ("restore", ArticleStatus.DRAFT),
        ("submit", ArticleStatus.PUBLISHED),
        ("approve", ArticleStatus.PUBLISHED),
        ("restore", ArticleStatus.PUBLISHED),
        ("submit", ArticleStatus.ARCHIVED),
        ("approve", ArticleStatus.ARCHIVED),
        ("archive", ArticleStatus.ARCHIVED),
    ],
)
def test_steps_not_possible_in_a_state_are_refused_with_nothing_changed(
    make_article: Callable[..., Article],
    publish: Publish,
    editor: User,
    reviewer: User,
    manager: User,
    action: str,
    status: str,
) -> None:
    article = make_article()
    if status in (ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED):
        article = publish(article)
    if status == ArticleStatus.ARCHIVED:
        article = services.transition_article(actor=editor, article=article, action="archive")
    before = _state(article)
    with pytest.raises(Conflict) as refused:
        services.transition_article(
            actor=manager, article=article, action=action, reviewers=[reviewer], comment="c"
        )
    assert refused.value.status == 409
    assert "action" in refused.value.fields
    assert _state(article) == before


def test_submit_needs_a_reviewer_other_than_the_author(
    make_article: Callable[..., Article], editor: User, clerk: User
) -> None:
    article = make_article()
    before = _state(article)
    with pytest.raises(ServiceError) as none:
        services.transition_article(actor=editor, article=article, action="submit", reviewers=[])
    assert "reviewers" in none.value.fields
    with pytest.raises(ServiceError) as self_review:
        services.transition_article(actor=editor, article=article, action="submit", reviewers=[editor])
    assert "reviewers" in self_review.value.fields
    with pytest.raises(ServiceError) as not_editor:
        services.transition_article(actor=editor, article=article, action="submit", reviewers=[clerk])
    assert "reviewers" in not_editor.value.fields
    assert _state(article) == before


def test_request_changes_needs_a_comment_and_returns_the_draft(
    make_article: Callable[..., Article], editor: User, reviewer: User
) -> None:
    article = make_article()
    article = services.transition_article(
        actor=editor, article=article, action="submit", reviewers=[reviewer]
    )
    with pytest.raises(ServiceError) as refused:
        services.transition_article(actor=reviewer, article=article, action="request_changes")
    assert "comment" in refused.value.fields
    article = services.transition_article(
        actor=reviewer, article=article, action="request_changes", comment="Add the firmware version."
    )
    assert article.status == ArticleStatus.DRAFT
    mail = OutboxMessage.objects.filter(payload__to=[editor.email]).order_by("-id").first()
    assert mail is not None
    assert "Changes requested" in mail.payload["subject"]


def test_submit_notifies_reviewers_once_in_their_language(
    make_article: Callable[..., Article], make_user: Callable[..., User], editor: User
) -> None:
    chinese = make_user("agent", language="zh-hans", email="zh@example.com")
    article = make_article()
    services.transition_article(actor=editor, article=article, action="submit", reviewers=[chinese])
    [mail] = OutboxMessage.objects.filter(payload__to=["zh@example.com"])
    assert article.number in mail.payload["subject"]
    assert "审核" in mail.payload["subject"] or "review" in mail.payload["subject"]
    assert f"/kb/articles/{article.pk}/" in mail.payload["body"]


def test_people_without_edit_knowledge_cannot_write_or_review(
    make_article: Callable[..., Article], customer_user: User, clerk: User, editor: User, reviewer: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.create_article(actor=customer_user, title="x", body="y")
    with pytest.raises(PermissionDenied):
        services.create_article(actor=clerk, title="x", body="y")
    article = make_article()
    for outsider in (customer_user, clerk):
        with pytest.raises(PermissionDenied):
            services.update_article(actor=outsider, article=article, title="Hijacked")
        with pytest.raises(PermissionDenied):
            services.transition_article(
                actor=outsider, article=article, action="submit", reviewers=[reviewer]
            )
    article.refresh_from_db()
    assert article.title == "RAID degraded after disk failure"
    assert article.status == ArticleStatus.DRAFT


def test_only_author_or_manager_archive(
    make_article: Callable[..., Article], publish: Publish, reviewer: User, manager: User
) -> None:
    article = publish(make_article())
    with pytest.raises(PermissionDenied):
        services.transition_article(actor=reviewer, article=article, action="archive")
    article = services.transition_article(actor=manager, article=article, action="archive")
    assert article.status == ArticleStatus.ARCHIVED


def test_unknown_action_names_the_field(make_article: Callable[..., Article], editor: User) -> None:
    article = make_article()
    with pytest.raises(ServiceError) as refused:
        services.transition_article(actor=editor, article=article, action="publish_now")
    assert refused.value.fields == {"action": ["Unknown action."]}
