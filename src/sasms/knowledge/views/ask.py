"""``knowledge:ask``: the htmx fragment that answers a question from the knowledge base.

Asked from the agent's side panel of a request page (with the request's number, so a language
model allowed to see customer data may read the request too) and from anywhere else with ``q``.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from sasms.core.errors import NotFound
from sasms.knowledge.answer import ask
from sasms.knowledge.search import search_articles
from sasms.knowledge.selectors import is_staff_reader
from sasms.knowledge.views.common import actor_of
from sasms.tickets.selectors import access_ticket

MAX_QUESTION_CHARS = 256
SHOWN = 5


@login_required
@require_GET
def ask_view(request: HttpRequest) -> HttpResponse:
    """``?q=…`` and optionally ``ticket=<SR number>`` (staff only: the request the question is about)."""
    actor = actor_of(request)
    question = " ".join((request.GET.get("q") or "").split())[:MAX_QUESTION_CHARS]
    context = ""
    number = (request.GET.get("ticket") or "").strip()[:40]
    if number and is_staff_reader(actor):
        try:
            ticket = access_ticket(actor=actor, number=number)
        except NotFound as exc:
            raise Http404 from exc
        context = f"{ticket.title}\n{ticket.description}"[:2000]
    # Published articles only: an answer is never drawn from an unreviewed draft.
    hits = (
        search_articles(actor=actor, query=question, any_term=True, include_drafts=False) if question else []
    )
    answer = ask(hits[:10], question=question, context=context) if hits else None
    response = render(
        request,
        "knowledge/_ask.html",
        {"question": question, "hits": hits[:SHOWN], "answer": answer, "asked": bool(question)},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
