"""``sasms parts_reconcile``: prove every stock balance equals its ledger (exit status 1 if not)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sasms.core.context import Origin, acting_from
from sasms.parts.models import Depot, Part
from sasms.parts.reconcile import reconcile, repair


class Command(BaseCommand):
    help = (
        "Check that on-hand and reserved stock of every part × depot × condition equal the sums of "
        "the stock ledger, and that reserved stock is explained by open reservations, transfers and "
        "RMA cases. Lists every difference; --repair rewrites the balance rows from the ledger."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="rewrite differing balance rows from the ledger"
        )
        parser.add_argument("--limit", type=int, default=100, help="differences to print at most")

    def handle(self, *args: Any, **options: Any) -> None:
        report = reconcile()
        if report.differences:
            part_ids = {d.key[0] for d in report.differences}
            depot_ids = {d.key[1] for d in report.differences}
            parts, depots = Part.objects.in_bulk(part_ids), Depot.objects.in_bulk(depot_ids)
            for difference in report.differences[: options["limit"]]:
                self.stdout.write(difference.describe(parts, depots))
        self.stdout.write(
            f"{report.balances} balance rows, {report.movements} movements checked: "
            f"{len(report.differences)} differences"
        )
        if report.differences and options["repair"]:
            with acting_from(Origin(channel="cli")):
                fixed = repair(actor=None)
            self.stdout.write(f"repaired {fixed} balance rows from the ledger")
            if reconcile().ok:
                return
        if report.differences:
            raise CommandError("stock balances differ from the ledger")
