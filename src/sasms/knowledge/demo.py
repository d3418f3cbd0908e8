"""Demo step of the knowledge base: about 60 bilingual articles in every workflow state.

Articles are written, reviewed and published through the services (so versions, the review log,
the audit trail and the search index are all real), with times spread over the last year; then
view counts, readers' feedback and a few drafts made from resolved requests are added.
"""

import datetime
import random
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.assets.models import ServerModel, Vendor
from sasms.core.progress import Progress
from sasms.knowledge import services
from sasms.knowledge.demo_texts import CATEGORIES, TOPICS
from sasms.knowledge.models import Article, ArticleVersion, Category
from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket

FROM_REQUESTS = 3
FEEDBACK_VOTES = 120
REVISION_NOTE = {
    "zh-hans": "\n\n## 补充\n\n如问题在更换后复现，请在服务请求中附上最新日志。",
    "en": "\n\n## Update\n\nIf the problem comes back after the replacement, attach fresh logs to the "
    "request.",
}


def _staff(role: str) -> list[User]:
    return list(User.objects.filter(role=role, is_active=True).order_by("pk"))


def _state_for(index: int, rng: random.Random) -> str:
    """Most articles published; some in review, drafts, archived, or with a newer draft pending."""
    roll = rng.random()
    if index < 4:  # the first topics are the most useful ones: always published
        return "published"
    if roll < 0.62:
        return "published"
    if roll < 0.72:
        return "revising"
    if roll < 0.82:
        return "in_review"
    if roll < 0.92:
        return "draft"
    return "archived"


def _categories() -> dict[str, Category]:
    found: dict[str, Category] = {c.code: c for c in Category.objects.all()}
    for code, name, position in CATEGORIES:
        if code not in found:
            found[code] = services.create_category(actor=None, name=name, code=code, position=position)
    return found


def _backdate(article: Article, rng: random.Random, now: datetime.datetime) -> None:
    created = now - datetime.timedelta(days=rng.uniform(20, 400))
    published = created + datetime.timedelta(days=rng.uniform(0.5, 6))
    fields: dict[str, Any] = {"created_at": created, "updated_at": min(now, published)}
    if article.published_at is not None:
        fields["published_at"] = min(now, published)
    Article.objects.filter(pk=article.pk).update(**fields)
    ArticleVersion.objects.filter(article=article, number=1).update(created_at=created, updated_at=created)
    ArticleVersion.objects.filter(article=article, published_at__isnull=False, number=1).update(
        published_at=min(now, published)
    )


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    authors = _staff(Role.ENGINEER) + _staff(Role.AGENT) + _staff(Role.FIELD_ENGINEER)
    managers = _staff(Role.SERVICE_MANAGER) + _staff(Role.ADMINISTRATOR)
    if not authors or not managers:
        state["knowledge"] = {"articles": 0}
        return
    categories = _categories()
    vendors = {v.code: v for v in Vendor.objects.all()}
    models: dict[str, ServerModel] = {m.name: m for m in ServerModel.objects.select_related("vendor")}
    now = timezone.now()
    total = len(TOPICS) * 2
    made: list[Article] = []
    for index, (_key, component, category, vendor_codes, model_names, tags, audience, zh, en) in enumerate(
        TOPICS
    ):
        for language, (title, body) in (("zh-hans", zh), ("en", en)):
            author = rng.choice(authors)
            reviewer = rng.choice([m for m in managers + authors if m.pk != author.pk])
            article = services.create_article(
                actor=author,
                title=title,
                body=body,
                audience=audience,
                language=language,
                category=categories.get(category),
                component=component,
                tags=list(tags),
                vendors=[vendors[c] for c in vendor_codes if c in vendors],
                server_models=[models[n] for n in model_names if n in models],
            )
            target = _state_for(index, rng)
            if target != "draft":
                article = services.transition_article(
                    actor=author, article=article, action="submit", reviewers=[reviewer]
                )
            if target in ("published", "revising", "archived"):
                article = services.transition_article(actor=reviewer, article=article, action="approve")
            _backdate(article, rng, now)
            if target == "revising":
                article.refresh_from_db()
                article = services.update_article(
                    actor=author,
                    article=article,
                    body=body + REVISION_NOTE[language],
                    change_note="补充复现时的处理"
                    if language == "zh-hans"
                    else "What to do if it comes back",
                )
            elif target == "archived":
                article = services.transition_article(
                    actor=rng.choice(managers), article=article, action="archive"
                )
            made.append(article)
            progress("knowledge articles", len(made), total)
    _readers(rng, made)
    drafted = _from_requests(authors)
    state["knowledge"] = {"articles": len(made) + drafted}


def _readers(rng: random.Random, articles: list[Article]) -> None:
    """Views (most read first: a long tail) and "did this help?" answers from customer users."""
    live = [a.pk for a in Article.objects.filter(pk__in=[a.pk for a in articles], live_version__isnull=False)]
    for pk in live:
        Article.objects.filter(pk=pk).update(view_count=int(rng.paretovariate(1.2) * 25))
    readers = list(User.objects.filter(role__in=(Role.CUSTOMER, Role.CUSTOMER_ADMIN), is_active=True)[:60])
    readers += _staff(Role.AGENT) + _staff(Role.ENGINEER)
    customer_visible = list(
        Article.objects.filter(pk__in=live, live_version__audience="customer").values_list("pk", flat=True)
    )
    if not readers or not customer_visible:
        return
    for _ in range(FEEDBACK_VOTES):
        article = Article.objects.get(pk=rng.choice(customer_visible))
        reader = rng.choice(readers)
        helpful = rng.random() < 0.8
        comment = (
            ""
            if helpful or rng.random() < 0.5
            else rng.choice(["步骤不够详细", "没有我的机型", "Needs screenshots"])
        )
        services.give_feedback(actor=reader, article=article, helpful=helpful, comment=comment)


def _from_requests(authors: list[User]) -> int:
    """A few resolved requests with a root cause become drafts, as an engineer's click would."""
    tickets = (
        Ticket.objects.filter(status__in=(Status.RESOLVED, Status.CLOSED), server__isnull=False)
        .exclude(Q(root_cause="") | Q(resolution_summary=""))
        .order_by("-resolved_at")[:FROM_REQUESTS]
    )
    editor = next((a for a in authors if a.role == Role.ENGINEER), authors[0])
    count = 0
    for ticket in tickets:
        try:
            services.draft_article_from_ticket(actor=editor, ticket=ticket)
        except services.AlreadyDrafted:
            continue
        count += 1
    return count
