"""Which part conditions a request's contract allows.

A service product sold with "new parts" (``ServiceProduct.parts_quality == "new"``) promises the
customer new FRUs: a refurbished unit may go to such a request only by an explicit, audited
override with a reason, given by someone who answers for stock (a parts clerk) or for the service
levels (a service manager).
"""

from django.contrib.auth.models import AnonymousUser

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.contracts.models import PartsQuality, ServiceProduct
from sasms.parts.choices import USABLE_CONDITIONS, Condition
from sasms.tickets.models import Ticket


def new_parts_required(ticket: Ticket) -> bool:
    """Does the contract the request was opened under promise new parts only?

    Read from the entitlement taken when the request was opened (its product), not from whatever
    contract the server is on today, like every other promise of the request.
    """
    snapshot = ticket.entitlement or {}
    if not snapshot.get("covered"):
        return False  # no contract promise: time and materials, or nothing covers the server
    if snapshot.get("parts_quality"):
        return bool(snapshot["parts_quality"] == PartsQuality.NEW)
    code = snapshot.get("product_code") or ""
    if not code:
        return False  # the base warranty: no product of our own, refurbished parts allowed
    return ServiceProduct.objects.filter(code=code, parts_quality=PartsQuality.NEW).exists()


def allowed_conditions(ticket: Ticket) -> tuple[str, ...]:
    """The conditions a reservation for ``ticket`` may take without an override."""
    return (Condition.NEW,) if new_parts_required(ticket) else tuple(USABLE_CONDITIONS)


def can_override_quality(actor: User | AnonymousUser | None) -> bool:
    """May give a refurbished part to a request whose contract promises new ones."""
    if actor is None:
        return True  # the system itself (imports, the demo); it still has to give a reason
    return bool(
        isinstance(actor, User)
        and actor.is_active
        and (actor.can(Capability.MANAGE_PARTS) or actor.can(Capability.MANAGE_SLA))
    )
