"""Naming a request's server after it was opened: the entitlement and the SLA targets follow.

A request opened without a server (a phone call before the serial was found, an e-mail that named
none) runs on the fallback terms. Once staff name the server, the request's entitlement is taken
again — through the same rule and at the same instant as when it opened, so the snapshot is
always what the server's coverage was when the customer reported — and the SLA app rebuilds the
request's clocks for the new terms (``sasms.sla.clocks.coverage``).
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.core.errors import Conflict, ServiceError
from sasms.tickets.choices import EventKind, TimeAndMaterials
from sasms.tickets.events import record_event
from sasms.tickets.locks import lock_ticket
from sasms.tickets.models import Ticket
from sasms.tickets.services.common import audit, require_staff
from sasms.tickets.services.create import entitlement_snapshot


def _label(server: Server | None) -> str:
    return server.serial if server is not None else ""


def _terms_text(terms: dict[str, Any]) -> str:
    """``contract HT-… (mission-critical-7x24x4, 7x24)``: names the terms in the timeline note."""
    detail = ", ".join(str(v) for v in (terms["product"], terms["coverage_hours"]) if v)
    if terms["contract"]:
        text = _("contract %(number)s") % {"number": terms["contract"]}
    else:
        text = str(terms["rule"] or "-")
    return f"{text} ({detail})" if detail else text


def _time_and_materials(ticket: Ticket, covered: bool) -> str:
    """Covered: nothing to decide. Newly not covered: the decision is asked for. Otherwise the
    decision already recorded stands."""
    if covered:
        return ""
    return ticket.time_and_materials or TimeAndMaterials.PENDING


@transaction.atomic
def set_ticket_server(
    *, actor: User | None, ticket: Ticket, server: Server | None, reason: str = ""
) -> Ticket:
    """Set, change or clear the server of an open request (staff only).

    The server must belong to the request's organisation. The entitlement snapshot is taken again
    at the request's creation instant; the timeline shows the change (with the new coverage), the
    audit log records it, and the SLA clocks move to the new targets with a ledger entry.
    """
    require_staff(actor)
    ticket = lock_ticket(ticket.pk)
    if not ticket.is_open:
        message = _("Only open requests can change their server.")
        raise Conflict(message, code="transition_refused", fields={"server": [message]})
    if server is not None and server.organisation_id != ticket.organisation_id:
        message = _("The server belongs to another organisation.")
        raise ServiceError(message, fields={"server": [message]})
    previous: Server | None = ticket.server
    if (previous.pk if previous else None) == (server.pk if server else None):
        return ticket
    before: dict[str, Any] = {
        "server": previous.pk if previous else None,
        "entitled": ticket.entitled,
        "time_and_materials": ticket.time_and_materials,
        "rule": ticket.entitlement.get("rule", ""),
    }
    before_snapshot: dict[str, Any] = dict(ticket.entitlement or {})
    snapshot = entitlement_snapshot(server, ticket.created_at)
    ticket.server = server
    ticket.entitlement = snapshot
    ticket.entitled = bool(snapshot["covered"])
    ticket.time_and_materials = _time_and_materials(ticket, ticket.entitled)
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["server", "entitlement", "entitled", "time_and_materials", "updated_at"])
    after = {
        "server": server.pk if server else None,
        "entitled": ticket.entitled,
        "time_and_materials": ticket.time_and_materials,
        "rule": snapshot["rule"],
    }
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.UPDATED,
        public=True,
        body=reason.strip(),
        data={
            "server": [_label(previous), _label(server)],
            "entitled": [before["entitled"], ticket.entitled],
            "message": snapshot["message"],
            "params": snapshot.get("params", {}),
        },
    )
    # The SLA app rebuilds the clocks for the new terms as if the request had carried them from
    # its creation (what ``sasms sla verify`` replays), with one ledger line per clock. Internal:
    # customers see the server change above, not the mechanics.
    from sasms.sla.clocks.coverage import EVENT_KEY, terms_label

    old_terms, new_terms = terms_label(before_snapshot), terms_label(snapshot)
    record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.NOTE,
        public=False,
        body=_("Coverage changed: service targets follow %(new)s instead of %(old)s.")
        % {"new": _terms_text(new_terms), "old": _terms_text(old_terms)},
        data={
            EVENT_KEY: {"from": old_terms, "to": new_terms},
            "entitlement": [before["rule"], snapshot["rule"]],
        },
    )
    audit(actor, "server", ticket, changes)
    return ticket


def server_for_request(*, actor: User, ticket: Ticket, identifier: str) -> Server:
    """The server of the request's organisation that ``identifier`` (serial number, asset tag or
    host name, any case) names, or a field error that says what is wrong."""
    from sasms.tickets.selectors import find_server

    value = identifier.strip()
    if not value:
        message = _("Give the serial number, asset tag or host name.")
        raise ServiceError(message, fields={"server": [message]})
    matches = find_server(actor=actor, organisation=ticket.organisation, identifier=value)
    if len(matches) == 1:
        return matches[0]
    if matches:
        message = _("Several servers match; give the serial number.")
    elif find_server(actor=actor, organisation=None, identifier=value):
        message = _("The server belongs to another organisation.")
    else:
        message = _("No server has this serial number, asset tag or host name.")
    raise ServiceError(message, fields={"server": [message]})
