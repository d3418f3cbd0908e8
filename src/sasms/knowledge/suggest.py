"""Suggestions while a request is typed: matching articles, and for staff similar resolved requests.

The portal's new-request page and the staff intake ask for them as the person types. Articles are
the live ones the reader may see (customers: customer-visible only); the server's model and the
component, when given, lift the articles linked to them. Similar resolved requests come from the
tickets app's own tenant-scoped search and are for staff only: a customer never sees a request
through a suggestion, their own organisation's or another's.
"""

from dataclasses import dataclass, field, replace

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.assets.selectors import servers_visible_to
from sasms.core.parsing import parse_id
from sasms.core.search.tokenizer import MAX_QUERY_CHARS
from sasms.knowledge.models import Article
from sasms.knowledge.search import ArticleHit, highlighted, search_articles
from sasms.knowledge.selectors import articles_visible_to, is_staff_reader, live_condition
from sasms.tickets.choices import ComponentArea
from sasms.tickets.search import SimilarRequest, similar_resolved
from sasms.tickets.selectors import is_staff_reader as works_tickets

Actor = User | AnonymousUser
ARTICLE_LIMIT = 5
REQUEST_LIMIT = 5
CANDIDATES = 100
# Multipliers of the text score for articles about the server's model, vendor or the component.
MODEL_BOOST = 1.6
VENDOR_BOOST = 1.15
COMPONENT_BOOST = 1.3


@dataclass
class Suggestions:
    articles: list[ArticleHit] = field(default_factory=list)
    # Plain articles (no text match) for the server's model and component when nothing was typed.
    browse: list[Article] = field(default_factory=list)
    requests: list[SimilarRequest] = field(default_factory=list)
    shows_requests: bool = False
    searched: bool = False


def find_server(*, actor: Actor, value: str) -> Server | None:
    """The server named by id or by serial number, hostname or asset tag — only one the actor may see."""
    value = value.strip()
    if not value:
        return None
    servers = servers_visible_to(actor=actor)
    server_id = parse_id(value)
    if server_id is not None:
        found = servers.filter(pk=server_id).first()
        if found is not None:
            return found
    matches = list(
        servers.filter(Q(serial__iexact=value) | Q(hostname__iexact=value) | Q(asset_tag__iexact=value))[:2]
    )
    return matches[0] if len(matches) == 1 else None


def _boost(hit: ArticleHit, server: Server | None, component: str) -> float:
    article = hit.article
    factor = 1.0
    if server is not None:
        model_ids = {m.pk for m in article.server_models.all()}
        vendor_ids = {v.pk for v in article.vendors.all()}
        if server.model_id in model_ids:
            factor *= MODEL_BOOST
        elif server.vendor_id in vendor_ids:
            factor *= VENDOR_BOOST
    if component and article.component == component:
        factor *= COMPONENT_BOOST
    return hit.score * factor


def suggestions_for(
    *,
    actor: Actor,
    text: str,
    server: str = "",
    component: str = "",
    limit: int = ARTICLE_LIMIT,
    requests: bool = True,
) -> Suggestions:
    """Articles for ``text`` (and for staff, unless ``requests`` is off, similar resolved requests)."""
    query = " ".join(text.split())[:MAX_QUERY_CHARS]
    component = component if component in ComponentArea.values else ""
    found_server = find_server(actor=actor, value=server) if server else None
    result = Suggestions(shows_requests=requests and works_tickets(actor))
    if len(query) >= 2:
        result.searched = True
        hits = search_articles(
            actor=actor, query=query, any_term=True, prefix=True, include_drafts=False, candidates=CANDIDATES
        )
        if hits and (found_server is not None or component):
            ids = [h.article.pk for h in hits]
            linked = Article.objects.filter(pk__in=ids).prefetch_related("server_models", "vendors")
            articles = {a.pk: a for a in linked}
            hits = [replace(h, article=articles.get(h.article.pk, h.article)) for h in hits]
            hits.sort(key=lambda h: -_boost(h, found_server, component))
        result.articles = highlighted(hits[:limit], query=query)
        if result.shows_requests:
            result.requests = similar_resolved(actor=actor, text=query, limit=REQUEST_LIMIT)
    elif found_server is not None or component:
        condition = Q()
        if found_server is not None:
            condition &= Q(server_models=found_server.model_id)
        if component:
            condition &= Q(component=component)
        result.browse = list(
            articles_visible_to(actor=actor)
            .filter(live_condition(customer=not is_staff_reader(actor)))
            .filter(condition)
            .distinct()
            .order_by("-view_count", "-id")[:limit]
        )
    return result
