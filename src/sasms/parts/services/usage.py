"""Parts used on a field visit: consume the reservation, record the swap on the server, expect
the defective part back.

The field app records a timeline ``PARTS`` event with ``step: used``; :func:`on_ticket_event`, a
follower of the request's journey (:mod:`sasms.journey.followers`), books it inside that
transaction. Bookkeeping must never break the engineer's visit: whatever cannot be matched
(unknown part number, no stock, a serial we do not know) becomes a
:class:`~sasms.parts.models.Problem` for the parts clerk, and a failure of the booking itself is
rolled back to a savepoint, logged with the request id and reported the same way.
"""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.assets.models import Component, ComponentKind
from sasms.core.audit import record_audit
from sasms.parts import ledger
from sasms.parts.availability import depot_position, km_between, site_position
from sasms.parts.choices import (
    OPEN_RESERVATION_STATUSES,
    USABLE_CONDITIONS,
    MovementKind,
    PartKind,
    ProblemKind,
    SerialStatus,
)
from sasms.parts.models import DefectiveReturn, Depot, Part, Problem, Reservation, StockBalance, Substitute
from sasms.parts.services.common import audit
from sasms.parts.services.reservations import consume
from sasms.parts.services.serials import place_unit, unit_at
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Usage:
    part_number: str
    quantity: int
    serial: str
    removed_serial: str
    occurred_at: datetime.datetime
    visit_id: int | None


def record_problem(*, kind: str, ticket: Ticket | None, part_number: str = "", **details: Any) -> Problem:
    return Problem.objects.create(kind=kind, ticket=ticket, part_number=part_number[:64], details=details)


def on_ticket_event(event: TicketEvent) -> None:
    """The journey's ``parts.book_usage`` follower (``on_failure="problem_row"``): book a part
    used on a visit. A failure is rolled back to a savepoint, logged with the request id and
    recorded as a ``booking_failed`` problem for the parts clerk; the engineer's step stands
    (see ``docs/request-journey.md``)."""
    if event.kind != EventKind.PARTS or event.data.get("step") != "used":
        return
    data = event.data
    part_number = str(data.get("part_number") or "").strip().upper()
    try:
        with transaction.atomic():
            book_usage(event.ticket, event.actor, _usage_of(event))
    except Exception as exc:  # the visit goes on; the clerk sorts the stock out by hand
        logger.exception("booking the part used on request %s failed", event.ticket_id)
        record_problem(
            kind=ProblemKind.BOOKING_FAILED,
            ticket=event.ticket,
            part_number=part_number,
            error=str(exc)[:500],
            event_id=event.pk,
        )


def _usage_of(event: TicketEvent) -> Usage:
    data = event.data
    raw_at = data.get("occurred_at")
    at = event.created_at
    if isinstance(raw_at, str):
        try:
            parsed = datetime.datetime.fromisoformat(raw_at)
            at = parsed if parsed.tzinfo is not None else at
        except ValueError:
            pass
    quantity = data.get("quantity", 1)
    visit_id = data.get("visit_id")
    return Usage(
        part_number=str(data.get("part_number") or "").strip().upper(),
        quantity=quantity
        if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 0
        else 1,
        serial=str(data.get("serial") or "").strip()[:64],
        removed_serial=str(data.get("removed_serial") or "").strip()[:64],
        occurred_at=at,
        visit_id=visit_id if isinstance(visit_id, int) else None,
    )


def book_usage(ticket: Ticket, actor: User | None, usage: Usage) -> None:
    part = Part.objects.filter(part_number__iexact=usage.part_number).first() if usage.part_number else None
    replaced = _replace_component(ticket, actor, usage, part)
    if part is None:
        record_problem(
            kind=ProblemKind.UNKNOWN_PART,
            ticket=ticket,
            part_number=usage.part_number,
            quantity=usage.quantity,
            serial=usage.serial,
            visit_id=usage.visit_id,
        )
        return
    depot = _issue(ticket, actor, part, usage)
    if part.serialised and usage.serial:
        unit = unit_at(part=part, serial=usage.serial)
        if unit is None or unit.status not in (SerialStatus.IN_STOCK, SerialStatus.IN_TRANSIT):
            record_problem(
                kind=ProblemKind.SERIAL_NOT_IN_STOCK,
                ticket=ticket,
                part_number=part.part_number,
                serial=usage.serial,
            )
        place_unit(
            part=part,
            serial=usage.serial,
            status=SerialStatus.INSTALLED,
            condition=unit.condition if unit else "new",
            server=ticket.server,
        )
    if depot is not None:
        item = DefectiveReturn.objects.create(
            ticket=ticket,
            part=part,
            depot=depot,
            server=ticket.server,
            component=replaced,
            removed_serial=usage.removed_serial,
            quantity=usage.quantity,
            visit_id=usage.visit_id,
            due_date=timezone.localdate(usage.occurred_at) + datetime.timedelta(days=part.return_days),
        )
        audit(
            actor,
            "return.expect",
            item,
            {
                "ticket": [None, ticket.number],
                "part": [None, part.part_number],
                "due_date": [None, item.due_date],
            },
        )


def _matching_reservations(ticket: Ticket, part: Part) -> list[Reservation]:
    """Open reservations of the request for this part or a substitute of it (either way round)."""
    related = set(
        Substitute.objects.filter(Q(part=part) | Q(substitute=part)).values_list("part_id", "substitute_id")
    )
    ids = {part.pk} | {a for a, _b in related} | {b for _a, b in related}
    found = list(
        Reservation.objects.filter(
            ticket=ticket, status__in=OPEN_RESERVATION_STATUSES, part_id__in=ids
        ).order_by("created_at", "id")
    )
    found.sort(key=lambda r: r.part_id != part.pk)  # the very part number first
    return found


def _issue(ticket: Ticket, actor: User | None, part: Part, usage: Usage) -> Depot | None:
    """Consume reservations first, then free stock at the nearest depot; returns the depot to
    which the defective part goes back (``None`` when nothing could be issued)."""
    left = usage.quantity
    depot: Depot | None = None
    for reservation in _matching_reservations(ticket, part):
        if left == 0:
            break
        take = min(left, reservation.remaining)
        consume(
            actor=actor,
            reservation=reservation,
            quantity=take,
            at=usage.occurred_at,
            serial=usage.serial if take == 1 else "",
        )
        depot = depot or reservation.depot
        left -= take
    if left == 0:
        return depot
    source = _nearest_with_stock(ticket, part, left)
    if source is None:
        record_problem(
            kind=ProblemKind.NO_STOCK,
            ticket=ticket,
            part_number=part.part_number,
            quantity=left,
            visit_id=usage.visit_id,
        )
        return depot
    balances = ledger.lock_balances(part, source, USABLE_CONDITIONS)
    chosen = next((b for b in balances.values() if b.available >= left), None)
    if chosen is None:  # taken by someone else meanwhile
        record_problem(kind=ProblemKind.NO_STOCK, ticket=ticket, part_number=part.part_number, quantity=left)
        return depot
    movement = ledger.post(
        actor=actor,
        kind=MovementKind.ISSUE,
        balance=chosen,
        quantity=left,
        on_hand_delta=-left,
        occurred_at=usage.occurred_at,
        ticket=ticket,
        serial=usage.serial if left == 1 else "",
        reason=_("Used on site without a reservation"),
    )
    audit(actor, "stock.issue", movement, {"ticket": [None, ticket.number], "quantity": [None, left]})
    from sasms.parts.services.planning import check_low_stock

    check_low_stock(part=part, depot=source)
    return depot or source


def _nearest_with_stock(ticket: Ticket, part: Part, quantity: int) -> Depot | None:
    rows = StockBalance.objects.filter(
        part=part, condition__in=USABLE_CONDITIONS, depot__is_active=True
    ).select_related("depot")
    candidates = {row.depot for row in rows if row.available >= quantity}
    if not candidates:
        return None
    site = site_position(ticket)
    return min(candidates, key=lambda d: (km_between(site, depot_position(d)) or 0.0, d.pk))


def _replace_component(
    ticket: Ticket, actor: User | None, usage: Usage, part: Part | None
) -> Component | None:
    """Record the swap in the server's component history; returns the removed component."""
    server = ticket.server
    if server is None:
        return None
    removed = None
    if usage.removed_serial:
        removed = (
            Component.objects.select_for_update()
            .filter(server=server, serial=usage.removed_serial, removed_at__isnull=True)
            .first()
        )
        if removed is None:
            record_problem(
                kind=ProblemKind.REMOVED_SERIAL_UNKNOWN,
                ticket=ticket,
                part_number=usage.part_number,
                removed_serial=usage.removed_serial,
            )
        else:
            removed.removed_at = max(usage.occurred_at, removed.installed_at)
            removed.removal_reason = _("Defective, replaced under %(number)s") % {"number": ticket.number}
            removed.service_request_ref = ticket.number
            removed.save(update_fields=["removed_at", "removal_reason", "service_request_ref"])
            record_audit(
                actor=actor,
                action="component.remove",
                target=removed,
                changes={
                    "removed_at": [None, removed.removed_at],
                    "service_request_ref": [None, ticket.number],
                },
                organisation=server.organisation,
            )
    kind = (
        part.kind if part is not None and part.kind != PartKind.OTHER else (removed.kind if removed else "")
    )
    if kind in ComponentKind.values and (usage.serial or removed is not None):
        fitted = Component.objects.create(
            server=server,
            kind=kind,
            part_number=usage.part_number,
            serial=usage.serial,
            slot=removed.slot if removed else "",
            capacity=removed.capacity if removed else "",
            description=part.description[:200] if part is not None else "",
            installed_at=usage.occurred_at,
            service_request_ref=ticket.number,
        )
        record_audit(
            actor=actor,
            action="component.add",
            target=fitted,
            changes={
                "server": [None, server.pk],
                "serial": [None, usage.serial],
                "service_request_ref": [None, ticket.number],
            },
            organisation=server.organisation,
        )
    return removed
