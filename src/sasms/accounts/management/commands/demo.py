import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasms import demo as demo_data
from sasms.accounts import demo
from sasms.core.context import Origin, acting_from


class Command(BaseCommand):
    help = "Build the deterministic demo data set and print the demo log-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="multiply the customer count (benchmarks)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the demo data is already there"
        )

    def handle(self, *args: Any, scale: int, seed: int, if_empty: bool, **options: Any) -> None:
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        if demo.already_built():
            if if_empty:
                self.stdout.write("Demo data is already loaded.")
                self._print_logins(
                    [(str(label), email, demo.DEMO_PASSWORD) for label, email in demo.demo_logins()]
                )
                return
            raise CommandError("Demo data is already loaded; use a fresh database (or --if-empty).")
        self.stdout.write("Building the demo data (a few minutes the first time)…")
        started = time.monotonic()

        def progress(step: str, done: int, total: int) -> None:
            self.stdout.write(f"  {step}: {done}/{total}")

        with acting_from(Origin(channel="cli")):
            result = demo_data.build(seed=seed, scale=scale, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data built in {time.monotonic() - started:.1f} s: {result.customers} customers."
            )
        )
        self._print_logins(result.logins)

    def _print_logins(self, logins: list[tuple[str, str, str]]) -> None:
        self.stdout.write("\nDemo log-ins (http://127.0.0.1:8000/):")
        for label, email, password in logins:
            self.stdout.write(f"  {label:<28} {email:<40} {password}")
