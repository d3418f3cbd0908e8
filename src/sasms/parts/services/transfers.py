"""Moving stock between depots: requested (held at the source), shipped, received.

A transfer asked for a request is reserved for it on arrival, so the part that was too far away
becomes the request's part at the depot near the site.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict, ServiceError
from sasms.parts import ledger
from sasms.parts.access import require_clerk, require_requester
from sasms.parts.choices import USABLE_CONDITIONS, Condition, MovementKind, TransferStatus
from sasms.parts.models import Depot, Part, Transfer
from sasms.parts.services.common import (
    audit,
    check_active,
    check_condition,
    check_quantity,
    clean_text,
    refuse,
)
from sasms.parts.services.reservations import not_available
from sasms.tickets.models import Ticket

logger = logging.getLogger(__name__)


@transaction.atomic
def request_transfer(
    *,
    actor: User | None,
    part: Part,
    from_depot: Depot,
    to_depot: Depot,
    quantity: int,
    condition: str = Condition.NEW,
    ticket: Ticket | None = None,
    reason: str = "",
) -> Transfer:
    if ticket is not None:
        require_requester(actor)
    else:
        require_clerk(actor)
    quantity = check_quantity(quantity)
    check_condition(condition, allowed=USABLE_CONDITIONS)
    if from_depot.pk == to_depot.pk:
        raise refuse("to_depot", _("A transfer goes to another depot."))
    check_active(part=part, depot=from_depot)
    if not to_depot.is_active:
        raise refuse("to_depot", _("This depot is closed."))
    if ticket is not None and not ticket.is_open:
        raise refuse("ticket", _("Parts can be reserved for open requests only."))
    reason = clean_text(reason, field="reason", limit=300)
    balance = ledger.lock_balances(part, from_depot, [condition])[condition]
    if balance.available < quantity:
        raise not_available(part=part, depot=from_depot, quantity=quantity, free=balance.available)
    transfer = Transfer.objects.create(
        part=part,
        from_depot=from_depot,
        to_depot=to_depot,
        condition=condition,
        quantity=quantity,
        ticket=ticket,
        reason=reason,
        requested_by=actor,
    )
    ledger.post(
        actor=actor,
        kind=MovementKind.RESERVE,
        balance=balance,
        quantity=quantity,
        on_hand_delta=0,
        reserved_delta=quantity,
        transfer=transfer,
        ticket=ticket,
        other_depot=to_depot,
    )
    audit(
        actor,
        "transfer.request",
        transfer,
        {
            "part": [None, part.part_number],
            "from": [None, from_depot.code],
            "to": [None, to_depot.code],
            "quantity": [None, quantity],
        },
    )
    from sasms.parts.services.planning import check_low_stock

    check_low_stock(part=part, depot=from_depot)
    return transfer


def _lock(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("part", "from_depot", "to_depot", "ticket")
        .get(pk=transfer.pk)
    )


@transaction.atomic
def ship_transfer(
    *, actor: User | None, transfer: Transfer, carrier: str = "", tracking_number: str = ""
) -> Transfer:
    require_clerk(actor)
    transfer = _lock(transfer)
    if transfer.status != TransferStatus.REQUESTED:
        raise Conflict(_("Only a requested transfer can be shipped."))
    transfer.carrier = clean_text(carrier, field="carrier", limit=80)
    transfer.tracking_number = clean_text(tracking_number, field="tracking_number", limit=80)
    balance = ledger.lock_balances(transfer.part, transfer.from_depot, [transfer.condition])[
        transfer.condition
    ]
    ledger.post(
        actor=actor,
        kind=MovementKind.TRANSFER_OUT,
        balance=balance,
        quantity=transfer.quantity,
        on_hand_delta=-transfer.quantity,
        reserved_delta=-transfer.quantity,
        transfer=transfer,
        ticket=transfer.ticket,
        other_depot=transfer.to_depot,
    )
    transfer.status, transfer.shipped_at = TransferStatus.SHIPPED, timezone.now()
    transfer.save(update_fields=["status", "shipped_at", "carrier", "tracking_number"])
    audit(actor, "transfer.ship", transfer, {"status": [TransferStatus.REQUESTED, TransferStatus.SHIPPED]})
    return transfer


@transaction.atomic
def receive_transfer(*, actor: User | None, transfer: Transfer) -> Transfer:
    require_clerk(actor)
    transfer = _lock(transfer)
    if transfer.status != TransferStatus.SHIPPED:
        raise Conflict(_("Only a shipped transfer can be received."))
    balance = ledger.lock_balances(transfer.part, transfer.to_depot, [transfer.condition])[transfer.condition]
    ledger.post(
        actor=actor,
        kind=MovementKind.TRANSFER_IN,
        balance=balance,
        quantity=transfer.quantity,
        on_hand_delta=transfer.quantity,
        transfer=transfer,
        ticket=transfer.ticket,
        other_depot=transfer.from_depot,
    )
    transfer.status, transfer.received_at = TransferStatus.RECEIVED, timezone.now()
    transfer.save(update_fields=["status", "received_at"])
    audit(actor, "transfer.receive", transfer, {"status": [TransferStatus.SHIPPED, TransferStatus.RECEIVED]})
    if transfer.ticket is not None and transfer.ticket.is_open:
        from sasms.parts.services.reservations import reserve_part

        try:
            with transaction.atomic():
                reserve_part(
                    actor=None,
                    ticket=transfer.ticket,
                    part=transfer.part,
                    depot=transfer.to_depot,
                    quantity=transfer.quantity,
                    condition=transfer.condition,
                    note=_("Transfer %(transfer)s") % {"transfer": transfer},
                )
        except ServiceError as exc:  # the stock arrived all the same; the clerk reserves by hand
            logger.info("transfer %s arrived but could not be reserved: %s", transfer.pk, exc)
    return transfer


@transaction.atomic
def cancel_transfer(*, actor: User | None, transfer: Transfer, reason: str = "") -> Transfer:
    require_clerk(actor)
    transfer = _lock(transfer)
    if transfer.status != TransferStatus.REQUESTED:
        raise Conflict(_("Only a transfer that has not shipped can be cancelled."))
    balance = ledger.lock_balances(transfer.part, transfer.from_depot, [transfer.condition])[
        transfer.condition
    ]
    ledger.post(
        actor=actor,
        kind=MovementKind.RELEASE,
        balance=balance,
        quantity=transfer.quantity,
        on_hand_delta=0,
        reserved_delta=-transfer.quantity,
        transfer=transfer,
        ticket=transfer.ticket,
        reason=clean_text(reason, field="reason", limit=300),
    )
    transfer.status, transfer.cancelled_at = TransferStatus.CANCELLED, timezone.now()
    transfer.save(update_fields=["status", "cancelled_at"])
    audit(
        actor, "transfer.cancel", transfer, {"status": [TransferStatus.REQUESTED, TransferStatus.CANCELLED]}
    )
    return transfer
