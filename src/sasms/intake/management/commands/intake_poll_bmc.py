"""``sasms intake_poll_bmc [--endpoint ID] [--all]``: poll BMCs now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasms.core.context import Origin, acting_from
from sasms.intake.models import BmcEndpoint
from sasms.intake.services.bmc import poll_due_endpoints, poll_endpoint


class Command(BaseCommand):
    help = "Poll the BMC endpoints that are due (or the named ones, or all) over Redfish."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--endpoint", type=int, action="append", help="only this endpoint id (repeatable)"
        )
        parser.add_argument("--all", action="store_true", help="every active endpoint, due or not")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_from(Origin(channel="cli")):
            if options["endpoint"] or options["all"]:
                endpoints = BmcEndpoint.objects.filter(is_active=True).order_by("pk")
                if options["endpoint"]:
                    endpoints = endpoints.filter(pk__in=options["endpoint"])
                if not endpoints.exists():
                    raise CommandError("no active BMC endpoint matches")
                polls = [poll_endpoint(e) for e in endpoints]
            else:
                polls = poll_due_endpoints()
        for poll in polls:
            if poll.busy:
                self.stdout.write(f"{poll.endpoint}: another poll is running")
                continue
            opened = ", ".join(poll.requests_opened) or "-"
            self.stdout.write(
                f"{poll.endpoint}: {poll.status}; {poll.new_faults} new faults, {poll.recovered} recovered; "
                f"requests opened {opened}; inventory {poll.inventory}"
                + (f"; {poll.error}" if poll.error else "")
            )
