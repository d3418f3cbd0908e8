"""What the correction memory does on the evaluation set (our own 440 texts), before and after.

    .venv/bin/python bench/classifier_corrections.py

A model is fitted on the built-in examples only (no database). The evaluation set is split in two
halves by row (even / odd). Half A plays the service desk's history: wherever the model is wrong on
a target, an agent corrects it to the label — those corrections fill the memory. Half B is measured
before and after: texts the memory never saw, so any gain is from *similar* texts, not repeats. Then
the halves swap, and the figures of both directions are printed. The texts and their labels were
written by us (docs/classifier.md): real traffic will differ.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasms.settings")

import django  # noqa: E402

django.setup()

from sasms.integrations.choices import TARGETS  # noqa: E402
from sasms.integrations.classifier import evaluation, training  # noqa: E402
from sasms.integrations.classifier.features import document  # noqa: E402
from sasms.integrations.classifier.memory import CorrectionMemory, Example  # noqa: E402
from sasms.integrations.classifier.predict import confidence_threshold, predict_with  # noqa: E402


def main() -> None:
    print("fitting on the built-in examples …", flush=True)
    result = training.fit(training.base_examples(), minimum=100)
    assert result.bundle is not None
    bundle = result.bundle
    rows = evaluation.load_eval_set()
    halves = (rows[0::2], rows[1::2])
    threshold = confidence_threshold()
    for name, (history, measured) in (("A→B", halves), ("B→A", halves[::-1])):
        corrections: list[Example] = []
        for sample in history:
            ranked = predict_with(bundle, title=sample.title, description=sample.description)
            for target in TARGETS:
                if ranked[target][0][0] != sample.label(target):
                    text = document(sample.title, sample.description)
                    corrections.append(Example(text, target, sample.label(target)))
        memory = CorrectionMemory(corrections)
        before = evaluation.evaluate(bundle, measured, threshold=threshold)
        after = evaluation.evaluate(bundle, measured, threshold=threshold, memory=memory)
        print(
            f"\n{name}: {len(corrections)} corrections from {len(history)} texts; "
            f"{len(measured)} texts measured"
        )
        print(f"{'target':<10} {'macro-F1':>9} {'→':>2} {'after':>6} {'accuracy':>9} {'→':>2} {'after':>6}")
        for target in TARGETS:
            b, a = before.targets[target], after.targets[target]
            print(
                f"{target:<10} {b['macro_f1']:>9.3f} {'':>2} {a['macro_f1']:>6.3f} "
                f"{b['accuracy']:>9.3f} {'':>2} {a['accuracy']:>6.3f}"
            )
        p1_before = before.targets["priority"]["per_class"].get("P1", {}).get("recall", 0.0)
        p1_after = after.targets["priority"]["per_class"].get("P1", {}).get("recall", 0.0)
        print(f"P1 recall {p1_before:.3f} → {p1_after:.3f}")
        print(
            f"applied automatically {before.automatic_share:.1%} (right {before.automatic_accuracy:.1%}) → "
            f"{after.automatic_share:.1%} (right {after.automatic_accuracy:.1%})"
        )


if __name__ == "__main__":
    main()
