"""The SLA sweep over 100 000 and then 1 000 000 running clocks, 1 % of them due, on PostgreSQL.

For each size it prints the query plan of the sweep's selection (it must be an index scan on
``sla_clock_next_check``, never a scan of the clocks), the time to find the due clocks, and the time
to handle them all (breach check, escalation step, timeline event, outbox, next check) through
``sla.clocks.services.sweep``. In the same run it times the database's own floor for the same
work: one statement that selects the due rows through the same index and updates them.
Both sizes have the same number of due clocks (``--due-share`` of the first size): the cost
must follow the number of due clocks, not the number of clocks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_sla_bench .venv/bin/python bench/sla_sweep_bench.py

The scratch database named in DATABASE_URL is created and dropped by the script. ``--sizes``
changes the clock counts (default 100000,1000000); ``--due-share`` the share that is due (0.01).
"""

import argparse
import statistics
import sys
import time
from typing import Any

import psycopg
from benchkit import django_on_scratch_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sasms_sla_bench"

TICKETS_SQL = """
INSERT INTO tickets_ticket (
    number, organisation_id, entitlement, entitled, time_and_materials, channel, type, category,
    component, service_kind, impact, urgency, priority, title, description, status, tier,
    created_at, updated_at, reopen_count, resolution_code, resolution_summary, root_cause, five_whys,
    work_minutes, visit_count)
SELECT 'SLB' || lpad(g::text, 11, '0'), %(org)s, '{"covered": true, "source": "warranty"}'::jsonb, true,
       '', 'phone', 'incident', 'hardware', 'disk', 'hardware_replacement', '2', '2', 'P2',
       'Disk predictive failure ' || g, '', 'in_progress', 1, now() - interval '1 hour',
       now() - interval '1 hour', 0, '', '', '', '[]'::jsonb, 0, 0
FROM generate_series(%(lo)s::int, %(hi)s::int) AS g
"""
# One running resolution clock per request on the 7×24 calendar: 480 minutes, started 5 hours
# ago (62.5 % used: the standard policy's 50 % step is due); each is next checked somewhere in the
# next month, and then a fixed number of them is made due (see REARM_SQL).
CLOCKS_SQL = """
INSERT INTO sla_slaclock (
    ticket_id, kind, calendar_id, target_minutes, started_at, state, consumed_minutes,
    segment_started_at, due_at, met_at, breached_at, cycle, cycles_missed, risk_at, next_check_at,
    steps_fired)
SELECT t.id, 'resolution', %(calendar)s, 480, now() - interval '5 hours', 'running', 0,
       now() - interval '5 hours', now() + interval '3 hours', NULL, NULL, 1, 0, NULL,
       now() + (1 + random() * 720) * interval '1 hour',
       0
FROM tickets_ticket t WHERE t.id BETWEEN %(lo)s AND %(hi)s
"""
FLOOR_SQL = """
UPDATE sla_slaclock SET steps_fired = steps_fired + 1, next_check_at = due_at
WHERE id IN (SELECT id FROM sla_slaclock WHERE next_check_at IS NOT NULL AND next_check_at <= now()
             ORDER BY next_check_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
"""
REARM_SQL = """
UPDATE sla_slaclock SET next_check_at = now() - interval '1 hour', steps_fired = 0
WHERE id IN (SELECT id FROM sla_slaclock ORDER BY random() LIMIT %(count)s)
"""


def _grow(url: str, org: int, calendar: int, start: int, total: int) -> None:
    step = 100_000
    with psycopg.connect(url) as conn:
        for lo in range(start + 1, total + 1, step):
            hi = min(total, lo + step - 1)
            conn.execute(TICKETS_SQL, {"org": org, "lo": lo, "hi": hi})
            low, high = conn.execute(
                "SELECT min(id), max(id) FROM tickets_ticket WHERE number >= %s AND number <= %s",
                (f"SLB{lo:011d}", f"SLB{hi:011d}"),
            ).fetchone() or (0, 0)
            conn.execute(CLOCKS_SQL, {"calendar": calendar, "lo": low, "hi": high})
            conn.commit()
        conn.execute("ANALYZE sla_slaclock")
        conn.execute("ANALYZE tickets_ticket")
        conn.commit()


def _due_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM sla_slaclock WHERE next_check_at IS NOT NULL AND next_check_at <= now()"
        ).fetchone()
    return int(row[0]) if row else 0


def _measure(url: str, size: int, due_target: int, rounds: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from sasms.sla.clocks.services import due_clock_ids, sweep

    with psycopg.connect(url) as conn:
        conn.execute(REARM_SQL, {"count": due_target})
        conn.commit()
    due = _due_count(url)
    limit = max(due, 1)
    with connection.cursor() as cursor:
        sql, params = _selection_sql(timezone.now(), limit)
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join("    " + row[0] for row in cursor.fetchall())
    find_ms = []
    for _ in range(rounds):
        started = time.perf_counter()
        found = due_clock_ids(timezone.now(), limit)
        find_ms.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    result = sweep(limit=limit)
    sweep_s = time.perf_counter() - started
    # The floor: re-arm the same number of clocks and handle them in one statement.
    floor_ms = []
    with psycopg.connect(url) as conn:
        for _ in range(rounds):
            conn.execute(REARM_SQL, {"count": due})
            conn.commit()
            started = time.perf_counter()
            conn.execute(FLOOR_SQL, {"limit": limit})
            conn.commit()
            floor_ms.append((time.perf_counter() - started) * 1000)
        conn.execute("UPDATE sla_slaclock SET next_check_at = due_at WHERE next_check_at <= now()")
        conn.commit()
    return {
        "size": size,
        "due": due,
        "found": len(found),
        "plan": plan,
        "find_ms": statistics.median(find_ms),
        "sweep_s": sweep_s,
        "handled": result.examined,
        "steps": result.steps_fired,
        "errors": result.errors,
        "floor_ms": statistics.median(floor_ms),
    }


def _selection_sql(now: Any, limit: int) -> tuple[str, Any]:
    from sasms.sla.models import SlaClock

    query = (
        SlaClock.objects.filter(next_check_at__isnull=False, next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("id", "ticket_id")[:limit]
    )
    return query.query.sql_with_params()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--due-share", type=float, default=0.01)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with django_on_scratch_database(DEFAULT_URL, keep=args.keep) as url:
        from sasms.accounts import services as account_services
        from sasms.accounts.models import OrganisationKind
        from sasms.sla.models import BusinessCalendar

        org = account_services.create_organisation(
            actor=None, name="Bench customer", code="bench", kind=OrganisationKind.CUSTOMER
        )
        calendar = BusinessCalendar.objects.get(code="7x24")
        made = 0
        rows = []
        sizes = [int(s) for s in args.sizes.split(",")]
        due_target = max(1, int(sizes[0] * args.due_share))
        for size in sizes:
            started = time.perf_counter()
            _grow(url, org.pk, calendar.pk, made, size)
            print(f"{size:>9,} running clocks ready in {time.perf_counter() - started:.1f} s", flush=True)
            made = size
            rows.append(_measure(url, size, due_target, args.rounds))
            print(f"  plan of the sweep's selection:\n{rows[-1]['plan']}", flush=True)
        print()
        print(
            f"{'clocks':>10} {'due':>7} {'find due (ms)':>14} {'sweep (s)':>10} {'per clock (ms)':>15} "
            f"{'DB floor (ms)':>14} {'steps':>7}"
        )
        for r in rows:
            per = 1000 * r["sweep_s"] / max(r["handled"], 1)
            print(
                f"{r['size']:>10,} {r['due']:>7,} {r['find_ms']:>14.2f} {r['sweep_s']:>10.2f} {per:>15.2f} "
                f"{r['floor_ms']:>14.1f} {r['steps']:>7,}"
            )
            if r["errors"]:
                print("  errors:", r["errors"][:3])
        if len(rows) > 1:
            first, last = rows[0], rows[-1]
            growth = last["size"] / first["size"]
            find = last["find_ms"] / first["find_ms"]
            per_first = first["sweep_s"] / max(first["handled"], 1)
            per_last = last["sweep_s"] / max(last["handled"], 1)
            print(
                f"\nclocks x{growth:.0f}: find-due time x{find:.2f}, "
                f"sweep time per due clock x{per_last / per_first:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
