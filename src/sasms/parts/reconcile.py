"""Proof that the balance rows are the ledger: ``on_hand == SUM(on_hand_delta)`` and
``reserved == SUM(reserved_delta)`` for every part × depot × condition, and that what is reserved
is explained by open holds (reservations, transfers waiting to ship, RMA cases waiting to ship).

Two aggregate queries for the ledger check, three for the holds; a repair rewrites a balance row
from the ledger under its row lock and leaves an audit entry.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from sasms.accounts.models import User
from sasms.parts.choices import OPEN_RESERVATION_STATUSES, Condition, RmaStatus, TransferStatus
from sasms.parts.models import Depot, Movement, Part, Reservation, RmaCase, StockBalance, Transfer
from sasms.parts.services.common import audit

Key = tuple[int, int, str]


@dataclass(frozen=True)
class Difference:
    key: Key
    what: str  # "on_hand", "reserved" or "holds"
    stored: int
    expected: int

    def describe(self, parts: dict[int, Part], depots: dict[int, Depot]) -> str:
        part_id, depot_id, condition = self.key
        part = parts[part_id].part_number if part_id in parts else f"part {part_id}"
        depot = depots[depot_id].code if depot_id in depots else f"depot {depot_id}"
        source = "open holds" if self.what == "holds" else "ledger"
        column = "reserved" if self.what == "holds" else self.what
        return f"{part} @ {depot} ({condition}): {column} is {self.stored}, {source} says {self.expected}"


@dataclass(frozen=True)
class Report:
    balances: int
    movements: int
    differences: list[Difference]

    @property
    def ok(self) -> bool:
        return not self.differences


def _ledger() -> tuple[dict[Key, tuple[int, int]], int]:
    sums: dict[Key, tuple[int, int]] = {}
    count = 0
    rows = Movement.objects.values("part_id", "depot_id", "condition").annotate(
        on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"), n=Count("id")
    )
    for row in rows:
        sums[(row["part_id"], row["depot_id"], row["condition"])] = (
            int(row["on_hand"]),
            int(row["reserved"]),
        )
        count += int(row["n"])
    return sums, count


def _holds() -> dict[Key, int]:
    holds: dict[Key, int] = defaultdict(int)
    for row in (
        Reservation.objects.filter(status__in=OPEN_RESERVATION_STATUSES)
        .values("part_id", "depot_id", "condition")
        .annotate(units=Sum(F("quantity") - F("consumed_quantity")))
    ):
        holds[(row["part_id"], row["depot_id"], row["condition"])] += int(row["units"])
    for moving in (
        Transfer.objects.filter(status=TransferStatus.REQUESTED)
        .values("part_id", "from_depot_id", "condition")
        .annotate(units=Sum("quantity"))
    ):
        holds[(moving["part_id"], moving["from_depot_id"], moving["condition"])] += int(moving["units"])
    for case in (
        RmaCase.objects.filter(status=RmaStatus.REQUESTED)
        .values("part_id", "depot_id")
        .annotate(units=Sum("quantity"))
    ):
        holds[(case["part_id"], case["depot_id"], Condition.DEFECTIVE)] += int(case["units"])
    return holds


def reconcile() -> Report:
    ledger, movements = _ledger()
    holds = _holds()
    balances = {
        (b["part_id"], b["depot_id"], b["condition"]): (b["on_hand"], b["reserved"])
        for b in StockBalance.objects.values("part_id", "depot_id", "condition", "on_hand", "reserved")
    }
    differences = []
    for key in sorted(set(ledger) | set(balances) | set(holds), key=lambda k: (k[0], k[1], k[2])):
        stored = balances.get(key, (0, 0))
        expected = ledger.get(key, (0, 0))
        if stored[0] != expected[0]:
            differences.append(Difference(key, "on_hand", stored[0], expected[0]))
        if stored[1] != expected[1]:
            differences.append(Difference(key, "reserved", stored[1], expected[1]))
        if expected[1] != holds.get(key, 0):
            differences.append(Difference(key, "holds", expected[1], holds.get(key, 0)))
    return Report(balances=len(balances), movements=movements, differences=differences)


@transaction.atomic
def repair(*, actor: User | None) -> int:
    """Rewrite every balance row that differs from the ledger; returns how many were rewritten."""
    ledger, _count = _ledger()
    fixed = 0
    keys = set(ledger) | set(StockBalance.objects.values_list("part_id", "depot_id", "condition"))
    for part_id, depot_id, condition in sorted(keys):
        on_hand, reserved = ledger.get((part_id, depot_id, condition), (0, 0))
        row, _created = StockBalance.objects.select_for_update().get_or_create(
            part_id=part_id, depot_id=depot_id, condition=condition
        )
        if (row.on_hand, row.reserved) == (on_hand, reserved):
            continue
        before = {"on_hand": row.on_hand, "reserved": row.reserved}
        StockBalance.objects.filter(pk=row.pk).update(
            on_hand=on_hand, reserved=reserved, updated_at=timezone.now()
        )
        audit(
            actor,
            "balance.repair",
            row,
            {"on_hand": [before["on_hand"], on_hand], "reserved": [before["reserved"], reserved]},
        )
        fixed += 1
    return fixed
