"""Learning from people at once: a nearest-neighbour memory of staff corrections.

A model is retrained from resolved requests now and then; a correction made today should help
tomorrow's request. Every correction of the classifier's category, component or priority by a
staff member (``ClassificationCorrection``) is remembered with its text. A new text that is very
like a corrected one (cosine of character 2–3-gram TF-IDF vectors, the same text the model reads)
takes the corrected value for that target, with the similarity as its confidence: a near-duplicate
(similarity ≥ the confidence threshold) may then be applied automatically, a looser match goes to
triage with the corrected value suggested.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from sasms.integrations.classifier.features import document

MIN_SIMILARITY = 0.6  # looser neighbours are other requests that share a few words
MAX_EXAMPLES = 5000  # the most recent corrections: a memory, not a second training set
REFRESH_SECONDS = 30.0

Ranked = dict[str, list[tuple[str, float]]]


@dataclass(frozen=True)
class Example:
    text: str
    target: str
    value: str


class CorrectionMemory:
    """The corrections as vectors; :meth:`adjust` moves a prediction towards the nearest correction."""

    def __init__(self, examples: Sequence[Example], *, min_similarity: float = MIN_SIMILARITY) -> None:
        self.examples = list(examples)
        self.min_similarity = min_similarity
        self._vectorizer: TfidfVectorizer | None = None
        self._matrix = None
        if self.examples:
            self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
            self._matrix = self._vectorizer.fit_transform([e.text for e in self.examples])

    def __len__(self) -> int:
        return len(self.examples)

    def nearest(self, text: str) -> dict[str, tuple[str, float]]:
        """Per target, the corrected value of the most similar remembered text (if similar enough)."""
        if self._vectorizer is None or self._matrix is None:
            return {}
        scores = (self._matrix @ self._vectorizer.transform([text]).T).toarray().ravel()
        best: dict[str, tuple[str, float]] = {}
        for index in scores.argsort()[::-1]:
            score = float(scores[index])
            if score < self.min_similarity:
                break
            example = self.examples[index]
            best.setdefault(example.target, (example.value, score))
        return best

    def adjust(self, ranked: Ranked, *, title: str, description: str) -> Ranked:
        """``ranked`` (a target's classes, suggestion first) with remembered corrections applied."""
        found = self.nearest(document(title, description))
        if not found:
            return ranked
        adjusted = dict(ranked)
        for target, (value, similarity) in found.items():
            pairs = ranked.get(target)
            if not pairs:
                continue
            probability = max(similarity, dict(pairs).get(value, 0.0))
            adjusted[target] = [(value, round(probability, 4))] + [p for p in pairs if p[0] != value]
        return adjusted


def examples_of(rows: Iterable[tuple[str, str, str, str]]) -> list[Example]:
    """(title, description, target, value) rows as memory examples."""
    return [
        Example(document(title, description), target, value) for title, description, target, value in rows
    ]


_lock = threading.Lock()
_cached: tuple[tuple[object, ...], float, CorrectionMemory] | None = None


def live_memory() -> CorrectionMemory:
    """The memory of this installation's corrections (not rejected), rebuilt when they change;
    the database is asked at most every ``REFRESH_SECONDS`` whether they did."""
    global _cached
    from django.db.models import Count, Max

    from sasms.integrations.choices import CorrectionStatus
    from sasms.integrations.models import ClassificationCorrection

    now = time.monotonic()
    if _cached is not None and now - _cached[1] < REFRESH_SECONDS:
        return _cached[2]
    with _lock:
        rows = ClassificationCorrection.objects.exclude(status=CorrectionStatus.REJECTED)
        state = rows.aggregate(count=Count("id"), latest=Max("corrected_at"), reviewed=Max("reviewed_at"))
        key = (state["count"], state["latest"], state["reviewed"])
        if _cached is not None and _cached[0] == key:
            _cached = (key, now, _cached[2])
            return _cached[2]
        recent = rows.order_by("-corrected_at", "-id").values_list(
            "title", "description", "target", "to_value"
        )
        memory = CorrectionMemory(examples_of(recent[:MAX_EXAMPLES]))
        _cached = (key, now, memory)
        return memory


def forget() -> None:
    """Drop the cached memory (tests; a correction just recorded in this process)."""
    global _cached
    _cached = None
