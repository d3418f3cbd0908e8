"""``knowledge:suggest``: the htmx fragment of suggestions while a request is typed."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from sasms.knowledge.answer import ask
from sasms.knowledge.suggest import suggestions_for
from sasms.knowledge.views.common import actor_of


@login_required
@require_GET
def suggest_view(request: HttpRequest) -> HttpResponse:
    """``?q=…`` (or the intake's ``title`` and ``description``), optional ``server`` and ``component``.

    ``server`` is a server id or its serial number, hostname or asset tag (``server_identifier``
    is read too); a server the reader may not see is ignored. Customers get articles only; staff
    also similar resolved requests unless ``requests=0`` (a page that shows its own).
    """
    actor = actor_of(request)
    params = request.GET
    text = " ".join(params.get(name, "") for name in ("q", "title", "description"))
    server = params.get("server", "") or params.get("server_identifier", "")
    suggestions = suggestions_for(
        actor=actor,
        text=text,
        server=server[:253],
        component=params.get("component", "")[:20],
        requests=params.get("requests", "1") != "0",
    )
    # The portal's new-request page and the agent's side panel: the best passage above the titles.
    answer = ask(suggestions.articles, question=text) if suggestions.articles else None
    response = render(request, "knowledge/_suggest.html", {"suggestions": suggestions, "answer": answer})
    patch_cache_control(response, private=True, no_store=True)
    return response
