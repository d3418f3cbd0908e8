"""Indexing and searching: the functions every app calls.

An app indexes an object whenever it is saved (``index_document``) and removes it when it is deleted
or must no longer be found (``remove_document``), inside the same transaction as the change.
``search`` answers ranked, tenant-scoped hits with highlighted snippets; a caller that ranks many
candidates but shows a few asks for ``snippets=False`` and highlights the shown ones with
``with_snippets``.

Who sees what: staff who see all organisations see every document; a customer user sees
customer-visible documents of their own organisation and customer-visible documents of no
organisation (public); anyone else sees nothing.
"""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

from sasms.core.search import synonyms
from sasms.core.search.backends import backend_for
from sasms.core.search.highlight import highlight
from sasms.core.search.models import Audience, SearchDocument
from sasms.core.search.tokenizer import normalise, query_terms, to_index_text, to_query
from sasms.core.tenancy import scope_to_actor, sees_all_organisations

if TYPE_CHECKING:
    from sasms.accounts.models import Organisation, User

MAX_LIMIT = 100
# Deep pages of a relevance ranking are never read by a person; refusing them bounds the work.
MAX_OFFSET = 10_000
_TITLE_CHARS = SearchDocument._meta.get_field("title").max_length or 300


@dataclass(frozen=True)
class IndexEntry:
    """One object to index, for :func:`index_documents`."""

    object_type: str
    object_id: str | int
    title: str
    body: str = ""
    organisation_id: int | None = None
    audience: str = Audience.INTERNAL
    updated_at: datetime.datetime | None = None


@dataclass(frozen=True)
class SearchHit:
    object_type: str
    object_id: str
    title: str
    score: float
    # HTML: escaped text of the title / body with <mark> around the matched terms. Without snippets
    # (``search(snippets=False)``): the escaped title and an empty snippet.
    title_html: SafeString
    snippet: SafeString
    # The index row, for ``with_snippets``.
    document_id: int = 0


def _document(entry: IndexEntry) -> SearchDocument:
    if entry.audience not in Audience.values:
        raise ValueError(f"unknown audience {entry.audience!r}")
    title = entry.title[:_TITLE_CHARS]
    thesaurus = synonyms.current()
    return SearchDocument(
        object_type=entry.object_type,
        object_id=str(entry.object_id),
        organisation_id=entry.organisation_id,
        audience=entry.audience,
        title=title,
        body=entry.body,
        title_tokens=to_index_text(title, thesaurus=thesaurus),
        body_tokens=to_index_text(entry.body, thesaurus=thesaurus),
        updated_at=entry.updated_at or timezone.now(),
    )


_UPDATED_FIELDS = ["organisation", "audience", "title", "body", "title_tokens", "body_tokens", "updated_at"]


def index_document(
    *,
    object_type: str,
    object_id: str | int,
    title: str,
    body: str = "",
    organisation: "Organisation | int | None" = None,
    audience: str = Audience.INTERNAL,
    updated_at: datetime.datetime | None = None,
) -> SearchDocument:
    """Add or replace the index entry of one object (``object_type`` like ``"knowledge.article"``)."""
    organisation_id = (
        organisation if organisation is None or isinstance(organisation, int) else organisation.pk
    )
    document = _document(
        IndexEntry(object_type, object_id, title, body, organisation_id, audience, updated_at)
    )
    values = {name: getattr(document, name) for name in _UPDATED_FIELDS}
    saved, _created = SearchDocument.objects.update_or_create(
        object_type=document.object_type, object_id=document.object_id, defaults=values
    )
    return saved


def index_documents(entries: Iterable[IndexEntry], *, batch_size: int = 500) -> int:
    """Add or replace many entries with one upsert per batch (re-indexing, imports). Returns the count."""
    count = 0
    batch: list[SearchDocument] = []
    using = router.db_for_write(SearchDocument)

    def flush() -> None:
        SearchDocument.objects.using(using).bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["object_type", "object_id"],
            update_fields=_UPDATED_FIELDS,
        )
        batch.clear()

    with transaction.atomic(using=using):
        for entry in entries:
            batch.append(_document(entry))
            count += 1
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    return count


def remove_document(*, object_type: str, object_id: str | int) -> bool:
    """Drop one object's entry; ``False`` when it had none."""
    deleted, _ = SearchDocument.objects.filter(object_type=object_type, object_id=str(object_id)).delete()
    return deleted > 0


def visible_documents(actor: "User | AnonymousUser") -> QuerySet[SearchDocument]:
    """The index entries ``actor`` may find (see the module docstring)."""
    documents = SearchDocument.objects.all()
    if not actor.is_authenticated or not actor.is_active:
        return documents.none()
    if sees_all_organisations(actor):
        return documents
    shared = documents.filter(audience=Audience.CUSTOMER)
    # The own organisation's through the one tenancy rule, or nobody's (public); combined into a
    # single WHERE … OR … that the search backends embed in their own SQL.
    return scope_to_actor(shared, actor=actor) | shared.filter(organisation__isnull=True)


def highlight_terms(query: str, texts: Iterable[str] = ()) -> list[str]:
    """What to mark in hits: the query's own words, and the spellings of its dictionary terms.

    Only the spellings found in ``texts`` (the hits' titles and bodies) are kept: a group has dozens,
    and every one would cost the highlighting regex time for nothing.
    """
    thesaurus = synonyms.current()
    terms = query_terms(query)
    spellings = [
        spelling for term in query_terms(query, thesaurus=thesaurus) for spelling in thesaurus.spellings(term)
    ]
    if spellings:
        haystack = normalise("\n".join(texts))
        for spelling in spellings:
            words = query_terms(spelling)
            if words and all(word in haystack for word in words):
                terms.extend(words)
    return list(dict.fromkeys(terms))


def retokenize_documents(*, batch_size: int = 500) -> Iterator[tuple[int, int]]:
    """Recompute every document's index terms from its stored text (after a dictionary change).

    Yields (done, total) after each batch; each batch is its own transaction, so a long run never
    holds the whole index locked and a restarted run simply starts again.
    """
    thesaurus = synonyms.current()
    ids = list(SearchDocument.objects.order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    for start in range(0, total, batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            documents = list(SearchDocument.objects.filter(pk__in=chunk).only("id", "title", "body"))
            for document in documents:
                document.title_tokens = to_index_text(document.title, thesaurus=thesaurus)
                document.body_tokens = to_index_text(document.body, thesaurus=thesaurus)
            SearchDocument.objects.bulk_update(documents, ["title_tokens", "body_tokens"])
        yield min(start + batch_size, total), total


def search(
    *,
    actor: "User | AnonymousUser",
    query: str,
    object_types: Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
    any_term: bool = False,
    prefix: bool = False,
    snippets: bool = True,
) -> list[SearchHit]:
    """Ranked hits for ``query`` among the documents ``actor`` may see, best first.

    Every term must match unless ``any_term`` (suggestions: "similar tickets"); ``prefix`` lets the
    last term match as a word prefix (as the user types). An empty, punctuation-only or too long
    query answers no hits. ``limit`` is clamped to 1…100; offsets past 10 000 answer no hits.
    ``snippets=False`` leaves the texts unread and unhighlighted (see :func:`with_snippets`).
    """
    limit = max(1, min(limit, MAX_LIMIT))
    if offset < 0 or offset > MAX_OFFSET:
        return []
    if object_types is not None and not object_types:
        return []
    scope = visible_documents(actor)
    if object_types is not None:
        scope = scope.filter(object_type__in=list(object_types))
    backend = backend_for(connections[scope.db].vendor)
    match = to_query(
        query, vendor=backend.vendor, any_term=any_term, prefix=prefix, thesaurus=synonyms.current()
    )
    if not match:
        return []
    ranked = backend.ranked(scope, match, limit=limit, offset=offset)
    if not snippets:  # the ranking row has all a hit needs
        return [
            SearchHit(r.object_type, r.object_id, r.title, r.score, escape(r.title), SafeString(""), r.id)
            for r in ranked
        ]
    found = (
        SearchDocument.objects.using(scope.db)
        .defer("title_tokens", "body_tokens")  # as long again as the text, and not needed here
        .in_bulk([r.id for r in ranked])
    )
    terms = highlight_terms(query, (text for d in found.values() for text in (d.title, d.body)))
    hits: list[SearchHit] = []
    for r in ranked:
        document = found.get(r.id)
        if document is None:  # removed between the two reads
            continue
        hits.append(
            SearchHit(
                object_type=document.object_type,
                object_id=document.object_id,
                title=document.title,
                score=r.score,
                title_html=highlight(document.title, terms, width=None),
                snippet=highlight(document.body or document.title, terms),
                document_id=document.pk,
            )
        )
    return hits


def with_snippets(hits: Sequence[SearchHit], *, query: str) -> list[SearchHit]:
    """``hits`` of ``search(snippets=False)`` with their highlighted title and snippet, in one query.

    For callers that rank many candidates and show a page of them. A hit whose document has gone
    meanwhile keeps its plain title.
    """
    ids = [h.document_id for h in hits if h.document_id]
    if not ids:
        return list(hits)
    documents = SearchDocument.objects.only("id", "title", "body").in_bulk(ids)
    terms = highlight_terms(query, (text for d in documents.values() for text in (d.title, d.body)))
    result: list[SearchHit] = []
    for hit in hits:
        document = documents.get(hit.document_id)
        if document is None:
            result.append(hit)
            continue
        result.append(
            replace(
                hit,
                title_html=highlight(document.title, terms, width=None),
                snippet=highlight(document.body or document.title, terms),
            )
        )
    return result
