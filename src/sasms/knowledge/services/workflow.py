"""The review workflow: draft → in review → published → archived, and back to draft.

Anyone who may edit knowledge submits a draft and names reviewers. A named reviewer, or a service
manager or administrator, approves it — never someone who wrote or submitted that version. A
refused step raises and changes nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.permissions import require
from sasms.knowledge.models import Article, ArticleReview, ArticleStatus, ArticleVersion, ReviewAction
from sasms.knowledge.search import index_article
from sasms.knowledge.selectors import is_editor, is_manager
from sasms.knowledge.services.common import audit, invalid, lock_article, notify_users

COMMENT_CHARS = 2000


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise
    style: str
    # Shown with a text field for a comment; required where ``comment_required``.
    comment_required: bool = False


ACTIONS: dict[str, Action] = {
    "submit": Action("submit", gettext_lazy("Submit for review"), "primary"),
    "approve": Action("approve", gettext_lazy("Approve and publish"), "success"),
    "request_changes": Action("request_changes", gettext_lazy("Request changes"), "warning", True),
    "withdraw": Action("withdraw", gettext_lazy("Withdraw from review"), "outline-secondary"),
    "archive": Action("archive", gettext_lazy("Archive"), "outline-danger"),
    "restore": Action("restore", gettext_lazy("Restore as draft"), "outline-primary"),
}


def _contributors(article: Article, version: ArticleVersion, *, submitted: bool = True) -> set[int]:
    """Who wrote (and, once in review, submitted) this version: none of them may approve it."""
    ids = {version.created_by_id, version.updated_by_id}
    if submitted:
        ids.add(article.submitted_by_id)
    if version.number == 1:
        ids.add(article.author_id)
    return {i for i in ids if i is not None}


def _is_named_reviewer(actor: User, article: Article) -> bool:
    return article.reviewers.filter(pk=actor.pk).exists()


def _may_manage(actor: User, article: Article) -> bool:
    """The author or a manager archives and restores."""
    return is_manager(actor) or (actor.pk is not None and actor.pk == article.author_id)


@dataclass(frozen=True)
class Refusal:
    message: str
    # "state": not possible in this state (409); "permission": not for this person (403).
    kind: str
    code: str = "transition_refused"


def _state(message: str) -> Refusal:
    return Refusal(message, "state")


def _person(message: str, code: str = "permission_denied") -> Refusal:
    return Refusal(message, "permission", code)


def refusal(*, actor: User, article: Article, action: str) -> Refusal | None:
    """Why ``actor`` may not take ``action`` on ``article`` now, or ``None`` when they may."""
    if action not in ACTIONS:
        return Refusal(_("Unknown action."), "invalid", "invalid")
    if not is_editor(actor):
        return _person(_("You do not have permission to do this."))
    status = article.status
    if action == "submit":
        return (
            None if status == ArticleStatus.DRAFT else _state(_("Only a draft can be submitted for review."))
        )
    if action in ("approve", "request_changes", "withdraw"):
        if status != ArticleStatus.IN_REVIEW:
            return _state(_("The article is not in review."))
        version = article.current_version
        assert version is not None
        if action == "withdraw":
            if actor.pk in (article.submitted_by_id, article.author_id) or is_manager(actor):
                return None
            return _person(
                _("Only the submitter, the author or a manager can withdraw an article from review.")
            )
        if action == "approve" and actor.pk in _contributors(article, version):
            return _person(_("You cannot approve your own article: another reviewer must."), "self_approval")
        if not (_is_named_reviewer(actor, article) or is_manager(actor)):
            return _person(_("Only a named reviewer or a service manager can review this article."))
        return None
    if action == "archive":
        if status == ArticleStatus.ARCHIVED:
            return _state(_("The article is archived already."))
        return (
            None
            if _may_manage(actor, article)
            else _person(_("Only the author or a manager can archive an article."))
        )
    # restore
    if status != ArticleStatus.ARCHIVED:
        return _state(_("Only an archived article can be restored."))
    return (
        None
        if _may_manage(actor, article)
        else _person(_("Only the author or a manager can restore an article."))
    )


def available_actions(*, actor: User, article: Article) -> list[Action]:
    return [a for name, a in ACTIONS.items() if refusal(actor=actor, article=article, action=name) is None]


def _log(article: Article, actor: User, action: str, comment: str) -> ArticleReview:
    version = article.current_version
    return ArticleReview.objects.create(
        article=article,
        version_number=version.number if version is not None else 0,
        actor=actor,
        action=action,
        comment=comment,
    )


def _check_reviewers(actor: User, article: Article, reviewers: Sequence[User]) -> list[User]:
    version = article.current_version
    assert version is not None
    blocked = _contributors(article, version, submitted=False) | {actor.pk}
    chosen = {r.pk: r for r in reviewers}
    if not chosen:
        raise invalid("reviewers", _("Name at least one reviewer other than yourself."))
    for reviewer in chosen.values():
        if reviewer.pk in blocked:
            raise invalid("reviewers", _("A reviewer cannot be someone who wrote this version."))
        if not is_editor(reviewer):
            raise invalid("reviewers", _("%(name)s cannot review knowledge articles.") % {"name": reviewer})
    return list(chosen.values())


@transaction.atomic
def transition_article(
    *,
    actor: User,
    article: Article,
    action: str,
    reviewers: Sequence[User] = (),
    comment: str = "",
) -> Article:
    """Take one workflow step, or refuse it (``Conflict``/``PermissionDenied``) and change nothing."""
    require(actor, Capability.EDIT_KNOWLEDGE)
    comment = comment.strip()
    if len(comment) > COMMENT_CHARS:
        raise invalid("comment", _("At most %(count)d characters.") % {"count": COMMENT_CHARS})
    article = lock_article(article.pk)
    refused = refusal(actor=actor, article=article, action=action)
    if refused is not None:
        fields = {"action": [refused.message]}
        if refused.kind == "invalid":
            raise ServiceError(refused.message, fields=fields)
        if refused.kind == "permission":
            raise PermissionDenied(refused.message, code=refused.code, fields=fields)
        raise Conflict(refused.message, code=refused.code, fields=fields)
    if ACTIONS[action].comment_required and not comment:
        raise invalid("comment", _("Say what should change."))
    version = article.current_version
    assert version is not None
    before = article.status
    now = timezone.now()
    notify: tuple[list[User | None], str, str] | None = None
    if action == "submit":
        if not version.body.strip() or not version.title.strip():
            raise invalid("action", _("Write a title and a text before submitting."))
        chosen = _check_reviewers(actor, article, reviewers)
        article.status = ArticleStatus.IN_REVIEW
        article.submitted_by = actor
        article.submitted_at = now
        article.reviewers.set(chosen)
        notify = (
            list(chosen),
            gettext_noop("Knowledge article %(number)s waits for your review"),
            gettext_noop("%(actor)s asks you to review “%(title)s” (version %(version)s)."),
        )
    elif action == "approve":
        version.published_at = now
        version.approved_by = actor
        version.save(update_fields=["published_at", "approved_by"])
        article.status = ArticleStatus.PUBLISHED
        article.live_version = version
        article.published_at = now
        article.archived_at = None
        notify = (
            [article.submitted_by, article.author],
            gettext_noop("Knowledge article %(number)s is published"),
            gettext_noop("%(actor)s approved “%(title)s” (version %(version)s); readers see it now."),
        )
    elif action in ("request_changes", "withdraw"):
        article.status = ArticleStatus.DRAFT
        if action == "request_changes":
            notify = (
                [article.submitted_by, article.author],
                gettext_noop("Changes requested on knowledge article %(number)s"),
                gettext_noop("%(actor)s asks for changes to “%(title)s” (version %(version)s)."),
            )
    elif action == "archive":
        article.status = ArticleStatus.ARCHIVED
        article.live_version = None
        article.archived_at = now
    else:  # restore
        article.status = ArticleStatus.DRAFT
        article.archived_at = None
    article.updated_at = now
    article.save()
    review = _log(article, actor, getattr(ReviewAction, _LOGGED[action]), comment)
    audit(actor, f"article.{action}", article, {"status": [before, article.status]})
    index_article(article)
    if notify is not None:
        users, subject, body = notify
        params = {
            "number": article.number,
            "title": version.title,
            "version": version.number,
            "actor": actor.full_name or actor.email,
        }
        notify_users(
            users=[u for u in users if u is None or u.pk != actor.pk],
            key=f"knowledge:review:{review.pk}",
            subject=subject,
            body=body,
            params=params,
            article=article,
        )
    return article


_LOGGED = {
    "submit": "SUBMITTED",
    "approve": "APPROVED",
    "request_changes": "CHANGES_REQUESTED",
    "withdraw": "WITHDRAWN",
    "archive": "ARCHIVED",
    "restore": "RESTORED",
}
