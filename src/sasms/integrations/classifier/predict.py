"""Asking the active model: :func:`classify` is the selector every caller uses."""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from sasms.integrations.choices import TARGETS, ModelStatus
from sasms.integrations.classifier.cues import urgency
from sasms.integrations.classifier.features import document
from sasms.integrations.classifier.memory import live_memory
from sasms.integrations.classifier.store import ModelFileError, load_bundle
from sasms.integrations.models import ClassifierModel
from sasms.tickets.choices import Category, ComponentArea, Priority

logger = logging.getLogger(__name__)
DEFAULT_THRESHOLD = 0.8
ALTERNATIVES = 3
LABELS: dict[str, Any] = {"category": Category, "component": ComponentArea, "priority": Priority}

# What a wrong priority costs, COST[true][suggested]: a P1 handled as P3 means an outage waiting
# in the normal queue (SLA breach, customer escalation), while a P3 handled as P1 costs an
# engineer's early call. Missing urgency is therefore weighed ten to twenty times over-reacting.
PRIORITY_COST: dict[str, dict[str, float]] = {
    "P1": {"P1": 0.0, "P2": 10.0, "P3": 20.0, "P4": 25.0},
    "P2": {"P1": 1.0, "P2": 0.0, "P3": 5.0, "P4": 8.0},
    "P3": {"P1": 2.0, "P2": 1.0, "P3": 0.0, "P4": 1.0},
    "P4": {"P1": 3.0, "P2": 2.0, "P3": 0.5, "P4": 0.0},
}
# The impact cues of the text set a floor: "business down" is P1 whatever the model says.
URGENCY_FLOOR = {"critical": "P1", "high": "P2"}


def confidence_threshold() -> float:
    """Below this probability a prediction is only a suggestion for a person to check."""
    return float(getattr(settings, "SASMS_CLASSIFIER_CONFIDENCE", DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class Prediction:
    """The most likely value of each target with its probability, and the runners-up."""

    model_id: int
    model_version: int
    category: str
    component: str
    priority: str
    confidence: dict[str, float]
    alternatives: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def value(self, target: str) -> str:
        return str(getattr(self, target))

    def label(self, target: str) -> str:
        value = self.value(target)
        try:
            return str(LABELS[target](value).label)
        except ValueError:
            return value

    def confident(self, target: str, threshold: float | None = None) -> bool:
        limit = confidence_threshold() if threshold is None else threshold
        return self.confidence[target] >= limit


@dataclass(frozen=True)
class ClassifierState:
    """Whether suggestions are available, and if not, why (shown instead of suggestions)."""

    active: ClassifierModel | None
    latest: ClassifierModel | None

    @property
    def available(self) -> bool:
        return self.active is not None


def classifier_state() -> ClassifierState:
    active = ClassifierModel.objects.filter(is_active=True).first()
    latest = active if active is not None else ClassifierModel.objects.order_by("-version").first()
    return ClassifierState(active=active, latest=latest)


def _active_row() -> tuple[int, int, str, str] | None:
    row = (
        ClassifierModel.objects.filter(is_active=True, status=ModelStatus.TRAINED)
        .values_list("id", "version", "file_name", "sha256")
        .first()
    )
    return None if row is None else (int(row[0]), int(row[1]), str(row[2]), str(row[3]))


def cheapest_priority(probabilities: dict[str, float]) -> str:
    """The priority whose expected cost under :data:`PRIORITY_COST` is lowest."""
    candidates = [p for p in PRIORITY_COST if p in probabilities] or list(probabilities)

    def expected(choice: str) -> float:
        return sum(probabilities.get(true, 0.0) * PRIORITY_COST[true][choice] for true in PRIORITY_COST)

    return min(candidates, key=lambda choice: (expected(choice), choice))


def decide_priority(
    pairs: list[tuple[str, float]], text: str, server_role: str = ""
) -> list[tuple[str, float]]:
    """The model's priorities reordered so the cost-minimising one, raised to the urgency floor of
    the text read with the server's business role, comes first; its probability stays the model's
    (a low one sends it to triage)."""
    probabilities = dict(pairs)
    chosen = cheapest_priority(probabilities)
    floor = URGENCY_FLOOR.get(urgency(text, server_role))
    if floor is not None and floor < chosen:  # "P1" < "P2": a lower number is more urgent
        chosen = floor
    first = (chosen, probabilities.get(chosen, 0.0))
    return [first] + [pair for pair in pairs if pair[0] != chosen]


def predict_with(
    bundle: dict[str, Any], *, title: str, description: str, server_role: str = ""
) -> dict[str, list[tuple[str, float]]]:
    """Every target's classes, the suggestion first, then by probability (calibrated when the
    model was fitted with calibration); the priority is chosen by cost, see :func:`decide_priority`."""
    text = document(title, description)
    matrix = bundle["vectorizer"].transform([text])
    ranked: dict[str, list[tuple[str, float]]] = {}
    for target in TARGETS:
        model = bundle["models"][target]
        probabilities = model.predict_proba(matrix)[0]
        pairs = sorted(
            ((str(c), float(p)) for c, p in zip(model.classes_, probabilities, strict=True)),
            key=lambda pair: -pair[1],
        )
        ranked[target] = decide_priority(pairs, text, server_role) if target == "priority" else pairs
    return ranked


def classify(title: str, description: str = "", server_role: str = "") -> Prediction | None:
    """The active model's prediction for a request's text; ``None`` while the classifier is off
    (no model trained yet, too little data) or when there is no text to go by."""
    if not (title or "").strip() and not (description or "").strip():
        return None
    row = _active_row()
    if row is None:
        return None
    model_id, version, file_name, sha256 = row
    try:
        bundle = load_bundle(file_name=file_name, sha256=sha256)
    except ModelFileError:
        logger.exception("the active classifier model v%s cannot be loaded", version)
        return None
    ranked = predict_with(bundle, title=title, description=description, server_role=server_role)
    # What staff corrected on texts like this one counts at once, before the next retraining.
    ranked = live_memory().adjust(ranked, title=title, description=description)
    return Prediction(
        model_id=model_id,
        model_version=version,
        category=ranked["category"][0][0],
        component=ranked["component"][0][0],
        priority=ranked["priority"][0][0],
        confidence={target: round(ranked[target][0][1], 4) for target in TARGETS},
        alternatives={target: ranked[target][1 : 1 + ALTERNATIVES] for target in TARGETS},
    )
