"""REST endpoints for knowledge articles: thin wrappers over the selectors, search and services."""

from dataclasses import replace
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import User
from sasms.assets.models import ServerModel, Vendor
from sasms.core.errors import NotFound, PermissionDenied
from sasms.knowledge import selectors, services
from sasms.knowledge.api import serializers as s
from sasms.knowledge.filtersets import ArticleFilterSet, ReaderArticleFilterSet
from sasms.knowledge.models import Article, Category
from sasms.knowledge.search import highlighted, search_articles


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _not_found(field: str) -> NotFound:
    return NotFound(_("Not found."), fields={field: [_("Not found.")]})


def _references(values: dict[str, Any]) -> dict[str, Any]:
    """Ids in the input turned into rows; an unknown id is refused under its field name."""
    if "category" in values:
        category_id = values["category"]
        values["category"] = None
        if category_id is not None:
            values["category"] = Category.objects.filter(pk=category_id).first()
            if values["category"] is None:
                raise _not_found("category")
    for name, model in (("vendors", Vendor), ("server_models", ServerModel)):
        if name in values:
            ids = set(values[name])
            rows = list(model.objects.filter(pk__in=ids))
            if len(rows) != len(ids):
                raise _not_found(name)
            values[name] = rows
    return values


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Article]):
    """Knowledge articles. Customers see published, customer-visible articles; editors everything."""

    lookup_value_regex = "[0-9]+"
    ordering_fields = ["updated_at", "published_at", "view_count", "helpful_count"]

    @property
    def filterset_class(self) -> type[ReaderArticleFilterSet]:
        request = getattr(self, "request", None)
        user = getattr(request, "user", None)
        if user is None or getattr(self, "swagger_fake_view", False) or selectors.is_editor(user):
            return ArticleFilterSet
        # Readers cannot filter on workflow state: it would reveal unpublished revisions.
        return ReaderArticleFilterSet

    def get_serializer_class(self) -> Any:
        return s.ArticleDetailOutput if self.action == "retrieve" else s.ArticleOutput

    def get_queryset(self) -> QuerySet[Article]:
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        queryset = selectors.articles_visible_to(actor=self.request.user)
        return (
            selectors.article_list_prefetch(queryset)
            .prefetch_related("vendors", "server_models")
            .order_by("-updated_at", "-id")
        )

    def get_object(self) -> Article:
        return selectors.access_article(actor=self.request.user, article_id=int(self.kwargs["pk"]))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = _actor(request)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = s.ArticleOutput([s.payload_for(a, actor=actor) for a in rows], many=True).data  # type: ignore[arg-type]
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_object()
        return Response(
            s.ArticleDetailOutput(s.payload_for(article, actor=_actor(request), detail=True)).data
        )

    @extend_schema(request=s.ArticleCreateInput, responses={201: s.ArticleDetailOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        data = s.ArticleCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = _references(dict(data.validated_data))
        article = services.create_article(actor=actor, **values)
        article = selectors.access_article(actor=actor, article_id=article.pk)
        return Response(
            s.ArticleDetailOutput(s.payload_for(article, actor=actor, detail=True)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.ArticleUpdateInput, responses=s.ArticleDetailOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        article = self.get_object()
        data = s.ArticleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = _references(dict(data.validated_data))
        revision = values.pop("revision", None)
        change_note = values.pop("change_note", "")
        services.update_article(
            actor=actor, article=article, revision=revision, change_note=change_note, **values
        )
        article = selectors.access_article(actor=actor, article_id=article.pk)
        return Response(s.ArticleDetailOutput(s.payload_for(article, actor=actor, detail=True)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Words, part numbers or error codes."),
            OpenApiParameter("prefix", bool, description="The last word may be a prefix (as you type)."),
            OpenApiParameter(
                "include_drafts",
                bool,
                description="Also match unpublished versions (knowledge editors only; 403 for anyone else).",
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="At most 50."),
        ],
        responses=s.ArticleHitOutput(many=True),
        summary="Ranked full-text search with highlighted snippets",
    )
    # Its parameters are the ones above: the article list's filters are not applied to the hits.
    @action(detail=False, methods=["get"], filter_backends=[])
    def search(self, request: Request, version: str = "v1") -> Response:
        actor = _actor(request)
        data = s.ArticleSearchInput(data=request.query_params.dict())
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        drafts = bool(values["include_drafts"])
        if drafts and not selectors.is_editor(actor):
            # Customers and staff who do not edit knowledge never see unpublished versions.
            message = _("Only knowledge editors may search drafts.")
            raise PermissionDenied(message, fields={"include_drafts": [message]})
        hits = search_articles(
            actor=actor,
            query=values["q"],
            prefix=values["prefix"],
            include_drafts=drafts,
            drafts_ranked=drafts,
        )
        start = (values["page"] - 1) * values["page_size"]
        chunk = highlighted(hits[start : start + values["page_size"]], query=values["q"])
        # The page's articles with everything the output shows, in a fixed number of queries.
        full = self.get_queryset().in_bulk([h.article.pk for h in chunk])
        chunk = [replace(h, article=full[h.article.pk]) for h in chunk if h.article.pk in full]
        return Response(
            {
                "count": len(hits),
                "results": s.ArticleHitOutput(
                    [s.hit_payload(h, actor=actor) for h in chunk],  # type: ignore[arg-type]
                    many=True,
                ).data,
            }
        )

    @extend_schema(
        request=s.ArticleTransitionInput, responses=s.ArticleDetailOutput, summary="Take a review step"
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        article = self.get_object()
        data = s.ArticleTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        ids = set(values.get("reviewers", []))
        reviewers = list(User.objects.filter(pk__in=ids, is_active=True))
        if len(reviewers) != len(ids):
            raise _not_found("reviewers")
        services.transition_article(
            actor=actor,
            article=article,
            action=values["action"],
            reviewers=reviewers,
            comment=values["comment"],
        )
        article = selectors.access_article(actor=actor, article_id=article.pk)
        return Response(s.ArticleDetailOutput(s.payload_for(article, actor=actor, detail=True)).data)

    @extend_schema(
        request=s.ArticleFeedbackInput, responses=s.ArticleFeedbackOutput, summary="Did this help?"
    )
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = _actor(request)
        article = self.get_object()
        data = s.ArticleFeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = services.give_feedback(actor=actor, article=article, **data.validated_data)
        article.refresh_from_db(fields=["helpful_count", "not_helpful_count"])
        return Response(
            s.ArticleFeedbackOutput(
                {
                    "article": article.pk,
                    "helpful": feedback.helpful,
                    "comment": feedback.comment,
                    "helpful_count": article.helpful_count,
                    "not_helpful_count": article.not_helpful_count,
                }
            ).data
        )
