"""Reading the knowledge base: home and search, the article page, feedback, history and diffs."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sasms.core.errors import NotFound, ServiceError
from sasms.core.forms import add_service_error
from sasms.core.parsing import is_ascii_digits
from sasms.knowledge import selectors, services
from sasms.knowledge.answer import ask
from sasms.knowledge.forms import FeedbackForm, SearchForm, WorkflowForm
from sasms.knowledge.markdown import diff_html, render_markdown
from sasms.knowledge.search import ArticleHit, highlighted, hit_queryset, search_articles
from sasms.knowledge.views.common import actor_of
from sasms.tickets.selectors import is_staff_reader as works_tickets

RESULTS_PER_PAGE = 20
BROWSE_LIMIT = 200


def _search_context(request: HttpRequest, *, prefix: bool) -> dict[str, Any]:
    actor = actor_of(request)
    form = SearchForm(request.GET or None)
    query = ""
    filters = Q()
    if form.is_bound:
        form.is_valid()  # a bad filter is dropped; the words are still searched
        data = form.cleaned_data
        query = (data.get("q") or "").strip()
        if data.get("category") is not None:
            filters &= Q(category=data["category"])
        if data.get("component"):
            filters &= Q(component=data["component"])
    hits: list[ArticleHit] = []
    if query:
        hits = search_articles(
            actor=actor,
            query=query,
            filters=filters,
            prefix=prefix,
            drafts_ranked=bool(form.cleaned_data.get("include_drafts")),
        )
    elif filters:
        # A category or component without words: its live articles, most read first.
        browse = (
            hit_queryset(actor=actor)
            .filter(selectors.live_condition(customer=not selectors.is_staff_reader(actor)))
            .filter(filters)
            .order_by("-view_count", "-id")[:BROWSE_LIMIT]
        )
        hits = [ArticleHit(a, conditional_escape(a.shown_title), SafeString(""), 0.0, False) for a in browse]  # type: ignore[attr-defined]
    page = Paginator(hits, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    answer = ask(hits, question=query) if query and page.number == 1 else None
    if query:  # only the page shown is highlighted
        page.object_list = highlighted(list(page.object_list), query=query)
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "form": form,
        "query": query,
        "searched": bool(query or filters),
        "page": page,
        "hits": page.object_list,
        "querystring": params.urlencode(),
        "answer": answer,
        "is_editor": selectors.is_editor(actor),
        "is_manager": selectors.is_manager(actor),
        "is_staff": selectors.is_staff_reader(actor),
    }


@login_required
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    """Search box, categories, most read and newest articles; results when a query is given."""
    actor = actor_of(request)
    context = _search_context(request, prefix=False)
    if not context["searched"]:
        context.update(
            categories=[c for c in selectors.categories_visible_to(actor=actor) if c.article_count],  # type: ignore[attr-defined]
            popular=selectors.popular_articles(actor=actor),
            recent=selectors.recent_articles(actor=actor),
            tags=selectors.popular_tags(actor=actor),
        )
    context["title"] = _("Knowledge base")
    return render(request, "knowledge/home.html", context)


@login_required
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """The results fragment, asked for as the reader types (the last word counts as a prefix)."""
    context = _search_context(request, prefix=True)
    return render(request, "knowledge/_search_results.html", context)


@login_required
@require_GET
def article_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    article = selectors.access_article(actor=actor, article_id=pk)
    number = request.GET.get("version", "")
    version = selectors.shown_version(
        actor=actor,
        article=article,
        number=int(number) if is_ascii_digits(number) and len(number) < 9 else None,
    )
    is_live = version.pk == article.live_version_id
    if is_live and not request.htmx:  # type: ignore[attr-defined]
        services.record_view(article=article)
        article.view_count += 1  # the page shows the count including this reading
    editor = selectors.is_editor(actor)
    context = {
        "title": version.title,
        "article": article,
        "version": version,
        "is_live": is_live,
        "html": render_markdown(version.body),
        "is_editor": editor,
        "is_staff": selectors.is_staff_reader(actor),
        "works_tickets": works_tickets(actor),
        "tags": list(article.tags.all()),
        "server_models": list(article.server_models.all()),
        "vendors": list(article.vendors.all()),
        "related": selectors.related_articles(actor=actor, article=article),
        "feedback_form": FeedbackForm(),
        "my_feedback": selectors.feedback_of(actor=actor, article=article) if is_live else None,
        "actions": services.available_actions(actor=actor, article=article) if editor else [],
        "workflow_form": WorkflowForm() if editor else None,
        "reviews": list(selectors.reviews_of(actor=actor, article=article))[-5:] if editor else [],
        "reviewers": list(article.reviewers.all()) if editor else [],
    }
    return render(request, "knowledge/article_detail.html", context)


@login_required
@require_POST
def feedback_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Did this help?": with htmx the feedback box comes back thanking the reader."""
    actor = actor_of(request)
    article = selectors.access_article(actor=actor, article_id=pk)
    form = FeedbackForm(request.POST)
    feedback = None
    if form.is_valid():
        try:
            feedback = services.give_feedback(
                actor=actor,
                article=article,
                helpful=form.cleaned_data["helpful"],
                comment=form.cleaned_data["comment"],
            )
        except ServiceError as error:
            if isinstance(error, NotFound):
                raise
            add_service_error(form, error)
    context = {
        "article": article,
        "feedback_form": form,
        "my_feedback": feedback,
        "thanked": feedback is not None,
    }
    if not request.htmx:  # type: ignore[attr-defined]
        from django.contrib import messages
        from django.shortcuts import redirect

        if feedback is not None:
            messages.success(request, _("Thank you for your feedback."))
        else:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("knowledge:article", pk=article.pk)
    return render(request, "knowledge/_feedback.html", context, status=200 if feedback else 400)


@login_required
@require_GET
def history_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    article = selectors.access_article(actor=actor, article_id=pk)
    if not selectors.is_editor(actor):
        raise NotFound(_("Not found."))
    versions = list(selectors.versions_of(actor=actor, article=article))
    context = {
        "title": _("History of %(number)s") % {"number": article.number},
        "article": article,
        "versions": versions,
        "reviews": list(selectors.reviews_of(actor=actor, article=article)),
    }
    return render(request, "knowledge/history.html", context)


def _version_number(value: str | None, default: int) -> int:
    return int(value) if value and is_ascii_digits(value) and len(value) < 9 else default


@login_required
@require_GET
def diff_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions side by side, changed lines marked: ``?a=1&b=2`` (default: previous and newest)."""
    actor = actor_of(request)
    article = selectors.access_article(actor=actor, article_id=pk)
    if not selectors.is_editor(actor):
        raise NotFound(_("Not found."))
    versions = {v.number: v for v in selectors.versions_of(actor=actor, article=article)}
    newest = max(versions)
    after = versions.get(_version_number(request.GET.get("b"), newest))
    before = versions.get(_version_number(request.GET.get("a"), max(1, newest - 1)))
    if before is None or after is None:
        raise NotFound(_("Not found."))
    labels = {n: _("Version %(number)d") % {"number": n} for n in (before.number, after.number)}
    changes = []
    if before.title != after.title:
        changes.append((_("Title"), before.title, after.title))
    if before.audience != after.audience:
        changes.append((_("Audience"), before.get_audience_display(), after.get_audience_display()))
    context = {
        "title": _("Changes in %(number)s") % {"number": article.number},
        "article": article,
        "before": before,
        "after": after,
        "versions": sorted(versions.values(), key=lambda v: v.number),
        "changes": changes,
        "same_body": before.body == after.body,
        "table": diff_html(
            before.body, after.body, before_label=labels[before.number], after_label=labels[after.number]
        ),
    }
    return render(request, "knowledge/diff.html", context)
