"""``sasms restore ARCHIVE --yes``: replace the database and stored files with a backup's."""

import tarfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sasms.core.backup import restore


class Command(BaseCommand):
    help = "Restore a backup archive over the current database and stored files, then verify it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="confirm that current data is replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("restoring replaces every row and file; run again with --yes to confirm")
        try:
            result = restore(Path(options["archive"]))
        except (ValueError, OSError, tarfile.TarError) as error:
            raise CommandError(str(error)) from error
        for mismatch in result.mismatches:
            self.stdout.write(f"MISMATCH {mismatch}")
        self.stdout.write(f"restored {result.tables} tables, {result.rows} rows, {result.files} files")
        if result.mismatches:
            raise CommandError("the restored data does not match the backup's manifest")
