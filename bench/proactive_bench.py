"""Proactive service at fleet scale: advisory matching over N servers × 20 components, and the health
check of a 10 000-server customer, each against the database's raw limit measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_proactive_bench \
        .venv/bin/python bench/proactive_bench.py

Creates a scratch PostgreSQL database (dropped afterwards unless ``BENCH_KEEP=1``), migrates it, and
writes ``BENCH_SERVERS`` servers (100 000) with 20 components each by ``COPY``: parts, and firmware
images as the BMC poller records them (``System ROM`` "U30 v2.xx (mm/dd/yyyy)", ``iLO 5``
"2.xx May 11 2021", NIC firmware …), versions spread over a realistic handful per image. One
customer owns ``BENCH_BIG_CUSTOMER`` servers (10 000).

* **Matching**: ``match_advisory`` for a System ROM advisory of one model (25 % of the fleet), and
  for a vendor-wide iLO advisory — median and p95 of ``BENCH_RUNS`` runs. The raw limit is the plain
  SQL scan returning the same candidate rows (server, image, version) through psycopg: what any
  matcher must read, with no version logic at all. Opening the campaign (items written) is timed once.
* **Health check**: ``run_health_check`` for the big customer (facts gathered, graded, 10 000 result
  rows written); the raw limit is the same reads as plain SQL plus a ``COPY`` of as many result rows.
"""

import datetime
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from benchkit import django_on_scratch_database, summary, timed

SERVERS = int(os.environ.get("BENCH_SERVERS", "100000"))
BIG = int(os.environ.get("BENCH_BIG_CUSTOMER", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
CUSTOMERS = 50
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sasms_proactive_bench"
ROMS = [
    "U30 v2.40 (02/23/2021)",
    "U30 v2.52 (10/29/2021)",
    "U30 v2.72 (09/29/2022)",
    "U30 v2.90 (01/23/2024)",
]
ILOS = ["2.46 May 11 2021", "2.72 Sep 20 2022", "2.78 Jan 12 2023", "3.00 Mar 01 2024"]
NICS = ["08.50.78", "08.60.10", "08.70.02"]
# 20 components: (kind, slot, description, versions)
LAYOUT: list[tuple[str, str, str, list[str]]] = [
    ("firmware", "1", "iLO 5", ILOS),
    ("firmware", "2", "System ROM", ROMS),
    ("firmware", "6", "Redundant System ROM", ROMS[:2]),
    ("firmware", "4", "System Programmable Logic Device", ["0x0D", "0x12"]),
    ("firmware", "10", "Marvell QL41232HLCU-HC MD2 Adapter - NIC", NICS),
    ("firmware", "5", "Power Management Controller Firmware", ["1.0.7", "1.0.9"]),
    ("bmc", "1", "iLO 5", [f"iLO 5 v{v.split()[0]}" for v in ILOS]),
    ("nic", "1", "Marvell QL41232HLCU-HC MD2 Adapter - NIC", NICS),
    ("raid", "Slot 12", "HPE Smart Array P408i-a", ["5.00", "6.30", "7.10"]),
    ("psu", "PSU 1", "HPE 800W", ["1.00"]),
    ("psu", "PSU 2", "HPE 800W", ["1.00"]),
    ("cpu", "CPU 1", "Intel Xeon Gold 6338", [""]),
    ("cpu", "CPU 2", "Intel Xeon Gold 6338", [""]),
    ("dimm", "DIMM 1", "32 GB", [""]),
    ("dimm", "DIMM 2", "32 GB", [""]),
    ("dimm", "DIMM 3", "32 GB", [""]),
    ("disk", "Bay 1", "HPE 1.92TB SSD", ["HPG4", "HPG6"]),
    ("disk", "Bay 2", "HPE 1.92TB SSD", ["HPG4", "HPG6"]),
    ("fan", "Fan 1", "Fan", [""]),
    ("fan", "Fan 2", "Fan", [""]),
]


def _generate(url: str) -> dict[str, Any]:
    from django.db import connection

    from sasms.accounts import services as account_services
    from sasms.accounts.models import OrganisationKind
    from sasms.accounts.roles import Role
    from sasms.assets import services as asset_services
    from sasms.assets.models import Site

    rng = random.Random(2026)
    provider = account_services.create_organisation(
        actor=None, name="Bench provider", code="bench-provider", kind=OrganisationKind.PROVIDER
    )
    manager = account_services.create_user(
        actor=None,
        email="manager@bench.example",
        full_name="Manager",
        organisation=provider,
        role=Role.SERVICE_MANAGER,
    )
    customers = [
        account_services.create_organisation(
            actor=None, name=f"Customer {i:03d}", code=f"cust-{i:03d}", kind=OrganisationKind.CUSTOMER
        )
        for i in range(CUSTOMERS)
    ]
    hpe = asset_services.create_vendor(actor=None, name="HPE", code="hpe")
    today = datetime.date.today()
    models = [
        asset_services.create_server_model(actor=None, vendor=hpe, name=name, eosl_date=eosl)
        for name, eosl in (
            ("ProLiant DL380 Gen10", today + datetime.timedelta(days=900)),
            ("ProLiant DL360 Gen10", today + datetime.timedelta(days=900)),
            ("ProLiant DL380 Gen9", today - datetime.timedelta(days=100)),
            ("ProLiant DL325 Gen10 Plus", today + datetime.timedelta(days=1500)),
        )
    ]
    sites = Site.objects.bulk_create([Site(organisation=c, name=f"DC {c.code}") for c in customers])
    site_of = {s.organisation_id: s.pk for s in sites}
    connection.close()
    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY assets_server (kind, vendor_id, model_id, serial, asset_tag, hostname, organisation_id,"
            " site_id,"
            " rack, rack_unit, bmc_address, operating_system, status, installation_date, warranty_start,"
            " warranty_end, notes, created_at, updated_at) FROM STDIN"
        ) as copy:
            now = datetime.datetime.now(datetime.UTC)
            for i in range(SERVERS):
                customer = customers[0] if i < BIG else customers[1 + i % (CUSTOMERS - 1)]
                model = models[i % len(models)]
                end = today + datetime.timedelta(days=rng.randint(-200, 1200))
                copy.write_row(
                    (
                        "server",
                        hpe.pk,
                        model.pk,
                        f"SGH{i:08d}",
                        "",
                        f"host{i:07d}",
                        customer.pk,
                        site_of[customer.pk],
                        "",
                        None,
                        "",
                        "",
                        "in_service",
                        None,
                        end - datetime.timedelta(days=1095),
                        end,
                        "",
                        now,
                        now,
                    )
                )
        cur.execute("SELECT min(id), max(id) FROM assets_server")
        first, last = cur.fetchone() or (0, 0)
        with cur.copy(
            "COPY assets_component (server_id, kind, part_number, serial, slot, capacity, firmware,"
            " description, installed_at, removed_at, removal_reason, service_request_ref) FROM STDIN"
        ) as copy:
            installed = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
            for server_id in range(first, last + 1):
                for n, (kind, slot, description, versions) in enumerate(LAYOUT):
                    if kind == "psu" and slot == "PSU 2" and server_id % 17 == 0:
                        continue  # a few servers run on one power supply
                    version = versions[rng.randrange(len(versions))]
                    copy.write_row(
                        (
                            server_id,
                            kind,
                            "",
                            f"C{server_id:08d}{n:02d}",
                            slot,
                            "",
                            version,
                            description,
                            installed,
                            None,
                            "",
                            "",
                        )
                    )
        conn.commit()
        cur.execute("ANALYZE")
        conn.commit()
    print(f"generated {SERVERS} servers × {len(LAYOUT)} components in {time.perf_counter() - started:.1f} s")
    return {
        "manager_id": manager.pk,
        "big_id": customers[0].pk,
        "models": [m.pk for m in models],
        "hpe": hpe.pk,
    }


def _raw_candidates(url: str, sql: str, params: list[Any]) -> tuple[list[float], int]:
    rows = 0
    with psycopg.connect(url) as conn, conn.cursor() as cur:

        def run() -> None:
            nonlocal rows
            cur.execute(sql, params)
            rows = len(cur.fetchall())

        return timed(run, RUNS), rows


def main() -> None:
    keep = os.environ.get("BENCH_KEEP") == "1"
    with django_on_scratch_database(DEFAULT_URL, keep=keep) as url:
        ids = _generate(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from sasms.accounts.models import Organisation, User
        from sasms.proactive.matching import TYPE_RULES, match_advisory
        from sasms.proactive.services import advisories, campaigns, health

        manager = User.objects.get(pk=ids["manager_id"])
        rom = advisories.save_advisory(
            actor=manager,
            values={
                "reference": "BENCH-ROM",
                "title": "System ROM",
                "vendor": "HPE",
                "models": "ProLiant DL380 Gen10",
                "component_type": "bios",
                "affected_versions": "< U30 v2.72",
                "fixed_version": "U30 v2.72 (09/29/2022)",
                "severity": "high",
            },
        )
        ilo = advisories.save_advisory(
            actor=manager,
            values={
                "reference": "BENCH-ILO",
                "title": "iLO 5",
                "vendor": "HPE",
                "component_type": "bmc",
                "fixed_version": "2.78",
                "severity": "critical",
            },
        )
        results: dict[str, Any] = {"servers": SERVERS, "components": SERVERS * len(LAYOUT)}
        for advisory, model_ids in ((rom, [ids["models"][0]]), (ilo, ids["models"])):
            rule = TYPE_RULES[advisory.component_type]
            hits = 0

            def run(advisory: Any = advisory) -> None:
                nonlocal hits
                hits = len(match_advisory(advisory).hits)

            samples = timed(run, RUNS)
            with CaptureQueriesContext(connection) as queries:
                run()
            # The same candidate rows as the matcher's type rule, as one hand-written scan.
            likes = " OR ".join(["c.slot ILIKE %s OR c.description ILIKE %s"] * len(rule.words))
            unlikes = (
                " OR ".join(["c.slot ILIKE %s OR c.description ILIKE %s"] * len(rule.exclude)) or "false"
            )
            raw_sql = (
                "SELECT c.server_id, c.id, c.slot, c.description, c.firmware FROM assets_component c"
                " JOIN assets_server s ON s.id = c.server_id WHERE s.vendor_id = %s AND s.model_id = ANY(%s)"
                " AND s.status <> 'decommissioned' AND c.removed_at IS NULL AND c.firmware <> ''"
                f" AND ((c.kind = 'firmware' AND ({likes}) AND NOT ({unlikes})) OR c.kind = ANY(%s))"
            )
            params: list[Any] = [ids["hpe"], model_ids]
            for word in [*rule.words, *rule.exclude]:
                params += [f"%{word}%", f"%{word}%"]
            params.append([str(k) for k in rule.kinds])
            raw, candidates = _raw_candidates(url, raw_sql, params)
            print(f"\nmatch {advisory.reference}: {hits} affected images ({len(queries)} queries)")
            print(f"  match_advisory          {summary(samples)}")
            print(f"  raw SQL, {candidates} candidate rows  {summary(raw)}")
            results[advisory.reference] = {
                "hits": hits,
                "candidates": candidates,
                "ms": samples,
                "raw_ms": raw,
            }
        started = time.perf_counter()
        campaign = campaigns.open_campaign(actor=manager, advisory=rom)
        opened = (time.perf_counter() - started) * 1000
        print(f"\nopen_campaign {rom.reference}: {campaign.items.count()} items in {opened:.0f} ms")
        results["open_campaign_ms"] = opened

        big = Organisation.objects.get(pk=ids["big_id"])
        samples = timed(lambda: health.run_health_check(actor=manager, organisation=big), RUNS)
        with CaptureQueriesContext(connection) as queries:
            check = health.run_health_check(actor=manager, organisation=big)
        raw_reads = [
            (
                "SELECT s.id, s.serial, s.hostname, s.model_id, m.name, m.eol_date, m.eosl_date,"
                " s.warranty_start,"
                " s.warranty_end FROM assets_server s JOIN assets_servermodel m ON m.id = s.model_id"
                " WHERE s.organisation_id = %s AND s.status <> 'decommissioned'",
                [big.pk],
            ),
            (
                "SELECT c.server_id, count(*) FROM assets_component c"
                " JOIN assets_server s ON s.id = c.server_id WHERE s.organisation_id = %s"
                " AND c.kind = 'psu' AND c.removed_at IS NULL GROUP BY c.server_id",
                [big.pk],
            ),
            (
                "SELECT t.server_id, count(*) FROM tickets_ticket t"
                " JOIN assets_server s ON s.id = t.server_id"
                " WHERE s.organisation_id = %s GROUP BY t.server_id",
                [big.pk],
            ),
            (
                "SELECT i.server_id, min(i.priority) FROM proactive_campaignitem i"
                " WHERE i.organisation_id = %s"
                " AND i.status NOT IN ('done', 'refused', 'exception') GROUP BY i.server_id",
                [big.pk],
            ),
        ]

        def raw_check() -> None:
            with psycopg.connect(url) as conn, conn.cursor() as cur:
                server_ids: list[int] = []
                for sql, params in raw_reads:
                    cur.execute(sql, params)
                    rows = cur.fetchall()
                    server_ids = server_ids or [r[0] for r in rows]
                with cur.copy(
                    "COPY proactive_serverhealth"
                    " (health_check_id, server_id, organisation_id, grade, reasons)"
                    " FROM STDIN"
                ) as copy:
                    for server_id in server_ids:
                        copy.write_row((check.pk, server_id, big.pk, "amber", json.dumps([{"code": "x"}])))
                conn.rollback()  # the reference writes as many rows, then leaves no trace

        raw = timed(raw_check, RUNS)
        print(
            f"\nhealth check of {check.servers} servers"
            f" ({check.green} green, {check.amber} amber, {check.red} red;"
            f" {len(queries)} queries)"
        )
        print(f"  run_health_check        {summary(samples)}")
        print(f"  raw SQL reads + COPY    {summary(raw)}")
        results["health"] = {"servers": check.servers, "queries": len(queries), "ms": samples, "raw_ms": raw}
        out = os.environ.get("BENCH_OUT")
        if out:
            Path(out).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
