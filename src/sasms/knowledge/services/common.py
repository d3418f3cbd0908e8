"""Helpers shared by the knowledge services: checks, tags, locks, audit and notifications."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.audit import record_audit
from sasms.core.errors import ServiceError
from sasms.core.outbox import enqueue_email
from sasms.knowledge.models import Article, Tag

MAX_TAGS = 20
TAG_CHARS = Tag._meta.get_field("name").max_length or 40
# Commas (also the full-width ones of Chinese input), semicolons and line breaks separate tags.
TAG_SEPARATORS = re.compile(r"[,，;；、\n]+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def invalid(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def tag_names(value: str | Iterable[str]) -> list[str]:
    """Tag names from a text field or a list: trimmed, blanks dropped, unique whatever the case."""
    raw = TAG_SEPARATORS.split(value) if isinstance(value, str) else [str(v) for v in value]
    names: dict[str, str] = {}
    for name in raw:
        name = " ".join(name.split())
        if name:
            names.setdefault(name.casefold(), name)
    result = list(names.values())
    if len(result) > MAX_TAGS:
        raise invalid("tags", _("At most %(count)d tags.") % {"count": MAX_TAGS})
    too_long = [n for n in result if len(n) > TAG_CHARS]
    if too_long:
        raise invalid(
            "tags",
            _("A tag has at most %(count)d characters: %(tag)s") % {"count": TAG_CHARS, "tag": too_long[0]},
        )
    return result


def tags_for(names: list[str]) -> list[Tag]:
    """The tags of these names, created where missing (case-insensitively unique)."""
    if not names:
        return []
    existing: dict[str, Tag] = {
        t.lowered: t
        for t in Tag.objects.annotate(lowered=Lower("name")).filter(lowered__in=[n.lower() for n in names])
    }
    tags: list[Tag] = []
    for name in names:
        tag: Tag | None = existing.get(name.lower())
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=name)
            except IntegrityError:  # created meanwhile by someone else
                tag = Tag.objects.annotate(lowered=Lower("name")).get(lowered=name.lower())
        tags.append(tag)
    return tags


def lock_article(article_id: int) -> Article:
    """The article re-read under a row lock: concurrent edits and review steps serialise."""
    return Article.objects.select_for_update().get(pk=article_id)


def detect_language(text: str) -> str:
    """``zh-hans`` when the text has more Han characters than Latin letters, else ``en``."""
    return "zh-hans" if len(_HAN.findall(text)) >= len(_LATIN.findall(text)) / 3 else "en"


def audit(
    actor: User | None, action: str, article: Article, changes: Mapping[str, list[Any]] | None = None
) -> None:
    record_audit(actor=actor, action=f"knowledge.{action}", target=article, changes=changes)


def article_url(article: Article) -> str:
    return f"{settings.SASMS_BASE_URL}{reverse('knowledge:article', args=[article.pk])}"


def notify_users(
    *,
    users: Iterable[User | None],
    key: str,
    subject: str,
    body: str,
    params: Mapping[str, Any],
    article: Article,
) -> None:
    """One e-mail per user through the outbox, in each user's language, keyed so it is sent once.

    ``subject`` and ``body`` are English msgids (marked with ``gettext_noop``) translated here.
    """
    seen: set[str] = set()
    for user in users:
        if user is None or not user.is_active or not user.email or user.email.lower() in seen:
            continue
        seen.add(user.email.lower())
        with translation.override(user.language or settings.LANGUAGE_CODE):
            enqueue_email(
                to=[user.email],
                subject=_(subject) % params,
                body=f"{_(body) % params}\n\n{article_url(article)}",
                idempotency_key=f"{key}:{user.email.lower()}",
            )
