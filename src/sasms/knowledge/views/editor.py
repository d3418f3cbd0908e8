"""Writing: the editor with preview, workflow steps, and drafting an article from a request."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.knowledge import selectors, services
from sasms.knowledge.forms import ArticleForm, PreviewForm, WorkflowForm
from sasms.knowledge.markdown import render_markdown
from sasms.knowledge.models import Article
from sasms.knowledge.views.common import editor_of, error_text
from sasms.tickets.selectors import access_ticket


def _initial(article: Article) -> dict[str, Any]:
    version = article.current_version
    assert version is not None
    return {
        "title": version.title,
        "body": version.body,
        "audience": version.audience,
        "language": article.language,
        "category": article.category_id,
        "component": article.component,
        "tags": ", ".join(t.name for t in article.tags.all()),
        "vendors": [v.pk for v in article.vendors.all()],
        "server_models": [m.pk for m in article.server_models.all()],
        "revision": article.revision,
    }


@login_required
def article_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = editor_of(request)
    article = selectors.access_article(actor=actor, article_id=pk) if pk is not None else None
    form = ArticleForm(
        request.POST or None,
        initial=_initial(article) if article is not None else {"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            if article is None:
                article = services.create_article(actor=actor, **values)
                messages.success(request, _("Draft %(number)s saved.") % {"number": article.number})
            else:
                article = services.update_article(
                    actor=actor, article=article, revision=form.cleaned_data["revision"], **values
                )
                messages.success(request, _("Article %(number)s saved.") % {"number": article.number})
        except ServiceError as error:
            if "revision" in error.fields:  # a hidden field: say it above the form
                form.add_error(None, error.message)
            else:
                add_service_error(form, error)
        else:
            return redirect("knowledge:article", pk=article.pk)
    context = {
        "title": _("Edit %(number)s") % {"number": article.number} if article else _("New article"),
        "form": form,
        "article": article,
        "preview": render_markdown(form["body"].value() or ""),
        "new_version": article is not None
        and article.current_version is not None
        and article.current_version.published_at is not None,
    }
    return render(request, "knowledge/article_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def preview_view(request: HttpRequest) -> HttpResponse:
    """The editor's live preview: the body rendered exactly as readers will see it."""
    editor_of(request)
    form = PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return render(request, "knowledge/_preview.html", {"preview": render_markdown(body)})


@login_required
@require_POST
def workflow_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = editor_of(request)
    article = selectors.access_article(actor=actor, article_id=pk)
    form = WorkflowForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("knowledge:article", pk=article.pk)
    data = form.cleaned_data
    try:
        article = services.transition_article(
            actor=actor,
            article=article,
            action=data["action"],
            reviewers=list(data["reviewers"]),
            comment=data["comment"],
        )
    except ServiceError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(number)s: %(status)s.") % {"number": article.number, "status": article.get_status_display()},
        )
    return redirect("knowledge:article", pk=article.pk)


@login_required
@require_POST
def draft_from_ticket_view(request: HttpRequest, number: str) -> HttpResponse:
    """The request page's button: a draft from the resolved request, opened in the editor."""
    actor = editor_of(request)
    ticket = access_ticket(actor=actor, number=number)
    try:
        article = services.draft_article_from_ticket(actor=actor, ticket=ticket)
    except services.AlreadyDrafted as exists:
        messages.info(request, exists.message)
        return redirect("knowledge:article", pk=exists.article.pk)
    except ServiceError as error:
        messages.error(request, error_text(error))
        return redirect("tickets:detail", number=ticket.number)
    messages.success(
        request,
        _("Draft %(number)s created from %(request)s: check it and submit it for review.")
        % {"number": article.number, "request": ticket.number},
    )
    return redirect("knowledge:article_edit", pk=article.pk)
