"""``sasms audit seal`` and ``sasms audit verify``: the hash chain over the audit trail."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sasms.core.auditchain import seal_pending, verify_chain


class Command(BaseCommand):
    help = "Seal new audit entries into the hash chain, or verify the whole chain."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["seal", "verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.stdout.write(f"sealed {seal_pending()} audit entries")
            return
        report = verify_chain()
        for problem in report.problems:
            self.stdout.write(f"TAMPERED: {problem}")
        self.stdout.write(
            f"{report.checked} sealed entries checked, {report.unsealed} waiting for their seal; "
            f"head {report.head_sequence} {report.head_hash}"
        )
        if not report.intact:
            raise CommandError("the audit chain is broken")
