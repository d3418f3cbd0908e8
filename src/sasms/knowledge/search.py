"""Knowledge articles in the shared search kernel (:mod:`sasms.core.search.services`).

Each article has up to two index documents:

* ``knowledge.article`` — the live (published) version: its title, its text without Markdown, and
  the article's tags, category, vendors, models and component. Audience as that version's
  (``customer`` or ``internal``), no organisation: customer-visible articles are for every
  customer. Present only while a version is live.
* ``knowledge.article_draft`` — the working version while it differs from the live one (a draft,
  a version in review): always ``internal``, so only staff can find it, and the knowledge pages
  show it to editors only.

The services re-index an article in the same transaction as each change; ``index_articles``
indexes many at once (demo, benchmark, re-indexing).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString

from sasms.accounts.models import User
from sasms.core.search.models import Audience, SearchDocument
from sasms.core.search.services import (
    MAX_LIMIT,
    IndexEntry,
    SearchHit,
    index_documents,
    search,
    visible_documents,
    with_snippets,
)
from sasms.knowledge import rerank
from sasms.knowledge.markdown import plain_text
from sasms.knowledge.models import Article, ArticleStatus, ArticleVersion
from sasms.knowledge.selectors import articles_visible_to, is_editor
from sasms.tickets.choices import ComponentArea

Actor = User | AnonymousUser
LIVE_DOCUMENT = "knowledge.article"
DRAFT_DOCUMENT = "knowledge.article_draft"
# The search page ranks this many best matches (one kernel page); filters apply within them, and
# only the page shown is highlighted.
SEARCH_CANDIDATES = 100
ARTICLE_NUMBER = re.compile(r"^KB0*(\d{1,9})$", re.IGNORECASE)


def _component_words(component: str) -> str:
    """The component's name in both languages, so 硬盘 and "disk" both find a disk article."""
    if not component or component not in ComponentArea.values:
        return ""
    label = ComponentArea(component).label
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hans"):
        chinese = str(label)
    return english if english == chinese else f"{english} {chinese}"


def _metadata(article: Article) -> str:
    """Words about the article that its text may not repeat: tags, category, vendors, models."""
    parts: list[str] = [t.name for t in article.tags.all()]
    if article.category is not None:
        parts.append(article.category.name)
    parts.extend(v.name for v in article.vendors.all())
    parts.extend(m.name for m in article.server_models.all())
    parts.append(_component_words(article.component))
    return " · ".join(p for p in parts if p)


def _entry(article: Article, version: ArticleVersion, *, object_type: str, metadata: str) -> IndexEntry:
    body = plain_text(version.body)
    if metadata:
        body = f"{body}\n\n{metadata}" if body else metadata
    audience = Audience.INTERNAL if object_type == DRAFT_DOCUMENT else version.audience
    return IndexEntry(
        object_type=object_type,
        object_id=article.pk,
        title=version.title,
        body=body,
        organisation_id=None,
        audience=audience,
        updated_at=version.updated_at,
    )


def entries_for(article: Article) -> tuple[IndexEntry | None, IndexEntry | None]:
    """The (live, draft) index entries the article should have now; ``None`` where it has none."""
    metadata = _metadata(article)
    live_version = article.live_version if article.status != ArticleStatus.ARCHIVED else None
    live = (
        _entry(article, live_version, object_type=LIVE_DOCUMENT, metadata=metadata)
        if live_version is not None
        else None
    )
    draft = None
    current = article.current_version
    if (
        current is not None
        and article.status in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW)
        and current.pk != article.live_version_id
    ):
        draft = _entry(article, current, object_type=DRAFT_DOCUMENT, metadata=metadata)
    return live, draft


def _article_queryset() -> QuerySet[Article]:
    return Article.objects.select_related("category", "live_version", "current_version").prefetch_related(
        "tags", "vendors", "server_models"
    )


def index_articles(article_ids: Sequence[int], *, batch_size: int = 500) -> int:
    """Bring the index entries of these articles up to date, in bulk; returns the article count."""
    entries: list[IndexEntry] = []
    stale: dict[str, list[str]] = {LIVE_DOCUMENT: [], DRAFT_DOCUMENT: []}
    count = 0
    for start in range(0, len(article_ids), batch_size):
        chunk = list(article_ids[start : start + batch_size])
        for article in _article_queryset().filter(pk__in=chunk):
            count += 1
            live, draft = entries_for(article)
            for object_type, entry in ((LIVE_DOCUMENT, live), (DRAFT_DOCUMENT, draft)):
                if entry is None:
                    stale[object_type].append(str(article.pk))
                else:
                    entries.append(entry)
    index_documents(entries, batch_size=batch_size)
    for object_type, ids in stale.items():
        for start in range(0, len(ids), batch_size):
            SearchDocument.objects.filter(
                object_type=object_type, object_id__in=ids[start : start + batch_size]
            ).delete()
    return count


def index_article(article: Article) -> None:
    """Re-index one article from the database; call in the transaction that changed it."""
    index_articles([article.pk])


def remove_article(article_id: int) -> None:
    SearchDocument.objects.filter(
        object_type__in=(LIVE_DOCUMENT, DRAFT_DOCUMENT), object_id=str(article_id)
    ).delete()


# --- Searching -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    # Plain (escaped) until :func:`highlighted` marks the matches.
    title_html: SafeString
    snippet: SafeString
    score: float
    # The match is in a version not yet published (editors only).
    draft: bool
    # The kernel's hit, kept for highlighting later.
    hit: SearchHit | None = None


def _object_types(actor: Actor, *, include_drafts: bool) -> list[str]:
    # The kernel keeps internal documents from customers anyway; not asking is a second fence.
    if include_drafts and is_editor(actor):
        return [LIVE_DOCUMENT, DRAFT_DOCUMENT]
    return [LIVE_DOCUMENT]


def _kernel_hits(
    *, actor: Actor, query: str, object_types: list[str], candidates: int, any_term: bool, prefix: bool
) -> list[SearchHit]:
    hits: list[SearchHit] = []
    for offset in range(0, candidates, MAX_LIMIT):
        page = search(
            actor=actor,
            query=query,
            object_types=object_types,
            limit=min(MAX_LIMIT, candidates - offset),
            offset=offset,
            any_term=any_term,
            prefix=prefix,
            snippets=False,
        )
        hits.extend(page)
        if len(page) < MAX_LIMIT:
            break
    return hits


def _nearest_hits(*, actor: Actor, query: str) -> list[SearchHit]:
    """The live articles most like the query by learned similarity, as hits the reader may see.

    Not for a query with digits: a part number or error code the index does not know must find
    nothing rather than the articles about codes that look alike.
    """
    if any(ch.isdigit() for ch in query):
        return []
    found = dict(rerank.nearest(query))
    if not found:
        return []
    documents = visible_documents(actor).filter(object_type=LIVE_DOCUMENT, object_id__in=list(found))
    hits = [
        SearchHit(
            d.object_type, d.object_id, d.title, found[d.object_id], escape(d.title), SafeString(""), d.pk
        )
        for d in documents.only("id", "object_type", "object_id", "title")
    ]
    return sorted(hits, key=lambda h: -h.score)


def ranked_hits(
    *,
    actor: Actor,
    query: str,
    candidates: int = SEARCH_CANDIDATES,
    any_term: bool = False,
    prefix: bool = False,
    include_drafts: bool = True,
    learned: bool = True,
    broaden: bool = True,
) -> list[SearchHit]:
    """Kernel hits for ``query`` over the articles' documents, best first, one per article.

    A query whose every word no article has (customers write more words than any one article
    shares) falls back to articles with any of its words; with ``learned`` the index's candidates
    are re-ranked by learned similarity (:mod:`sasms.knowledge.rerank`), and a query the index
    cannot match at all gets the most similar articles. Without snippets: a page highlights the
    hits it shows (:func:`highlighted`).
    """
    object_types = _object_types(actor, include_drafts=include_drafts)
    hits = _kernel_hits(
        actor=actor,
        query=query,
        object_types=object_types,
        candidates=candidates,
        any_term=any_term,
        prefix=prefix,
    )
    if not hits and not any_term and broaden:
        hits = _kernel_hits(
            actor=actor,
            query=query,
            object_types=object_types,
            candidates=candidates,
            any_term=True,
            prefix=prefix,
        )
    seen: set[str] = set()
    unique: list[SearchHit] = []
    for hit in hits:
        if hit.object_id not in seen:
            seen.add(hit.object_id)
            unique.append(hit)
    if learned and rerank.enabled():
        unique = rerank.rerank(unique, query=query) if unique else _nearest_hits(actor=actor, query=query)
    return unique


def hit_queryset(*, actor: Actor) -> QuerySet[Article]:
    """The articles of a results list: only what the list shows (no version texts)."""
    return (
        articles_visible_to(actor=actor)
        .select_related(None)
        .select_related("category")
        .annotate(live_audience=F("live_version__audience"))
    )


def search_articles(
    *,
    actor: Actor,
    query: str,
    filters: Q | None = None,
    candidates: int = SEARCH_CANDIDATES,
    prefix: bool = False,
    any_term: bool = False,
    include_drafts: bool = True,
    drafts_ranked: bool = False,
    learned: bool = True,
    broaden: bool = True,
) -> list[ArticleHit]:
    """Articles matching ``query`` that ``actor`` may read, most relevant first.

    Editors' matches in unpublished versions come after every published match unless
    ``drafts_ranked`` (the search page's "include drafts"): a draft nobody has reviewed should not
    be the first answer an agent reads.

    ``KB00042`` finds that article by number. The kernel scopes by audience; the articles are then
    read through :func:`articles_visible_to`, so a customer can never receive a draft, an
    internal or an archived article even if the index were stale. ``filters`` narrows further
    (category, component, status …).
    """
    text = query.strip()
    if not text:
        return []
    visible = hit_queryset(actor=actor)
    if filters is not None:
        visible = visible.filter(filters)
    number = ARTICLE_NUMBER.match(text)
    if number:
        article = visible.filter(pk=int(number.group(1))).first()
        if article is not None:
            return [
                ArticleHit(
                    article,
                    escape(getattr(article, "shown_title", article.title)),
                    SafeString(""),
                    0.0,
                    False,
                )
            ]
    hits = ranked_hits(
        actor=actor,
        query=text,
        candidates=candidates,
        prefix=prefix,
        any_term=any_term,
        include_drafts=include_drafts,
        learned=learned,
        broaden=broaden,
    )
    if not hits:
        return []
    articles = {a.pk: a for a in visible.filter(pk__in=[int(h.object_id) for h in hits])}
    results: list[ArticleHit] = []
    for hit in hits:
        article = articles.get(int(hit.object_id))
        if article is None:
            continue
        draft = hit.object_type == DRAFT_DOCUMENT
        if draft and not is_editor(actor):
            continue
        results.append(ArticleHit(article, hit.title_html, hit.snippet, hit.score, draft, hit))
    if not drafts_ranked:
        results.sort(key=lambda h: h.draft)  # stable: relevance order kept within each part
    return results


def highlighted(hits: Sequence[ArticleHit], *, query: str) -> list[ArticleHit]:
    """``hits`` with the matches marked in their titles and snippets: one query for all of them."""
    kernel_hits = [h.hit for h in hits if h.hit is not None]
    marked = {h.document_id: h for h in with_snippets(kernel_hits, query=query)}
    result: list[ArticleHit] = []
    for hit in hits:
        found = marked.get(hit.hit.document_id) if hit.hit is not None else None
        result.append(replace(hit, title_html=found.title_html, snippet=found.snippet) if found else hit)
    return result


def reindex_all(*, batch_size: int = 1000) -> Iterable[tuple[int, int]]:
    """Re-index every article in batches; yields (done, total) after each."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        index_articles(ids[start : start + batch_size], batch_size=batch_size)
        yield min(start + batch_size, len(ids)), len(ids)
