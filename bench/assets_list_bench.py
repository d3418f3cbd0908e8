"""Server list and detail pages at 100 000 servers and 1 000 000 components, on PostgreSQL.

Measures, through Django's test Client, the median and p95 latency of the server list page
(filtered by customer and status, paginated) and of the server detail page, and the number of SQL
queries each takes (for two page sizes: the count must not change). In the same run it times the
hand-written SQL that returns the same rows straight through psycopg: the floor the pages stand on.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_bench .venv/bin/python bench/assets_list_bench.py

The scratch database named in DATABASE_URL is created and dropped by the script.
"""

import datetime
import os
import random
import statistics
import string
import sys
import time
from typing import Any

import psycopg
from benchkit import django_on_scratch_database, summary, timed

SERVERS = int(os.environ.get("BENCH_SERVERS", "100000"))
COMPONENTS_PER_SERVER = int(os.environ.get("BENCH_COMPONENTS_PER_SERVER", "10"))
CUSTOMERS = 100
RUNS = int(os.environ.get("BENCH_RUNS", "60"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sasms_bench"


def _generate(url: str) -> dict[str, Any]:
    """Catalogue and customers through the services; servers and components by COPY."""
    from django.db import connection

    from sasms.accounts import services as account_services
    from sasms.accounts.models import OrganisationKind
    from sasms.accounts.roles import Role
    from sasms.assets.demo import _catalogue
    from sasms.assets.models import Site

    rng = random.Random(2026)
    started = time.perf_counter()
    provider = account_services.create_organisation(
        actor=None, name="Bench provider", code="bench-provider", kind=OrganisationKind.PROVIDER
    )
    agent = account_services.create_user(
        actor=None, email="agent@bench.example", full_name="Agent", organisation=provider, role=Role.AGENT
    )
    customers = [
        account_services.create_organisation(
            actor=None, name=f"Customer {i:03d}", code=f"cust-{i:03d}", kind=OrganisationKind.CUSTOMER
        )
        for i in range(CUSTOMERS)
    ]
    _vendors, models = _catalogue()
    sites = Site.objects.bulk_create(
        [Site(organisation=c, name=f"DC {c.code} {n}", city="Shanghai") for c in customers for n in range(2)]
    )
    sites_of: dict[int, list[int]] = {}
    for site in sites:
        sites_of.setdefault(site.organisation_id, []).append(site.pk)
    connection.close()

    statuses = ["in_service"] * 17 + ["in_stock", "under_repair", "decommissioned"]
    today = datetime.date.today()
    alphabet = string.ascii_uppercase + string.digits
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY assets_server (vendor_id, model_id, serial, asset_tag, hostname, organisation_id, site_id,"
            " rack, rack_unit, bmc_address, operating_system, status, installation_date, warranty_start,"
            " warranty_end, notes, created_at, updated_at) FROM STDIN"
        ) as copy:
            now = datetime.datetime.now(datetime.UTC)
            for i in range(SERVERS):
                model = models[i % len(models)]
                customer = customers[i % CUSTOMERS]
                installed = today - datetime.timedelta(days=rng.randint(0, 3000))
                serial = "".join(rng.choice(alphabet) for _ in range(4)) + f"{i:07d}"
                copy.write_row(
                    (
                        model.vendor_id,
                        model.pk,
                        serial,
                        f"AT-{i:07d}",
                        f"host{i:07d}.example",
                        customer.pk,
                        rng.choice(sites_of[customer.pk]),
                        f"R{i % 40:02d}",
                        i % 40 + 1,
                        f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                        "Red Hat Enterprise Linux 9.2",
                        rng.choice(statuses),
                        installed,
                        installed,
                        installed + datetime.timedelta(days=365 * rng.choice([3, 5])),
                        "",
                        now,
                        now,
                    )
                )
        cur.execute("SELECT min(id), max(id) FROM assets_server")
        first, last = cur.fetchone() or (0, 0)
        kinds = ["cpu", "dimm", "dimm", "dimm", "disk", "disk", "ssd", "psu", "fan", "nic"]
        with cur.copy(
            "COPY assets_component (server_id, kind, part_number, serial, slot, capacity, firmware,"
            " description, installed_at, removed_at, removal_reason, service_request_ref) FROM STDIN"
        ) as copy:
            installed_at = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
            for server_id in range(first, last + 1):
                for n in range(COMPONENTS_PER_SERVER):
                    kind = kinds[n % len(kinds)]
                    copy.write_row(
                        (
                            server_id,
                            kind,
                            "PN-1234",
                            f"C{server_id:07d}{n:02d}",
                            f"{kind.upper()}{n}",
                            "64 GB",
                            "1.0",
                            "",
                            installed_at,
                            None,
                            "",
                            "",
                        )
                    )
        conn.commit()
        cur.execute("ANALYZE")
    return {
        "agent_id": agent.pk,
        "customer_id": customers[7].pk,
        "seconds": time.perf_counter() - started,
        "server_range": (first, last),
    }


LIST_SQL = """
SELECT s.id, s.serial, s.hostname, s.asset_tag, s.status, s.warranty_start, s.warranty_end,
       v.name, m.name, m.eol_date, m.eosl_date, o.name, si.name
FROM assets_server s
JOIN assets_vendor v ON v.id = s.vendor_id
JOIN assets_servermodel m ON m.id = s.model_id
JOIN accounts_organisation o ON o.id = s.organisation_id
LEFT JOIN assets_site si ON si.id = s.site_id
WHERE s.organisation_id = %(org)s AND s.status = 'in_service'
ORDER BY s.serial, s.id
LIMIT %(limit)s OFFSET %(offset)s
"""
COUNT_SQL = "SELECT count(*) FROM assets_server WHERE organisation_id = %(org)s AND status = 'in_service'"
DETAIL_SQL = """
SELECT s.*, v.name, m.name, m.eol_date, m.eosl_date, o.name, si.name
FROM assets_server s
JOIN assets_vendor v ON v.id = s.vendor_id
JOIN assets_servermodel m ON m.id = s.model_id
JOIN accounts_organisation o ON o.id = s.organisation_id
LEFT JOIN assets_site si ON si.id = s.site_id
WHERE s.id = %(id)s
"""
COMPONENTS_SQL = "SELECT * FROM assets_component WHERE server_id = %(id)s ORDER BY kind, slot, installed_at"
HISTORY_SQL = """
SELECT * FROM core_auditentry
WHERE (object_type = 'assets.server' AND object_id = %(sid)s)
   OR (object_type = 'assets.component' AND object_id = ANY(%(cids)s))
ORDER BY created_at DESC, id DESC LIMIT 100
"""


def _measure(url: str, data: dict[str, Any]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sasms.accounts.models import User
    from sasms.assets.views.servers import ServerListView

    client = Client()
    client.force_login(
        User.objects.get(pk=data["agent_id"]), backend="django.contrib.auth.backends.ModelBackend"
    )
    org = data["customer_id"]
    list_url = f"/servers/?organisation={org}&status=in_service"
    rng = random.Random(7)
    first, last = data["server_range"]

    def list_page() -> None:
        response = client.get(f"{list_url}&page={rng.randint(1, 30)}")
        assert response.status_code == 200, response.status_code

    def detail_page() -> None:
        response = client.get(f"/servers/{rng.randint(first, last)}/")
        assert response.status_code == 200, response.status_code

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        return len(captured)

    counts = {}
    for size in (25, 100):
        ServerListView.paginate_by = size
        counts[size] = (queries(f"{list_url}&page=3"), queries(f"/servers/{(first + last) // 2}/"))
    ServerListView.paginate_by = 25

    page_list = timed(list_page, RUNS)
    page_detail = timed(detail_page, RUNS)

    with psycopg.connect(url) as conn:

        def raw_list() -> None:
            page = rng.randint(1, 30)
            conn.execute(COUNT_SQL, {"org": org}).fetchone()
            conn.execute(LIST_SQL, {"org": org, "limit": 25, "offset": (page - 1) * 25}).fetchall()

        def raw_detail() -> None:
            server_id = rng.randint(first, last)
            conn.execute(DETAIL_SQL, {"id": server_id}).fetchone()
            components = conn.execute(COMPONENTS_SQL, {"id": server_id}).fetchall()
            conn.execute(
                HISTORY_SQL, {"sid": str(server_id), "cids": [str(c[0]) for c in components]}
            ).fetchall()

        sql_list = timed(raw_list, RUNS)
        sql_detail = timed(raw_detail, RUNS)

    print()
    print(f"servers {SERVERS:,}  components {SERVERS * COMPONENTS_PER_SERVER:,}  customers {CUSTOMERS}")
    print(f"data generation: {data['seconds']:.1f} s   runs per figure: {RUNS}")
    print()
    print(f"server list page (customer + status filter, 25/page)  {summary(page_list)}")
    print(f"  hand-written SQL (count + page, psycopg)            {summary(sql_list)}")
    print(f"server detail page (~{COMPONENTS_PER_SERVER} components)             {summary(page_detail)}")
    print(f"  hand-written SQL (server + components + history)    {summary(sql_detail)}")
    print()
    for size, (list_count, detail_count) in counts.items():
        print(f"SQL queries at page size {size:3d}: list page {list_count}, detail page {detail_count}")
    print(
        "page / raw SQL (median): list "
        f"{statistics.median(page_list) / statistics.median(sql_list):.1f}x, detail "
        f"{statistics.median(page_detail) / statistics.median(sql_detail):.1f}x"
    )


def main() -> int:
    with django_on_scratch_database(
        DEFAULT_URL, keep=bool(os.environ.get("BENCH_KEEP")), test_client=True
    ) as url:
        print(
            f"generating {SERVERS:,} servers and {SERVERS * COMPONENTS_PER_SERVER:,} components …", flush=True
        )
        data = _generate(url)
        _measure(url, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
