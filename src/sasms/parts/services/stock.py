"""Stock in and out of a depot by hand: receiving, good returns, adjustments and scrapping."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict
from sasms.parts import ledger
from sasms.parts.access import require_clerk
from sasms.parts.choices import USABLE_CONDITIONS, Condition, MovementKind, SerialStatus
from sasms.parts.models import Depot, Movement, Part, SerialUnit
from sasms.parts.services.common import (
    audit,
    check_active,
    check_condition,
    check_quantity,
    check_time,
    clean_text,
    refuse,
)
from sasms.parts.services.serials import place_unit, unit_at
from sasms.tickets.models import Ticket


def _check_serials(part: Part, quantity: int, serials: Sequence[str]) -> list[str]:
    cleaned = [str(s).strip() for s in serials if str(s).strip()]
    if not part.serialised:
        if cleaned:
            raise refuse("serials", _("This part is not serialised; leave the serial numbers empty."))
        return []
    if len(cleaned) != quantity:
        raise refuse(
            "serials",
            _("A serialised part needs one serial number per unit: %(quantity)d expected, %(given)d given.")
            % {"quantity": quantity, "given": len(cleaned)},
        )
    if len(set(cleaned)) != len(cleaned):
        raise refuse("serials", _("A serial number is listed twice."))
    if any(len(s) > 64 for s in cleaned):
        raise refuse("serials", _("At most %(limit)d characters.") % {"limit": 64})
    present = list(
        SerialUnit.objects.filter(
            part=part, serial__in=cleaned, status__in=[SerialStatus.IN_STOCK, SerialStatus.DEFECTIVE]
        ).values_list("serial", flat=True)
    )
    if present:
        raise Conflict(
            _("Already in stock: %(serials)s.") % {"serials": ", ".join(sorted(present))},
            fields={
                "serials": [_("Already in stock: %(serials)s.") % {"serials": ", ".join(sorted(present))}]
            },
        )
    return cleaned


def _post_in(
    *,
    actor: User | None,
    kind: str,
    part: Part,
    depot: Depot,
    condition: str,
    quantity: int,
    serials: list[str],
    occurred_at: datetime.datetime,
    unit_cost: Decimal | None = None,
    reason: str = "",
    ticket: Ticket | None = None,
) -> list[Movement]:
    balance = ledger.lock_balances(part, depot, [condition])[condition]
    status = SerialStatus.DEFECTIVE if condition == Condition.DEFECTIVE else SerialStatus.IN_STOCK
    if serials:
        movements = []
        for serial in serials:
            movements.append(
                ledger.post(
                    actor=actor,
                    kind=kind,
                    balance=balance,
                    quantity=1,
                    on_hand_delta=1,
                    occurred_at=occurred_at,
                    unit_cost=unit_cost,
                    serial=serial,
                    reason=reason,
                    ticket=ticket,
                )
            )
            place_unit(part=part, serial=serial, status=status, condition=condition, depot=depot)
        return movements
    return [
        ledger.post(
            actor=actor,
            kind=kind,
            balance=balance,
            quantity=quantity,
            on_hand_delta=quantity,
            occurred_at=occurred_at,
            unit_cost=unit_cost,
            reason=reason,
            ticket=ticket,
        )
    ]


@transaction.atomic
def receive_stock(
    *,
    actor: User | None,
    part: Part,
    depot: Depot,
    quantity: int,
    condition: str = Condition.NEW,
    serials: Sequence[str] = (),
    unit_cost: Decimal | None = None,
    reference: str = "",
    occurred_at: datetime.datetime | None = None,
) -> list[Movement]:
    """Goods in: new or refurbished stock from a supplier (or the initial stock count)."""
    require_clerk(actor)
    check_active(part=part, depot=depot)
    quantity = check_quantity(quantity)
    check_condition(condition, allowed=USABLE_CONDITIONS)
    if unit_cost is not None and Decimal(unit_cost) < 0:
        raise refuse("unit_cost", _("The unit cost cannot be negative."))
    reference = clean_text(reference, field="reference", limit=300)
    at = check_time(occurred_at)
    cleaned = _check_serials(part, quantity, serials)
    movements = _post_in(
        actor=actor,
        kind=MovementKind.RECEIVE,
        part=part,
        depot=depot,
        condition=condition,
        quantity=quantity,
        serials=cleaned,
        occurred_at=at,
        unit_cost=unit_cost,
        reason=reference,
    )
    audit(actor, "stock.receive", movements[0], {"quantity": [None, quantity], "depot": [None, depot.code]})
    return movements


@transaction.atomic
def return_good(
    *,
    actor: User | None,
    part: Part,
    depot: Depot,
    quantity: int,
    condition: str = Condition.NEW,
    serials: Sequence[str] = (),
    ticket: Ticket | None = None,
    reason: str = "",
    occurred_at: datetime.datetime | None = None,
) -> list[Movement]:
    """An issued part came back unused: it goes back on the shelf."""
    require_clerk(actor)
    quantity = check_quantity(quantity)
    check_condition(condition, allowed=USABLE_CONDITIONS)
    at = check_time(occurred_at)
    cleaned = _check_serials(part, quantity, serials)
    movements = _post_in(
        actor=actor,
        kind=MovementKind.RETURN_GOOD,
        part=part,
        depot=depot,
        condition=condition,
        quantity=quantity,
        serials=cleaned,
        occurred_at=at,
        reason=clean_text(reason, field="reason", limit=300),
        ticket=ticket,
    )
    audit(actor, "stock.return_good", movements[0], {"quantity": [None, quantity]})
    return movements


@transaction.atomic
def adjust_stock(
    *,
    actor: User,
    part: Part,
    depot: Depot,
    condition: str,
    change: int,
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> Movement:
    """A stock count found more or fewer than the books: the difference, with the reason why."""
    require_clerk(actor)
    check_condition(condition)
    if isinstance(change, bool) or not isinstance(change, int) or change == 0:
        raise refuse("change", _("Enter a whole number other than 0 (negative takes stock off)."))
    check_quantity(abs(change), field="change")
    reason = clean_text(reason, field="reason", limit=300, required=True)
    at = check_time(occurred_at)
    balance = ledger.lock_balances(part, depot, [condition])[condition]
    if balance.on_hand + change < balance.reserved:
        message = _("Only %(free)d of %(on_hand)d on hand are not reserved; release reservations first.") % {
            "free": balance.available,
            "on_hand": balance.on_hand,
        }
        raise Conflict(message, fields={"change": [message]})
    movement = ledger.post(
        actor=actor,
        kind=MovementKind.ADJUST,
        balance=balance,
        quantity=abs(change),
        on_hand_delta=change,
        occurred_at=at,
        reason=reason,
    )
    audit(
        actor,
        "stock.adjust",
        movement,
        {"on_hand": [balance.on_hand - change, balance.on_hand], "reason": [None, reason]},
    )
    if change < 0:
        from sasms.parts.services.planning import check_low_stock

        check_low_stock(part=part, depot=depot)
    return movement


@transaction.atomic
def scrap_stock(
    *,
    actor: User,
    part: Part,
    depot: Depot,
    condition: str = Condition.DEFECTIVE,
    quantity: int = 1,
    serial: str = "",
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> Movement:
    """Take units out of stock for good (beyond repair, not worth an RMA)."""
    require_clerk(actor)
    check_condition(condition)
    quantity = check_quantity(quantity)
    reason = clean_text(reason, field="reason", limit=300, required=True)
    serial = clean_text(serial, field="serial", limit=64)
    at = check_time(occurred_at)
    if serial and quantity != 1:
        raise refuse("quantity", _("Scrap one unit at a time when naming its serial number."))
    if serial:
        check_serial_for_out(part, serial, depot)
    balance = ledger.lock_balances(part, depot, [condition])[condition]
    if balance.available < quantity:
        message = _("Only %(available)d not reserved at %(depot)s.") % {
            "available": balance.available,
            "depot": depot.name,
        }
        raise Conflict(message, code="not_available", fields={"quantity": [message]})
    movement = ledger.post(
        actor=actor,
        kind=MovementKind.SCRAP,
        balance=balance,
        quantity=quantity,
        on_hand_delta=-quantity,
        occurred_at=at,
        serial=serial,
        reason=reason,
    )
    if serial:
        place_unit(part=part, serial=serial, status=SerialStatus.SCRAPPED, condition=condition, depot=None)
    audit(actor, "stock.scrap", movement, {"quantity": [None, quantity], "reason": [None, reason]})
    return movement


def check_serial_for_out(part: Part, serial: str, depot: Depot) -> None:
    """A unit named on the way out must be in stock at that depot."""
    unit = unit_at(part=part, serial=serial)
    if (
        unit is None
        or unit.depot_id != depot.pk
        or unit.status not in (SerialStatus.IN_STOCK, SerialStatus.DEFECTIVE)
    ):
        raise refuse(
            "serial",
            _("Serial number %(serial)s is not in stock at %(depot)s.")
            % {"serial": serial, "depot": depot.name},
        )
