"""Service requests in the shared search kernel (:mod:`sasms.core.search.services`).

Each request has up to two index documents:

* ``tickets.ticket`` — customer-visible: SR number and title; description, public replies, the
  resolution summary and root cause, and the title and description of the duplicates merged into it.
  Audience ``customer`` in the request's organisation, so its customer users may find it.
* ``tickets.ticket_internal`` — staff only: internal notes and the 5-why answers, only while there
  are any. Internal text never goes into the customer-visible document.

The ticket services re-index a request in the same transaction as the change of its text (create,
reply/note, resolve, merge, detail edit); ``sasms reindex_tickets`` and the demo index in bulk.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import BigIntegerField, Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Server
from sasms.core.search.models import Audience, SearchDocument
from sasms.core.search.services import (
    MAX_LIMIT,
    IndexEntry,
    SearchHit,
    index_document,
    index_documents,
    remove_document,
    search,
)
from sasms.core.search.tokenizer import MAX_QUERY_CHARS
from sasms.tickets.choices import EventKind, Status
from sasms.tickets.models import Ticket, TicketEvent

Actor = User | AnonymousUser
TICKET_DOCUMENT = "tickets.ticket"
INTERNAL_DOCUMENT = "tickets.ticket_internal"
# The search box ranks this many best matches (kernel pages of 100); the queue's other filters
# apply within them. A bounded number of kernel calls keeps the page's query count constant.
SEARCH_CANDIDATES = 300
# A search word that names servers or customers finds their requests too; at most this many of each.
MATCHED_SERVERS = 50
MATCHED_CUSTOMERS = 50
# Similar resolved requests are picked from this many best matches of any term.
SIMILAR_CANDIDATES = 100
# "SR2026112400042" or a prefix of it ("SR202611"): searched by number, not by text.
SR_NUMBER = re.compile(r"^SR\d{1,13}$")
# A bare run of digits long enough to be a date-and-sequence part of a number.
NUMBER_DIGITS = re.compile(r"^\d{8,13}$")
_TICKET_FIELDS = (
    "pk",
    "number",
    "title",
    "description",
    "organisation_id",
    "resolution_summary",
    "root_cause",
    "five_whys",
    "merged_into_id",
    "updated_at",
)


@dataclass
class TicketTexts:
    """The text of one request, split by who may read it."""

    ticket_id: int
    number: str
    title: str
    organisation_id: int
    updated_at: Any
    public: list[str]
    internal: list[str]

    def entries(self) -> tuple[IndexEntry, IndexEntry | None]:
        title = f"{self.number} {self.title}"
        public = IndexEntry(
            object_type=TICKET_DOCUMENT,
            object_id=self.ticket_id,
            title=title,
            body=_join(self.public),
            organisation_id=self.organisation_id,
            audience=Audience.CUSTOMER,
            updated_at=self.updated_at,
        )
        body = _join(self.internal)
        internal = (
            IndexEntry(
                object_type=INTERNAL_DOCUMENT,
                object_id=self.ticket_id,
                title=title,
                body=body,
                organisation_id=self.organisation_id,
                audience=Audience.INTERNAL,
                updated_at=self.updated_at,
            )
            if body
            else None
        )
        return public, internal


def _join(parts: Iterable[str]) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def texts_for(
    *,
    ticket_id: int,
    number: str,
    title: str,
    description: str,
    organisation_id: int,
    updated_at: Any,
    resolution_summary: str = "",
    root_cause: str = "",
    five_whys: Sequence[str] = (),
    replies: Sequence[str] = (),
    notes: Sequence[str] = (),
    duplicates: Sequence[tuple[str, str]] = (),
) -> TicketTexts:
    """Sort a request's text into customer-visible and internal parts."""
    public = [description, *replies, resolution_summary, root_cause]
    for dup_title, dup_description in duplicates:
        public.extend((dup_title, dup_description))
    return TicketTexts(
        ticket_id=ticket_id,
        number=number,
        title=title,
        organisation_id=organisation_id,
        updated_at=updated_at,
        public=public,
        internal=[*notes, *(str(w) for w in five_whys or [])],
    )


def _collect(ticket_ids: Sequence[int]) -> list[TicketTexts]:
    """The texts of these requests in three queries (requests, comments, merged duplicates)."""
    rows = list(Ticket.objects.filter(pk__in=ticket_ids).order_by("pk").values(*_TICKET_FIELDS))
    replies: dict[int, list[str]] = defaultdict(list)
    notes: dict[int, list[str]] = defaultdict(list)
    comments = (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids, kind__in=(EventKind.REPLY, EventKind.NOTE))
        .exclude(body="")
        .order_by("created_at", "id")
        .values_list("ticket_id", "kind", "public", "body")
    )
    for ticket_id, kind, public, body in comments:
        # Only a public reply is customer text; anything else, whatever its kind, stays internal.
        (replies if kind == EventKind.REPLY and public else notes)[ticket_id].append(body)
    duplicates: dict[int, list[tuple[str, str]]] = defaultdict(list)
    merged = Ticket.objects.filter(merged_into_id__in=ticket_ids).order_by("pk")
    for into_id, dup_title, dup_description in merged.values_list("merged_into_id", "title", "description"):
        duplicates[into_id].append((dup_title, dup_description))
    return [
        texts_for(
            ticket_id=row["pk"],
            number=row["number"],
            title=row["title"],
            description=row["description"],
            organisation_id=row["organisation_id"],
            updated_at=row["updated_at"],
            resolution_summary=row["resolution_summary"],
            root_cause=row["root_cause"],
            five_whys=row["five_whys"] or [],
            replies=replies[row["pk"]],
            notes=notes[row["pk"]],
            duplicates=duplicates[row["pk"]],
        )
        for row in rows
    ]


def _write(texts: TicketTexts, *, new: bool = False) -> None:
    public, internal = texts.entries()
    for entry in (public, internal):
        if entry is not None:
            index_document(
                object_type=entry.object_type,
                object_id=entry.object_id,
                title=entry.title,
                body=entry.body,
                organisation=entry.organisation_id,
                audience=entry.audience,
                updated_at=entry.updated_at,
            )
    if internal is None and not new:
        remove_document(object_type=INTERNAL_DOCUMENT, object_id=texts.ticket_id)


def index_ticket(ticket: Ticket) -> None:
    """Re-index one request from the database; call inside the transaction that changed its text."""
    for texts in _collect([ticket.pk]):
        _write(texts)


def index_new_ticket(ticket: Ticket) -> None:
    """Index a request just created: its text is all in hand, so nothing is read back."""
    _write(
        texts_for(
            ticket_id=ticket.pk,
            number=ticket.number,
            title=ticket.title,
            description=ticket.description,
            organisation_id=ticket.organisation_id,
            updated_at=ticket.updated_at,
        ),
        new=True,
    )


def index_texts(texts: Iterable[TicketTexts], *, batch_size: int = 500) -> int:
    """Index many requests with one upsert per batch (demo, re-indexing); returns the request count.

    A request without internal text loses an internal document it may have had.
    """
    collected = list(texts)
    entries: list[IndexEntry] = []
    without_internal: list[str] = []
    for item in collected:
        public, internal = item.entries()
        entries.append(public)
        if internal is None:
            without_internal.append(str(item.ticket_id))
        else:
            entries.append(internal)
    index_documents(entries, batch_size=batch_size)
    if without_internal:
        # One DELETE per batch, where remove_document would take one per request.
        SearchDocument.objects.filter(object_type=INTERNAL_DOCUMENT, object_id__in=without_internal).delete()
    return len(collected)


def reindex_batches(*, batch_size: int = 1000) -> Iterator[tuple[int, int]]:
    """Re-index every request in batches of ``batch_size``; yields (done, total) after each batch."""
    total = Ticket.objects.count()
    done = 0
    last_id = 0
    while True:
        ids = list(
            Ticket.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        done += index_texts(_collect(ids), batch_size=batch_size)
        last_id = ids[-1]
        yield done, max(total, done)


# --- Searching -------------------------------------------------------------------------------------


def _object_types(actor: Actor) -> list[str]:
    from sasms.tickets.selectors import is_staff_reader

    # The kernel keeps internal documents from customers anyway; not asking for them is a second fence.
    return [TICKET_DOCUMENT, INTERNAL_DOCUMENT] if is_staff_reader(actor) else [TICKET_DOCUMENT]


def _hits(
    *, actor: Actor, query: str, object_types: list[str], candidates: int, any_term: bool = False
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
        )
        hits.extend(page)
        if len(page) < MAX_LIMIT:
            break
    return hits


def ranked_ticket_ids(*, actor: Actor, query: str, candidates: int = SEARCH_CANDIDATES) -> list[int]:
    """Ids of the requests whose text matches ``query``, most relevant first, at most ``candidates``."""
    ids: dict[int, None] = {}
    for hit in _hits(actor=actor, query=query, object_types=_object_types(actor), candidates=candidates):
        ids.setdefault(int(hit.object_id), None)
    return list(ids)


def looks_like_number(query: str) -> bool:
    return bool(SR_NUMBER.match(query.strip().upper()))


def search_tickets(queryset: QuerySet[Ticket], *, actor: Actor, query: str) -> QuerySet[Ticket]:
    """``queryset`` narrowed to the requests matching ``query``; the best matches first.

    An SR number or its prefix is matched by number (newest first). Anything else goes through
    the search kernel — ranked over title, description, public replies and resolution, and for
    staff internal notes — and also matches a server's exact serial, hostname or asset tag and
    customer names containing it.
    """
    text = query.strip()
    if not text:
        return queryset
    if looks_like_number(text):
        return queryset.filter(number__startswith=text.upper())
    ids = ranked_ticket_ids(actor=actor, query=text)
    condition = Q(pk__in=ids)
    if NUMBER_DIGITS.match(text):
        condition |= Q(number__startswith=f"SR{text}")
    # Servers and customers are resolved to ids first, through their own indexes (serials and asset
    # tags are kept upper case, host names lower case), so that every branch of the OR below is an
    # index lookup on the request table: an OR with a sub-select or a case-folded comparison makes
    # PostgreSQL read every request instead.
    spellings = sorted({text, text.upper(), text.lower()})
    server_ids = list(
        Server.objects.filter(
            Q(serial__in=spellings) | Q(hostname__in=spellings) | Q(asset_tag__in=spellings)
        ).values_list("pk", flat=True)[:MATCHED_SERVERS]
    )
    if server_ids:
        condition |= Q(server_id__in=server_ids)
    organisation_ids = list(
        Organisation.objects.filter(name__icontains=text).values_list("pk", flat=True)[:MATCHED_CUSTOMERS]
    )
    if organisation_ids:
        condition |= Q(organisation_id__in=organisation_ids)
    narrowed = queryset.filter(condition)
    if not ids:
        return narrowed
    return narrowed.order_by(_relevance(ids), "-created_at", "-id")


def _relevance(ids: list[int]) -> Any:
    """The position of a request in ``ids`` (the best match first), the others after them.

    PostgreSQL: one ``array_position`` over the ids as one array parameter, where a CASE would have
    one branch per candidate (300) to plan and evaluate on every row. SQLite has no arrays: CASE.
    """
    if connection.vendor == "postgresql":
        from django.contrib.postgres.fields import ArrayField

        position = Func(
            Value(ids, output_field=ArrayField(BigIntegerField())),
            F("pk"),
            function="array_position",
            output_field=IntegerField(),
        )
        return Coalesce(position, Value(len(ids) + 1))
    return Case(
        *(When(pk=pk, then=Value(rank)) for rank, pk in enumerate(ids)),
        default=Value(len(ids)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class SimilarRequest:
    ticket: Ticket
    hit: SearchHit


def similar_resolved(*, actor: Actor, text: str, limit: int = 5) -> list[SimilarRequest]:
    """Resolved or closed requests that share words with ``text`` (what the agent is typing)."""
    from sasms.tickets.selectors import tickets_visible_to

    query = " ".join(text.split())[:MAX_QUERY_CHARS]
    if len(query) < 2:
        return []
    hits = _hits(
        actor=actor,
        query=query,
        object_types=[TICKET_DOCUMENT],
        candidates=SIMILAR_CANDIDATES,
        any_term=True,
    )
    if not hits:
        return []
    tickets = tickets_visible_to(actor=actor).filter(
        pk__in={int(h.object_id) for h in hits},
        status__in=(Status.RESOLVED, Status.CLOSED),
        merged_into__isnull=True,
    )
    found = {t.pk: t for t in tickets}
    similar: dict[int, SimilarRequest] = {}
    for hit in hits:  # best first
        ticket = found.get(int(hit.object_id))
        if ticket is not None and ticket.pk not in similar:
            similar[ticket.pk] = SimilarRequest(ticket, hit)
    return list(similar.values())[:limit]
