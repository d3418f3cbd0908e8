"""Two years of stock history written in bulk: receipts, issues, returns and RMA cases."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sasms.assets.models import Site
from sasms.parts.availability import km_between
from sasms.parts.choices import AREA_PART_KINDS
from sasms.parts.demo.catalogue import DAYS, HISTORY_PER_SCALE
from sasms.parts.models import (
    DefectiveReturn,
    Depot,
    Movement,
    Part,
    RmaCase,
    StockPolicy,
)
from sasms.tickets.models import Ticket


@dataclass
class Book:
    """The movements being written, and the stock they leave, per part × depot × condition."""

    now: datetime.datetime
    rows: list[Movement] = field(default_factory=list)
    stock: dict[tuple[int, int, str], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    serials: dict[tuple[int, int], list[str]] = field(default_factory=lambda: defaultdict(list))

    def post(
        self,
        kind: str,
        part: Part,
        depot: Depot,
        condition: str,
        quantity: int,
        on_hand: int,
        reserved: int = 0,
        **refs: Any,
    ) -> Movement:
        at = refs.pop("at")
        movement = Movement(
            created_at=at,
            occurred_at=at,
            kind=kind,
            part=part,
            depot=depot,
            condition=condition,
            quantity=quantity,
            on_hand_delta=on_hand,
            reserved_delta=reserved,
            unit_cost=part.unit_cost,
            actor_label="demo",
            **refs,
        )
        self.rows.append(movement)
        key = self.stock[(part.pk, depot.pk, condition)]
        key[0] += on_hand
        key[1] += reserved
        return movement


def nearest(depots: list[Depot]) -> dict[int, list[Depot]]:
    """Per site, the depots from nearest to farthest."""
    order: dict[int, list[Depot]] = {}
    for site_id, lat, lon, parent_lat, parent_lon in Site.objects.values_list(
        "pk", "latitude", "longitude", "parent__latitude", "parent__longitude"
    ):
        pos = None
        if lat is not None and lon is not None:
            pos = (float(lat), float(lon))
        elif parent_lat is not None and parent_lon is not None:
            pos = (float(parent_lat), float(parent_lon))
        if pos is not None:
            order[site_id] = sorted(
                depots, key=lambda d: km_between(pos, (float(d.latitude), float(d.longitude))) or 0.0
            )
    return order


def history(rng: random.Random, scale: int, now: datetime.datetime) -> list[dict[str, Any]]:
    areas = list(AREA_PART_KINDS)
    rows = Ticket.objects.filter(
        resolution_code="part_replaced",
        server__isnull=False,
        component__in=areas,
        created_at__gte=now - datetime.timedelta(days=DAYS),
    ).values("pk", "component", "server__model_id", "server__site_id", "created_at", "resolved_at")
    total = rows.count()
    share = min(1.0, HISTORY_PER_SCALE * scale / max(total, 1))
    return [
        dict(r) for r in rows.order_by("created_at", "pk").iterator(chunk_size=2000) if rng.random() < share
    ]


def rmas(
    rng: random.Random,
    book: Book,
    received: list[DefectiveReturn],
    parts: dict[int, Part],
    depots: dict[int, Depot],
    central: Depot,
    now: datetime.datetime,
) -> list[RmaCase]:
    """Defective parts back in the depot; most go to the vendor, at every step of the RMA flow."""
    flow = [
        "requested",
        "shipped",
        "received_by_vendor",
        "repaired",
        "replaced",
        "back_in_stock",
        "closed",
        "closed",
    ]
    cases = []
    plans = []
    for item in received:
        assert item.received_at is not None
        book.post(
            "return_defective",
            item.part,
            item.depot,
            "defective",
            1,
            1,
            at=item.received_at,
            ticket_id=item.ticket_id,
            serial=item.removed_serial,
        )
        if rng.random() < 0.15:
            continue  # still on the shelf, waiting for an RMA
        status = rng.choice(flow)
        opened = item.received_at + datetime.timedelta(hours=rng.randint(2, 30))
        if opened > now:
            status, opened = "requested", now
        case = RmaCase(
            vendor_id=item.part.vendor_id,
            part=item.part,
            depot=item.depot,
            serial=item.removed_serial,
            status=status,
            defective_return=item,
            created_at=opened,
        )
        steps = ["requested", "shipped", "received_by_vendor", "resolved", "back_in_stock", "closed"]
        reached = {
            "requested": 0,
            "shipped": 1,
            "received_by_vendor": 2,
            "repaired": 3,
            "replaced": 3,
            "back_in_stock": 4,
            "closed": 5,
        }[status]
        at = opened
        times: dict[str, datetime.datetime] = {}
        for step in steps[1 : reached + 1]:
            at = min(at + datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 12)), now)
            times[step] = at
        case.shipped_at = times.get("shipped")
        case.vendor_received_at = times.get("received_by_vendor")
        case.resolved_at = times.get("resolved")
        case.back_in_stock_at = times.get("back_in_stock")
        case.closed_at = times.get("closed")
        if case.shipped_at:
            case.carrier, case.tracking_number = "顺丰速运 SF Express", f"SF{rng.randint(10**11, 10**12 - 1)}"
        if case.vendor_received_at:
            case.vendor_reference = f"{item.part.vendor_id:02d}-{rng.randint(100000, 999999)}"
        replaced = status == "replaced" or (reached >= 4 and rng.random() < 0.4)
        plans.append((case, replaced))
        cases.append(case)
    RmaCase.objects.bulk_create(cases, batch_size=500)
    for case, replaced in plans:
        case.number = f"RMA{case.created_at:%Y}{case.pk:06d}"
        book.post(
            "reserve",
            case.part,
            case.depot,
            "defective",
            1,
            0,
            1,
            at=case.created_at,
            rma=case,
            serial=case.serial,
        )
        if case.shipped_at:
            book.post(
                "ship_to_vendor",
                case.part,
                case.depot,
                "defective",
                1,
                -1,
                -1,
                at=case.shipped_at,
                rma=case,
                serial=case.serial,
            )
        if case.back_in_stock_at:
            if replaced:
                case.replacement_serial = f"RPL{rng.randint(10**8, 10**9 - 1)}"
                book.post(
                    "receive_replacement",
                    case.part,
                    case.depot,
                    "new",
                    1,
                    1,
                    at=case.back_in_stock_at,
                    rma=case,
                    serial=case.replacement_serial,
                )
            else:
                case.replacement_serial = case.serial
                book.post(
                    "receive_repaired",
                    case.part,
                    case.depot,
                    "refurbished",
                    1,
                    1,
                    at=case.back_in_stock_at,
                    rma=case,
                    serial=case.serial,
                )
    RmaCase.objects.bulk_update(cases, ["number", "replacement_serial"], batch_size=500)
    return cases


def policies(needed: dict[tuple[int, int], int], depots: dict[int, Depot]) -> None:
    """Min/max where parts move: the busiest part × depot pairs."""
    busiest = sorted(needed.items(), key=lambda kv: -kv[1])[:200]
    rows = []
    for (part_id, depot_id), used in busiest:
        depot = depots[depot_id]
        low = 1 if depot.kind == "forward" else 2 if depot.kind == "regional" else 4
        low = max(low, min(used // 12, 6))
        rows.append(StockPolicy(part_id=part_id, depot_id=depot_id, min_quantity=low, max_quantity=low * 3))
    StockPolicy.objects.bulk_create(rows)  # alerts open with the next movement or low-stock sweep
