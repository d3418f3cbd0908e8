"""SASMS against django-helpdesk (the peer) and against PostgreSQL's own raw queries, in one run.

    .venv/bin/python bench/peer_compare.py --size 20000 --rounds 3

Uses the peer-bench harness (``--harness``, default ``/work/shared/peer-bench``; its README says
what it is): its private PostgreSQL 15 cluster on 127.0.0.1:55432, its django-helpdesk set-up and
seeding (``peer_bench.sh setup``) and its HTTP paths for the peer. On that one cluster it

1. seeds the peer with ``--size`` tickets (the harness's synthetic text, COPY);
2. builds SASMS with about the same number of requests through ``sasms demo --scale`` (20 000
   requests a scale step, each with its timeline, search index, SLA clocks…), in the database
   ``sasms_compare_<size>`` — kept between runs, so a second run at the same size starts at once;
3. serves both with gunicorn, 2 sync workers each, and reads them with the same client at
   concurrency 2 (SASMS signed in as a service-desk agent, the peer as a staff user);
4. runs ``--rounds`` interleaved rounds (round 1 of every operation of every system, then round 2…),
   so the machine's drift hits all alike, and prints per operation the medians over rounds of the
   per-round median latency, the SASMS/peer and SASMS/raw ratios with their min–max over rounds;
5. with ``--create``, times request creation through the full service (1 process) against the
   peer's own create path (``peer/create_bench.py``), interleaved the same way.

"Raw SQL" is the hand-written query returning the same rows from SASMS's own tables and indexes
(psycopg, no ORM, no HTTP): the floor the page could reach. The peer's list is its HTML page plus
its rows call (its page loads the rows with a second request). Not part of the test run.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
HARNESS = Path("/work/shared/peer-bench")
WORK = Path(os.environ.get("PEER_COMPARE_WORK", "/tmp/speed-peer"))
PG = "postgres://postgres@127.0.0.1:55432"
SASMS_PORT = 8766
PEER_PORT = 8765
REQUESTS_PER_SCALE = 20_000
OPEN = ("new", "assigned", "in_progress", "waiting_customer", "waiting_parts")


# --- the systems ------------------------------------------------------------------------------------


def harness_env(harness: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RESULTS_DIR": str(WORK / "results"),
        "PEER_WORK": str(WORK / "work"),
        "PEER_VENV": str(WORK / "venv"),
        "PGPORT": "55432",
        "PGHOST": "127.0.0.1",
        "PEER_DB": "helpdesk_peer",
        # This process sets up Django for SASMS; the peer's processes must not inherit that.
        "DJANGO_SETTINGS_MODULE": "peerproj.settings",
    }


def start_cluster(harness: Path) -> None:
    (WORK / "results").mkdir(parents=True, exist_ok=True)
    subprocess.run([str(harness / "pg_cluster.sh"), "start"], check=True, env=harness_env(harness))


def setup_peer(harness: Path, size: int) -> None:
    """The harness's own set-up: a virtualenv with django-helpdesk, its database, ``size`` tickets."""
    env = {**harness_env(harness), "PEER_TICKETS": str(size)}
    subprocess.run([str(harness / "peer_bench.sh"), "setup"], check=True, env=env)


DATABASE_NAME: dict[str, str] = {}  # --database, when given


def sasms_url(size: int) -> str:
    return f"{PG}/{DATABASE_NAME.get('name') or f'sasms_compare_{size}'}"


def build_sasms(size: int) -> None:
    """Migrate and fill ``sasms_compare_<size>`` with the demo data, unless a run already did."""
    url = sasms_url(size)
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            with psycopg.connect(url) as db:
                done = db.execute(
                    "SELECT to_regclass('tickets_ticket') IS NOT NULL"
                    " AND EXISTS (SELECT 1 FROM tickets_ticket)"
                ).fetchone()
            if done and done[0]:
                return
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "SASMS_LOG_LEVEL": "WARNING"}
    scale = max(1, round(size / REQUESTS_PER_SCALE))
    started = time.perf_counter()
    subprocess.run([str(VENV / "sasms"), "migrate", "-v0"], check=True, env=env)
    subprocess.run([str(VENV / "sasms"), "demo", "--scale", str(scale)], check=True, env=env)
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
    print(f"SASMS built at scale {scale} in {time.perf_counter() - started:.0f} s", flush=True)


@dataclass
class SasmsFixture:
    cookie: str
    numbers: list[str]
    organisation_id: int
    rare_terms: list[str]
    common_terms: list[str]
    queries: dict[str, str] = field(default_factory=dict)


def sasms_fixture(size: int) -> SasmsFixture:
    """A signed-in agent's session, requests with long timelines, and search terms by frequency."""
    os.environ["DATABASE_URL"] = sasms_url(size)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasms.settings")
    os.environ.setdefault("SASMS_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from sasms.accounts.models import User
    from sasms.accounts.roles import Role
    from sasms.core.search.tokenizer import to_query

    agent = User.objects.filter(role=Role.AGENT, is_active=True).order_by("pk").first()
    if agent is None:
        raise SystemExit("the demo data has no service-desk agent")
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    # The first backend that can load a user (Axes' is a lockout guard, not a user store).
    session[BACKEND_SESSION_KEY] = next(
        b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower()
    )
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    with psycopg.connect(sasms_url(size)) as db:
        numbers = [
            r[0]
            for r in db.execute(
                "SELECT t.number FROM tickets_ticket t JOIN tickets_ticketevent e ON e.ticket_id = t.id "
                "GROUP BY t.number ORDER BY count(*) DESC LIMIT 50"
            )
        ]
        row = db.execute(
            "SELECT organisation_id FROM tickets_ticket GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        # Words by the share of request documents holding them (a sample keeps this quick).
        stats = db.execute(
            "SELECT word, ndoc FROM ts_stat($$SELECT search_vector FROM core_searchdocument "
            "WHERE object_type = 'tickets.ticket' AND id % 10 = 0$$) WHERE length(word) >= 3"
        ).fetchall()
        sampled = (
            db.execute(
                "SELECT count(*) FROM core_searchdocument"
                " WHERE object_type = 'tickets.ticket' AND id % 10 = 0"
            ).fetchone()
            or (1,)
        )[0] or 1
    by_share = sorted(((n / sampled, w) for w, n in stats if w.isalnum()), reverse=True)
    common = [w for share, w in by_share if 0.01 <= share <= 0.05][:20] or [w for _, w in by_share[:20]]
    rare = [w for share, w in by_share if 0.0005 <= share <= 0.002][:20] or [w for _, w in by_share[-20:]]
    queries = {w: to_query(w, vendor="postgresql") for w in [*common, *rare]}
    return SasmsFixture(
        f"sessionid={session.session_key}", numbers, row[0] if row else 0, rare, common, queries
    )


@contextlib.contextmanager
def gunicorn(name: str, argv: list[str], cwd: Path, env: dict[str, str], port: int) -> Iterator[None]:
    log = open(WORK / f"{name}-gunicorn.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.5)
        else:
            raise SystemExit(f"{name}: gunicorn did not start (see {log.name})")
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


# --- timing -----------------------------------------------------------------------------------------


def http_median(port: int, cookie: str, paths: list[str], concurrency: int = 2, warmup: int = 4) -> float:
    """Median latency (ms) of GETting ``paths`` at ``concurrency``; any answer but 200 aborts."""
    headers = {"Cookie": cookie, "Host": f"127.0.0.1:{port}", "User-Agent": "peer-compare"}
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []
    queue = list(reversed(paths))

    def worker(items: list[str], record: bool) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while True:
            with lock:
                if not items:
                    break
                path = items.pop()
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if response.status != 200:
                    failures.append(f"{response.status} {path}")
                elif record:
                    latencies.append(elapsed)
        conn.close()

    warm = list(reversed(paths[:warmup]))
    for items, record in ((warm, False), (queue, True)):
        threads = [threading.Thread(target=worker, args=(items, record)) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failures:
        raise SystemExit(f"port {port}: {len(failures)} failed requests, e.g. {failures[:3]}")
    return statistics.median(latencies)


def sql_median(url: str, statements: Callable[[random.Random], list[tuple[str, list[Any]]]], n: int) -> float:
    """Median latency (ms) of running the statements of one page, ``n`` times, one connection."""
    rng = random.Random(1)
    samples = []
    with psycopg.connect(url, autocommit=True) as conn:
        for i in range(n + 3):
            started = time.perf_counter()
            for sql, params in statements(rng):
                conn.execute(sql, params).fetchall()
            if i >= 3:
                samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


# --- the operations ---------------------------------------------------------------------------------


@dataclass
class Operation:
    label: str
    sasms: Callable[[random.Random], str]
    peer: list[str]  # harness endpoints whose medians add up to the peer's equivalent
    raw: Callable[[random.Random], list[tuple[str, list[Any]]]] | None
    requests: int = 30


def operations(fx: SasmsFixture) -> list[Operation]:
    org = fx.organisation_id
    open_list = list(OPEN)
    queue_sql = (
        "SELECT t.id, t.number, t.priority, t.status, t.title, t.created_at, o.name, s.serial, u.full_name "
        "FROM tickets_ticket t JOIN accounts_organisation o ON o.id = t.organisation_id "
        "LEFT JOIN assets_server s ON s.id = t.server_id LEFT JOIN accounts_user u ON u.id = t.assignee_id "
        "WHERE t.status = ANY(%s) {extra} ORDER BY t.created_at DESC LIMIT %s"
    )

    def search_sql(terms: list[str]) -> Callable[[random.Random], list[tuple[str, list[Any]]]]:
        return lambda rng: [
            (
                "SELECT object_id FROM core_searchdocument, to_tsquery('simple', %s) q "
                "WHERE search_vector @@ q AND object_type = 'tickets.ticket'"
                " ORDER BY updated_at DESC LIMIT 25",
                [fx.queries[rng.choice(terms)]],
            )
        ]

    def search_path(terms: list[str]) -> Callable[[random.Random], str]:
        return lambda rng: "/requests/queue/all/?" + urllib.parse.urlencode({"q": rng.choice(terms)})

    return [
        Operation(
            "open queue, first page",
            lambda rng: "/requests/queue/open/",
            ["list_html", "list_json"],
            lambda rng: [(queue_sql.format(extra=""), [open_list, 25])],
        ),
        Operation(
            "queue filtered by customer + status",
            lambda rng: f"/requests/queue/all/?organisation={org}&status=closed&status=resolved",
            ["list_html", "list_json"],
            lambda rng: [
                (queue_sql.format(extra="AND t.organisation_id = %s"), [["closed", "resolved"], org, 25])
            ],
        ),
        Operation(
            "request page",
            lambda rng: f"/requests/{rng.choice(fx.numbers)}/",
            ["detail"],
            lambda rng: [
                ("SELECT * FROM tickets_ticket WHERE number = %s", [rng.choice(fx.numbers)]),
                (
                    "SELECT e.* FROM tickets_ticketevent e JOIN tickets_ticket t ON t.id = e.ticket_id "
                    "WHERE t.number = %s ORDER BY e.created_at, e.id",
                    [rng.choice(fx.numbers)],
                ),
            ],
        ),
        Operation(
            "search, rare term", search_path(fx.rare_terms), ["search_code"], search_sql(fx.rare_terms), 15
        ),
        Operation(
            "search, common word",
            search_path(fx.common_terms),
            ["search_word"],
            search_sql(fx.common_terms),
            15,
        ),
        Operation(
            "API list, 50 rows",
            lambda rng: "/api/v1/tickets/?page_size=50",
            ["list_json"],
            lambda rng: [(queue_sql.format(extra=""), [[*open_list, "closed", "resolved"], 50])],
        ),
    ]


def peer_paths(harness: Path, endpoint: str, n: int, run: int) -> list[str]:
    sys.path.insert(0, str(harness))
    import http_bench  # type: ignore[import-not-found]  # the harness's client: its URL shapes

    ids = json.loads((WORK / "work" / "ids.json").read_text())
    return list(http_bench.make_paths(endpoint, ids, n + 4, random.Random(f"{endpoint}-{run}")))


# --- creation ---------------------------------------------------------------------------------------


def sasms_create_rate(seconds: float) -> float:
    from django.db import connections

    from sasms.accounts.models import Organisation
    from sasms.core.context import Origin, acting_from
    from sasms.tickets.services import create_ticket

    organisation = Organisation.objects.filter(kind="customer").order_by("pk").first()
    assert organisation is not None
    made, deadline = 0, time.perf_counter() + seconds
    started = time.perf_counter()
    with acting_from(Origin(channel="cli")):
        while time.perf_counter() < deadline:
            create_ticket(actor=None, organisation=organisation, title=f"Compare {made}", component="disk")
            made += 1
    connections.close_all()
    return made / (time.perf_counter() - started)


def peer_create_rate(harness: Path, n: int) -> float:
    out = subprocess.run(
        [str(WORK / "venv" / "bin" / "python"), str(harness / "peer" / "create_bench.py"), str(n), "1"],
        check=True,
        capture_output=True,
        text=True,
        env=harness_env(harness),
    ).stdout
    line = next(x for x in out.splitlines() if "tickets_per_s=" in x)
    return float(line.rsplit("=", 1)[1])


# --- the run ----------------------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size", type=int, default=REQUESTS_PER_SCALE, help="requests / tickets in each system"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--harness", type=Path, default=HARNESS)
    parser.add_argument("--create", action="store_true", help="also time creation (adds rows to both)")
    parser.add_argument("--create-seconds", type=float, default=20.0)
    parser.add_argument(
        "--database", default="", help="SASMS database on the cluster (default sasms_compare_<size>)"
    )
    args = parser.parse_args()
    if args.database:
        DATABASE_NAME["name"] = args.database
    harness: Path = args.harness
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    start_cluster(harness)
    setup_peer(harness, args.size)
    build_sasms(args.size)
    fx = sasms_fixture(args.size)
    print(f"SASMS search terms: rare {fx.rare_terms[:5]}…, common {fx.common_terms[:5]}…", flush=True)
    ops = operations(fx)
    peer_cookie = "sessionid=" + (WORK / "work" / "session_cookie.txt").read_text().strip()
    sasms_env = {**os.environ, "DATABASE_URL": sasms_url(args.size), "SASMS_LOG_LEVEL": "WARNING"}
    peer_env = harness_env(harness)
    figures: dict[tuple[str, str], list[float]] = {}

    def note(op: str, system: str, value: float) -> None:
        figures.setdefault((op, system), []).append(value)

    sasms_argv = [
        str(VENV / "gunicorn"),
        "sasms.wsgi",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{SASMS_PORT}",
        "--timeout",
        "300",
    ]
    peer_argv = [
        str(WORK / "venv" / "bin" / "gunicorn"),
        "peerproj.wsgi",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{PEER_PORT}",
        "--timeout",
        "300",
    ]
    with (
        gunicorn("sasms", sasms_argv, ROOT, sasms_env, SASMS_PORT),
        gunicorn("peer", peer_argv, harness / "peer", peer_env, PEER_PORT),
    ):
        for run in range(1, args.rounds + 1):
            rng = random.Random(run)
            for op in ops:
                paths = [op.sasms(rng) for _ in range(op.requests + 4)]
                note(op.label, "sasms", http_median(SASMS_PORT, fx.cookie, paths))
                peer_total = 0.0
                for endpoint in op.peer:
                    peer_total += http_median(
                        PEER_PORT, peer_cookie, peer_paths(harness, endpoint, op.requests, run)
                    )
                note(op.label, "peer", peer_total)
                if op.raw is not None:
                    note(op.label, "raw", sql_median(sasms_url(args.size), op.raw, op.requests))
                print(
                    f"round {run} {op.label:<38} SASMS {figures[(op.label, 'sasms')][-1]:8.1f} ms  "
                    f"peer {peer_total:8.1f} ms  raw {figures.get((op.label, 'raw'), [0])[-1]:7.2f} ms",
                    flush=True,
                )
            if args.create:
                note("creation, 1 process", "sasms", sasms_create_rate(args.create_seconds))
                note("creation, 1 process", "peer", peer_create_rate(harness, 200))
                print(
                    f"round {run} creation, 1 process: "
                    f"SASMS {figures[('creation, 1 process', 'sasms')][-1]:.1f}/s "
                    f"peer {figures[('creation, 1 process', 'peer')][-1]:.1f}/s",
                    flush=True,
                )
    print(
        f"\n{args.size:,} requests / tickets each, {args.rounds} interleaved rounds, "
        f"{(time.perf_counter() - started) / 60:.1f} min in all\n"
    )
    print("| operation | SASMS ms | peer ms | raw SQL ms | SASMS / peer | SASMS / raw SQL |")
    print("|---|---:|---:|---:|---|---|")
    for op in ops:
        mine, peer = figures[(op.label, "sasms")], figures[(op.label, "peer")]
        raw = figures.get((op.label, "raw"), [])
        ratio_peer = [m / p for m, p in zip(mine, peer, strict=True)]
        ratio_raw = [m / r for m, r in zip(mine, raw, strict=True)] if raw else []
        print(
            f"| {op.label} | {statistics.median(mine):.1f} | {statistics.median(peer):.1f} | "
            f"{statistics.median(raw):.2f} | {spread(ratio_peer)} | "
            f"{spread(ratio_raw) + '×' if ratio_raw else '—'} |"
            if raw
            else f"| {op.label} | {statistics.median(mine):.1f} | {statistics.median(peer):.1f} | — | "
            f"{spread(ratio_peer)} | — |"
        )
    if args.create:
        mine, peer = figures[("creation, 1 process", "sasms")], figures[("creation, 1 process", "peer")]
        ratio = [m / p for m, p in zip(mine, peer, strict=True)]
        print(
            f"| creation, 1 process (per s; ratio > 1 is faster) | {statistics.median(mine):.1f}/s | "
            f"{statistics.median(peer):.1f}/s | — | {spread(ratio)} | — |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
