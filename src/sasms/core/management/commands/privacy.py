"""``sasms privacy export|erase --contact ID``: a contact's personal data, for PIPL/GDPR requests."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sasms.accounts.models import Contact, User
from sasms.core.errors import ServiceError
from sasms.core.privacy import erase_contact, export_contact


class Command(BaseCommand):
    help = "Export (as JSON) or erase everything SASMS holds about one contact."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("--contact", type=int, required=True)
        parser.add_argument("--by", required=True, help="e-mail of the staff member handling the request")
        parser.add_argument("--reason", default="", help="why (erase only), e.g. the request's reference")

    def handle(self, *args: Any, **options: Any) -> None:
        contact = Contact.objects.filter(pk=options["contact"]).select_related("organisation").first()
        actor = User.objects.filter(email__iexact=options["by"], is_active=True).first()
        if contact is None or actor is None:
            raise CommandError("unknown contact or staff member")
        try:
            if options["action"] == "export":
                data = export_contact(actor=actor, contact=contact)
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                report = erase_contact(actor=actor, contact=contact, reason=options["reason"])
                self.stdout.write(f"erased: {report.rows}")
        except ServiceError as error:
            raise CommandError(error.message) from error
