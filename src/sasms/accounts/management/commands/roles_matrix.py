from typing import Any

from django.core.management.base import BaseCommand

from sasms.accounts.roles import render_matrix_markdown


class Command(BaseCommand):
    help = "Print the role × capability matrix as a Markdown table (the one in docs/roles.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(render_matrix_markdown())
