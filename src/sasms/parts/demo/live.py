"""The live part of the demo: open requests get their parts through the services."""

import datetime
import random

from django.db.models import F

from sasms.core.errors import ServiceError
from sasms.parts.choices import AREA_PART_KINDS
from sasms.parts.demo.catalogue import FAST_MOVERS
from sasms.parts.models import (
    Depot,
    Problem,
    StockBalance,
)
from sasms.tickets.choices import OPEN_STATUSES
from sasms.tickets.models import Ticket


def transfers(rng: random.Random) -> None:
    """Replenishment from the central warehouse to forward depots, at each step of the way."""
    from sasms.parts.services.transfers import receive_transfer, request_transfer, ship_transfer

    central = Depot.objects.get(code="cn-central")
    forward = list(Depot.objects.filter(kind="forward").order_by("code"))
    rows = list(
        StockBalance.objects.filter(
            depot=central, condition="new", on_hand__gte=F("reserved") + 3, part__kind__in=list(FAST_MOVERS)
        )
        .select_related("part")
        .order_by("part__part_number")[:30]
    )
    for index, row in enumerate(rng.sample(rows, k=min(6, len(rows)))):
        transfer = request_transfer(
            actor=None,
            part=row.part,
            from_depot=central,
            to_depot=forward[index % len(forward)],
            quantity=2,
            reason="补货 replenishment",
        )
        if index % 3 > 0:
            ship_transfer(
                actor=None,
                transfer=transfer,
                carrier="顺丰速运 SF Express",
                tracking_number=f"SF{rng.randint(10**11, 10**12 - 1)}",
            )
        if index % 3 == 2:
            receive_transfer(actor=None, transfer=transfer)


def live(rng: random.Random, central: Depot, now: datetime.datetime) -> int:
    """Open hardware requests get their parts the way a user would: through the services."""
    from sasms.parts.availability import suggested_parts
    from sasms.parts.planner import plan_parts
    from sasms.parts.services.reservations import reserve_part
    from sasms.parts.services.transfers import request_transfer

    tickets = list(
        Ticket.objects.filter(
            status__in=OPEN_STATUSES, server__site__isnull=False, component__in=list(AREA_PART_KINDS)
        )
        .select_related("server", "server__site", "server__site__parent")
        .order_by("-created_at")[:40]
    )
    made = 0
    for ticket in tickets[:24]:
        parts = suggested_parts(ticket, limit=3)
        if not parts:
            continue
        plan = plan_parts(ticket, parts[:1], now=now, with_deadline=False).plans[0]
        try:
            if plan.best is not None and rng.random() < 0.85:
                reserve_part(
                    actor=None, ticket=ticket, part=plan.part, depot=plan.best.depot, note="演示 demo"
                )
                made += 1
            elif plan.transfer is not None:
                request_transfer(
                    actor=None,
                    ticket=ticket,
                    part=plan.part,
                    from_depot=plan.transfer.source,
                    to_depot=plan.transfer.target,
                    quantity=1,
                )
        except ServiceError:
            continue
    transfers(rng)
    for ticket in tickets[24:27]:
        Problem.objects.create(
            kind="unknown_part",
            ticket=ticket,
            part_number=f"X{rng.randint(1000, 9999)}-UNKNOWN",
            details={"quantity": 1, "visit_id": None, "serial": ""},
        )
    return made
