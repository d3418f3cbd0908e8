"""``sasms reindex_tickets``: rebuild the search index of every service request."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasms.tickets.search import reindex_batches


class Command(BaseCommand):
    help = "Re-index all service requests for full-text search, in batches (existing data, after upgrades)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="requests per batch (default 1000)")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more")
        started = time.monotonic()
        done = 0
        for done, total in reindex_batches(batch_size=batch_size):
            self.stdout.write(f"  service requests: {done}/{total}")
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {done} service requests in {time.monotonic() - started:.1f} s.")
        )
