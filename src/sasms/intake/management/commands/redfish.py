"""``sasms redfish subscribe|unsubscribe|list <server> --by EMAIL``: a BMC's Redfish event push.

``<server>`` is the server's serial number, hostname or asset tag (or ``#<id>``); the BMC is the
one registered on it. The same services as the BMC page's buttons, audited under ``--by``.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from sasms.accounts.models import User
from sasms.core import secrets
from sasms.core.context import Origin, acting_from
from sasms.core.errors import ServiceError
from sasms.intake.models import BmcEndpoint
from sasms.intake.redfish import RedfishError
from sasms.intake.services.bmc import event_subscriptions, subscribe_events, unsubscribe_events


def endpoint_of(server: str) -> BmcEndpoint:
    """The BMC registered on the server named by serial number, hostname, asset tag or ``#id``."""
    text = server.strip()
    if text.startswith("#") and text[1:].isdigit():
        wanted = Q(server_id=int(text[1:]))
    else:
        wanted = (
            Q(server__serial__iexact=text)
            | Q(server__hostname__iexact=text)
            | Q(server__asset_tag__iexact=text)
        )
    found = list(BmcEndpoint.objects.filter(wanted).select_related("server")[:2])
    if not found:
        raise CommandError(f"no BMC is registered on a server named {text!r}")
    if len(found) > 1:
        raise CommandError(f"{text!r} names several servers with a BMC; use the serial number or #id")
    return found[0]


class Command(BaseCommand):
    help = "Subscribe a server's BMC to push its Redfish events to SASMS, unsubscribe, or list subscriptions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["subscribe", "unsubscribe", "list"])
        parser.add_argument("server", help="serial number, hostname, asset tag or #id of the server")
        parser.add_argument("--by", required=True, help="e-mail of the administrator doing it (audited)")
        parser.add_argument("--timeout", type=int, default=10, help="seconds to wait for the BMC")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=options["by"], is_active=True).first()
        if actor is None:
            raise CommandError("unknown or inactive user given with --by")
        endpoint = endpoint_of(options["server"])
        timeout = max(1, min(int(options["timeout"]), 120))
        try:
            with acting_from(Origin(channel="cli")):
                if options["action"] == "subscribe":
                    uri = subscribe_events(actor=actor, endpoint=endpoint, timeout=timeout)
                    self.stdout.write(
                        f"{endpoint.address}: subscribed ({uri or 'no subscription URI returned'})"
                    )
                elif options["action"] == "unsubscribe":
                    deleted = unsubscribe_events(actor=actor, endpoint=endpoint, timeout=timeout)
                    self.stdout.write(
                        f"{endpoint.address}: deleted {', '.join(deleted)}"
                        if deleted
                        else f"{endpoint.address}: no subscription of SASMS on the BMC; push token retired"
                    )
                else:
                    found = event_subscriptions(actor=actor, endpoint=endpoint, timeout=timeout)
                    if not found:
                        self.stdout.write(f"{endpoint.address}: no event subscription")
                    for item in found:
                        mark = "  [SASMS]" if item.ours else ""
                        types = ",".join(item.event_types) or "-"
                        self.stdout.write(
                            f"{item.uri}\t{item.destination or '-'}\t{item.protocol or '-'}\t{types}{mark}"
                        )
        except (RedfishError, secrets.SecretError) as error:
            raise CommandError(f"{endpoint.address}: the BMC did not do it: {error}") from error
        except ServiceError as error:
            raise CommandError(error.message) from error
