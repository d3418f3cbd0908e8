"""Separate input and output shapes of the knowledge API.

Outputs are built from :class:`ArticlePayload`, which already holds what this reader may see:
readers get the published version's title, audience and text; editors the working version's.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from sasms.accounts.models import User
from sasms.core.api.serializers import StrictInputSerializer
from sasms.core.search.models import Audience
from sasms.knowledge.markdown import MAX_BODY_CHARS, render_markdown
from sasms.knowledge.models import Article, ArticleLanguage, ArticleStatus
from sasms.knowledge.search import ArticleHit
from sasms.knowledge.selectors import is_editor
from sasms.knowledge.services.workflow import ACTIONS, COMMENT_CHARS
from sasms.tickets.choices import ComponentArea
from sasms.tickets.selectors import is_staff_reader as works_tickets

COMPONENT_CHOICES = [("", "—"), *ComponentArea.choices]


@dataclass
class ArticlePayload:
    id: int
    number: str
    title: str
    status: str
    audience: str
    language: str
    category: int | None
    category_name: str
    component: str
    tags: list[str]
    vendors: list[int]
    server_models: list[int]
    version: int
    live_version: int | None
    working_version: int | None
    revision: int | None
    published_at: datetime.datetime | None
    updated_at: datetime.datetime
    view_count: int
    helpful_count: int
    not_helpful_count: int
    url: str
    body: str = ""
    html: str = ""
    source_ticket: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def payload_for(article: Article, *, actor: User, detail: bool = False) -> ArticlePayload:
    editor = is_editor(actor)
    live = article.live_version
    version = article.current_version if editor or live is None else live
    assert version is not None
    payload = ArticlePayload(
        id=article.pk,
        number=article.number,
        title=version.title,
        # Readers only ever see published articles; a pending revision is not theirs to know of.
        status=article.status if editor else ArticleStatus.PUBLISHED,
        audience=version.audience,
        language=article.language,
        category=article.category_id,
        category_name=article.category.name if article.category is not None else "",
        component=article.component,
        tags=[t.name for t in article.tags.all()],
        vendors=[v.pk for v in article.vendors.all()],
        server_models=[m.pk for m in article.server_models.all()],
        version=version.number,
        live_version=live.number if live is not None else None,
        working_version=article.current_version.number if editor and article.current_version else None,
        revision=article.revision if editor else None,
        published_at=article.published_at,
        updated_at=version.updated_at,
        view_count=article.view_count,
        helpful_count=article.helpful_count,
        not_helpful_count=article.not_helpful_count,
        url=reverse("knowledge:article", args=[article.pk]),
    )
    if detail:
        payload.body = version.body
        payload.html = str(render_markdown(version.body))
        if editor and works_tickets(actor) and article.source_ticket is not None:
            payload.source_ticket = article.source_ticket.number
    return payload


class ArticleOutput(serializers.Serializer[ArticlePayload]):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="e.g. KB00042")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=ArticleStatus.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    language = serializers.ChoiceField(choices=ArticleLanguage.choices)
    category = serializers.IntegerField(allow_null=True)
    category_name = serializers.CharField()
    component = serializers.ChoiceField(choices=COMPONENT_CHOICES, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())
    vendors = serializers.ListField(child=serializers.IntegerField())
    server_models = serializers.ListField(child=serializers.IntegerField())
    version = serializers.IntegerField(help_text="The version shown: the published one for readers.")
    live_version = serializers.IntegerField(allow_null=True, help_text="The published version, if any.")
    working_version = serializers.IntegerField(allow_null=True, help_text="Editors only.")
    revision = serializers.IntegerField(
        allow_null=True, help_text="Editors only: send it back when updating."
    )
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    view_count = serializers.IntegerField()
    helpful_count = serializers.IntegerField()
    not_helpful_count = serializers.IntegerField()
    url = serializers.CharField(help_text="The article page.")


class ArticleDetailOutput(ArticleOutput):
    body = serializers.CharField(help_text="Markdown source.")
    html = serializers.CharField(help_text="Sanitised HTML.")
    source_ticket = serializers.CharField(allow_null=True, help_text="SR number it was drafted from (staff).")


class ArticleHitOutput(serializers.Serializer[dict[str, Any]]):
    article = ArticleOutput()
    title_html = serializers.CharField(help_text="Escaped title with <mark> around the matches.")
    snippet = serializers.CharField(help_text="Escaped text around the first match, matches in <mark>.")
    score = serializers.FloatField()
    draft = serializers.BooleanField(help_text="The match is in an unpublished version (editors only).")


def hit_payload(hit: ArticleHit, *, actor: User) -> dict[str, Any]:
    return {
        "article": payload_for(hit.article, actor=actor),
        "title_html": str(hit.title_html),
        "snippet": str(hit.snippet),
        "score": hit.score,
        "draft": hit.draft,
    }


class ArticleSearchInput(StrictInputSerializer):
    q = serializers.CharField(
        max_length=256, help_text="Words, part numbers or error codes; Chinese without spaces."
    )
    prefix = serializers.BooleanField(
        required=False, default=False, help_text="The last word may be a prefix."
    )
    include_drafts = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also match unpublished versions, ranked with the published ones (knowledge editors only).",
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=10, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)


class ArticleWriteFields(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=MAX_BODY_CHARS, help_text="Markdown.")
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.INTERNAL)
    language = serializers.ChoiceField(choices=ArticleLanguage.choices, default=ArticleLanguage.ZH_HANS)
    category = serializers.IntegerField(required=False, allow_null=True)
    component = serializers.ChoiceField(
        choices=COMPONENT_CHOICES, required=False, allow_blank=True, default=""
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=20)
    vendors = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    server_models = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=100)
    change_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ArticleCreateInput(ArticleWriteFields):
    pass


class ArticleUpdateInput(ArticleWriteFields):
    revision = serializers.IntegerField(
        required=False, help_text="From the article's output; refused if stale."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            f.required = False
            if name != "change_note" and hasattr(f, "default"):
                f.default = serializers.empty


class ArticleTransitionInput(StrictInputSerializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    reviewers = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=20, help_text="User ids (submit)."
    )
    comment = serializers.CharField(max_length=COMMENT_CHARS, required=False, allow_blank=True, default="")


class ArticleFeedbackInput(StrictInputSerializer):
    helpful = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ArticleFeedbackOutput(serializers.Serializer[dict[str, Any]]):
    article = serializers.IntegerField()
    helpful = serializers.BooleanField()
    comment = serializers.CharField()
    helpful_count = serializers.IntegerField()
    not_helpful_count = serializers.IntegerField()
