"""Time to classify one request (features, three calibrated models, the priority decision), in ms,
over the evaluation set's texts, with a model fitted on the built-in examples.

    .venv/bin/python bench/classifier_latency.py

No database. The budget is 50 ms per request.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasms.settings")

import django  # noqa: E402

django.setup()

from sasms.integrations.classifier import evaluation, training  # noqa: E402
from sasms.integrations.classifier.predict import predict_with  # noqa: E402

BUDGET_MS = 50.0


def main() -> None:
    result = training.fit(training.base_examples(), minimum=100)
    assert result.bundle is not None
    texts = evaluation.load_eval_set()
    predict_with(result.bundle, title="warm-up", description="")
    timings = []
    for sample in texts:
        began = time.perf_counter()
        predict_with(result.bundle, title=sample.title, description=sample.description)
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{len(timings)} requests: mean {statistics.mean(timings):.1f} ms, median "
        f"{statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
        f"(budget {BUDGET_MS:.0f} ms: {'met' if p95 <= BUDGET_MS else 'NOT met'} at p95)"
    )


if __name__ == "__main__":
    main()
