"""Demo data for spare parts: ~300 part numbers for the demo's server models, depots in Chinese
cities, two years of stock movements that follow the demo's requests, returns and RMA cases.

The history is bulk-inserted (movements first, then the balance rows summed from them, so the
ledger reconciles by construction) without per-row audit entries; the live part — reservations
for open requests, transfers asked for them — goes through the services like any user's work.
"""

import datetime
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from sasms.core.progress import Progress
from sasms.parts.choices import AREA_PART_KINDS
from sasms.parts.demo.catalogue import DAYS, DEPOTS, FAST_MOVERS, RETURN_WINDOW_DAYS, SERIALISED, catalogue
from sasms.parts.demo.catalogue import depots as make_depots
from sasms.parts.demo.history import Book, history, nearest, policies, rmas
from sasms.parts.demo.live import live
from sasms.parts.models import DefectiveReturn, Depot, Movement, Part, SerialUnit, StockBalance

__all__ = ["DEPOTS", "build_step"]


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    if Depot.objects.exists():
        return
    now = timezone.now()
    by_model_kind, parts = catalogue(rng)
    depots = make_depots(rng)
    progress("spare parts catalogue", len(parts), len(parts))
    central = depots[0]
    stocked: dict[tuple[int, int], int] = {}
    for part in parts:
        stocked[(part.pk, central.pk)] = (
            rng.randint(3, 14) if part.kind not in SERIALISED else rng.randint(1, 4)
        )
        for depot in depots[1:]:
            fast = part.kind in FAST_MOVERS
            if depot.kind == "regional" and rng.random() < (0.6 if fast else 0.25):
                stocked[(part.pk, depot.pk)] = rng.randint(1, 8)
            elif depot.kind == "forward" and fast and rng.random() < 0.3:
                stocked[(part.pk, depot.pk)] = rng.randint(0, 4)
    near = nearest(depots)
    uses: list[tuple[dict[str, Any], Part, Depot]] = []
    for row in history(rng, scale, now):
        kinds = AREA_PART_KINDS[row["component"]]
        candidates = [p for k in kinds for p in by_model_kind.get((row["server__model_id"], k), [])]
        if not candidates:
            continue
        part = rng.choice(candidates)
        order = near.get(row["server__site_id"], depots)
        depot = next((d for d in order if (part.pk, d.pk) in stocked), central)
        uses.append((row, part, depot))
    needed: dict[tuple[int, int], int] = defaultdict(int)
    for _row, part, depot in uses:
        needed[(part.pk, depot.pk)] += 1
    book = Book(now=now)
    start = now - datetime.timedelta(days=DAYS + 10)
    by_id = {p.pk: p for p in parts}
    depot_by_id = {d.pk: d for d in depots}
    for (part_id, depot_id), left in sorted({**stocked, **{k: stocked.get(k, 0) for k in needed}}.items()):
        part, depot = by_id[part_id], depot_by_id[depot_id]
        quantity = left + needed.get((part_id, depot_id), 0)
        if quantity <= 0:
            continue
        if part.serialised:
            for n in range(quantity):
                serial = f"{part.part_number[-4:]}{depot.code[:2].upper()}{n:04d}{rng.randint(100, 999)}"
                book.serials[(part_id, depot_id)].append(serial)
                book.post(
                    "receive",
                    part,
                    depot,
                    "new",
                    1,
                    1,
                    at=start,
                    serial=serial,
                    reason="期初盘点 initial stock count",
                )
        else:
            book.post(
                "receive",
                part,
                depot,
                "new",
                quantity,
                quantity,
                at=start,
                reason="期初盘点 initial stock count",
            )
    returns: list[DefectiveReturn] = []
    for row, part, depot in uses:
        at = (row["resolved_at"] or row["created_at"]) - datetime.timedelta(hours=1)
        serial = book.serials[(part.pk, depot.pk)].pop() if part.serialised else ""
        book.post("issue", part, depot, "new", 1, -1, at=at, ticket_id=row["pk"], serial=serial)
        if at > now - datetime.timedelta(days=RETURN_WINDOW_DAYS):
            due = timezone.localdate(at) + datetime.timedelta(days=part.return_days)
            received = at < now - datetime.timedelta(days=6) and rng.random() < 0.85
            returns.append(
                DefectiveReturn(
                    ticket_id=row["pk"],
                    part=part,
                    depot=depot,
                    server_id=None,
                    removed_serial=f"DEF{rng.randint(10**8, 10**9 - 1)}",
                    due_date=due,
                    status="received" if received else "expected",
                    created_at=at,
                    received_at=at + datetime.timedelta(days=rng.randint(2, 5)) if received else None,
                )
            )
    DefectiveReturn.objects.bulk_create(returns, batch_size=1000)
    cases = rmas(rng, book, [r for r in returns if r.status == "received"], by_id, depot_by_id, central, now)
    Movement.objects.bulk_create(book.rows, batch_size=2000)
    StockBalance.objects.bulk_create(
        [
            StockBalance(part_id=p, depot_id=d, condition=c, on_hand=v[0], reserved=v[1], updated_at=now)
            for (p, d, c), v in book.stock.items()
        ],
        batch_size=2000,
    )
    SerialUnit.objects.bulk_create(
        [
            SerialUnit(part_id=p, serial=s, status="in_stock", condition="new", depot_id=d, updated_at=now)
            for (p, d), serials in book.serials.items()
            for s in serials
        ],
        batch_size=2000,
    )
    progress("stock movements", len(book.rows), len(book.rows))
    policies(needed, depot_by_id)
    made_live = live(rng, central, now)
    from sasms.parts.services.planning import compute_forecasts

    forecast = compute_forecasts(now=now)
    state["parts"] = {
        "parts": len(parts),
        "depots": len(depots),
        "movements": len(book.rows),
        "rma_cases": len(cases),
        "reservations": made_live,
        "forecasts": forecast.rows,
    }
