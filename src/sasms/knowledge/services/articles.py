"""Writing articles: create, edit (in place or as a new version), count views."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.assets.models import ServerModel, Vendor
from sasms.core.errors import Conflict, ServiceError
from sasms.core.permissions import require
from sasms.core.search.models import Audience
from sasms.knowledge.markdown import MAX_BODY_CHARS
from sasms.knowledge.models import Article, ArticleLanguage, ArticleStatus, ArticleVersion, Category
from sasms.knowledge.search import index_article
from sasms.knowledge.services.common import audit, lock_article, tag_names, tags_for
from sasms.tickets.choices import ComponentArea
from sasms.tickets.models import Ticket

TITLE_CHARS = Article._meta.get_field("title").max_length or 200
NOTE_CHARS = ArticleVersion._meta.get_field("change_note").max_length or 300
CONTENT_FIELDS = ("title", "body", "audience")
META_FIELDS = ("language", "category", "component", "tags", "vendors", "server_models")
_UNSET: Any = object()


def _check(values: dict[str, Any]) -> None:
    """Every bad value at once, each under its field name."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if "title" in values:
        title = values["title"]
        if not title:
            fail("title", _("This field is required."))
        elif len(title) > TITLE_CHARS:
            fail("title", _("At most %(count)d characters.") % {"count": TITLE_CHARS})
    if "body" in values:
        if not values["body"].strip():
            fail("body", _("This field is required."))
        elif len(values["body"]) > MAX_BODY_CHARS:
            fail("body", _("At most %(count)d characters.") % {"count": MAX_BODY_CHARS})
    if "audience" in values and values["audience"] not in Audience.values:
        fail("audience", _("Choose internal or customer-visible."))
    if "language" in values and values["language"] not in ArticleLanguage.values:
        fail("language", _("Unknown language."))
    if "component" in values and values["component"] and values["component"] not in ComponentArea.values:
        fail("component", _("Unknown component."))
    if (
        "category" in values
        and values["category"] is not None
        and not isinstance(values["category"], Category)
    ):
        fail("category", _("Unknown category."))
    if "change_note" in values and len(values["change_note"]) > NOTE_CHARS:
        fail("change_note", _("At most %(count)d characters.") % {"count": NOTE_CHARS})
    for field, kind in (("vendors", Vendor), ("server_models", ServerModel)):
        if field in values and not all(isinstance(v, kind) for v in values[field]):
            fail(field, _("Unknown choice."))
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v.strip() if isinstance(v, str) and k != "body" else v) for k, v in values.items()}
    if "body" in cleaned:
        # Line endings of a browser's textarea (CRLF) are not a change of the text.
        cleaned["body"] = cleaned["body"].replace("\r\n", "\n").rstrip()
    if "tags" in cleaned:
        cleaned["tags"] = tag_names(cleaned["tags"])
    for field in ("vendors", "server_models"):
        if field in cleaned:
            cleaned[field] = list(cleaned[field] or [])
    _check(cleaned)
    return cleaned


def _set_relations(article: Article, values: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    if "tags" in values:
        before = sorted(t.name for t in article.tags.all())
        tags = tags_for(values["tags"])
        article.tags.set(tags)
        after = sorted(t.name for t in tags)
        if before != after:
            changes["tags"] = [before, after]
    for field in ("vendors", "server_models"):
        if field in values:
            manager = getattr(article, field)
            before_ids = sorted(manager.values_list("pk", flat=True))
            manager.set(values[field])
            after_ids = sorted(v.pk for v in values[field])
            if before_ids != after_ids:
                changes[field] = [before_ids, after_ids]
    return changes


@transaction.atomic
def create_article(
    *,
    actor: User | None,
    title: str,
    body: str,
    audience: str = Audience.INTERNAL,
    language: str = ArticleLanguage.ZH_HANS,
    category: Category | None = None,
    component: str = "",
    tags: str | Sequence[str] = (),
    vendors: Sequence[Vendor] = (),
    server_models: Sequence[ServerModel] = (),
    change_note: str = "",
    source_ticket: Ticket | None = None,
) -> Article:
    """A new draft (version 1). ``actor=None`` is the system (demo data)."""
    if actor is not None:
        require(actor, Capability.EDIT_KNOWLEDGE)
    values = _cleaned(
        {
            "title": title,
            "body": body,
            "audience": audience,
            "language": language,
            "category": category,
            "component": component,
            "tags": tags,
            "vendors": vendors,
            "server_models": server_models,
            "change_note": change_note,
        }
    )
    now = timezone.now()
    article = Article.objects.create(
        title=values["title"],
        audience=values["audience"],
        language=values["language"],
        category=values["category"],
        component=values["component"],
        source_ticket=source_ticket,
        author=actor,
        created_at=now,
        updated_at=now,
    )
    version = ArticleVersion.objects.create(
        article=article,
        number=1,
        title=values["title"],
        body=values["body"],
        audience=values["audience"],
        change_note=values["change_note"],
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
    )
    article.current_version = version
    article.save(update_fields=["current_version"])
    _set_relations(article, values)
    changes: dict[str, list[Any]] = {
        "title": [None, article.title],
        "audience": [None, article.audience],
        "status": [None, article.status],
    }
    if source_ticket is not None:
        changes["source_ticket"] = [None, source_ticket.number]
    audit(actor, "article.create", article, changes)
    index_article(article)
    return article


@transaction.atomic
def update_article(
    *, actor: User, article: Article, revision: int | None = None, change_note: str = "", **changes: Any
) -> Article:
    """Change an article's text or classification.

    A version that was ever published is never changed: new text becomes the next version, a draft
    again, while readers keep the live one until the new one is approved. A version that was never
    published is edited in place. Classification (category, tags, links) is not versioned.
    ``revision`` is the one the editor's form was opened on: a save based on an older one is
    refused. Articles in review or archived cannot be edited.
    """
    require(actor, Capability.EDIT_KNOWLEDGE)
    unknown = set(changes) - set(CONTENT_FIELDS) - set(META_FIELDS)
    if unknown:
        raise ServiceError(
            _("Unknown fields."),
            fields={name: [_("This field cannot be changed.")] for name in sorted(unknown)},
        )
    article = lock_article(article.pk)
    if revision is not None and revision != article.revision:
        message = _("Someone else changed this article since you opened it. Reload it and edit again.")
        raise Conflict(message, code="stale_revision", fields={"revision": [message]})
    if article.status == ArticleStatus.IN_REVIEW:
        raise Conflict(
            _("An article in review cannot be edited: withdraw it or ask for changes first."),
            code="in_review",
        )
    if article.status == ArticleStatus.ARCHIVED:
        raise Conflict(_("Restore the article before editing it."), code="archived")
    values = _cleaned({**changes, "change_note": change_note})
    current = article.versions.get(pk=article.current_version_id or 0)
    content = {k: values[k] for k in CONTENT_FIELDS if k in values and values[k] != getattr(current, k)}
    diff: dict[str, list[Any]] = {}
    now = timezone.now()
    if content:
        if current.published_at is not None:
            number = (article.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            current = ArticleVersion.objects.create(
                article=article,
                number=number,
                title=content.get("title", current.title),
                body=content.get("body", current.body),
                audience=content.get("audience", current.audience),
                change_note=values["change_note"],
                created_by=actor,
                created_at=now,
                updated_by=actor,
                updated_at=now,
            )
            diff["version"] = [number - 1, number]
            article.current_version = current
            if article.status == ArticleStatus.PUBLISHED:
                diff["status"] = [article.status, ArticleStatus.DRAFT]
                article.status = ArticleStatus.DRAFT
        else:
            for name, value in content.items():
                setattr(current, name, value)
            current.change_note = values["change_note"] or current.change_note
            current.updated_by = actor
            current.updated_at = now
            current.save()
        for name, value in content.items():
            if name != "body":
                diff[name] = [getattr(article, name), value]
                setattr(article, name, value)
            else:
                diff["body"] = [None, _("changed")]
    for name in ("language", "category", "component"):
        if name in values and values[name] != getattr(article, name):
            before = getattr(article, name)
            diff[name] = [before.pk if isinstance(before, Category) else before, values[name]]
            setattr(article, name, values[name])
    diff.update(_set_relations(article, values))
    if not diff:
        return article
    article.revision = F("revision") + 1
    article.updated_at = now
    article.save()
    article.refresh_from_db()
    audit(actor, "article.update", article, diff)
    index_article(article)
    return article


def record_view(*, article: Article) -> None:
    """Count one reading: a single F() update, no lock, no audit."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
