"""The few things intake does to requests besides opening them: robot notes and auto-resolution."""

from django.utils.translation import gettext as _

from sasms.intake.actors import ROBOT_EMAIL, robot_actor
from sasms.tickets import transitions
from sasms.tickets.choices import OPEN_STATUSES, ResolutionCode
from sasms.tickets.models import Ticket, TicketEvent
from sasms.tickets.services import add_comment, transition_ticket

# The tickets app's system-only move "resolve automatically" (see the issue note); until it exists
# an untouched request whose faults have all cleared gets a note saying it can be resolved.
AUTO_RESOLVE = "auto_resolve"


def robot_note(ticket: Ticket, body: str) -> None:
    """An internal note by the intake robot (it never counts as a person working the request)."""
    add_comment(actor=robot_actor(), ticket=ticket, body=body[:19_000], internal=True)


def is_untouched(ticket: Ticket) -> bool:
    """No one is assigned and no one but the system and the intake robot wrote on its timeline."""
    if ticket.assignee_id is not None:
        return False
    return not (
        TicketEvent.objects.filter(ticket=ticket, actor__isnull=False)
        .exclude(actor__email=ROBOT_EMAIL)
        .exists()
    )


def auto_resolve_supported() -> bool:
    return AUTO_RESOLVE in transitions.TRANSITIONS


def resolve_untouched(ticket: Ticket, *, summary: str) -> bool:
    """Resolve ``ticket`` as the system when no person has touched it; True when it was resolved."""
    ticket = Ticket.objects.get(pk=ticket.pk)
    if ticket.status not in OPEN_STATUSES or not is_untouched(ticket):
        return False
    if auto_resolve_supported():
        transition_ticket(
            actor=None,
            ticket=ticket,
            action=AUTO_RESOLVE,
            resolution_code=ResolutionCode.NO_FAULT_FOUND,
            resolution_summary=summary,
        )
        return True
    robot_note(ticket, summary + "\n" + _("No one has worked on this request; it can be resolved."))
    return False
