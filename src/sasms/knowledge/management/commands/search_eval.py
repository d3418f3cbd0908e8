"""``sasms search_eval``: knowledge search quality (MRR, recall@5) on our labelled queries."""

from typing import Any

from django.core.management.base import BaseCommand

from sasms.knowledge.evaluation import RECALL_AT, evaluate, labelled_queries


class Command(BaseCommand):
    help = (
        "Measure knowledge search on the labelled queries in knowledge/data/search_eval.tsv over the "
        "demo articles, before and after each improvement. Runs in a transaction that is rolled back."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queries = labelled_queries()
        self.stdout.write(f"{len(queries)} labelled queries, demo knowledge base (both languages)\n")
        self.stdout.write(f"{'step':<52} {'MRR':>6} {f'recall@{RECALL_AT}':>9}")
        results, timing = evaluate(queries)
        for result in results:
            self.stdout.write(f"{result.step:<52} {result.mrr:>6.3f} {result.recall:>9.3f}")
        self.stdout.write(
            f"\nsuggestions ({timing.requests} requests, this machine): median {timing.median_ms:.1f} ms, "
            f"slowest {timing.worst_ms:.1f} ms, {timing.queries_per_request:.1f} database queries each"
        )
