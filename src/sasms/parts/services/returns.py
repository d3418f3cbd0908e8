"""Defective parts back from site, and RMA cases with their vendors.

requested → shipped → received by vendor → repaired / replaced → back in stock → closed (or
cancelled before shipping). Opening a case holds the defective unit at its depot; shipping takes it
out of stock; back in stock receives the repaired unit as refurbished, a replacement as new.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.assets.models import Vendor
from sasms.core.errors import Conflict
from sasms.parts import ledger
from sasms.parts.access import require_clerk
from sasms.parts.choices import RMA_NEXT, Condition, MovementKind, ReturnStatus, RmaStatus, SerialStatus
from sasms.parts.models import DefectiveReturn, Depot, Part, RmaCase
from sasms.parts.services.common import audit, check_quantity, check_time, clean_text, refuse
from sasms.parts.services.serials import place_unit
from sasms.parts.services.stock import check_serial_for_out


def _lock_return(item: DefectiveReturn) -> DefectiveReturn:
    return (
        DefectiveReturn.objects.select_for_update(of=("self",))
        .select_related("part", "depot", "ticket")
        .get(pk=item.pk)
    )


@transaction.atomic
def receive_defective(
    *,
    actor: User | None,
    item: DefectiveReturn,
    depot: Depot | None = None,
    serial: str = "",
    occurred_at: datetime.datetime | None = None,
) -> DefectiveReturn:
    """The defective part came back from site: into the depot's defective stock."""
    require_clerk(actor)
    item = _lock_return(item)
    if item.status != ReturnStatus.EXPECTED:
        raise Conflict(_("This return has already been dealt with."))
    depot = depot or item.depot
    at = check_time(occurred_at)
    serial = clean_text(serial, field="serial", limit=64) or item.removed_serial
    balance = ledger.lock_balances(item.part, depot, [Condition.DEFECTIVE])[Condition.DEFECTIVE]
    ledger.post(
        actor=actor,
        kind=MovementKind.RETURN_DEFECTIVE,
        balance=balance,
        quantity=item.quantity,
        on_hand_delta=item.quantity,
        occurred_at=at,
        ticket=item.ticket,
        serial=serial if item.quantity == 1 else "",
    )
    if serial and item.quantity == 1:
        place_unit(
            part=item.part,
            serial=serial,
            status=SerialStatus.DEFECTIVE,
            condition=Condition.DEFECTIVE,
            depot=depot,
        )
    item.status, item.received_at, item.depot = ReturnStatus.RECEIVED, at, depot
    item.save(update_fields=["status", "received_at", "depot"])
    audit(
        actor,
        "return.receive",
        item,
        {"status": [ReturnStatus.EXPECTED, ReturnStatus.RECEIVED], "depot": [None, depot.code]},
    )
    return item


@transaction.atomic
def write_off_return(*, actor: User, item: DefectiveReturn, reason: str) -> DefectiveReturn:
    """The defective part will not come back (lost, kept by the customer for data security)."""
    require_clerk(actor)
    item = _lock_return(item)
    if item.status != ReturnStatus.EXPECTED:
        raise Conflict(_("This return has already been dealt with."))
    item.note = clean_text(reason, field="reason", limit=300, required=True)
    item.status = ReturnStatus.WRITTEN_OFF
    item.save(update_fields=["status", "note"])
    audit(
        actor,
        "return.write_off",
        item,
        {"status": [ReturnStatus.EXPECTED, ReturnStatus.WRITTEN_OFF], "reason": [None, item.note]},
    )
    return item


@transaction.atomic
def open_rma(
    *,
    actor: User | None,
    part: Part,
    depot: Depot,
    quantity: int = 1,
    serial: str = "",
    vendor: Vendor | None = None,
    defective_return: DefectiveReturn | None = None,
    notes: str = "",
) -> RmaCase:
    """Open an RMA for defective units at ``depot``; they are held for the case until shipped."""
    require_clerk(actor)
    quantity = check_quantity(quantity)
    serial = clean_text(serial, field="serial", limit=64)
    if serial and quantity != 1:
        raise refuse("quantity", _("An RMA that names a serial number is for one unit."))
    if serial:
        check_serial_for_out(part, serial, depot)
    balance = ledger.lock_balances(part, depot, [Condition.DEFECTIVE])[Condition.DEFECTIVE]
    if balance.available < quantity:
        message = _(
            "Only %(available)d defective units of %(part)s at %(depot)s are not already on an RMA."
        ) % {
            "available": balance.available,
            "part": part.part_number,
            "depot": depot.name,
        }
        raise Conflict(message, code="not_available", fields={"quantity": [message]})
    case = RmaCase.objects.create(
        vendor=vendor or part.vendor,
        part=part,
        depot=depot,
        quantity=quantity,
        serial=serial,
        defective_return=defective_return,
        notes=clean_text(notes, field="notes", limit=4000),
        created_by=actor,
    )
    case.number = f"RMA{case.created_at:%Y}{case.pk:06d}"
    case.save(update_fields=["number"])
    ledger.post(
        actor=actor,
        kind=MovementKind.RESERVE,
        balance=balance,
        quantity=quantity,
        on_hand_delta=0,
        reserved_delta=quantity,
        rma=case,
        serial=serial,
    )
    audit(
        actor,
        "rma.open",
        case,
        {"number": [None, case.number], "part": [None, part.part_number], "quantity": [None, quantity]},
    )
    return case


def _lock_rma(case: RmaCase) -> RmaCase:
    return (
        RmaCase.objects.select_for_update(of=("self",))
        .select_related("part", "depot", "vendor")
        .get(pk=case.pk)
    )


@transaction.atomic
def advance_rma(
    *,
    actor: User | None,
    case: RmaCase,
    status: str,
    carrier: str = "",
    tracking_number: str = "",
    vendor_reference: str = "",
    replacement_serial: str = "",
    depot: Depot | None = None,
    occurred_at: datetime.datetime | None = None,
) -> RmaCase:
    """Move an RMA case one step on; shipping and coming back in stock post their movements."""
    require_clerk(actor)
    case = _lock_rma(case)
    before = case.status
    if status not in RMA_NEXT.get(before, ()):
        allowed = ", ".join(str(RmaStatus(s).label) for s in RMA_NEXT.get(before, ())) or _("none")
        message = _("An RMA that is %(current)s cannot become %(wanted)s; next: %(allowed)s.") % {
            "current": RmaStatus(before).label,
            "wanted": RmaStatus(status).label if status in RmaStatus.values else status,
            "allowed": allowed,
        }
        raise Conflict(message, fields={"status": [message]})
    at = check_time(occurred_at)
    changes: dict[str, Any] = {"status": [before, status]}
    if status == RmaStatus.SHIPPED:
        case.carrier = clean_text(carrier, field="carrier", limit=80, required=True)
        case.tracking_number = clean_text(tracking_number, field="tracking_number", limit=80, required=True)
        _post_rma(actor, case, MovementKind.SHIP_TO_VENDOR, case.depot, Condition.DEFECTIVE, at, -1)
        if case.serial:
            place_unit(
                part=case.part,
                serial=case.serial,
                status=SerialStatus.AT_VENDOR,
                condition=Condition.DEFECTIVE,
            )
        case.shipped_at = at
    elif status == RmaStatus.CANCELLED:
        balance = ledger.lock_balances(case.part, case.depot, [Condition.DEFECTIVE])[Condition.DEFECTIVE]
        ledger.post(
            actor=actor,
            kind=MovementKind.RELEASE,
            balance=balance,
            quantity=case.quantity,
            on_hand_delta=0,
            reserved_delta=-case.quantity,
            rma=case,
            occurred_at=at,
        )
        case.closed_at = at
    elif status == RmaStatus.RECEIVED_BY_VENDOR:
        if vendor_reference:
            case.vendor_reference = clean_text(vendor_reference, field="vendor_reference", limit=80)
        case.vendor_received_at = at
    elif status in (RmaStatus.REPAIRED, RmaStatus.REPLACED):
        case.resolved_at = at
    elif status == RmaStatus.BACK_IN_STOCK:
        target = depot or case.depot
        serial = clean_text(replacement_serial, field="replacement_serial", limit=64)
        if before == RmaStatus.REPLACED:
            if case.part.serialised and not serial:
                raise refuse("replacement_serial", _("Give the serial number of the replacement unit."))
            kind, condition = MovementKind.RECEIVE_REPLACEMENT, Condition.NEW
        else:
            serial = serial or case.serial
            kind, condition = MovementKind.RECEIVE_REPAIRED, Condition.REFURBISHED
        case.replacement_serial = serial
        _post_rma(actor, case, kind, target, condition, at, +1, serial=serial)
        if serial:
            place_unit(
                part=case.part, serial=serial, status=SerialStatus.IN_STOCK, condition=condition, depot=target
            )
        case.back_in_stock_at = at
        changes["depot"] = [None, target.code]
    elif status == RmaStatus.CLOSED:
        case.closed_at = at
    case.status = status
    case.save()
    audit(actor, "rma.advance", case, changes)
    return case


def _post_rma(
    actor: User | None,
    case: RmaCase,
    kind: str,
    depot: Depot,
    condition: str,
    at: datetime.datetime,
    sign: int,
    serial: str = "",
) -> None:
    balance = ledger.lock_balances(case.part, depot, [condition])[condition]
    ledger.post(
        actor=actor,
        kind=kind,
        balance=balance,
        quantity=case.quantity,
        on_hand_delta=sign * case.quantity,
        reserved_delta=-case.quantity if sign < 0 else 0,
        rma=case,
        occurred_at=at,
        serial=serial or case.serial,
        other_depot=None,
    )
