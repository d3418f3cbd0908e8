"""``sasms sla verify`` and ``sasms sla sweep``."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sasms.sla.clocks.recalc import clocks_on_provisional_data
from sasms.sla.clocks.replay import verify
from sasms.sla.clocks.services import sweep
from sasms.tickets.models import Ticket


class Command(BaseCommand):
    help = "SLA clocks: verify every clock against its request's timeline, or run one sweep now."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify", "sweep"])
        parser.add_argument("--ticket", action="append", default=[], help="SR number (repeatable)")
        parser.add_argument("--limit", type=int, default=50, help="differences to print at most")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            result = sweep()
            self.stdout.write(
                f"examined {result.examined} clocks: {result.breaches} breaches, "
                f"{result.steps_fired} escalation steps, {result.deferred} deferred to business hours"
            )
            return
        ids = None
        if options["ticket"]:
            ids = list(Ticket.objects.filter(number__in=options["ticket"]).values_list("pk", flat=True))
        checked, differences = verify(ticket_ids=ids)
        for difference in differences[: options["limit"]]:
            self.stdout.write(str(difference))
        self.stdout.write(f"{checked} requests checked, {len(differences)} differences")
        # Not a difference: these clocks are right for the data there is, which may still change.
        provisional = clocks_on_provisional_data()
        if ids is not None:
            numbers = set(options["ticket"])
            provisional = [item for item in provisional if item[0] in numbers]
        for number, kind, due, years in provisional[: options["limit"]]:
            listed = ", ".join(str(year) for year in years)
            self.stdout.write(
                f"{number} {kind}: due {due:%Y-%m-%d %H:%M} UTC on provisional holidays ({listed})"
            )
        self.stdout.write(f"{len(provisional)} running clocks computed on provisional public holidays")
        if differences:
            raise CommandError("stored SLA clocks differ from their timelines")
