"""Learned similarity: character n-gram TF-IDF over our own articles and requests, to re-rank hits.

The index ranks by the words a query shares with a document; it cannot tell that "raid卡降级了"
and "RAID 阵列降级" are close, nor forgive a typo. Character 2–4-grams can. The vectorizer is
fitted here, in this process, on the live articles and the most recent requests of this
installation (nothing is downloaded), on the same normalised text the index sees with the search
dictionary's canonical terms added. It is refitted when the articles change, checked at most once a
minute.

:func:`rerank` combines the two over the index's candidates: the index score times
``(1 - weight) + weight × cosine / best cosine``, so the score keeps the index's scale (later boosts,
such as the server's model in suggestions, weigh as before) and similarity decides between close
matches. When the index has no candidate at all (a query made
only of typos), :func:`nearest` offers the most similar live articles above a floor.
"""

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from sasms.core.search import synonyms
from sasms.core.search.models import SearchDocument
from sasms.core.search.services import SearchHit
from sasms.core.search.tokenizer import MAX_QUERY_CHARS, normalise

LIVE_DOCUMENT = "knowledge.article"
REQUEST_DOCUMENTS = ("tickets.ticket",)
# Requests teach the vectorizer how customers write; a bounded sample keeps fitting under a second.
MAX_REQUESTS = 5000
BODY_CHARS = 3000
TITLE_REPEAT = 2
DEFAULT_WEIGHT = 0.5
# Below this cosine an article is not offered when the index found nothing: chance similarity.
NEAREST_FLOOR = 0.25
CHECK_SECONDS = 60.0


def enabled() -> bool:
    return bool(getattr(settings, "SASMS_SEARCH_RERANK", True))


def _text(title: str, body: str) -> str:
    thesaurus = synonyms.current()
    text = normalise("\n".join([title] * TITLE_REPEAT + [body[:BODY_CHARS]]))
    return thesaurus.expand_document(text) if thesaurus else text


def _query_text(query: str) -> str:
    return _text(query[:MAX_QUERY_CHARS], "")


@dataclass
class Model:
    vectorizer: Any
    matrix: Any  # live articles' vectors, one row each
    rows: dict[int, int]  # search document id → row
    object_ids: list[str]  # row → article id
    signature: tuple[Any, ...]

    def vectors(self, document_ids: Sequence[int]) -> Any:
        """The documents' vectors; those not fitted (drafts, new since) transformed now."""
        from scipy.sparse import vstack  # type: ignore[import-untyped]

        missing = [pk for pk in document_ids if pk not in self.rows]
        if not missing:
            return self.matrix[[self.rows[pk] for pk in document_ids]]
        texts = {
            d.pk: _text(d.title, d.body)
            for d in SearchDocument.objects.filter(pk__in=missing).only("id", "title", "body")
        }
        fresh = self.vectorizer.transform([texts.get(pk, "") for pk in missing])
        fresh_rows = {pk: row for row, pk in enumerate(missing)}
        return vstack(
            [self.matrix[self.rows[pk]] if pk in self.rows else fresh[fresh_rows[pk]] for pk in document_ids]
        )


_lock = threading.Lock()
_model: Model | None = None
_checked = 0.0


def _signature() -> tuple[Any, ...]:
    live = SearchDocument.objects.filter(object_type=LIVE_DOCUMENT).aggregate(
        count=Count("id"), latest=Max("updated_at")
    )
    return (live["count"], live["latest"], id(synonyms.current()))


def fit() -> Model | None:
    """Fit on this installation's live articles and recent requests; ``None`` with no articles."""
    articles = list(
        SearchDocument.objects.filter(object_type=LIVE_DOCUMENT)
        .order_by("pk")
        .values_list("pk", "object_id", "title", "body")
    )
    if not articles:
        return None
    requests = SearchDocument.objects.filter(object_type__in=REQUEST_DOCUMENTS).order_by("-updated_at")
    request_texts = [
        _text(title, body) for title, body in requests.values_list("title", "body")[:MAX_REQUESTS]
    ]
    article_texts = [_text(title, body) for _pk, _oid, title, body in articles]
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1, max_features=300_000
    )
    vectorizer.fit(article_texts + request_texts)
    return Model(
        vectorizer=vectorizer,
        matrix=vectorizer.transform(article_texts),
        rows={pk: row for row, (pk, _oid, _t, _b) in enumerate(articles)},
        object_ids=[oid for _pk, oid, _t, _b in articles],
        signature=_signature(),
    )


def model() -> Model | None:
    """The fitted model of this process, refitted when the live articles have changed."""
    global _model, _checked
    now = time.monotonic()
    if _model is not None and now - _checked < CHECK_SECONDS:
        return _model
    with _lock:
        signature = _signature()
        _checked = now
        if _model is None or _model.signature != signature:
            _model = fit()
    return _model


def forget() -> None:
    """Drop the fitted model (tests; after a bulk import that should count at once)."""
    global _model, _checked
    _model = None
    _checked = 0.0


def rerank(hits: Sequence[SearchHit], *, query: str, weight: float = DEFAULT_WEIGHT) -> list[SearchHit]:
    """``hits`` (the index's candidates) ordered by index score and similarity combined."""
    if len(hits) < 2 or not enabled():
        return list(hits)
    fitted = model()
    if fitted is None:
        return list(hits)
    query_vector = fitted.vectorizer.transform([_query_text(query)])
    cosines = (fitted.vectors([h.document_id for h in hits]) @ query_vector.T).toarray().ravel()
    best_cosine = float(cosines.max()) or 1.0
    combined = [
        hit.score * ((1 - weight) + weight * float(cosine) / best_cosine)
        for hit, cosine in zip(hits, cosines, strict=True)
    ]
    order = sorted(range(len(hits)), key=lambda i: -combined[i])
    return [replace(hits[i], score=combined[i]) for i in order]


def nearest(query: str, *, limit: int = 10) -> list[tuple[str, float]]:
    """(article id, cosine) of the live articles most like ``query``, above the floor."""
    if not enabled():
        return []
    fitted = model()
    if fitted is None:
        return []
    cosines = (fitted.matrix @ fitted.vectorizer.transform([_query_text(query)]).T).toarray().ravel()
    order = cosines.argsort()[::-1][:limit]
    return [(fitted.object_ids[i], float(cosines[i])) for i in order if cosines[i] >= NEAREST_FLOOR]
