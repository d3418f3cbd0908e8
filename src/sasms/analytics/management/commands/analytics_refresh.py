"""``sasms analytics_refresh [--full]``: bring the KPI facts and rollups up to date."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sasms.analytics.refresh import refresh_full, refresh_incremental
from sasms.core.context import Origin, acting_from


class Command(BaseCommand):
    help = (
        "Recompute the KPI facts and daily rollups of the requests changed since the last run "
        "(requests, SLA clocks, surveys, stock movements, visits); --full rebuilds them all."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--full", action="store_true", help="rebuild every fact and rollup row")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_from(Origin(channel="cli")):
            result = refresh_full() if options["full"] else refresh_incremental()
        kind = "full rebuild" if result.full else "incremental refresh"
        self.stdout.write(
            f"{kind}: {result.facts} requests recomputed, {result.days} days of rollups, "
            f"{result.rollup_rows} rollup rows written in {result.seconds:.2f} s"
        )
