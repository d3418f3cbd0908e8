"""Fitting and evaluating the classifier: pure computation, no rows written here.

One stratified split holds out a share of the samples; one vectorizer is fitted on the training
part and one multinomial logistic regression per target on top of it (its probabilities are the
confidence shown and compared with the threshold). The figures describe exactly the model that
is kept: it is not refitted on the held-out part afterwards.
"""

import datetime
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sklearn  # type: ignore[import-untyped]
from django.conf import settings
from django.db.models.functions import Substr
from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.metrics import accuracy_score, f1_score  # type: ignore[import-untyped]
from sklearn.model_selection import train_test_split  # type: ignore[import-untyped]

from sasms.integrations.choices import TARGETS
from sasms.integrations.classifier.features import MAX_DESCRIPTION_CHARS, build_vectorizer, document
from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket

BUNDLE_FORMAT = 1
DEFAULT_MAX_SAMPLES = 20_000
DEFAULT_MIN_SAMPLES = 200
MIN_CLASS_SAMPLES = 5
TEST_SHARE = 0.2
DEFAULT_SEED = 20260
RARE = "__rare__"
CALIBRATION_FOLDS = 3


@dataclass(frozen=True)
class Sample:
    title: str
    description: str
    category: str
    component: str
    priority: str

    def label(self, target: str) -> str:
        return str(getattr(self, target))


@dataclass
class TargetReport:
    accuracy: float
    macro_f1: float
    classes: list[str]
    train_support: dict[str, int]
    test_support: dict[str, int]
    f1_per_class: dict[str, float]
    dropped_classes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "classes": self.classes,
            "train_support": self.train_support,
            "test_support": self.test_support,
            "f1_per_class": self.f1_per_class,
            "dropped_classes": self.dropped_classes,
        }


@dataclass
class TrainingResult:
    sample_count: int
    train_count: int = 0
    test_count: int = 0
    bundle: dict[str, Any] | None = None
    reports: dict[str, TargetReport] = field(default_factory=dict)
    skipped_reason: str = ""
    seconds: float = 0.0
    parameters: dict[str, Any] = field(default_factory=dict)


def min_samples() -> int:
    return int(getattr(settings, "SASMS_CLASSIFIER_MIN_SAMPLES", DEFAULT_MIN_SAMPLES))


def load_samples(*, limit: int = DEFAULT_MAX_SAMPLES) -> list[Sample]:
    """The newest resolved or closed requests (their final classification is the label)."""
    rows = (
        Ticket.objects.filter(status__in=(Status.RESOLVED, Status.CLOSED))
        .exclude(title="")
        .order_by("-created_at", "-id")
        .annotate(short_description=Substr("description", 1, MAX_DESCRIPTION_CHARS))
        .values_list("title", "short_description", "category", "component", "priority")[:limit]
    )
    return [Sample(t, d or "", c, comp, p) for t, d, c, comp, p in rows]


def resolved_since(moment: datetime.datetime) -> bool:
    """Whether any request was resolved after ``moment`` (new material to learn from)."""
    return Ticket.objects.filter(resolved_at__gt=moment).exists()


def _stratification(samples: Sequence[Sample]) -> list[str] | None:
    """Category and component together, rare combinations pooled; ``None`` if that cannot work."""
    keys = [f"{s.category}|{s.component}" for s in samples]
    counts = Counter(keys)
    keys = [k if counts[k] >= 2 else RARE for k in keys]
    pooled = Counter(keys)
    if pooled.get(RARE) == 1:  # a single odd one out joins the largest stratum
        largest = pooled.most_common(1)[0][0]
        keys = [largest if k == RARE else k for k in keys]
        pooled = Counter(keys)
    if len(pooled) < 2:
        return None
    test_size = max(1, round(len(samples) * TEST_SHARE))
    return keys if test_size >= len(pooled) else None


def _usable_classes(labels: Sequence[str]) -> tuple[set[str], list[str]]:
    counts = Counter(label for label in labels if label)
    kept = {label for label, n in counts.items() if n >= MIN_CLASS_SAMPLES}
    return kept, sorted(set(counts) - kept)


Progress = Callable[[int, int, str], None]  # (step, steps, what) — for the page and the command
FIT_STEPS = 2 + len(TARGETS)


def fit(
    samples: Sequence[Sample],
    *,
    seed: int = DEFAULT_SEED,
    minimum: int | None = None,
    progress: Progress | None = None,
) -> TrainingResult:
    """Split, fit and evaluate; a result with ``skipped_reason`` when the data cannot carry a model.

    ``progress`` hears each step as it starts (features, one model per target, done)."""
    started = time.monotonic()

    def step(number: int, what: str) -> None:
        if progress is not None:
            progress(number, FIT_STEPS, what)

    minimum = min_samples() if minimum is None else minimum
    result = TrainingResult(sample_count=len(samples))
    if len(samples) < minimum:
        result.skipped_reason = (
            f"Only {len(samples)} resolved requests to learn from; at least {minimum} are needed."
        )
        return result
    for target in TARGETS:
        kept, _dropped = _usable_classes([s.label(target) for s in samples])
        if len(kept) < 2:
            result.skipped_reason = (
                f"The resolved requests show fewer than two {target} values with "
                f"{MIN_CLASS_SAMPLES} or more examples each."
            )
            return result
    train, test = train_test_split(
        list(samples), test_size=TEST_SHARE, random_state=seed, stratify=_stratification(samples)
    )
    step(1, f"features of {len(train)} training texts")
    vectorizer = build_vectorizer(len(train))
    train_matrix = vectorizer.fit_transform([document(s.title, s.description) for s in train])
    test_matrix = vectorizer.transform([document(s.title, s.description) for s in test])
    models: dict[str, Any] = {}
    converged = True
    for number, target in enumerate(TARGETS, start=2):
        step(number, f"{target} model")
        kept, dropped = _usable_classes([s.label(target) for s in train])
        rows = [i for i, s in enumerate(train) if s.label(target) in kept]
        # Calibrated on folds the regression did not see, so a probability of 0.8 means right
        # about four times in five: the threshold for applying a suggestion relies on that.
        folds = min(CALIBRATION_FOLDS, min(Counter(train[i].label(target) for i in rows).values()))
        classifier = CalibratedClassifierCV(
            LogisticRegression(C=10.0, solver="saga", max_iter=200, tol=1e-3, random_state=seed),
            method="sigmoid",
            cv=folds,
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            classifier.fit(train_matrix[rows], [train[i].label(target) for i in rows])
        converged = converged and not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        models[target] = classifier
        test_rows = [i for i, s in enumerate(test) if s.label(target) in kept]
        expected = [test[i].label(target) for i in test_rows]
        predicted = list(classifier.predict(test_matrix[test_rows])) if test_rows else []
        classes = [str(c) for c in classifier.classes_]
        per_class = f1_score(expected, predicted, labels=classes, average=None, zero_division=0)
        result.reports[target] = TargetReport(
            accuracy=float(accuracy_score(expected, predicted)) if expected else 0.0,
            macro_f1=float(f1_score(expected, predicted, average="macro", zero_division=0))
            if expected
            else 0.0,
            classes=classes,
            train_support=dict(Counter(train[i].label(target) for i in rows)),
            test_support=dict(Counter(expected)),
            f1_per_class={c: round(float(v), 4) for c, v in zip(classes, per_class, strict=True)},
            dropped_classes=dropped,
        )
    result.train_count, result.test_count = len(train), len(test)
    result.parameters = {
        "seed": seed,
        "test_share": TEST_SHARE,
        "algorithm": "tf-idf words (search tokenizer) + char 2-3-grams + cue words → "
        "logistic regression, sigmoid-calibrated on 3 folds; priority by cost matrix",
        "sklearn": sklearn.__version__,
        "converged": converged,
        "features": int(train_matrix.shape[1]),
    }
    result.bundle = {"format": BUNDLE_FORMAT, "vectorizer": vectorizer, "models": models}
    result.seconds = time.monotonic() - started
    step(FIT_STEPS, "done")
    return result


DEFAULT_BASE_EXAMPLES = 3000


def base_examples(count: int = DEFAULT_BASE_EXAMPLES, *, seed: int = DEFAULT_SEED) -> list[Sample]:
    """Labelled texts composed from the service desk's phrasings: what a new installation learns
    from before its own resolved requests are many and varied enough."""
    from sasms.tickets.demo.phrasing import samples  # the demo texts' pieces, labelled by construction

    return [
        Sample(s.title, s.description, s.category, s.component, s.priority) for s in samples(count, seed=seed)
    ]
