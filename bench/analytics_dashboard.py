# ruff: noqa: E501 — the generated SQL reads better with its lines unbroken
"""Manager dashboard from the KPI rollups versus computed directly, at a million requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_bench_analytics \\
        .venv/bin/python bench/analytics_dashboard.py --requests 1000000

Creates (and afterwards drops) the scratch database named in DATABASE_URL, migrates it, makes 100
customers, 6 teams, 60 engineers, 6 vendors with 30 models and 30 000 servers, then generates
inside PostgreSQL (INSERT … SELECT generate_series) the requests spread over two years with their
SLA clocks (response and resolution), survey answers, field visits and parts issued. It then:

* builds the facts and rollups with the full rebuild (``refresh_full``), timed;
* times ``kpis.dashboard(filter, source="rollup")`` against ``source="direct"`` (the same figures
  from the request, clock, survey, visit and stock tables) for the manager's default view (last 90
  days, every customer) and for one customer over a year: median of several runs, the ratio, the
  SQL query count, and checks both give the same figures;
* adds 10 000 new requests and resolves 2 000 open ones, and times the incremental refresh.

Smaller ``--requests`` give a quick try; ``--keep`` keeps the database for profiling.

First run here (2 cores shared with two other sessions' work, so noisy), 2026-11-24:

    generated in 181.6 s: tickets_ticket 1,000,000, sla_slaclock 1,600,000,
        portal_surveyresponse 228,889, field_visit 266,667, parts_movement 99,518
    full rebuild: 1,000,000 facts, 732 days, 797,277 rollup rows in 201.9 s
    manager, last 90 days, every customer: 123,259 created, 117,090 resolved, backlog 34,681, SLA 46.9 %
      rollup  median     199.0 ms  (14 queries, 7 runs)
      direct  median    7337.5 ms  (25 queries, 3 runs)
      ratio        36.9 ×   same figures: yes
    one customer, last 365 days: 5,000 created, 4,998 resolved, backlog 49, SLA 46.6 %
      rollup  median     567.7 ms  (14 queries, 7 runs)
      direct  median    1253.8 ms  (25 queries, 3 runs)
      ratio         2.2 ×   same figures: yes
    incremental refresh after 10,000 new and 2,000 resolved requests: 12,106 facts, 525 days,
        3,480 rollup rows in 15.12 s
    incremental refresh with nothing changed: 0.59 s
    after the refresh: rollup == direct for the 90-day dashboard: yes
"""

import argparse
import datetime
import json
import statistics
import sys
import time
from typing import Any

import psycopg
from benchkit import django_on_scratch_database, timed

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sasms_bench_analytics"
CUSTOMERS, TEAMS, ENGINEERS, VENDORS, MODELS_PER_VENDOR, SERVERS = 100, 6, 60, 6, 5, 30_000


def _insert_select(model: Any, values: dict[str, str], source: str) -> str:
    """INSERT INTO <model's table> SELECT …: ``values`` gives SQL per field; every other column
    gets NULL when nullable, else its model default as a literal (Django sets no DB defaults)."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in values:
            continue
        name = field.name if field.name in values else field.attname
        if name in values:
            expression = values[name]
        elif field.null:
            expression = "NULL"
        elif field.has_default():
            default = field.get_default()
            if isinstance(default, bool):
                expression = "true" if default else "false"
            elif isinstance(default, int | float):
                expression = str(default)
            elif isinstance(default, str):
                expression = "'" + default.replace("'", "''") + "'"
            elif isinstance(default, dict | list):
                expression = f"'{json.dumps(default)}'::jsonb"
            elif isinstance(default, datetime.datetime):
                expression = "now()"
            else:
                expression = f"'{default}'"
        elif field.get_internal_type() in ("CharField", "TextField", "SlugField", "EmailField", "URLField"):
            expression = "''"
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
        columns.append(field.column)
        expressions.append(expression)
    return (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(expressions)} {source}"
    )


def _dimensions() -> dict[str, Any]:
    """Customers, teams, engineers, vendors and models through the ORM (small tables)."""
    from sasms.accounts import services as account_services
    from sasms.accounts.models import OrganisationKind, Team
    from sasms.accounts.roles import Role
    from sasms.assets.models import ServerModel, Vendor
    from sasms.parts.models import Depot, Part
    from sasms.sla.models import BusinessCalendar

    provider = account_services.create_organisation(
        actor=None, name="Bench provider", code="bench-provider", kind=OrganisationKind.PROVIDER
    )
    customers = [
        account_services.create_organisation(
            actor=None, name=f"Customer {i:03d}", code=f"cust-{i:03d}", kind=OrganisationKind.CUSTOMER
        )
        for i in range(CUSTOMERS)
    ]
    teams = [Team.objects.create(name=f"Region {i}", kind="field") for i in range(TEAMS)]
    engineers = [
        account_services.create_user(
            actor=None,
            email=f"eng{i:02d}@bench.example",
            full_name=f"Engineer {i:02d}",
            organisation=provider,
            role=Role.ENGINEER,
        )
        for i in range(ENGINEERS)
    ]
    vendors = [Vendor.objects.create(name=f"Vendor {i}", code=f"vendor-{i}") for i in range(VENDORS)]
    models = [
        ServerModel.objects.create(vendor=vendor, name=f"Model {vendor.pk}-{j}")
        for vendor in vendors
        for j in range(MODELS_PER_VENDOR)
    ]
    vendor = vendors[0]
    return {
        "orgs": [c.pk for c in customers],
        "teams": [t.pk for t in teams],
        "engineers": [u.pk for u in engineers],
        "models": [m.pk for m in models],
        "model_vendors": [m.vendor_id for m in models],
        "calendar": BusinessCalendar.objects.get(code="cn-5x9").pk,
        "part": Part.objects.create(
            part_number="disk-4t", description="4 TB disk", kind="disk", vendor=vendor
        ).pk,
        "depot": Depot.objects.create(
            code="sh-fsl", name="Shanghai forward", city="Shanghai", latitude=31.24, longitude=121.5
        ).pk,
    }


# One row per request: ``s`` derives every dimension and time from g (deterministic, spread).
_REQUEST_SOURCE = """
FROM (
  SELECT g, s_idx, srv.id AS server_id, srv.organisation_id AS server_org, srv.vendor_id, srv.model_id,
         %(now)s::timestamptz - ((g::bigint * 7919) %% (%(span_minutes)s)) * interval '1 minute' AS created,
         ((g * 37) %% 10080 + 30) AS resolve_minutes, (g %% 240 + 1) AS response_minutes
  FROM (SELECT g, (g * 17) %% %(servers)s AS s_idx FROM generate_series(%(first)s::int, %(last)s::int) AS g) AS base
  LEFT JOIN assets_server srv ON srv.id = %(server_low)s + s_idx AND g %% 5 <> 0
) AS s
"""


def _ticket_values(d: dict[str, Any]) -> dict[str, str]:
    done = "(g %% 100 >= 3 AND created + resolve_minutes * interval '1 minute' < %(now)s::timestamptz)"
    cancelled = f"({done} AND g %% 50 = 7)"
    resolved = f"({done} AND g %% 50 <> 7)"
    return {
        "number": "'SRB' || lpad(g::text, 11, '0')",
        "organisation": f"COALESCE(server_org, (ARRAY{d['orgs']}::bigint[])[1 + g %% {len(d['orgs'])}])",
        "server": "server_id",
        "entitled": "server_id IS NOT NULL",
        "channel": "'phone'",
        "type": "(ARRAY['incident','incident','incident','incident','incident','service_request'])[1 + g %% 6]",
        "category": "(ARRAY['hardware','hardware','hardware','hardware','hardware','hardware','hardware',"
        "'software','software','network'])[1 + (g / 3) %% 10]",
        "component": "(ARRAY['disk','disk','disk','memory','memory','psu','fan','mainboard','raid','nic'])"
        "[1 + (g / 11) %% 10]",
        "service_kind": "'hardware_replacement'",
        "impact": "'2'",
        "urgency": "'2'",
        "priority": "(ARRAY['P1','P2','P2','P3','P3','P3','P3','P4'])[1 + (g / 7) %% 8]",
        "title": "'Bench request ' || g",
        "status": f"CASE WHEN {cancelled} THEN 'cancelled' WHEN {resolved} AND g %% 4 = 0 THEN 'resolved' "
        f"WHEN {resolved} THEN 'closed' WHEN g %% 7 = 0 THEN 'new' ELSE 'in_progress' END",
        "tier": "1",
        "team": f"(ARRAY{d['teams']}::bigint[])[1 + g %% {len(d['teams'])}]",
        "assignee": f"CASE WHEN g %% 20 = 0 THEN NULL ELSE (ARRAY{d['engineers']}::bigint[])"
        f"[1 + (g * 13) %% {len(d['engineers'])}] END",
        "created_at": "created",
        "updated_at": f"CASE WHEN {done} THEN created + resolve_minutes * interval '1 minute' ELSE created END",
        "first_response_at": "CASE WHEN g %% 7 = 0 AND NOT "
        f"{done} THEN NULL ELSE created + response_minutes * interval '1 minute' END",
        "resolved_at": f"CASE WHEN {resolved} THEN created + resolve_minutes * interval '1 minute' END",
        "closed_at": f"CASE WHEN {cancelled} THEN created + resolve_minutes * interval '1 minute' END",
        "reopen_count": "CASE WHEN g %% 40 = 0 THEN 1 ELSE 0 END",
        "resolution_code": f"CASE WHEN {resolved} THEN 'part_replaced' ELSE '' END",
        "work_minutes": f"CASE WHEN {resolved} THEN 30 + g %% 240 ELSE 0 END",
        "first_time_fix": f"CASE WHEN {resolved} THEN g %% 10 <> 0 END",
    }


CLOCKS_SQL = """
INSERT INTO sla_slaclock (ticket_id, kind, calendar_id, target_minutes, started_at, state, consumed_minutes,
    met_at, breached_at, cycle, cycles_missed, steps_fired)
SELECT t.id, k.kind, %(calendar)s, k.target, t.created_at,
       CASE WHEN k.at IS NOT NULL THEN 'met' WHEN t.status = 'cancelled' THEN 'stopped' ELSE 'running' END,
       k.used, k.at, CASE WHEN k.used > k.target THEN t.created_at + k.target * interval '1 minute' END, 1, 0, 0
FROM tickets_ticket t
CROSS JOIN LATERAL (VALUES
    ('response', 60, t.first_response_at,
     COALESCE(extract(epoch FROM t.first_response_at - t.created_at) / 120, 0)),
    ('resolution', 1440, t.resolved_at,
     COALESCE(extract(epoch FROM t.resolved_at - t.created_at) / 180, t.id %% 900))
) AS k(kind, target, at, used)
WHERE t.server_id IS NOT NULL AND t.id BETWEEN %(lo)s AND %(hi)s
"""


def _generate(url: str, requests: int, d: dict[str, Any]) -> None:
    from sasms.assets.models import Server
    from sasms.feedback.models import Survey, SurveyResponse
    from sasms.field.models import Visit
    from sasms.parts.models import Movement
    from sasms.tickets.models import Ticket

    server_sql = _insert_select(
        Server,
        {
            "vendor": f"(ARRAY{d['model_vendors']}::bigint[])[1 + g %% {len(d['models'])}]",
            "model": f"(ARRAY{d['models']}::bigint[])[1 + g %% {len(d['models'])}]",
            "serial": "'SN' || g",
            "organisation": f"(ARRAY{d['orgs']}::bigint[])[1 + g %% {len(d['orgs'])}]",
            "status": "'in_service'",
            "installation_date": "date '2022-01-01' + (g %% 1400)",
        },
        "FROM generate_series(0, %(n)s::int - 1) AS g",
    )
    now = datetime.datetime.now(datetime.UTC)
    with psycopg.connect(url) as conn:
        conn.execute(server_sql, {"n": SERVERS})
        server_low = (conn.execute("SELECT min(id) FROM assets_server").fetchone() or (0,))[0]
        d["server_low"] = server_low
        _insert_requests(conn, d, 1, requests, now, span_days=730)
        conn.commit()
        _insert_satellites(conn, d, 1, requests + 1)
        conn.commit()
        conn.execute("ANALYZE")
    del Survey, SurveyResponse, Visit, Movement, Ticket


def _insert_requests(
    conn: psycopg.Connection[Any],
    d: dict[str, Any],
    first: int,
    last: int,
    now: datetime.datetime,
    span_days: int,
) -> None:
    from sasms.tickets.models import Ticket

    sql = _insert_select(Ticket, _ticket_values(d), _REQUEST_SOURCE)
    step = 100_000
    for lo in range(first, last + 1, step):
        conn.execute(
            sql,
            {
                "now": now,
                "span_minutes": span_days * 1440,
                "servers": SERVERS,
                "server_low": d["server_low"],
                "first": lo,
                "last": min(last, lo + step - 1),
            },
        )


def _insert_satellites(conn: psycopg.Connection[Any], d: dict[str, Any], lo_g: int, hi_g: int) -> None:
    """Clocks, surveys, visits and parts of the requests whose number is in [lo_g, hi_g)."""
    from sasms.feedback.models import Survey, SurveyResponse
    from sasms.field.models import Visit
    from sasms.parts.models import Movement

    lo = (
        conn.execute("SELECT min(id) FROM tickets_ticket WHERE number >= %s", [f"SRB{lo_g:011d}"]).fetchone()
    )[0]  # type: ignore[index]
    hi = (conn.execute("SELECT max(id) FROM tickets_ticket").fetchone())[0]  # type: ignore[index]
    step = 200_000
    for start in range(lo, hi + 1, step):
        conn.execute(CLOCKS_SQL, {"calendar": d["calendar"], "lo": start, "hi": min(hi, start + step - 1)})
    window = f"WHERE t.id BETWEEN {lo} AND {hi}"
    conn.execute(
        _insert_select(
            Survey,
            {
                "ticket": "t.id",
                "organisation": "t.organisation_id",
                "engineer": "t.assignee_id",
                "invited_at": "t.resolved_at",
                "resolved_at": "t.resolved_at",
                "rounds": "1",
                "answered_at": "t.resolved_at + interval '1 hour'",
            },
            f"FROM tickets_ticket t {window} AND t.resolved_at IS NOT NULL AND t.id %% 4 = 1",
        ),
        {},
    )
    score = "1 + (t.id * {k}) %% 5"
    conn.execute(
        _insert_select(
            SurveyResponse,
            {
                "survey": "s.id",
                "ticket": "t.id",
                "organisation": "t.organisation_id",
                "engineer": "t.assignee_id",
                "channel": "'link'",
                "response_speed": "GREATEST(" + score.format(k=3) + ", 3)",
                "expertise": "GREATEST(" + score.format(k=7) + ", 2)",
                "resolution": score.format(k=11),
                "attitude": "GREATEST(" + score.format(k=13) + ", 4)",
                "average": "(GREATEST("
                + score.format(k=3)
                + ", 3) + GREATEST("
                + score.format(k=7)
                + ", 2) + "
                + score.format(k=11)
                + " + GREATEST("
                + score.format(k=13)
                + ", 4))::numeric / 4",
                "created_at": "t.resolved_at + interval '1 hour'",
            },
            f"FROM portal_survey s JOIN tickets_ticket t ON t.id = s.ticket_id {window}",
        ),
        {},
    )
    conn.execute(
        _insert_select(
            Visit,
            {
                "ticket": "t.id",
                "engineer": "t.assignee_id",
                "status": "'checked_out'",
                "window_start": "t.created_at + interval '2 hours'",
                "window_end": "t.created_at + interval '6 hours'",
                "travel_started_at": "t.created_at + interval '2 hours'",
                "checked_in_at": "t.created_at + interval '3 hours'",
                "checked_out_at": "t.created_at + interval '4 hours'",
                "created_at": "t.created_at",
                "updated_at": "t.created_at + interval '4 hours'",
                "report_language": "'zh-hans'",
            },
            f"FROM tickets_ticket t {window} AND t.server_id IS NOT NULL AND t.assignee_id IS NOT NULL "
            "AND t.id %% 3 = 0",
        ),
        {},
    )
    conn.execute(
        _insert_select(
            Movement,
            {
                "created_at": "t.created_at + interval '2 hours'",
                "occurred_at": "t.created_at + interval '2 hours'",
                "kind": "'issue'",
                "part": str(d["part"]),
                "depot": str(d["depot"]),
                "condition": "'new'",
                "quantity": "1 + t.id %% 2",
                "on_hand_delta": "-(1 + t.id %% 2)",
                "reserved_delta": "0",
                "unit_cost": "1450.00",
                "ticket": "t.id",
            },
            f"FROM tickets_ticket t {window} AND t.resolved_at IS NOT NULL AND t.id %% 10 = 3",
        ),
        {},
    )


def _plain(value: Any) -> Any:
    """Dataclasses as plain data, floats rounded: sums of per-request minutes (rollup) and exact
    duration sums (direct) differ in the last bits."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return round(value, 3) if isinstance(value, float) else value


def _differences(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in a.keys() | b.keys() for d in _differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def _compare(label: str, kpi_filter: Any, runs_rollup: int, runs_direct: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sasms.analytics import kpis

    with CaptureQueriesContext(connection) as captured:
        rollup = kpis.dashboard(kpi_filter, source="rollup")
    rollup_queries = len(captured)
    with CaptureQueriesContext(connection) as captured:
        direct = kpis.dashboard(kpi_filter, source="direct")
    direct_queries = len(captured)
    differences = _differences(_plain(rollup), _plain(direct))
    same = not differences
    fast = statistics.median(timed(lambda: kpis.dashboard(kpi_filter, source="rollup"), runs_rollup))
    slow = statistics.median(timed(lambda: kpis.dashboard(kpi_filter, source="direct"), runs_direct))
    s = rollup.summary
    print(
        f"{label}: {s.created:,} created, {s.resolved:,} resolved, backlog {s.backlog:,}, SLA {s.sla.percent} %"
    )
    print(f"  rollup  median {fast:9.1f} ms  ({rollup_queries} queries, {runs_rollup} runs)")
    print(f"  direct  median {slow:9.1f} ms  ({direct_queries} queries, {runs_direct} runs)")
    print(f"  ratio   {slow / fast:9.1f} ×   same figures: {'yes' if same else 'NO'}")
    for difference in differences[:10]:
        print(f"    {difference}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument(
        "--new", type=int, default=10_000, help="requests added before the incremental refresh"
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs of the rollup dashboard")
    parser.add_argument("--direct-runs", type=int, default=3, help="timed runs of the direct dashboard")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args()
    with django_on_scratch_database(DEFAULT_URL, keep=args.keep) as url:
        from django.conf import settings
        from django.db import connection
        from django.utils import timezone

        from sasms.analytics.kpis import KpiFilter
        from sasms.analytics.refresh import refresh_full, refresh_incremental

        started = time.perf_counter()
        dims = _dimensions()
        connection.close()
        _generate(url, args.requests, dims)
        with psycopg.connect(url) as conn:
            counts = {
                table: (conn.execute(f"SELECT count(*) FROM {table}").fetchone() or (0,))[0]
                for table in (
                    "tickets_ticket",
                    "sla_slaclock",
                    "portal_surveyresponse",
                    "field_visit",
                    "parts_movement",
                )
            }
        print(
            f"generated in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{table} {n:,}" for table, n in counts.items())
        )
        full = refresh_full()
        print(
            f"full rebuild: {full.facts:,} facts, {full.days} days, {full.rollup_rows:,} rollup rows "
            f"in {full.seconds:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE analytics_requestfact; ANALYZE analytics_kpirollup")
        today = timezone.localdate()
        _compare(
            "manager, last 90 days, every customer",
            KpiFilter(today - datetime.timedelta(days=89), today),
            args.runs,
            args.direct_runs,
        )
        _compare(
            "one customer, last 365 days",
            KpiFilter(today - datetime.timedelta(days=364), today, organisation_id=dims["orgs"][7]),
            args.runs,
            args.direct_runs,
        )

        # 10 000 new requests (opened over the last two days) and 2 000 open ones resolved.
        now = datetime.datetime.now(datetime.UTC)
        with psycopg.connect(url) as conn:
            _insert_requests(conn, dims, args.requests + 1, args.requests + args.new, now, span_days=2)
            _insert_satellites(conn, dims, args.requests + 1, args.requests + args.new + 1)
            resolved = conn.execute(
                "UPDATE tickets_ticket SET status = 'resolved', resolution_code = 'part_replaced', "
                "resolved_at = now(), updated_at = now(), work_minutes = 45, first_time_fix = true "
                "WHERE id IN (SELECT id FROM tickets_ticket WHERE status IN ('new', 'in_progress') "
                "AND number < %s ORDER BY id LIMIT 2000)",
                [f"SRB{args.requests + 1:011d}"],
            ).rowcount
            conn.commit()
        settings.SASMS_ANALYTICS_REFRESH_OVERLAP_SECONDS = 0
        result = refresh_incremental()
        print(
            f"incremental refresh after {args.new:,} new and {resolved:,} resolved requests: {result.facts:,} facts, "
            f"{result.days} days, {result.rollup_rows:,} rollup rows in {result.seconds:.2f} s"
        )
        idle = refresh_incremental()
        print(f"incremental refresh with nothing changed: {idle.seconds:.2f} s")
        today_filter = KpiFilter(today - datetime.timedelta(days=89), today)
        from sasms.analytics import kpis

        differences = _differences(
            _plain(kpis.dashboard(today_filter)), _plain(kpis.dashboard(today_filter, source="direct"))
        )
        print(
            f"after the refresh: rollup == direct for the 90-day dashboard: {'NO' if differences else 'yes'}"
        )
        for difference in differences[:10]:
            print(f"    {difference}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
