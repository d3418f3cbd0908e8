"""List pages: articles, the review queue, readers' feedback and categories (filter, page, export)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.knowledge import selectors, services
from sasms.knowledge.filtersets import ArticleFilterSet, CategoryFilterSet, FeedbackFilterSet, ReviewFilterSet
from sasms.knowledge.forms import CategoryForm
from sasms.knowledge.models import Article, ArticleFeedback, ArticleStatus
from sasms.knowledge.views.common import editor_of

STATUS_BADGES = {
    ArticleStatus.DRAFT: "secondary",
    ArticleStatus.IN_REVIEW: "warning",
    ArticleStatus.PUBLISHED: "success",
    ArticleStatus.ARCHIVED: "dark",
}


def _article_link(article: Article) -> str:
    return reverse("knowledge:article", args=[article.pk])


def _tags(article: Article) -> str:
    return ", ".join(t.name for t in article.tags.all())


def _live_number(article: Article) -> Any:
    return article.live_version.number if article.live_version is not None else ""


class ArticleListView(ListPage):
    title = gettext_lazy("Knowledge articles")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = ArticleFilterSet
    export_name = "knowledge-articles"
    empty_message = gettext_lazy("No articles match these filters.")
    create_url_name = "knowledge:article_create"
    create_label = gettext_lazy("New article")
    columns = [
        Column(gettext_lazy("Number"), attr("number"), link=_article_link),
        Column(gettext_lazy("Title"), attr("shown_title"), link=_article_link),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda a: STATUS_BADGES.get(a.status, "light"),
        ),
        Column(gettext_lazy("Audience"), attr("get_audience_display")),
        Column(gettext_lazy("Category"), attr("category.name")),
        Column(gettext_lazy("Component"), attr("get_component_display")),
        Column(gettext_lazy("Language"), attr("get_language_display")),
        Column(gettext_lazy("Tags"), _tags),
        Column(gettext_lazy("Working version"), attr("current_version.number"), css="text-end"),
        Column(gettext_lazy("Published version"), _live_number, css="text-end"),
        Column(gettext_lazy("Views"), attr("view_count"), css="text-end"),
        Column(gettext_lazy("Helpful"), attr("helpful_count"), css="text-end"),
        Column(gettext_lazy("Not helpful"), attr("not_helpful_count"), css="text-end"),
        Column(gettext_lazy("Updated"), attr("updated_at")),
    ]

    def get_queryset(self) -> Any:
        queryset = selectors.articles_visible_to(actor=self.request.user)
        return selectors.article_list_prefetch(queryset).order_by("-updated_at", "-id")

    def can_create(self) -> bool:
        return selectors.is_editor(self.request.user)


def _reviewers(article: Article) -> str:
    return ", ".join(str(u) for u in article.reviewers.all())


class ReviewQueueView(ListPage):
    title = gettext_lazy("Review queue")
    capability = Capability.EDIT_KNOWLEDGE
    filterset_class = ReviewFilterSet
    export_name = "knowledge-review-queue"
    empty_message = gettext_lazy("Nothing waits for review.")
    columns = [
        Column(gettext_lazy("Number"), attr("number"), link=_article_link),
        Column(gettext_lazy("Title"), attr("title"), link=_article_link),
        Column(gettext_lazy("Version"), attr("current_version.number"), css="text-end"),
        Column(gettext_lazy("Audience"), attr("get_audience_display")),
        Column(gettext_lazy("Category"), attr("category.name")),
        Column(gettext_lazy("Submitted by"), attr("submitted_by")),
        Column(gettext_lazy("Submitted"), attr("submitted_at")),
        Column(gettext_lazy("Reviewers"), _reviewers),
    ]

    def get_queryset(self) -> Any:
        return selectors.review_queue(actor=self.request.user)


def _feedback_article(feedback: ArticleFeedback) -> str:
    return reverse("knowledge:article", args=[feedback.article_id])


class FeedbackListView(ListPage):
    title = gettext_lazy("Article feedback")
    capability = Capability.EDIT_KNOWLEDGE
    filterset_class = FeedbackFilterSet
    export_name = "knowledge-feedback"
    empty_message = gettext_lazy("No feedback matches these filters.")
    columns = [
        Column(gettext_lazy("Article"), attr("article.number"), link=_feedback_article),
        Column(gettext_lazy("Title"), attr("article.title")),
        Column(gettext_lazy("Version"), attr("version_number"), css="text-end"),
        Column(
            gettext_lazy("Helpful"),
            lambda f: _("Yes") if f.helpful else _("No"),
            badge=lambda f: "success" if f.helpful else "danger",
        ),
        Column(gettext_lazy("Comment"), attr("comment")),
        Column(gettext_lazy("Reader"), attr("user")),
        Column(gettext_lazy("Organisation"), attr("organisation.name")),
        Column(gettext_lazy("Time"), attr("updated_at")),
    ]

    def get_queryset(self) -> Any:
        return selectors.feedback_visible_to(actor=self.request.user)


def _category_link(category: Any) -> str:
    return reverse("knowledge:category_edit", args=[category.pk])


def _category_articles(category: Any) -> str:
    return f"{reverse('knowledge:article_list')}?category={category.pk}"


class CategoryListView(ListPage):
    title = gettext_lazy("Knowledge categories")
    capability = Capability.EDIT_KNOWLEDGE
    filterset_class = CategoryFilterSet
    export_name = "knowledge-categories"
    empty_message = gettext_lazy("No categories match these filters.")
    create_url_name = "knowledge:category_create"
    create_label = gettext_lazy("New category")
    columns = [
        Column(gettext_lazy("Name"), attr("name"), link=_category_link),
        Column(gettext_lazy("Code"), attr("code")),
        Column(gettext_lazy("Description"), attr("description")),
        Column(gettext_lazy("Position"), attr("position"), css="text-end"),
        Column(gettext_lazy("Articles"), attr("article_count"), link=_category_articles, css="text-end"),
    ]

    def get_queryset(self) -> Any:
        return selectors.categories_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True


@login_required
def category_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = editor_of(request)
    category = selectors.access_category(actor=actor, category_id=pk) if pk is not None else None
    initial = (
        {name: getattr(category, name) for name in ("name", "code", "description", "position")}
        if category is not None
        else {}
    )
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if category is None:
                category = services.create_category(actor=actor, **form.cleaned_data)
            else:
                category = services.update_category(actor=actor, category=category, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Category “%(name)s” saved.") % {"name": category.name})
            return redirect("knowledge:category_list")
    context = {
        "title": _("Edit category") if category else _("New category"),
        "form": form,
        "category": category,
    }
    return render(request, "knowledge/category_form.html", context, status=400 if form.errors else 200)
