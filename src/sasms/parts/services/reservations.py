"""Reserving parts for a request, delivering them on site, using them, and releasing the rest.

A reservation holds stock at one depot: the balance row is locked, the free quantity checked and
the hold posted in one transaction, so concurrent requests for the last units never over-book.
Reserving starts the request's parts-delivered SLA clock (timeline ``PARTS`` event, step
``reserved``); delivery on site meets it (step ``delivered``).
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict, PermissionDenied
from sasms.parts import ledger
from sasms.parts.access import require_requester
from sasms.parts.availability import Alternative, alternatives, depot_position, km_between, site_position
from sasms.parts.choices import (
    OPEN_RESERVATION_STATUSES,
    USABLE_CONDITIONS,
    Condition,
    MovementKind,
    ReservationStatus,
)
from sasms.parts.geo import delivery_eta
from sasms.parts.models import Depot, Movement, Part, Reservation
from sasms.parts.quality import can_override_quality, new_parts_required
from sasms.parts.services.common import (
    audit,
    check_active,
    check_condition,
    check_quantity,
    check_time,
    clean_text,
    refuse,
)
from sasms.tickets.choices import EventKind
from sasms.tickets.events import record_event
from sasms.tickets.models import Ticket

MAX_RESERVE = 999


class NotAvailable(Conflict):
    """Not enough free stock; ``alternatives`` lists other depots and substitutes that have it."""

    code = "not_available"

    def __init__(self, message: str, *, alternatives: list[Alternative]) -> None:
        super().__init__(message, fields={"quantity": [message]})
        self.alternatives = alternatives


class NewPartsRequired(Conflict):
    """The request's contract promises new parts and no override (with its reason) was given."""

    code = "new_parts_required"

    def __init__(self, message: str) -> None:
        super().__init__(message, fields={"condition": [message]})


def not_available(
    *,
    part: Part,
    depot: Depot,
    quantity: int,
    free: int,
    near: Any = None,
    conditions: tuple[str, ...] = USABLE_CONDITIONS,
) -> NotAvailable:
    found = alternatives(
        part=part, exclude_depot=depot, near=near or depot_position(depot), conditions=conditions
    )
    message = _("Not available: %(quantity)d × %(part)s requested at %(depot)s, %(free)d free.") % {
        "quantity": quantity,
        "part": part.part_number,
        "depot": depot.name,
        "free": max(free, 0),
    }
    if found:
        listed = "; ".join(
            (
                _("substitute %(part)s at %(depot)s: %(free)d")
                if a.substitute
                else _("%(part)s at %(depot)s: %(free)d")
            )
            % {"part": a.part_number, "depot": a.depot_name, "free": a.available}
            for a in found
        )
        label = _("Alternatives:")
        message = f"{message} {label} {listed}."
    else:
        advice = _("No other depot or substitute has it; ask for a transfer or order it.")
        message = f"{message} {advice}"
    return NotAvailable(message, alternatives=found)


def _event(ticket: Ticket, actor: User | None, body: str, data: dict[str, Any]) -> None:
    record_event(ticket=ticket, actor=actor, kind=EventKind.PARTS, public=False, body=body, data=data)


@transaction.atomic
def reserve_part(
    *,
    actor: User | None,
    ticket: Ticket,
    part: Part,
    depot: Depot,
    quantity: int = 1,
    condition: str | None = None,
    parts_first: bool = True,
    needed_by: datetime.datetime | None = None,
    note: str = "",
    override_reason: str = "",
) -> Reservation:
    """Hold ``quantity`` of ``part`` at ``depot`` for ``ticket`` (new stock first, then refurbished).

    Refused with :class:`NotAvailable` (listing other depots and substitutes) when the depot has
    fewer free units; nothing is written then. When the request's contract promises new parts,
    refurbished stock is refused with :class:`NewPartsRequired` unless ``override_reason`` says
    why it must do, given by someone allowed to override (see :mod:`sasms.parts.quality`); the
    override is kept on the reservation, on the timeline and in the audit trail.
    """
    require_requester(actor)
    quantity = check_quantity(quantity, limit=MAX_RESERVE)
    check_active(part=part, depot=depot)
    if condition is not None:
        check_condition(condition, allowed=USABLE_CONDITIONS)
    note = clean_text(note, field="note", limit=300)
    override_reason = clean_text(override_reason, field="override_reason", limit=300)
    if not ticket.is_open:
        raise refuse("ticket", _("Parts can be reserved for open requests only."))
    new_only = new_parts_required(ticket)
    if override_reason and not new_only:
        raise refuse(
            "override_reason",
            _("No override is needed: the contract of this request allows refurbished parts."),
        )
    if override_reason and not can_override_quality(actor):
        message = _("Only parts clerks and service managers may give refurbished parts against the contract.")
        raise PermissionDenied(message, fields={"override_reason": [message]})
    if new_only and not override_reason and condition == Condition.REFURBISHED:
        raise NewPartsRequired(
            _(
                "The contract of this request requires new parts: a refurbished part needs an override "
                "with a reason."
            )
        )
    now = timezone.now()
    eta = delivery_eta(
        tier=depot.service_tier, km=km_between(site_position(ticket), depot_position(depot)), now=now
    )
    # The timeline event (and the SLA clocks it moves) first, the stock row last: the row lock that
    # serialises everyone reserving this part here is then held only for the few writes after it.
    # If the stock is not there, the exception rolls the event back with everything else.
    _event(
        ticket,
        actor,
        _("Reserved %(quantity)d × %(part)s at %(depot)s, expected on site %(eta)s.")
        % {
            "quantity": quantity,
            "part": part.part_number,
            "depot": depot.name,
            "eta": timezone.localtime(eta).strftime("%Y-%m-%d %H:%M"),
        },
        {"step": "reserved", "occurred_at": now.isoformat(), "depot": depot.code, "eta": eta.isoformat()},
    )
    usable = (Condition.NEW,) if new_only and not override_reason else tuple(USABLE_CONDITIONS)
    conditions = [condition] if condition else list(usable)
    balances = ledger.lock_balances(part, depot, list(USABLE_CONDITIONS))
    chosen = next((balances[c] for c in conditions if balances[c].available >= quantity), None)
    if chosen is None:
        refurbished = balances[Condition.REFURBISHED].available
        if new_only and not override_reason and refurbished >= quantity:
            raise NewPartsRequired(
                _(
                    "The contract of this request requires new parts; %(depot)s has only %(free)d "
                    "refurbished. Reserve new stock elsewhere, or override with a reason."
                )
                % {"depot": depot.name, "free": refurbished}
            )
        free = max(balances[c].available for c in conditions)
        raise not_available(
            part=part,
            depot=depot,
            quantity=quantity,
            free=free,
            near=site_position(ticket),
            conditions=tuple(conditions),
        )
    overridden = new_only and chosen.condition != Condition.NEW
    reservation = Reservation.objects.create(
        ticket=ticket,
        part=part,
        depot=depot,
        condition=chosen.condition,
        quantity=quantity,
        parts_first=parts_first,
        eta=eta,
        needed_by=needed_by,
        created_at=now,
        created_by=actor,
        note=note,
        quality_override_reason=override_reason if overridden else "",
    )
    if overridden:
        _event(
            ticket,
            actor,
            _("Refurbished %(part)s given against the contract's new-parts promise: %(reason)s")
            % {"part": part.part_number, "reason": override_reason},
            {"step": "quality_override", "condition": chosen.condition, "reason": override_reason},
        )
        audit(
            actor,
            "reservation.quality_override",
            reservation,
            {"condition": [Condition.NEW, chosen.condition], "override_reason": [None, override_reason]},
        )
    ledger.post(
        actor=actor,
        kind=MovementKind.RESERVE,
        balance=chosen,
        quantity=quantity,
        on_hand_delta=0,
        reserved_delta=quantity,
        occurred_at=now,
        ticket=ticket,
        reservation=reservation,
    )
    audit(
        actor,
        "reservation.create",
        reservation,
        {
            "ticket": [None, ticket.number],
            "part": [None, part.part_number],
            "depot": [None, depot.code],
            "quantity": [None, quantity],
        },
    )
    from sasms.parts.services.planning import check_low_stock

    check_low_stock(part=part, depot=depot)
    return reservation


def _lock(reservation: Reservation) -> Reservation:
    return (
        Reservation.objects.select_for_update(of=("self",))  # the reservation only, not its part or depot
        .select_related("ticket", "part", "depot")
        .get(pk=reservation.pk)
    )


def _outstanding(ticket: Ticket, *, excluding: int) -> bool:
    """Does ``ticket`` still wait for a reserved part to reach the site?"""
    return (
        Reservation.objects.filter(ticket=ticket, status=ReservationStatus.RESERVED)
        .exclude(pk=excluding)
        .exists()
    )


def _delivered(reservation: Reservation, actor: User | None, at: datetime.datetime) -> None:
    """Record arrival on site; the parts clock is met once nothing reserved is still on its way."""
    reservation.delivered_at = at
    if not _outstanding(reservation.ticket, excluding=reservation.pk):
        _event(
            reservation.ticket,
            actor,
            _("Parts delivered on site."),
            {"step": "delivered", "occurred_at": at.isoformat()},
        )


@transaction.atomic
def mark_delivered(
    *, actor: User | None, reservation: Reservation, at: datetime.datetime | None = None
) -> Reservation:
    require_requester(actor)
    reservation = _lock(reservation)
    if reservation.status != ReservationStatus.RESERVED:
        raise Conflict(_("Only a reserved part that is still on its way can be delivered."))
    moment = check_time(at)
    if moment < reservation.created_at:
        raise refuse("occurred_at", _("The part cannot arrive before it was reserved."))
    reservation.status = ReservationStatus.DELIVERED
    _delivered(reservation, actor, moment)
    reservation.save(update_fields=["status", "delivered_at"])
    audit(
        actor,
        "reservation.deliver",
        reservation,
        {"status": [ReservationStatus.RESERVED, ReservationStatus.DELIVERED]},
    )
    return reservation


@transaction.atomic
def release_reservation(*, actor: User | None, reservation: Reservation, reason: str = "") -> Reservation:
    """Give the unused rest of a reservation back to the depot's free stock."""
    require_requester(actor)
    reservation = _lock(reservation)
    if reservation.status not in OPEN_RESERVATION_STATUSES:
        raise Conflict(_("This reservation is already closed."))
    reason = clean_text(reason, field="reason", limit=300)
    now = timezone.now()
    # As in reserve_part: the request's clocks first, the stock row last.
    _event(
        reservation.ticket,
        actor,
        _("Released %(quantity)d × %(part)s at %(depot)s.")
        % {
            "quantity": reservation.remaining,
            "part": reservation.part.part_number,
            "depot": reservation.depot.name,
        },
        {"step": "released", "occurred_at": now.isoformat()},
    )
    balance = ledger.lock_balances(reservation.part, reservation.depot, [reservation.condition])[
        reservation.condition
    ]
    ledger.post(
        actor=actor,
        kind=MovementKind.RELEASE,
        balance=balance,
        quantity=reservation.remaining,
        on_hand_delta=0,
        reserved_delta=-reservation.remaining,
        occurred_at=now,
        ticket=reservation.ticket,
        reservation=reservation,
        reason=reason,
    )
    before = reservation.status
    reservation.status, reservation.closed_at = ReservationStatus.RELEASED, now
    reservation.save(update_fields=["status", "closed_at"])
    audit(
        actor,
        "reservation.release",
        reservation,
        {"status": [before, ReservationStatus.RELEASED], "reason": [None, reason]},
    )
    return reservation


def consume(
    *,
    actor: User | None,
    reservation: Reservation,
    quantity: int,
    at: datetime.datetime,
    serial: str = "",
) -> Movement:
    """Issue ``quantity`` (at most what is left) of a reservation: the part was used on site.

    Called by the visit listener inside its transaction; permission is the visit's business.
    """
    reservation = _lock(reservation)
    balance = ledger.lock_balances(reservation.part, reservation.depot, [reservation.condition])[
        reservation.condition
    ]
    movement = ledger.post(
        actor=actor,
        kind=MovementKind.ISSUE,
        balance=balance,
        quantity=quantity,
        on_hand_delta=-quantity,
        reserved_delta=-quantity,
        occurred_at=at,
        ticket=reservation.ticket,
        reservation=reservation,
        serial=serial,
    )
    reservation.consumed_quantity += quantity
    fields = ["consumed_quantity"]
    if reservation.status == ReservationStatus.RESERVED:
        reservation.status = ReservationStatus.DELIVERED  # it was on site: it has just been used there
        _delivered(reservation, actor, max(at, reservation.created_at))
        fields += ["status", "delivered_at"]
    if reservation.remaining == 0:
        reservation.status, reservation.closed_at = ReservationStatus.CONSUMED, timezone.now()
        fields += ["status", "closed_at"]
    reservation.save(update_fields=list(dict.fromkeys(fields)))
    audit(
        actor,
        "reservation.consume",
        reservation,
        {"consumed_quantity": [reservation.consumed_quantity - quantity, reservation.consumed_quantity]},
    )
    return movement
