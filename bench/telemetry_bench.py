# ruff: noqa: E501 — the generated SQL reads better with its lines unbroken
"""Telemetry at fleet scale: ingesting one poll's readings, and the prediction rules over a year.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_bench_telemetry \\
        .venv/bin/python bench/telemetry_bench.py --servers 10000 --history-servers 500

Creates (and afterwards drops) the scratch database named in DATABASE_URL and migrates it, then:

* **Ingest**: ``--servers`` servers with 30 readings each (2 HDDs and 2 SSDs, 8 DIMMs, 4 fans,
  2 PSUs with input/output/efficiency, PSU redundancy, inlet/CPU/DIMM/board temperatures). The
  first poll creates the series (timed apart); the second is the steady state, one
  ``record_poll`` per server as the poller calls it. Compared, in the same run, with the
  database's own limit: the same number of rows written by one ``COPY`` into the sample table.
* **Rules over a year**: ``--history-servers`` servers get a year of daily rollups of the rule
  metrics (27 series each) made inside PostgreSQL; then ``replay`` (every rule, every day of the
  year, with the data before that day only) and the live ``evaluate`` are timed, and compared with
  the database's scan limit: reading the same rollup rows with one plain query (aggregated in
  SQL, and fetched into Python).

Run at a smaller ``--history-servers`` on a small machine: the replay's cost is linear in series ×
days, so the per-server-year figure it prints extrapolates to 10 000 servers.

First run, 2026-12-07, on the shared 2-core development machine while other sessions' test suites
ran (load well above 2, so every figure is slow and noisy), at a reduced size — 2 000 servers for
the ingest, 50 for the year of rules:

    ingest: 2,000 servers × 30 readings = 60,000 samples
      first poll (creates the series):    162.9 s         368 samples/s
      steady poll (record_poll each):      68.4 s         877 samples/s  34.21 ms/server
      database limit, one COPY:             1.6 s      37,857 samples/s   ratio 43.2 ×
    rules over a year: 50 servers, 1,050 series, 383,250 daily rollups (made in 23.4 s)
      database limit, scan + aggregate in SQL:     0.25 s
      database limit, fetch 383,250 rows:      13.24 s
      replay, every rule every day of the year:    30.17 s  (603.4 ms per server-year; × 10 000 servers ≈ 100.6 min)  ratio to fetch 2.3 ×
      live evaluate (now, last 62 days):    10.77 s  1,050 series, 0 findings, 0 requests opened

Reading: one poll's telemetry costs two queries per server; at 34 ms a server (on this loaded
machine) 10 000 servers polled every 10 minutes keep about 57 % of one worker busy with telemetry,
43 × the cost of one bulk COPY — the price of writing each server's poll as it arrives. The year of
rules is bounded by reading the history: the replay takes 2.3 × the time of merely fetching its
rows, about 100 minutes for 10 000 servers here; the live evaluation reads 62 days of the rule
metrics (10 s for 50 servers, ≈ 35 minutes for 10 000 at this speed — longer than its 10-minute
beat: at that size run it per batch of servers or every 30 minutes, see docs/prediction.md).
"""

import argparse
import datetime
import io
import time
from typing import Any

from benchkit import django_on_scratch_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sasms_bench_telemetry"


def readings_for() -> list[Any]:
    from sasms.telemetry.extract import Reading

    out = []
    for i in range(4):
        out.append(
            Reading(
                f"/redfish/v1/Systems/1/Storage/1/Drives/{i}",
                "drive",
                f"Bay {i}",
                "PM1733",
                "failure_predicted",
                0.0,
            )
        )
    for i in range(2):
        out.append(
            Reading(
                f"/redfish/v1/Systems/1/Storage/1/Drives/{i + 2}",
                "drive",
                f"Bay {i + 2}",
                "PM1733",
                "media_life_left",
                90.0,
            )
        )
    for i in range(8):
        out.append(
            Reading(
                f"/redfish/v1/Systems/1/Memory/DIMM{i}",
                "memory",
                f"DIMM {i}",
                "M393A4K40",
                "correctable_errors",
                0.0,
            )
        )
    for i in range(4):
        out.append(
            Reading(
                f"/redfish/v1/Chassis/1/ThermalSubsystem/Fans/{i}",
                "fan",
                f"Fan {i}",
                "",
                "fan_rpm",
                9000.0 + i,
            )
        )
    for i in range(2):
        for metric, value in (
            ("psu_input_watts", 420.0),
            ("psu_output_watts", 390.0),
            ("psu_efficiency", 92.8),
        ):
            out.append(
                Reading(
                    f"/redfish/v1/Chassis/1/PowerSubsystem/PowerSupplies/{i}",
                    "psu",
                    f"PSU {i}",
                    "PWS-1K",
                    metric,
                    value,
                )
            )
    out.append(
        Reading(
            "/redfish/v1/Chassis/1/PowerSubsystem#/PowerSupplyRedundancy/0",
            "chassis",
            "PSU redundancy",
            "",
            "psu_redundant",
            1.0,
        )
    )
    for i, name in enumerate(("Inlet", "CPU 1", "CPU 2", "DIMM zone", "Board")):
        out.append(
            Reading(f"/redfish/v1/Chassis/1/Sensors/T{i}", "sensor", name, "", "temperature", 22.0 + i)
        )
    return out[:30]


def make_servers(count: int, prefix: str) -> list[Any]:
    from sasms.accounts.models import Organisation, OrganisationKind
    from sasms.assets.models import Server, ServerModel, Vendor

    organisation = Organisation.objects.create(
        name=f"Bench {prefix}", code=f"bench-{prefix.lower()}", kind=OrganisationKind.CUSTOMER
    )
    vendor = Vendor.objects.create(name=f"Vendor {prefix}", code=f"v-{prefix}")
    model = ServerModel.objects.create(vendor=vendor, name=f"R{prefix}")
    Server.objects.bulk_create(
        (
            Server(vendor=vendor, model=model, organisation=organisation, serial=f"{prefix}{i:07d}")
            for i in range(count)
        ),
        batch_size=5000,
    )
    return list(Server.objects.filter(model=model).order_by("pk"))


def ingest(servers: int) -> None:
    from django.db import connection

    from sasms.telemetry.models import Sample
    from sasms.telemetry.services import record_poll

    rows = make_servers(servers, "I")
    readings = readings_for()
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    started = time.perf_counter()
    for server in rows:
        record_poll(server, readings, at=now)
    first = time.perf_counter() - started
    started = time.perf_counter()
    for server in rows:
        record_poll(server, readings, at=now + datetime.timedelta(minutes=10))
    steady = time.perf_counter() - started
    total = len(rows) * len(readings)
    # The limit: the same number of sample rows in one COPY (a third poll's instant).
    series_ids = list(Sample.objects.filter(at=now).values_list("series_id", flat=True))
    buffer = io.StringIO("".join(f"{sid}\t2026-12-01 00:20:00+00\t1.5\n" for sid in series_ids))
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy("COPY telemetry_sample (series_id, at, value) FROM STDIN") as copy,
    ):
        copy.write(buffer.getvalue())
    copy_s = time.perf_counter() - started
    print(f"ingest: {len(rows):,} servers × {len(readings)} readings = {total:,} samples")
    print(f"  first poll (creates the series): {first:8.1f} s  {total / first:10,.0f} samples/s")
    print(
        f"  steady poll (record_poll each): {steady:8.1f} s  {total / steady:10,.0f} samples/s  {steady / len(rows) * 1000:.2f} ms/server"
    )
    print(
        f"  database limit, one COPY:        {copy_s:8.1f} s  {len(series_ids) / copy_s:10,.0f} samples/s   ratio {steady / copy_s:.1f} ×"
    )


def year_of_rules(servers: int) -> None:
    from django.db import connection

    from sasms.telemetry.extract import Reading
    from sasms.telemetry.replay import replay
    from sasms.telemetry.services import _create_series, evaluate

    rows = make_servers(servers, "H")
    readings = [
        r
        for r in readings_for()
        if r.metric != "temperature"
        and r.metric not in ("psu_input_watts", "psu_output_watts", "psu_efficiency")
    ]
    readings += [
        Reading(
            f"/redfish/v1/Chassis/1/PowerSubsystem/PowerSupplies/{i}",
            "psu",
            f"PSU {i}",
            "PWS-1K",
            "failure_predicted",
            0.0,
        )
        for i in range(2)
    ]
    for server in rows:
        _create_series(server, readings)
    end = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    start = end - datetime.timedelta(days=365)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO telemetry_rollup (series_id, resolution, at, mean, low, high, count)
            SELECT s.id, 2, d,
                   CASE s.metric WHEN 'media_life_left' THEN 95 - extract(epoch from d - %(start)s) / 86400 * 0.02
                                 WHEN 'fan_rpm' THEN 9000 + (s.id %% 300) + random() * 150
                                 WHEN 'psu_redundant' THEN 1
                                 WHEN 'correctable_errors' THEN CASE WHEN s.id %% 97 = 0 THEN extract(epoch from d - %(start)s) / 86400 ELSE 0 END
                                 ELSE CASE WHEN s.id %% 211 = 0 AND d > %(end)s - interval '20 days' THEN 1 ELSE 0 END END,
                   0, 0, 144
            FROM telemetry_series s CROSS JOIN generate_series(%(start)s::timestamptz, %(end)s::timestamptz - interval '1 day', interval '1 day') d
            WHERE s.server_id = ANY(%(servers)s)
            """,
            {"start": start, "end": end, "servers": [server.pk for server in rows]},
        )
        made = cursor.rowcount
        cursor.execute("UPDATE telemetry_rollup SET low = mean, high = mean WHERE resolution = 2")
        cursor.execute("ANALYZE telemetry_rollup")
    series = len(rows) * len(readings)
    print(
        f"rules over a year: {len(rows):,} servers, {series:,} series, {made:,} daily rollups (made in {time.perf_counter() - started:.1f} s)"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT series_id, count(*), avg(mean) FROM telemetry_rollup GROUP BY series_id")
        cursor.fetchall()
    scan = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT series_id, at, mean FROM telemetry_rollup ORDER BY series_id, at")
        fetched = len(cursor.fetchall())
    fetch = time.perf_counter() - started
    started = time.perf_counter()
    report = replay(start=start, end=end, horizon_days=60, server_ids=[server.pk for server in rows])
    replay_s = time.perf_counter() - started
    started = time.perf_counter()
    outcome = evaluate(now=end, server_ids=[server.pk for server in rows])
    live_s = time.perf_counter() - started
    per_server = replay_s / len(rows)
    print(f"  database limit, scan + aggregate in SQL: {scan:8.2f} s")
    print(f"  database limit, fetch {fetched:,} rows:   {fetch:8.2f} s")
    print(
        f"  replay, every rule every day of the year: {replay_s:8.2f} s  ({per_server * 1000:.1f} ms per server-year; × 10 000 servers ≈ {per_server * 10_000 / 60:.1f} min)  ratio to fetch {replay_s / fetch:.1f} ×"
    )
    print(f"    {report.lines()[0]}")
    print(
        f"  live evaluate (now, last {2 * 30 + 2} days): {live_s:8.2f} s  {outcome.series:,} series, {outcome.findings} findings, {len(outcome.opened)} requests opened"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--servers", type=int, default=10_000)
    parser.add_argument("--history-servers", type=int, default=500)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with django_on_scratch_database(DEFAULT_URL, keep=args.keep):
        ingest(args.servers)
        year_of_rules(args.history_servers)


if __name__ == "__main__":
    main()
