"""``sasms backup [--output FILE]``: the database and the stored files in one archive."""

import datetime
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from sasms.core.backup import backup


class Command(BaseCommand):
    help = "Write a backup archive: database, stored files and a manifest of table checksums."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", help="archive path (default var/backups/sasms-<time>.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        output = Path(options["output"] or Path(settings.VAR_DIR) / "backups" / f"sasms-{stamp}.tar.gz")
        result = backup(output)
        self.stdout.write(f"backup written to {result.path}")
        self.stdout.write(f"{result.tables} tables, {result.rows} rows, {result.files} files")
