"""``sasms reindex_knowledge``: rebuild the search index of every knowledge article."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasms.knowledge.search import reindex_all


class Command(BaseCommand):
    help = "Re-index all knowledge articles for full-text search, in batches (after upgrades or imports)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="articles per batch (default 1000)")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more")
        started = time.monotonic()
        done = 0
        for done, total in reindex_all(batch_size=batch_size):
            self.stdout.write(f"  knowledge articles: {done}/{total}")
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {done} knowledge articles in {time.monotonic() - started:.1f} s.")
        )
