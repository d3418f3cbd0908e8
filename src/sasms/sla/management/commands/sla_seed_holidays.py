"""``sasms sla_seed_holidays``: refresh China's public holidays and make-up workdays."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasms.core.context import Origin, acting_from
from sasms.sla import services
from sasms.sla.models import BusinessCalendar
from sasms.sla.presets import seed_years


class Command(BaseCommand):
    help = "Re-seed holidays and make-up workdays from chinese-calendar into calendars that use them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--calendar", help="Only this calendar (its code).")

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = None
        if options.get("calendar"):
            calendar = BusinessCalendar.objects.filter(code=options["calendar"]).first()
            if calendar is None:
                raise CommandError(f"No calendar with code {options['calendar']!r}.")
        with acting_from(Origin(channel="cli")):
            results = services.refresh_public_holidays(actor=None, calendar=calendar)
        first, last = seed_years()
        self.stdout.write(f"chinese-calendar knows {first}–{last}.")
        for code, (removed, added) in results.items():
            self.stdout.write(f"{code}: {added} days seeded ({removed} replaced)")
        if not results:
            self.stdout.write("No calendar takes its public holidays from chinese-calendar.")
