"""Scale test: N gunicorn web nodes + N Celery workers on PostgreSQL and Redis, driven by locust.

    .venv/bin/python bench/scale_bench.py                 # 1 web+1 worker, then 2 web+2 workers
    SCALE_DURATION=45 SCALE_USERS=30 .venv/bin/python bench/scale_bench.py

Creates the scratch database ``SCALE_DB`` (default ``sasms_scale_bench``) on the PostgreSQL server
of ``SCALE_PG`` (default ``postgres://postgres@127.0.0.1:5432``), migrates it and loads
``sasms demo``; uses Redis database ``SCALE_REDIS_DB`` (default 11, flushed) as broker and cache.
For each configuration it starts the processes on 127.0.0.1, runs locust headless
(``bench/scale_locustfile.py``: agents on the queues, customers on the portal, an alert storm through
the generic webhook) for ``SCALE_DURATION`` seconds, and prints throughput, p50/p95/p99 per
operation and the error rate, then checks that every stored alert has its request or triage item.
locust must be importable (``SCALE_LOCUST_PYTHONPATH`` is prepended to the locust process's path).
"""

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("SCALE_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("SCALE_DB", "sasms_scale_bench")
REDIS_DB = int(os.environ.get("SCALE_REDIS_DB", "11"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
DURATION = int(os.environ.get("SCALE_DURATION", "45"))
USERS = int(os.environ.get("SCALE_USERS", "24"))
GUNICORN_WORKERS = int(os.environ.get("SCALE_GUNICORN_WORKERS", "2"))
CONFIGS = [tuple(int(x) for x in c.split("x")) for c in os.environ.get("SCALE_CONFIGS", "1x1,2x2").split(",")]
QUEUES = "intake,notify,sla,reports,ml,default"
BASE_PORT = 8310

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "sasms.settings",
    "DATABASE_URL": f"{PG}/{DB}",
    "CELERY_BROKER_URL": REDIS_URL,
    "CELERY_RESULT_BACKEND": "",
    "SASMS_CACHE_URL": REDIS_URL,
    "SASMS_LOGIN_LOCKOUT": "false",
    "SASMS_LOG_LEVEL": "WARNING",
    "SASMS_VAR_DIR": str(Path(tempfile.gettempdir()) / "sasms_scale_var"),
}


def sh(*args: str) -> None:
    done = subprocess.run(args, check=False, text=True, capture_output=True, env=ENV, cwd=ROOT)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def build_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    started = time.monotonic()
    sh(str(BIN / "sasms"), "migrate", "--noinput", "-v", "0")
    sh(str(BIN / "sasms"), "demo")
    print(f"scratch database {DB}: migrated and demo loaded in {time.monotonic() - started:.0f} s")


def prepare() -> dict[str, Any]:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    if os.environ.get("SCALE_REUSE") != "1":  # SCALE_REUSE=1: keep the database of the last run
        build_database()
    sh(str(BIN / "sasms"), "collectstatic", "--noinput", "-v", "0")
    for key in (
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "SASMS_CACHE_URL",
        "SASMS_VAR_DIR",
    ):
        os.environ[key] = ENV[key]
    import django

    django.setup()
    from sasms.accounts import demo
    from sasms.accounts.models import User
    from sasms.accounts.roles import Role
    from sasms.assets.models import Server
    from sasms.core.context import Origin, acting_from
    from sasms.tickets.models import Ticket

    emails = [email for _label, email in demo.demo_logins()]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    agents = [e for e in emails if users[e].role in (Role.AGENT, Role.DISPATCHER, Role.ADMINISTRATOR)]
    customers = [e for e in emails if not users[e].is_service_staff]
    tickets = list(Ticket.objects.order_by("-id").values_list("number", flat=True)[:200])
    info: dict[str, Any] = {
        "agents": agents,
        "customers": customers,
        "tickets": tickets,
        "password": demo.DEMO_PASSWORD,
    }
    try:
        from sasms.intake.choices import SourceKind
        from sasms.intake.services.config import create_alert_source
    except ImportError:
        print("intake has no alert webhook yet: the alert storm is skipped")
        return info
    admin = next(u for u in users.values() if u.role == Role.ADMINISTRATOR)
    servers = list(Server.objects.order_by("id").select_related("organisation")[:200])
    org = servers[0].organisation
    with acting_from(Origin(channel="cli")):
        issued = create_alert_source(
            actor=admin,
            name=f"scale-bench storm {time.time():.0f}",
            kind=SourceKind.GENERIC,
            organisation=org,
        )
    info.update(
        source_id=issued.source.pk,
        token=issued.token,
        serials=[s.serial for s in servers if s.organisation_id == org.pk],
    )
    return info


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} never became ready")


def start(web: int, workers: int) -> tuple[list[subprocess.Popen[bytes]], list[str]]:
    procs: list[subprocess.Popen[bytes]] = []
    hosts = []
    log = open(Path(tempfile.gettempdir()) / "sasms_scale_procs.log", "ab")  # noqa: SIM115
    for i in range(web):
        port = BASE_PORT + i
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "sasms.wsgi",
                    "-w",
                    str(GUNICORN_WORKERS),
                    "--threads",
                    "4",
                    "-b",
                    f"127.0.0.1:{port}",
                    "--access-logfile",
                    "-",
                    "--log-level",
                    "warning",
                ],
                env=ENV,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        )
        hosts.append(f"http://127.0.0.1:{port}")
    for i in range(workers):
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "celery"),
                    "-A",
                    "sasms",
                    "worker",
                    "-Q",
                    QUEUES,
                    "-c",
                    "2",
                    "-n",
                    f"scale{i}@%h",
                    "--loglevel",
                    "WARNING",
                    "--without-gossip",
                    "--without-mingle",
                ],
                env=ENV,
                cwd=ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )
    # One beat for the whole deployment (periodic outbox delivery, SLA sweep, ...).
    beat = [str(BIN / "celery"), "-A", "sasms", "beat", "--loglevel", "WARNING"]
    beat += ["-s", str(Path(tempfile.gettempdir()) / "sasms_scale_beat")]
    procs.append(subprocess.Popen(beat, env=ENV, cwd=ROOT, stdout=log, stderr=log, start_new_session=True))
    for h in hosts:
        wait_ready(h)
    return procs, hosts


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def run_locust(hosts: list[str], info: dict[str, Any], label: str) -> list[dict[str, str]]:
    prefix = Path(tempfile.gettempdir()) / f"sasms_scale_{label}"
    env = {
        **ENV,
        "SCALE_HOSTS": ",".join(hosts),
        "SCALE_AGENTS": json.dumps(info["agents"]),
        "SCALE_CUSTOMERS": json.dumps(info["customers"]),
        "SCALE_PASSWORD": info["password"],
        "SCALE_TICKETS": json.dumps(info["tickets"]),
    }
    if "source_id" in info:
        env.update(
            SCALE_SOURCE_ID=str(info["source_id"]),
            SCALE_SOURCE_TOKEN=info["token"],
            SCALE_SERIALS=json.dumps(info["serials"]),
        )
    extra = os.environ.get("SCALE_LOCUST_PYTHONPATH")
    if extra:
        env["PYTHONPATH"] = extra + os.pathsep + env.get("PYTHONPATH", "")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "scale_locustfile.py"),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(max(1, USERS // 5)),
            "-t",
            f"{DURATION}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--host",
            hosts[0],
        ],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def drain_and_check(timeout: float = 60) -> str:
    """Wait for the queues to empty, then check no alert was lost: each has a request or triage."""
    import redis

    from sasms.intake.models import Alert

    conn = redis.Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and sum(conn.llen(q) for q in QUEUES.split(",")) > 0:
        time.sleep(1)
    total = Alert.objects.count()
    orphans = Alert.objects.filter(ticket__isnull=True, triage__isnull=True).count()
    return f"alerts stored {total}, without request or triage item {orphans}"


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # run the finally: blocks
    info = prepare()
    print(
        f"users: {USERS} (agents:customers:storm = 3:2:1), {DURATION} s per configuration,"
        f" gunicorn {GUNICORN_WORKERS} processes x 4 threads per node"
    )
    for web, workers in CONFIGS:
        label = f"{web}web_{workers}worker"
        procs, hosts = start(web, workers)
        try:
            rows = run_locust(hosts, info, label)
        finally:
            stop(procs)
        print(f"\n== {web} web node(s) + {workers} worker(s) ==")
        print(f"{'operation':<30}{'reqs':>7}{'fail':>6}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}  ms")
        for r in rows:
            name = r["Name"] if r["Name"] != "Aggregated" else "ALL"
            print(
                f"{name:<30}{r['Request Count']:>7}{r['Failure Count']:>6}{float(r['Requests/s']):>8.1f}"
                f"{r['50%']:>7}{r['95%']:>7}{r['99%']:>7}"
            )
        total = next(r for r in rows if r["Name"] == "Aggregated")
        errors = int(total["Failure Count"]) / max(1, int(total["Request Count"]))
        print(f"error rate {errors:.2%}")
        if "source_id" in info:
            print(drain_and_check())


if __name__ == "__main__":
    main()
