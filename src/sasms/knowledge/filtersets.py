from typing import Any

import django_filters
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from sasms.assets.models import ServerModel, Vendor
from sasms.core.filters import YesNoFilter
from sasms.core.search.models import Audience
from sasms.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleLanguage,
    ArticleStatus,
    Category,
    SynonymGroup,
    Tag,
)
from sasms.knowledge.search import ranked_hits
from sasms.tickets.choices import ComponentArea


def full_text(queryset: QuerySet[Any], request: Any, value: str, *, pk_field: str = "pk") -> QuerySet[Any]:
    """``queryset`` narrowed to the articles matching ``value``, the best matches first."""
    text = value.strip()
    if not text:
        return queryset
    actor = getattr(request, "user", None)
    if actor is None:
        return queryset.none()
    ids = [int(h.object_id) for h in ranked_hits(actor=actor, query=text)]
    if not ids:
        return queryset.none()
    relevance = Case(
        *(When(**{pk_field: pk}, then=Value(rank)) for rank, pk in enumerate(ids)),
        default=Value(len(ids)),
        output_field=IntegerField(),
    )
    return queryset.filter(**{f"{pk_field}__in": ids}).order_by(relevance, "-id")


class ReaderArticleFilterSet(django_filters.FilterSet):
    """What every reader may filter on: words, classification and links."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.all())
    component = django_filters.ChoiceFilter(label=_("Component"), choices=ComponentArea.choices)
    language = django_filters.ChoiceFilter(label=_("Language"), choices=ArticleLanguage.choices)
    tag = django_filters.ModelChoiceFilter(label=_("Tag"), field_name="tags", queryset=Tag.objects.all())
    vendor = django_filters.ModelChoiceFilter(
        label=_("Vendor"), field_name="vendors", queryset=Vendor.objects.all()
    )
    server_model = django_filters.ModelChoiceFilter(
        label=_("Server model"),
        field_name="server_models",
        queryset=ServerModel.objects.select_related("vendor"),
    )

    class Meta:
        model = Article
        fields = ["q", "category", "component", "language", "tag", "vendor", "server_model"]

    def search(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        return full_text(queryset, self.request, value)


class ArticleFilterSet(ReaderArticleFilterSet):
    """Staff filter on the workflow too."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ArticleStatus.choices)
    audience = django_filters.ChoiceFilter(label=_("Audience"), choices=Audience.choices)
    pending = YesNoFilter(label=_("Unpublished changes"), method="filter_pending")

    class Meta:
        model = Article
        fields = [*ReaderArticleFilterSet.Meta.fields, "status", "audience", "pending"]

    def filter_pending(self, queryset: QuerySet[Article], name: str, value: bool | None) -> QuerySet[Article]:
        if value is None:
            return queryset
        changed = queryset.filter(live_version__isnull=False).exclude(current_version=F("live_version"))
        return changed if value else queryset.exclude(pk__in=changed.values("pk"))


class ReviewFilterSet(django_filters.FilterSet):
    mine = YesNoFilter(label=_("Waiting for me"), method="filter_mine")
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.all())
    component = django_filters.ChoiceFilter(label=_("Component"), choices=ComponentArea.choices)

    class Meta:
        model = Article
        fields = ["mine", "category", "component"]

    def filter_mine(self, queryset: QuerySet[Article], name: str, value: bool | None) -> QuerySet[Article]:
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(reviewers=user)


class FeedbackFilterSet(django_filters.FilterSet):
    helpful = YesNoFilter(label=_("Helpful"))
    with_comment = YesNoFilter(label=_("With a comment"), method="filter_comment")
    article = django_filters.NumberFilter(label=_("Article"), field_name="article_id")
    since = django_filters.DateFilter(label=_("From"), field_name="updated_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="updated_at", lookup_expr="date__lte")

    class Meta:
        model = ArticleFeedback
        fields = ["helpful", "with_comment", "article", "since", "until"]

    def filter_comment(
        self, queryset: QuerySet[ArticleFeedback], name: str, value: bool | None
    ) -> QuerySet[ArticleFeedback]:
        if value is None:
            return queryset
        return queryset.exclude(comment="") if value else queryset.filter(comment="")


class CategoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Category
        fields = ["q"]


class SynonymGroupFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = SynonymGroup
        fields = ["q", "is_active"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(key__icontains=text) | Q(terms__icontains=text) | Q(note__icontains=text))
