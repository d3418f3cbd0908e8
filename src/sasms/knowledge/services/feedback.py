"""Readers' feedback: "did this help?" yes or no, with an optional comment, once per reader."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import NotFound
from sasms.knowledge.models import Article, ArticleFeedback
from sasms.knowledge.selectors import articles_visible_to, is_staff_reader, live_condition
from sasms.knowledge.services.common import audit, invalid

COMMENT_CHARS = 2000


def _count(article_id: int, helpful: bool, step: int) -> None:
    field = "helpful_count" if helpful else "not_helpful_count"
    Article.objects.filter(pk=article_id).update(**{field: F(field) + step})


@transaction.atomic
def give_feedback(*, actor: User, article: Article, helpful: bool, comment: str = "") -> ArticleFeedback:
    """Record or change the reader's answer on a published article they may read.

    A second answer replaces the first; the counters move with F() updates, so concurrent votes
    on one article never lose a count.
    """
    comment = comment.strip()
    if len(comment) > COMMENT_CHARS:
        raise invalid("comment", _("At most %(count)d characters.") % {"count": COMMENT_CHARS})
    readable = articles_visible_to(actor=actor).filter(
        live_condition(customer=not is_staff_reader(actor)), pk=article.pk
    )
    article = readable.select_related("live_version").first()  # type: ignore[assignment]
    if article is None or article.live_version is None:
        raise NotFound(_("Not found."))
    now = timezone.now()
    feedback = ArticleFeedback.objects.select_for_update().filter(article=article, user=actor).first()
    if feedback is None:
        try:
            with transaction.atomic():
                feedback = ArticleFeedback.objects.create(
                    article=article,
                    version_number=article.live_version.number,
                    user=actor,
                    organisation_id=actor.organisation_id,
                    helpful=helpful,
                    comment=comment,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:  # the same reader's answer from another tab won the race
            feedback = ArticleFeedback.objects.select_for_update().get(article=article, user=actor)
        else:
            _count(article.pk, helpful, 1)
            audit(actor, "feedback", article, {"helpful": [None, helpful]})
            return feedback
    before = feedback.helpful
    if before != helpful:
        _count(article.pk, before, -1)
        _count(article.pk, helpful, 1)
    feedback.helpful = helpful
    feedback.comment = comment or feedback.comment
    feedback.version_number = article.live_version.number
    feedback.updated_at = now
    feedback.save()
    audit(actor, "feedback", article, {"helpful": [before, helpful]})
    return feedback
