"""Service-request queue and request pages at scale, and the request creation rate, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_tickets_bench \\
        .venv/bin/python bench/tickets_bench.py --requests 1000000 --events-per-request 20

Creates (and afterwards drops) the scratch database named in DATABASE_URL, migrates it, makes 100
customers and a staff user through the services, then bulk-generates the requests and their
timeline events inside PostgreSQL (INSERT … SELECT generate_series). It then measures:

* the queue page (status + priority filter, sorted by newest, 25 a page, random pages) and the
  request page of requests with 200 timeline events, through Django's test Client: median and p95
  latency and the SQL query count — next to the hand-written SQL returning the same rows (psycopg);
* requests created per second through ``create_ticket`` (numbering, entitlement snapshot, SOP
  checklist, timeline, audit, outbox) with 1 and 4 processes — next to bare single-row INSERTs of
  the same database, one transaction each, with 1 and 4 processes.

The defaults are the issue's 1 M requests / 20 M events; pass smaller numbers on a small machine.
"""

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from typing import Any

import psycopg
from benchkit import django_on_scratch_database, summary, timed

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sasms_tickets_bench"
CUSTOMERS = 100
DETAIL_TICKETS = 20
DETAIL_EVENTS = 200


TICKETS_SQL = """
INSERT INTO tickets_ticket (
    number, organisation_id, entitlement, entitled, time_and_materials, channel, type, category,
    component, service_kind, impact, urgency, priority, title, description, status, tier,
    created_at, updated_at, reopen_count, resolution_code, resolution_summary, root_cause, five_whys,
    work_minutes, visit_count)
SELECT 'SRB' || lpad(g::text, 11, '0'),
       (%(orgs)s::bigint[])[1 + g %% %(n_orgs)s],
       '{"covered": true, "source": "warranty"}'::jsonb, true, '', 'phone', 'incident', 'hardware',
       (ARRAY['disk','disk','disk','memory','memory','psu','fan','mainboard'])[1 + g %% 8],
       'hardware_replacement', '2', '2',
       (ARRAY['P1','P2','P2','P3','P3','P3','P3','P4'])[1 + (g / 7) %% 8],
       'Disk predictive failure ' || g, 'Generated for the benchmark.',
       CASE WHEN g %% 50 = 0 THEN 'in_progress' WHEN g %% 50 = 1 THEN 'waiting_parts'
            WHEN g %% 50 = 2 THEN 'new' WHEN g %% 50 = 3 THEN 'assigned' WHEN g %% 50 = 4 THEN 'resolved'
            ELSE 'closed' END,
       1, now() - (g * interval '1 minute'), now() - (g * interval '1 minute'), 0,
       CASE WHEN g %% 50 IN (0, 1, 2, 3) THEN '' ELSE 'part_replaced' END, '', '', '[]'::jsonb, 0, 0
FROM generate_series(1, %(n)s) AS g
"""
EVENTS_SQL = """
INSERT INTO tickets_ticketevent (ticket_id, created_at, actor_id, actor_label, kind, public, body, data)
SELECT t.id, t.created_at + e * interval '7 minutes', NULL, 'bench',
       (ARRAY['reply','note','status','assigned'])[1 + e %% 4], e %% 4 <> 1,
       'Timeline text ' || e, '{}'::jsonb
FROM tickets_ticket t, generate_series(1, %(per)s) AS e
WHERE t.id BETWEEN %(lo)s AND %(hi)s
"""


def _generate(url: str, requests: int, per_request: int) -> dict[str, Any]:
    from django.db import connection

    from sasms.accounts import services as account_services
    from sasms.accounts.models import OrganisationKind
    from sasms.accounts.roles import Role

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
    connection.close()
    org_ids = [c.pk for c in customers]
    with psycopg.connect(url) as conn:
        conn.execute(TICKETS_SQL, {"orgs": org_ids, "n_orgs": len(org_ids), "n": requests})
        conn.commit()
        low, high = conn.execute("SELECT min(id), max(id) FROM tickets_ticket").fetchone() or (0, 0)
        step = 50_000
        for lo in range(low, high + 1, step):  # in slices, so one statement never holds 20 M rows
            conn.execute(EVENTS_SQL, {"per": per_request, "lo": lo, "hi": min(high, lo + step - 1)})
            conn.commit()
        detail_ids = list(range(low, low + DETAIL_TICKETS))
        extra = DETAIL_EVENTS - per_request
        if extra > 0:
            conn.execute(EVENTS_SQL, {"per": extra, "lo": detail_ids[0], "hi": detail_ids[-1]})
        conn.commit()
        conn.execute("ANALYZE")
        events = (conn.execute("SELECT count(*) FROM tickets_ticketevent").fetchone() or (0,))[0]
        numbers = [
            r[0] for r in conn.execute("SELECT number FROM tickets_ticket WHERE id = ANY(%s)", [detail_ids])
        ]
    return {
        "agent_id": agent.pk,
        "seconds": time.perf_counter() - started,
        "events": events,
        "detail_numbers": numbers,
        "org_ids": org_ids,
    }


QUEUE_SQL = """
SELECT t.id, t.number, t.priority, t.status, t.title, t.tier, t.created_at,
       o.name, s.serial, tm.name, u.full_name
FROM tickets_ticket t
JOIN accounts_organisation o ON o.id = t.organisation_id
LEFT JOIN assets_server s ON s.id = t.server_id
LEFT JOIN accounts_contact c ON c.id = t.requester_id
LEFT JOIN accounts_user u ON u.id = t.assignee_id
LEFT JOIN accounts_team tm ON tm.id = t.team_id
WHERE t.status = 'closed' AND t.priority = 'P2'
ORDER BY t.created_at DESC LIMIT 25 OFFSET %(offset)s
"""
QUEUE_COUNT_SQL = "SELECT count(*) FROM tickets_ticket WHERE status = 'closed' AND priority = 'P2'"
DETAIL_SQL = [
    "SELECT t.*, o.name FROM tickets_ticket t JOIN accounts_organisation o ON o.id = t.organisation_id"
    " WHERE t.number = %(number)s",
    "SELECT * FROM tickets_ticketevent WHERE ticket_id = %(id)s ORDER BY created_at, id",
    "SELECT * FROM tickets_attachment WHERE ticket_id = %(id)s",
    "SELECT * FROM tickets_checklistitem WHERE ticket_id = %(id)s ORDER BY position",
    "SELECT u.id, u.full_name FROM tickets_ticket_watchers w JOIN accounts_user u ON u.id = w.user_id"
    " WHERE w.ticket_id = %(id)s",
    "SELECT * FROM tickets_ticketlink WHERE source_id = %(id)s OR target_id = %(id)s",
]


def _pages(url: str, data: dict[str, Any], runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sasms.accounts.models import User

    client = Client()
    client.force_login(
        User.objects.get(pk=data["agent_id"]), backend="django.contrib.auth.backends.ModelBackend"
    )
    rng = random.Random(7)
    queue = "/requests/queue/all/?status=closed&priority=P2&sort=-created_at"

    def queue_page() -> None:
        assert client.get(f"{queue}&page={rng.randint(1, 40)}").status_code == 200

    def detail_page() -> None:
        assert client.get(f"/requests/{rng.choice(data['detail_numbers'])}/").status_code == 200

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        return len(captured)

    queue_queries = count(f"{queue}&page=3")
    detail_queries = count(f"/requests/{data['detail_numbers'][0]}/")
    page_queue = timed(queue_page, runs)
    page_detail = timed(detail_page, runs)
    with psycopg.connect(url) as conn:

        def raw_queue() -> None:
            conn.execute(QUEUE_COUNT_SQL).fetchone()
            conn.execute(QUEUE_SQL, {"offset": (rng.randint(1, 40) - 1) * 25}).fetchall()

        def raw_detail() -> None:
            number = rng.choice(data["detail_numbers"])
            row = conn.execute(DETAIL_SQL[0], {"number": number}).fetchone()
            assert row is not None
            for sql in DETAIL_SQL[1:]:
                conn.execute(sql, {"id": row[0]}).fetchall()

        sql_queue = timed(raw_queue, runs)
        sql_detail = timed(raw_detail, runs)
    rows = [
        ("queue page (status + priority filter, newest first, 25/page)", page_queue, queue_queries),
        ("  hand-written SQL (count + page)", sql_queue, 2),
        (f"request page ({DETAIL_EVENTS} timeline events)", page_detail, detail_queries),
        ("  hand-written SQL (request, events, files, checklist, …)", sql_detail, len(DETAIL_SQL)),
    ]
    for label, samples, queries in rows:
        print(f"{label:<62} {summary(samples)}  {queries} queries")
    queue_ratio = statistics.median(page_queue) / statistics.median(sql_queue)
    detail_ratio = statistics.median(page_detail) / statistics.median(sql_detail)
    print(f"page / raw SQL (median): queue {queue_ratio:.1f}x, request {detail_ratio:.1f}x")


def _create_worker(args: tuple[int, float, int]) -> int:
    organisation_id, seconds, worker = args
    from django.db import connections

    from sasms.accounts.models import Organisation
    from sasms.core.context import Origin, acting_from
    from sasms.tickets.services import create_ticket

    connections.close_all()
    organisation = Organisation.objects.get(pk=organisation_id)
    made, deadline = 0, time.perf_counter() + seconds
    with acting_from(Origin(channel="cli")):
        while time.perf_counter() < deadline:
            create_ticket(
                actor=None, organisation=organisation, title=f"Bench {worker}-{made}", component="disk"
            )
            made += 1
    connections.close_all()
    return made


def _insert_worker(args: tuple[str, float, int]) -> int:
    url, seconds, worker = args
    made, deadline = 0, time.perf_counter() + seconds
    with psycopg.connect(url, autocommit=True) as conn:
        while time.perf_counter() < deadline:
            conn.execute(
                "INSERT INTO bench_rows (worker, n, note) VALUES (%s, %s, %s)", (worker, made, "row")
            )
            made += 1
    return made


def _rates(url: str, data: dict[str, Any], seconds: float) -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_rows (id bigserial PRIMARY KEY, worker int, n int, note text)")
    context = multiprocessing.get_context("fork")
    for processes in (1, 4):
        with context.Pool(processes) as pool:
            made = sum(pool.map(_create_worker, [(data["org_ids"][0], seconds, w) for w in range(processes)]))
        with context.Pool(processes) as pool:
            rows = sum(pool.map(_insert_worker, [(url, seconds, w) for w in range(processes)]))
        label = f"{processes} process{'es' if processes > 1 else ''}"
        print(
            f"create_ticket, {label:<11} {made / seconds:8.1f} requests/s   "
            f"bare single-row INSERT {rows / seconds:8.1f} rows/s   ratio {rows / max(made, 1):.0f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--events-per-request", type=int, default=20)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per figure")
    parser.add_argument("--create-seconds", type=float, default=10.0, help="seconds per creation-rate figure")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args()
    with django_on_scratch_database(DEFAULT_URL, keep=args.keep, test_client=True) as url:
        total_events = args.requests * args.events_per_request
        print(f"generating {args.requests:,} requests and {total_events:,} timeline events …", flush=True)
        data = _generate(url, args.requests, args.events_per_request)
        print(f"requests {args.requests:,}  events {data['events']:,}  generated in {data['seconds']:.1f} s")
        print(f"runs per latency figure: {args.runs}; {args.create_seconds:.0f} s per creation-rate figure\n")
        _pages(url, data, args.runs)
        print()
        _rates(url, data, args.create_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
