"""Measuring the classifier on texts it never learnt from: the evaluation set in this folder.

``eval_set.csv`` holds request texts written independently of the demo generator — terse,
colloquial, with typos, Chinese, English and both, alerts and e-mails, questions — each labelled
with the category, component and priority a service-desk agent would give it. It is only ever
used to measure: training never sees it.
"""

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.metrics import (  # type: ignore[import-untyped]
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from sasms.integrations.choices import TARGETS
from sasms.integrations.classifier.memory import CorrectionMemory
from sasms.integrations.classifier.predict import predict_with
from sasms.integrations.classifier.training import Sample

EVAL_SET = Path(__file__).with_name("eval_set.csv")
ECE_BINS = 10
# The targets a request needs before it may skip triage (priority follows the entitlement unless
# the deployment applies suggested priorities too).
AUTOMATIC_TARGETS = ("category", "component")


def load_eval_set(path: Path = EVAL_SET) -> list[Sample]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Sample(row["title"], row["description"], row["category"], row["component"], row["priority"])
            for row in csv.DictReader(handle)
        ]


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool]) -> float:
    """Mean gap between stated confidence and observed accuracy, over ten equal-width bins,
    weighted by how many predictions fall in each."""
    total = len(confidences)
    if not total:
        return 0.0
    error = 0.0
    for b in range(ECE_BINS):
        low, high = b / ECE_BINS, (b + 1) / ECE_BINS
        members = [i for i, c in enumerate(confidences) if low < c <= high or (b == 0 and c == 0.0)]
        if members:
            accuracy = sum(correct[i] for i in members) / len(members)
            confidence = sum(confidences[i] for i in members) / len(members)
            error += len(members) / total * abs(accuracy - confidence)
    return error


@dataclass
class Evaluation:
    count: int
    threshold: float
    targets: dict[str, dict[str, Any]]
    automatic_share: float
    automatic_accuracy: float

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "threshold": self.threshold,
            "targets": self.targets,
            "automatic_share": self.automatic_share,
            "automatic_accuracy": self.automatic_accuracy,
        }


def evaluate(
    bundle: dict[str, Any],
    samples: Sequence[Sample],
    *,
    threshold: float,
    memory: CorrectionMemory | None = None,
) -> Evaluation:
    """Per target: macro-F1, per-class precision/recall, confusion matrix, calibration error and
    the share confident enough to apply; overall: the share of requests that skip triage.

    With ``memory`` the predictions are the ones requests get now: the model's, moved by the
    staff corrections remembered (:mod:`sasms.integrations.classifier.memory`)."""
    predictions = [predict_with(bundle, title=s.title, description=s.description) for s in samples]
    if memory is not None and len(memory):
        predictions = [
            memory.adjust(p, title=s.title, description=s.description)
            for p, s in zip(predictions, samples, strict=True)
        ]
    targets: dict[str, dict[str, Any]] = {}
    confident_rows: dict[str, list[bool]] = {}
    right_rows: dict[str, list[bool]] = {}
    for target in TARGETS:
        expected = [s.label(target) for s in samples]
        predicted = [p[target][0][0] for p in predictions]
        confidences = [p[target][0][1] for p in predictions]
        labels = sorted(set(expected) | set(predicted))
        precision, recall, _f1, support = precision_recall_fscore_support(
            expected, predicted, labels=labels, zero_division=0
        )
        right = [e == p for e, p in zip(expected, predicted, strict=True)]
        confident = [c >= threshold for c in confidences]
        applied_right = [r for r, c in zip(right, confident, strict=True) if c]
        confident_rows[target], right_rows[target] = confident, right
        targets[target] = {
            "macro_f1": round(float(f1_score(expected, predicted, average="macro", zero_division=0)), 4),
            "accuracy": round(sum(right) / len(right), 4) if right else 0.0,
            "per_class": {
                label: {
                    "precision": round(float(p), 4),
                    "recall": round(float(r), 4),
                    "support": int(n),
                    "predicted": int(Counter(predicted)[label]),
                }
                for label, p, r, n in zip(labels, precision, recall, support, strict=True)
            },
            "confusion": {
                "labels": labels,
                "matrix": confusion_matrix(expected, predicted, labels=labels).tolist(),
            },
            "ece": round(expected_calibration_error(confidences, right), 4),
            "confident_share": round(sum(confident) / len(confident), 4) if confident else 0.0,
            "confident_accuracy": round(sum(applied_right) / len(applied_right), 4) if applied_right else 0.0,
        }
    automatic = [all(confident_rows[t][i] for t in AUTOMATIC_TARGETS) for i in range(len(samples))]
    automatic_right = [
        all(right_rows[t][i] for t in AUTOMATIC_TARGETS) for i in range(len(samples)) if automatic[i]
    ]
    return Evaluation(
        count=len(samples),
        threshold=threshold,
        targets=targets,
        automatic_share=round(sum(automatic) / len(samples), 4) if samples else 0.0,
        automatic_accuracy=round(sum(automatic_right) / len(automatic_right), 4) if automatic_right else 0.0,
    )
