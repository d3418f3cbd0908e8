"""The request classifier: training time and held-out figures by sample count, and suggestions
per second against the search tokenizer alone on the same texts, in the same run.

Every suggestion tokenizes the text the way search does, so the tokenizer's own rate is the
ceiling a suggestion can reach; the gap is the cost of the features and the three models.

    .venv/bin/python bench/integrations_classifier.py

No database: the samples are the generated bilingual set of the tests. BENCH_SIZES (comma-separated)
and BENCH_PREDICT (number of single-request predictions) change the work.
"""

import io
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

import joblib  # type: ignore[import-untyped]  # noqa: E402
from tests.integrations.samples import generate  # noqa: E402

from sasms.core.search.tokenizer import tokenize  # noqa: E402
from sasms.integrations.classifier import training  # noqa: E402
from sasms.integrations.classifier.features import document  # noqa: E402
from sasms.integrations.classifier.predict import predict_with  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "5000,10000,20000").split(",")]
PREDICT = int(os.environ.get("BENCH_PREDICT", "2000"))


def samples(n: int, seed: int) -> list[training.Sample]:
    return [
        training.Sample(s.title, s.description, s.category, s.component, s.priority)
        for s in generate(n, seed=seed)
    ]


def rate(work: list[tuple[str, str]], run: object) -> float:
    """Items per second, the best of three rounds."""
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for title, description in work:
            run(title, description)  # type: ignore[operator]
        best = min(best, time.perf_counter() - began)
    return len(work) / best


def main() -> None:
    print(f"{'samples':>8} {'fit s':>7} {'size KB':>8}  accuracy / macro-F1: category  component  priority")
    bundle = None
    for n in SIZES:
        result = training.fit(samples(n, seed=11), minimum=100)
        assert result.bundle is not None
        bundle = result.bundle
        buffer = io.BytesIO()
        joblib.dump(bundle, buffer, compress=3)
        figures = "  ".join(
            f"{result.reports[t].accuracy:.3f}/{result.reports[t].macro_f1:.3f}"
            for t in ("category", "component", "priority")
        )
        print(f"{n:>8} {result.seconds:>7.2f} {len(buffer.getvalue()) // 1024:>8}  {figures}")
    assert bundle is not None
    work = [(s.title, s.description) for s in samples(PREDICT, seed=99)]
    tokenizer = rate(work, lambda t, d: tokenize(document(t, d)))
    vectorizer = rate(work, lambda t, d: bundle["vectorizer"].transform([document(t, d)]))
    suggestions = rate(work, lambda t, d: predict_with(bundle, title=t, description=d))
    latencies = []
    for title, description in work[:500]:
        began = time.perf_counter()
        predict_with(bundle, title=title, description=description)
        latencies.append((time.perf_counter() - began) * 1000)
    print()
    print(f"search tokenizer alone    {tokenizer:>9.0f} texts/s")
    print(f"features (tf-idf)         {vectorizer:>9.0f} texts/s")
    print(f"suggestions (3 targets)   {suggestions:>9.0f} texts/s "
          f"(median {statistics.median(latencies):.2f} ms, "
          f"p95 {statistics.quantiles(latencies, n=20)[-1]:.2f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
