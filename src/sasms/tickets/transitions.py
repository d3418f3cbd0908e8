"""The status machine of a service request: which move, from where, by whom, on what condition.

new → assigned → in progress ⇄ waiting for customer / waiting for parts → resolved → closed, plus
cancelled from any open status and reopen from resolved. Assignment itself moves new → assigned
(:func:`sasms.tickets.services.assign_ticket`); the moves below are the buttons on the page.

Who: *staff* are users whose role may work tickets; *customer* is a user of the request's own
organisation (portal); *system* is the periodic auto-close (no actor).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.accounts.roles import Capability
from sasms.tickets.choices import OPEN_STATUSES, WAITING_STATUSES, Status

if TYPE_CHECKING:
    from sasms.accounts.models import User
    from sasms.tickets.models import Ticket


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str
    staff: bool = True
    customer: bool = False
    system: bool = False
    style: str = "outline-primary"
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "start",
            gettext_lazy("Start work"),
            frozenset({Status.ASSIGNED}),
            Status.IN_PROGRESS,
            style="primary",
        ),
        Transition(
            "wait_customer",
            gettext_lazy("Wait for customer"),
            frozenset({Status.IN_PROGRESS, Status.WAITING_PARTS}),
            Status.WAITING_CUSTOMER,
        ),
        Transition(
            "wait_parts",
            gettext_lazy("Wait for parts"),
            frozenset({Status.IN_PROGRESS, Status.WAITING_CUSTOMER}),
            Status.WAITING_PARTS,
        ),
        Transition("resume", gettext_lazy("Resume work"), frozenset(WAITING_STATUSES), Status.IN_PROGRESS),
        Transition(
            "resolve",
            gettext_lazy("Resolve"),
            frozenset({Status.IN_PROGRESS, *WAITING_STATUSES}),
            Status.RESOLVED,
            style="success",
        ),
        # Monitoring resolves a request no person has touched once all its alerts have cleared.
        Transition(
            "auto_resolve",
            gettext_lazy("Resolve automatically"),
            frozenset(OPEN_STATUSES),
            Status.RESOLVED,
            staff=False,
            system=True,
        ),
        Transition(
            "close",
            gettext_lazy("Close"),
            frozenset({Status.RESOLVED}),
            Status.CLOSED,
            customer=True,
            system=True,
            style="secondary",
        ),
        Transition(
            "reopen",
            gettext_lazy("Reopen"),
            frozenset({Status.RESOLVED}),
            Status.IN_PROGRESS,
            customer=True,
            style="warning",
            needs_reason=True,
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel"),
            frozenset(OPEN_STATUSES),
            Status.CANCELLED,
            customer=True,
            style="outline-danger",
            needs_reason=True,
        ),
    )
}


def actor_kind(actor: "User | None", ticket: "Ticket") -> str:
    """``system``, ``staff``, ``customer`` (of this request's organisation) or ``none``."""
    if actor is None:
        return "system"
    if not actor.is_authenticated or not actor.is_active:
        return "none"
    if actor.can(Capability.WORK_TICKETS):
        return "staff"
    if actor.can(Capability.VIEW_PORTAL) and actor.organisation_id == ticket.organisation_id:
        return "customer"
    return "none"


def who_refusal(transition: Transition, kind: str) -> str | None:
    allowed = {"staff": transition.staff, "customer": transition.customer, "system": transition.system}
    if not allowed.get(kind, False):
        return _("Your role may not “%(action)s” a service request.") % {"action": transition.label}
    return None


def refusal(
    *,
    actor: "User | None",
    ticket: "Ticket",
    name: str,
    reason: str = "",
    confirmed: bool = False,
    resolution_code: str = "",
    resolution_summary: str = "",
) -> str | None:
    """Why ``name`` may not happen now, or ``None`` when it may. Checks nothing is written."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        return _("Unknown action “%s”.") % name
    if ticket.status not in transition.sources:
        return _("A request that is “%(status)s” cannot “%(action)s”.") % {
            "status": Status(ticket.status).label,
            "action": transition.label,
        }
    kind = actor_kind(actor, ticket)
    refused = who_refusal(transition, kind)
    if refused:
        return refused
    if transition.needs_reason and not reason.strip():
        return _("Please give a reason.")
    if name in ("resolve", "auto_resolve") and (not resolution_code or not resolution_summary.strip()):
        return _("Resolving needs a resolution code and a summary.")
    if name == "close" and kind == "staff" and not confirmed:
        return _(
            "Close only after the customer has confirmed the resolution (or let it close automatically)."
        )
    if name == "cancel" and kind == "customer" and ticket.status not in (Status.NEW, Status.ASSIGNED):
        return _("Work has started; please ask the service desk to cancel this request.")
    return None


def available(*, actor: "User | None", ticket: "Ticket") -> list[Transition]:
    """The moves to offer as buttons: right status and right role (form inputs come later)."""
    kind = actor_kind(actor, ticket)
    return [
        t
        for t in TRANSITIONS.values()
        if ticket.status in t.sources
        and who_refusal(t, kind) is None
        and not (
            t.name == "cancel" and kind == "customer" and ticket.status not in (Status.NEW, Status.ASSIGNED)
        )
    ]
