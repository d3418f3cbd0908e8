"""Reads of the knowledge base, scoped to what the acting user may see.

* Editors (``EDIT_KNOWLEDGE``) see every article in every state, and every version.
* Other staff (who see all organisations) see published articles, internal or customer-visible.
* Customer users see published, customer-visible articles only — the live version, never a draft.
* Anyone else sees nothing.

Articles belong to no organisation: what is published for customers is published for all of them.
"Not visible" and "does not exist" are answered alike (``NotFound``).
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability, Role
from sasms.core.errors import NotFound
from sasms.core.search.models import Audience
from sasms.core.tenancy import sees_all_organisations
from sasms.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleReview,
    ArticleStatus,
    ArticleVersion,
    Category,
    ReindexJob,
    SynonymGroup,
    Tag,
)
from sasms.tickets.models import Ticket

Actor = User | AnonymousUser
# Managers may approve any article they did not write, named as reviewer or not.
MANAGER_ROLES = frozenset({Role.SERVICE_MANAGER, Role.ADMINISTRATOR})


def _active(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active)


def _can(actor: Actor, capability: Capability) -> bool:
    return isinstance(actor, User) and actor.is_active and actor.can(capability)


def is_editor(actor: Actor) -> bool:
    return _can(actor, Capability.EDIT_KNOWLEDGE)


def is_staff_reader(actor: Actor) -> bool:
    """Staff read internal articles; customers never do."""
    return _active(actor) and sees_all_organisations(actor)


def is_manager(actor: Actor) -> bool:
    return is_editor(actor) and getattr(actor, "role", "") in MANAGER_ROLES


def is_customer_reader(actor: Actor) -> bool:
    return not is_staff_reader(actor) and _can(actor, Capability.VIEW_PORTAL)


def live_condition(*, customer: bool) -> Q:
    """Articles with a published version (for customers: a customer-visible one)."""
    condition = Q(live_version__isnull=False) & ~Q(status=ArticleStatus.ARCHIVED)
    if customer:
        condition &= Q(live_version__audience=Audience.CUSTOMER)
    return condition


def articles_visible_to(*, actor: Actor) -> QuerySet[Article]:
    """The articles ``actor`` may open, each annotated with ``shown_title``.

    ``shown_title`` is what this reader may see as the title: the working title for editors, the
    published one for everyone else — a draft's new title never reaches a reader before review.
    """
    queryset = Article.objects.select_related("category", "author", "live_version", "current_version")
    if is_editor(actor):
        return queryset.annotate(shown_title=F("title"))
    readers = queryset.annotate(shown_title=F("live_version__title"))
    if is_staff_reader(actor):
        return readers.filter(live_condition(customer=False))
    if is_customer_reader(actor):
        return readers.filter(live_condition(customer=True))
    return queryset.none()


def access_article(*, actor: Actor, article_id: int) -> Article:
    article = (
        articles_visible_to(actor=actor)
        .prefetch_related("tags", "vendors", "server_models__vendor", "reviewers")
        .select_related("source_ticket", "submitted_by")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise NotFound(_("Not found."))
    return article


def shown_version(*, actor: Actor, article: Article, number: int | None = None) -> ArticleVersion:
    """The version this reader reads: the live one, or for editors any version they ask for.

    Editors of an article that was never published read its working version.
    """
    if number is not None and is_editor(actor):
        version = article.versions.filter(number=number).select_related("created_by", "updated_by").first()
        if version is None:
            raise NotFound(_("Not found."))
        return version
    version = article.live_version if article.live_version_id else None
    if version is None and is_editor(actor):
        version = article.current_version
    if version is None:
        raise NotFound(_("Not found."))
    return version


def versions_of(*, actor: Actor, article: Article) -> QuerySet[ArticleVersion]:
    """Every version for editors; readers only the one they may read."""
    versions = article.versions.select_related("created_by", "updated_by", "approved_by").order_by("-number")
    if is_editor(actor):
        return versions
    return versions.filter(pk=article.live_version_id) if article.live_version_id else versions.none()


def reviews_of(*, actor: Actor, article: Article) -> QuerySet[ArticleReview]:
    if not is_editor(actor):
        return ArticleReview.objects.none()
    return article.reviews.select_related("actor").order_by("created_at", "id")


def review_queue(*, actor: Actor) -> QuerySet[Article]:
    """Articles waiting for review (editors only), the oldest submission first."""
    if not is_editor(actor):
        return Article.objects.none()
    return (
        articles_visible_to(actor=actor)
        .filter(status=ArticleStatus.IN_REVIEW)
        .select_related("submitted_by")
        .prefetch_related("reviewers")
        .order_by("submitted_at", "id")
    )


def feedback_visible_to(*, actor: Actor) -> QuerySet[ArticleFeedback]:
    """Readers' feedback with comments: editors only (customers' words are not shown to customers)."""
    if not is_editor(actor):
        return ArticleFeedback.objects.none()
    return ArticleFeedback.objects.select_related("article", "user", "organisation").order_by(
        "-updated_at", "-id"
    )


def feedback_of(*, actor: Actor, article: Article) -> ArticleFeedback | None:
    """The reader's own earlier answer, if any."""
    if not isinstance(actor, User) or not actor.is_active:
        return None
    return ArticleFeedback.objects.filter(article=article, user=actor).first()


def categories_visible_to(*, actor: Actor) -> QuerySet[Category]:
    """Categories with the number of articles this reader may see in each."""
    if not _active(actor):
        return Category.objects.none()
    visible = articles_visible_to(actor=actor)
    if not is_editor(actor):
        # Readers count what they can open; editors count everything.
        return Category.objects.annotate(
            article_count=Count("articles", filter=Q(articles__in=visible.values("pk")), distinct=True)
        ).order_by("position", "name")
    return Category.objects.annotate(article_count=Count("articles", distinct=True)).order_by(
        "position", "name"
    )


def access_category(*, actor: Actor, category_id: int) -> Category:
    category = categories_visible_to(actor=actor).filter(pk=category_id).first()
    if category is None:
        raise NotFound(_("Not found."))
    return category


def popular_tags(*, actor: Actor, limit: int = 30) -> list[Tag]:
    visible = articles_visible_to(actor=actor).values("pk")
    return list(
        Tag.objects.filter(articles__in=visible)
        .annotate(article_count=Count("articles", distinct=True))
        .order_by("-article_count", "name")[:limit]
    )


def popular_articles(*, actor: Actor, limit: int = 8) -> list[Article]:
    """Most read live articles this reader may see."""
    customer = not is_staff_reader(actor)
    return list(
        articles_visible_to(actor=actor)
        .filter(live_condition(customer=customer))
        .order_by("-view_count", "-id")[:limit]
    )


def recent_articles(*, actor: Actor, limit: int = 8) -> list[Article]:
    customer = not is_staff_reader(actor)
    return list(
        articles_visible_to(actor=actor)
        .filter(live_condition(customer=customer))
        .order_by("-published_at", "-id")[:limit]
    )


def related_articles(*, actor: Actor, article: Article, limit: int = 5) -> list[Article]:
    """Live articles sharing tags, the category or a server model, most shared first."""
    tag_ids = [t.pk for t in article.tags.all()]
    model_ids = [m.pk for m in article.server_models.all()]
    condition = Q(tags__in=tag_ids) | Q(server_models__in=model_ids)
    if article.category_id:
        condition |= Q(category_id=article.category_id)
    if article.component:
        condition |= Q(component=article.component)
    customer = not is_staff_reader(actor)
    candidates = (
        articles_visible_to(actor=actor)
        .filter(live_condition(customer=customer))
        .exclude(pk=article.pk)
        .filter(condition)
        .annotate(
            shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
            shared_models=Count("server_models", filter=Q(server_models__in=model_ids), distinct=True),
        )
    )

    def rank(other: Any) -> tuple[int, int, int]:
        shared = 3 * other.shared_tags + 2 * other.shared_models
        if article.category_id and other.category_id == article.category_id:
            shared += 2
        if article.component and other.component == article.component:
            shared += 1
        return (-shared, -other.view_count, other.pk)

    scored: list[Article] = sorted(candidates[:200], key=rank)
    return scored[:limit]


def articles_for_ticket(*, actor: Actor, ticket: Ticket) -> list[Article]:
    """Articles drafted from this request that the reader may see."""
    return list(articles_visible_to(actor=actor).filter(source_ticket=ticket).order_by("-created_at", "-id"))


def article_list_prefetch(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))


def synonym_groups_visible_to(*, actor: Actor) -> QuerySet[SynonymGroup]:
    """The search dictionary: knowledge managers only."""
    if not is_manager(actor):
        return SynonymGroup.objects.none()
    return SynonymGroup.objects.select_related("updated_by").order_by("key")


def access_synonym_group(*, actor: Actor, group_id: int) -> SynonymGroup:
    group = synonym_groups_visible_to(actor=actor).filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("No such synonym group."))
    return group


def latest_reindex() -> ReindexJob | None:
    return ReindexJob.objects.order_by("-created_at", "-id").first()
