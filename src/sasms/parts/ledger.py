"""Posting movements: the one place that changes a stock balance.

A service locks the balance rows it needs (:func:`lock_balances`, always in the same order, so two
writers never wait on each other crosswise), checks its use case, then posts each movement with
:func:`post`, which writes the immutable ledger row and the new balance in the caller's
transaction. The database constraints refuse a negative balance even if a check were missed.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict
from sasms.parts.models import Depot, Movement, Part, StockBalance


def lock_balances(part: Part, depot: Depot, conditions: Iterable[str]) -> dict[str, StockBalance]:
    """The balance rows of ``part`` at ``depot`` in ``conditions``, locked (created when missing)."""
    wanted = sorted(set(conditions))
    rows = _select_locked(part, depot, wanted)
    missing = [c for c in wanted if c not in rows]
    if missing:
        for condition in missing:
            try:
                with transaction.atomic():  # a concurrent creator wins; we then lock its row
                    StockBalance.objects.create(part=part, depot=depot, condition=condition)
            except IntegrityError:
                pass
        rows = _select_locked(part, depot, wanted)
    return rows


def _select_locked(part: Part, depot: Depot, conditions: list[str]) -> dict[str, StockBalance]:
    queryset = (
        StockBalance.objects.select_for_update()
        .filter(part=part, depot=depot, condition__in=conditions)
        .order_by("condition")
    )
    rows = {}
    for row in queryset:
        row.part, row.depot = part, depot  # the caller's objects: no query to read them back
        rows[row.condition] = row
    return rows


def post(
    *,
    actor: User | None,
    kind: str,
    balance: StockBalance,
    quantity: int,
    on_hand_delta: int,
    reserved_delta: int = 0,
    occurred_at: datetime.datetime | None = None,
    unit_cost: Decimal | None = None,
    **refs: Any,
) -> Movement:
    """Write one movement and apply it to its (locked) balance row."""
    on_hand = balance.on_hand + on_hand_delta
    reserved = balance.reserved + reserved_delta
    if on_hand < 0 or reserved < 0 or reserved > on_hand:
        message = _("Not enough stock: %(available)d available at %(depot)s.") % {
            "available": balance.available,
            "depot": balance.depot.name,
        }
        raise Conflict(message, code="not_available", fields={"quantity": [message]})
    now = timezone.now()
    StockBalance.objects.filter(pk=balance.pk).update(on_hand=on_hand, reserved=reserved, updated_at=now)
    balance.on_hand, balance.reserved, balance.updated_at = on_hand, reserved, now
    part = balance.part
    return Movement.objects.create(
        created_at=now,
        occurred_at=occurred_at or now,
        kind=kind,
        part=part,
        depot=balance.depot,
        condition=balance.condition,
        quantity=quantity,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        unit_cost=part.unit_cost if unit_cost is None else unit_cost,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.email if actor is not None else "system",
        **refs,
    )
