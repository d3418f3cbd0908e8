"""``sasms intake_poll_mail [--mailbox ID]``: read the active mailboxes now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasms.core.context import Origin, acting_from
from sasms.intake.models import Mailbox
from sasms.intake.services.mail import poll_mailbox


class Command(BaseCommand):
    help = "Read new messages from the active IMAP mailboxes and turn them into requests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", type=int, action="append", help="only this mailbox id (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        mailboxes = Mailbox.objects.filter(is_active=True).order_by("pk")
        if options["mailbox"]:
            mailboxes = mailboxes.filter(pk__in=options["mailbox"])
            if not mailboxes.exists():
                raise CommandError("no active mailbox with that id")
        failed = False
        with acting_from(Origin(channel="cli")):
            for mailbox in mailboxes:
                poll = poll_mailbox(mailbox)
                if poll.busy:
                    self.stdout.write(f"{mailbox.name}: another poll is running")
                elif poll.error:
                    failed = True
                    self.stderr.write(f"{mailbox.name}: {poll.error}")
                else:
                    outcomes = (
                        ", ".join(f"{k} {v}" for k, v in sorted(poll.outcomes.items())) or "nothing new"
                    )
                    self.stdout.write(
                        f"{mailbox.name}: {poll.fetched} read ({outcomes}; {poll.duplicates} seen before)"
                    )
        if failed:
            raise CommandError("some mailboxes could not be read")
