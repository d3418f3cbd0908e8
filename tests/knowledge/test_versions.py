"""Versions: drafts are edited in place, every edit of a published article makes a new version."""

from collections.abc import Callable

import pytest

from sasms.accounts.models import User
from sasms.assets.models import ServerModel
from sasms.core.errors import Conflict, ServiceError
from sasms.core.models import AuditEntry
from sasms.core.search.models import Audience, SearchDocument
from sasms.knowledge import selectors, services
from sasms.knowledge.models import Article, ArticleStatus, ArticleVersion
from sasms.knowledge.search import DRAFT_DOCUMENT, LIVE_DOCUMENT
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db


def test_a_draft_is_edited_in_place(make_article: Callable[..., Article], editor: User) -> None:
    article = make_article()
    article = services.update_article(
        actor=editor, article=article, revision=article.revision, title="RAID 降级处理", body="更换故障硬盘。"
    )
    assert article.versions.count() == 1
    version = article.current_version
    assert version is not None
    assert (version.number, version.title, version.body) == (
        1,
        "RAID 降级处理",
        "更换故障硬盘。",
    )
    assert article.title == "RAID 降级处理"
    assert article.revision == 2


def test_editing_a_published_article_makes_a_new_version_and_keeps_the_live_one(
    make_article: Callable[..., Article],
    publish: Publish,
    editor: User,
    reviewer: User,
    customer_user: User,
) -> None:
    article = publish(make_article(body="Old text: replace the disk."))
    article = services.update_article(
        actor=editor,
        article=article,
        title="RAID degraded: rebuild and replace",
        body="New text: check the rebuild first.",
        change_note="Rebuild step",
    )
    assert article.status == ArticleStatus.DRAFT
    assert [v.number for v in article.versions.order_by("number")] == [1, 2]
    assert article.live_version is not None
    assert article.live_version.number == 1
    assert article.current_version is not None
    assert article.current_version.number == 2
    assert article.has_pending_revision
    # Readers still read version 1, with its title; the draft's title is not theirs to see.
    seen = selectors.access_article(actor=customer_user, article_id=article.pk)
    assert seen.shown_title == "RAID degraded after disk failure"  # type: ignore[attr-defined]
    assert selectors.shown_version(actor=customer_user, article=seen).body == "Old text: replace the disk."
    assert selectors.shown_version(actor=customer_user, article=seen, number=2).number == 1
    documents = {d.object_type: d for d in SearchDocument.objects.filter(object_id=str(article.pk))}
    assert "Old text" in documents[LIVE_DOCUMENT].body
    assert documents[LIVE_DOCUMENT].audience == Audience.CUSTOMER
    assert "New text" in documents[DRAFT_DOCUMENT].body
    assert documents[DRAFT_DOCUMENT].audience == Audience.INTERNAL
    # Approved: version 2 goes live and the draft document goes.
    services.transition_article(actor=editor, article=article, action="submit", reviewers=[reviewer])
    article = services.transition_article(actor=reviewer, article=article, action="approve")
    assert article.live_version is not None
    assert article.live_version.number == 2
    assert not SearchDocument.objects.filter(object_type=DRAFT_DOCUMENT, object_id=str(article.pk)).exists()
    # Version 1 is never changed.
    assert ArticleVersion.objects.get(article=article, number=1).body == "Old text: replace the disk."


def test_each_edit_of_a_published_version_counts(
    make_article: Callable[..., Article], publish: Publish, editor: User
) -> None:
    article = publish(make_article())
    article = services.update_article(actor=editor, article=article, body="Second.")
    article = services.update_article(actor=editor, article=article, body="Second, improved.")
    # Version 2 was never published, so the second edit changes it in place.
    assert [v.number for v in article.versions.order_by("number")] == [1, 2]
    article = publish(article)
    # Archived and restored, the published version 2 is still never changed: the edit makes version 3.
    article = services.transition_article(actor=editor, article=article, action="archive")
    article = services.transition_article(actor=editor, article=article, action="restore")
    article = services.update_article(actor=editor, article=article, body="Third.")
    assert [v.number for v in article.versions.order_by("number")] == [1, 2, 3]
    assert ArticleVersion.objects.get(article=article, number=2).body == "Second, improved."


def test_classification_changes_do_not_make_a_version(
    make_article: Callable[..., Article], publish: Publish, editor: User, r740: ServerModel
) -> None:
    article = publish(make_article())
    article = services.update_article(
        actor=editor, article=article, tags=["RAID", "硬盘"], server_models=[r740], component="disk"
    )
    assert article.status == ArticleStatus.PUBLISHED
    assert article.versions.count() == 1
    assert sorted(t.name for t in article.tags.all()) == ["RAID", "硬盘"]
    live = SearchDocument.objects.get(object_type=LIVE_DOCUMENT, object_id=str(article.pk))
    assert "PowerEdge R740" in live.body
    assert "硬盘" in live.body


def test_a_save_based_on_an_old_revision_is_refused(
    make_article: Callable[..., Article], editor: User, reviewer: User
) -> None:
    article = make_article()
    opened = article.revision
    services.update_article(actor=reviewer, article=article, revision=opened, body="Reviewer's fix.")
    with pytest.raises(Conflict) as stale:
        services.update_article(actor=editor, article=article, revision=opened, body="Editor's overwrite.")
    assert stale.value.code == "stale_revision"
    article.refresh_from_db()
    assert article.current_version is not None
    assert article.current_version.body == "Reviewer's fix."


def test_in_review_and_archived_articles_are_not_edited(
    make_article: Callable[..., Article], publish: Publish, editor: User, reviewer: User
) -> None:
    article = make_article()
    article = services.transition_article(
        actor=editor, article=article, action="submit", reviewers=[reviewer]
    )
    with pytest.raises(Conflict):
        services.update_article(actor=editor, article=article, body="Sneaky change during review.")
    article = services.transition_article(actor=reviewer, article=article, action="approve")
    article = services.transition_article(actor=editor, article=article, action="archive")
    with pytest.raises(Conflict):
        services.update_article(actor=editor, article=article, body="Change while archived.")
    assert article.versions.get().body.startswith("## Symptom")


def test_bad_values_are_refused_by_field_and_nothing_changes(
    make_article: Callable[..., Article], editor: User
) -> None:
    article = make_article()
    audits = AuditEntry.objects.count()
    with pytest.raises(ServiceError) as refused:
        services.update_article(
            actor=editor,
            article=article,
            title="",
            body="x" * 100_001,
            audience="everyone",
            component="toaster",
        )
    assert set(refused.value.fields) == {"title", "body", "audience", "component"}
    with pytest.raises(ServiceError) as tags:
        services.update_article(actor=editor, article=article, tags=["x" * 41])
    assert "tags" in tags.value.fields
    with pytest.raises(ServiceError) as unknown:
        services.update_article(actor=editor, article=article, status="published")
    assert "status" in unknown.value.fields
    article.refresh_from_db()
    assert article.title == "RAID degraded after disk failure"
    assert AuditEntry.objects.count() == audits


def test_saving_unchanged_values_writes_nothing(make_article: Callable[..., Article], editor: User) -> None:
    article = make_article(tags="RAID, disk")
    audits = AuditEntry.objects.count()
    article = services.update_article(
        actor=editor,
        article=article,
        title=article.title,
        tags=["raid", "DISK"],
        body=article.current_version.body + "\r\n",  # type: ignore[union-attr]
    )
    assert article.revision == 1
    assert AuditEntry.objects.count() == audits


def test_tags_are_shared_case_insensitively(make_article: Callable[..., Article]) -> None:
    first = make_article(tags="RAID，硬盘; Dell")
    second = make_article(tags=["raid", "dell", "iDRAC"])
    assert sorted(t.name for t in first.tags.all()) == ["Dell", "RAID", "硬盘"]
    assert {t.pk for t in first.tags.all()} & {t.pk for t in second.tags.all()} == {
        t.pk for t in first.tags.all() if t.name in ("RAID", "Dell")
    }
