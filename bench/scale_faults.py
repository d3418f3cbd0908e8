"""Fault tests for a scaled-out SASMS: kill workers mid-work, restart Redis and PostgreSQL.

    SCALE_REUSE=1 .venv/bin/python bench/scale_faults.py [outbox] [sweep] [redis] [postgres]

Runs against the scratch database of ``scale_bench.py`` (run that first, or its build step runs).
Scenarios (default: ``outbox sweep``):

* ``outbox``: 500 outbox messages to a receiver that counts deliveries per idempotency key;
  SIGKILL the worker (whole process group) after ≈ 150 deliveries, start a new one; every message
  must end ``sent``, the receiver must have seen every key (duplicates are allowed by the
  at-least-once contract and removed by the key) and none may be ``failed``.
* ``sweep``: make 3 000 running SLA clocks due, SIGKILL the worker during the sweep, start a new
  one; afterwards no clock may still be due (none missed) and no escalation step may have fired
  twice (fired-step rows and SLA timeline events per clock/cycle/step).
* ``redis`` / ``postgres``: restart the service during the outbox scenario. **These restart the
  machine's shared Redis / PostgreSQL**: never run them on a machine other people use; they need
  ``FAULT_ALLOW_SERVICE_RESTARTS=1``.

Prints the recovery time (kill/restart → backlog empty) of each scenario.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale_bench as sb

SINK_FILE = "/tmp/sasms-fault-sink.log"
WORKER_ENV = {**sb.ENV, "PYTHONPATH": str(Path(__file__).resolve().parent), "FAULT_SINK_FILE": SINK_FILE}


def _received() -> list[str]:
    try:
        return Path(SINK_FILE).read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return []


REDIS_RESTART = (
    "redis-cli -p 6379 shutdown nosave; redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 "
    '--save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log'
)
PG_RESTART = "pg_ctlcluster --skip-systemctl-redirect 15 main restart"


def start_worker(queues: str, name: str) -> subprocess.Popen[bytes]:
    log = open(Path("/tmp") / "sasms_fault_worker.log", "ab")  # noqa: SIM115
    cmd = [str(sb.BIN / "celery"), "-A", "sasms", "worker", "-Q", queues, "-c", "2", "-n", f"{name}@%h"]
    cmd += ["-I", "scale_fault_handlers", "--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(cmd, env=WORKER_ENV, cwd=sb.ROOT, stdout=log, stderr=log, start_new_session=True)


def kill_hard(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def wait_until(predicate: Any, timeout: float, kick: Any = None, every: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    last_kick = 0.0
    while time.monotonic() < deadline:
        if predicate():
            return True
        if kick is not None and time.monotonic() - last_kick > every:
            kick()
            last_kick = time.monotonic()
        time.sleep(0.2)
    return False


def outbox_scenario(restart: str = "") -> None:
    from django.db import close_old_connections

    from sasms.core.models import OutboxMessage, OutboxStatus
    from sasms.core.tasks import deliver_outbox

    Path(SINK_FILE).unlink(missing_ok=True)
    OutboxMessage.objects.filter(topic="bench.sink").delete()
    n = 500
    OutboxMessage.objects.bulk_create(
        OutboxMessage(topic="bench.sink", payload={"n": i}, idempotency_key=f"fault-{i}") for i in range(n)
    )

    def kick() -> None:
        for _ in range(4):
            try:
                deliver_outbox.delay()
            except Exception as exc:  # the broker may be restarting
                print("  enqueue failed:", type(exc).__name__)

    def pending() -> int:
        close_old_connections()
        try:
            return OutboxMessage.objects.filter(topic="bench.sink", status=OutboxStatus.PENDING).count()
        except Exception:
            return -1

    worker = start_worker("notify", "fault-outbox")
    try:
        wait_until(lambda: len(set(_received())) >= 150, 120, kick)
        t0 = time.monotonic()
        if restart == "redis":
            subprocess.run(REDIS_RESTART, shell=True, check=False)
        elif restart == "postgres":
            subprocess.run(PG_RESTART, shell=True, check=False)
        else:
            kill_hard(worker)
            worker = start_worker("notify", "fault-outbox2")
        ok = wait_until(lambda: pending() == 0, 300, kick)
        recovery = time.monotonic() - t0
    finally:
        kill_hard(worker)
    close_old_connections()
    rows = OutboxMessage.objects.filter(topic="bench.sink")
    sent = rows.filter(status=OutboxStatus.SENT).count()
    failed = rows.filter(status=OutboxStatus.FAILED).count()
    keys = _received()
    counts = [keys.count(k) for k in set(keys)]
    print(
        f"outbox{' + ' + restart + ' restart' if restart else ' + worker SIGKILL'}: {n} queued, {sent} sent, "
        f"{failed} failed, receiver saw {len(counts)} distinct keys, {sum(counts) - len(counts)} repeat "
        f"deliveries (dropped by key), backlog empty: {ok}, recovery {recovery:.1f} s"
    )


def sweep_scenario() -> None:
    import datetime

    from django.db.models import Count
    from django.utils import timezone

    from sasms.sla.models import FiredStep, SlaClock
    from sasms.sla.tasks import sla_sweep
    from sasms.tickets.models import TicketEvent

    now = timezone.now()
    ids = list(
        SlaClock.objects.filter(next_check_at__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)[:3000]
    )
    SlaClock.objects.filter(id__in=ids).update(next_check_at=now - datetime.timedelta(minutes=1))

    def due() -> int:
        return SlaClock.objects.filter(next_check_at__isnull=False, next_check_at__lte=timezone.now()).count()

    before = due()
    worker = start_worker("sla", "fault-sla")
    try:
        sla_sweep.delay()
        wait_until(lambda: due() <= before * 2 // 3, 300)
        t0 = time.monotonic()
        kill_hard(worker)
        at_kill = due()
        worker = start_worker("sla", "fault-sla2")
        ok = wait_until(lambda: due() == 0, 600, sla_sweep.delay, every=20)
        recovery = time.monotonic() - t0
    finally:
        kill_hard(worker)
    doubled_steps = (
        FiredStep.objects.values("clock_id", "cycle", "step_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    doubled_events = (
        TicketEvent.objects.filter(kind="sla", created_at__gte=now)
        .values("ticket_id", "body")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    print(
        f"SLA sweep + worker SIGKILL: {before} due clocks, {at_kill} still due at the kill, "
        f"{due()} due after (none missed: {ok}), steps fired twice {doubled_steps}, "
        f"repeated SLA timeline events {doubled_events}, recovery {recovery:.1f} s"
    )


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    wanted = sys.argv[1:] or ["outbox", "sweep"]
    if {"redis", "postgres"} & set(wanted) and os.environ.get("FAULT_ALLOW_SERVICE_RESTARTS") != "1":
        sys.exit("redis/postgres restart the machine's shared services: set FAULT_ALLOW_SERVICE_RESTARTS=1")
    sb.prepare()
    for name in wanted:
        if name == "outbox":
            outbox_scenario()
        elif name == "sweep":
            sweep_scenario()
        elif name in ("redis", "postgres"):
            outbox_scenario(restart=name)


if __name__ == "__main__":
    main()
