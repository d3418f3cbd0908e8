"""Reservation throughput on PostgreSQL, with and without contention, against the raw row-lock limit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_parts_bench .venv/bin/python bench/parts_reserve.py

Creates (and afterwards drops) the scratch database named in DATABASE_URL, migrates it and makes,
through the services, a customer with a server on a Shanghai site, two depots, the parts and a
service request per worker. Then, for 1 and ``--workers`` (8) processes, each for ``--seconds``:

* ``reserve_part`` — the whole use case: lock the balance row, check free stock, write the
  reservation, the ledger movement, the new balance, the timeline event (which moves the request's
  SLA clocks) and the audit entry, in one transaction;
  - under contention: every worker reserves the same hot part at the same depot (one row);
  - without contention: each worker reserves its own part (its own row);
* the raw limit — the same row-locked update issued directly with psycopg, one transaction each:
  ``SELECT … FOR UPDATE`` of the balance row, ``UPDATE … SET reserved = reserved + 1``, commit —
  on one shared row and on a row per worker.

The service records the timeline event (and moves the SLA clocks) before it takes the stock row
lock, so the lock is held only for the few writes after it.

It prints reservations per second for each, the raw figure beside it and the ratio, then checks
that every balance row still equals its ledger (``parts_reconcile``) after the service runs.
"""

import argparse
import multiprocessing
import os
import sys
import time
from decimal import Decimal
from typing import Any

import psycopg
from benchkit import django_on_scratch_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sasms_parts_bench"
STOCK = 100_000  # the most one receipt may bring in; far more than a run reserves
RAW_SQL = (
    "SELECT on_hand, reserved FROM parts_stockbalance WHERE id = %(id)s FOR UPDATE",
    "UPDATE parts_stockbalance SET reserved = reserved + 1, updated_at = now() WHERE id = %(id)s",
)


def _setup(workers: int) -> dict[str, Any]:
    """Catalogue, depots, stock and one open request per worker and scenario, via the services."""
    from sasms.accounts import services as account_services
    from sasms.accounts.models import OrganisationKind
    from sasms.accounts.roles import Role
    from sasms.assets import services as asset_services
    from sasms.parts import services
    from sasms.parts.models import StockBalance
    from sasms.tickets.services import create_ticket

    provider = account_services.create_organisation(
        actor=None, name="Bench provider", code="bench-provider", kind=OrganisationKind.PROVIDER
    )
    engineer = account_services.create_user(
        actor=None,
        email="engineer@bench.example",
        full_name="Engineer",
        organisation=provider,
        role=Role.ENGINEER,
    )
    customer = account_services.create_organisation(
        actor=None, name="Bench customer", code="bench-cust", kind=OrganisationKind.CUSTOMER
    )
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="PowerEdge R750")
    site = asset_services.create_site(
        actor=None,
        organisation=customer,
        name="Shanghai DC",
        latitude=Decimal("31.23"),
        longitude=Decimal("121.47"),
    )
    server = asset_services.create_server(
        actor=None, model=model, serial="BENCH0001", organisation=customer, site=site
    )
    depot = services.create_depot(
        actor=None,
        code="sh-fsl",
        name="Shanghai forward",
        kind="forward",
        service_tier="4h",
        city="上海",
        latitude=Decimal("31.24"),
        longitude=Decimal("121.50"),
    )

    def part(number: str) -> Any:
        made = services.create_part(
            actor=None,
            part_number=number,
            description=number,
            kind="disk",
            vendor=vendor,
            compatible_models=[model],
        )
        services.receive_stock(actor=None, part=made, depot=depot, quantity=STOCK)
        return made

    hot = part("HOT-DISK")
    own = [part(f"OWN-DISK-{w}") for w in range(workers)]
    raw_hot = part("RAW-HOT")
    raw_own = [part(f"RAW-OWN-{w}") for w in range(workers)]

    def row(made: Any) -> int:
        return StockBalance.objects.get(part=made, depot=depot, condition="new").pk

    def tickets(label: str) -> list[int]:
        return [
            create_ticket(
                actor=None,
                organisation=customer,
                server=server,
                title=f"{label} {w}",
                component="disk",
                impact="1",
                urgency="1",
            ).pk
            for w in range(workers)
        ]

    return {
        "engineer": engineer.pk,
        "depot": depot.pk,
        "hot": hot.pk,
        "own": [p.pk for p in own],
        "raw_hot": row(raw_hot),
        "raw_own": [row(p) for p in raw_own],
        "tickets_hot": tickets("Hot"),
        "tickets_own": tickets("Own"),
    }


def _service_worker(args: tuple[int, int, int, int, float]) -> int:
    engineer_id, ticket_id, part_id, depot_id, seconds = args
    from django.db import connections

    from sasms.accounts.models import User
    from sasms.core.context import Origin, acting_from
    from sasms.parts.models import Depot, Part
    from sasms.parts.services import reserve_part
    from sasms.tickets.models import Ticket

    connections.close_all()
    engineer = User.objects.get(pk=engineer_id)
    ticket = Ticket.objects.select_related("server__site").get(pk=ticket_id)
    part, depot = Part.objects.get(pk=part_id), Depot.objects.get(pk=depot_id)
    made, deadline = 0, time.perf_counter() + seconds
    with acting_from(Origin(channel="cli")):
        while time.perf_counter() < deadline:
            reserve_part(actor=engineer, ticket=ticket, part=part, depot=depot)
            made += 1
    connections.close_all()
    return made


def _raw_worker(args: tuple[str, int, float]) -> int:
    url, row_id, seconds = args
    made, deadline = 0, time.perf_counter() + seconds
    with psycopg.connect(url) as conn:
        while time.perf_counter() < deadline:
            with conn.transaction():
                conn.execute(RAW_SQL[0], {"id": row_id}).fetchone()
                conn.execute(RAW_SQL[1], {"id": row_id})
            made += 1
    return made


def _run(url: str, data: dict[str, Any], workers: int, seconds: float) -> None:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    print(f"{'scenario':<44} {'reserve_part':>14} {'raw row lock':>14} {'raw/service':>12}")
    for processes in sorted({1, workers}):
        for contended in (True, False):
            service_args = [
                (
                    data["engineer"],
                    data["tickets_hot" if contended else "tickets_own"][w],
                    data["hot"] if contended else data["own"][w],
                    data["depot"],
                    seconds,
                )
                for w in range(processes)
            ]
            raw_args = [
                (url, data["raw_hot"] if contended else data["raw_own"][w], seconds) for w in range(processes)
            ]
            with context.Pool(processes) as pool:
                served = sum(pool.map(_service_worker, service_args))
            with context.Pool(processes) as pool:
                raw = sum(pool.map(_raw_worker, raw_args))
            label = f"{processes} worker{'s' if processes > 1 else ''}, " + (
                "same hot part (one row)" if contended else "own part each (no contention)"
            )
            rates = f"{served / seconds:10.1f} /s {raw / seconds:10.1f} /s"
            print(f"{label:<44} {rates} {raw / max(served, 1):10.1f}x", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per figure")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args()
    with django_on_scratch_database(DEFAULT_URL, keep=args.keep) as url:
        data = _setup(args.workers)
        print(f"PostgreSQL, {os.cpu_count()} CPUs; {args.seconds:.0f} s per figure\n")
        _run(url, data, args.workers, args.seconds)
        from sasms.parts.models import Movement, StockBalance
        from sasms.parts.reconcile import reconcile

        report = reconcile()
        # The raw loop changed its own rows behind the ledger's back, by design: only those differ.
        raw_rows = {data["raw_hot"], *data["raw_own"]}
        raw_keys = set(
            StockBalance.objects.filter(pk__in=raw_rows).values_list("part_id", "depot_id", "condition")
        )
        service_differences = [d for d in report.differences if d.key not in raw_keys]
        reservations = Movement.objects.filter(kind="reserve").count()
        print(
            f"\nledger check: {reservations:,} reservations; "
            f"{len(service_differences)} differences between balances and ledger outside the raw-loop rows"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
