"""Alert ingestion end to end: HTTP → de-duplicated requests, against bare HTTP to a no-op endpoint.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_intake_bench \\
        .venv/bin/python bench/intake_alerts_bench.py --seconds 20 --senders 8

Creates (and afterwards drops) the scratch database named in DATABASE_URL, migrates it, registers
``--servers`` servers and an Alertmanager alert source through the services, and starts a real
server process (gunicorn, ``--workers`` sync workers) on 127.0.0.1. Then, with ``--senders``
concurrent sender processes (keep-alive HTTP/1.1 clients), for ``--seconds`` each:

1. **no-op**: POST a small JSON body to ``/intake/noop/`` — the same server, routing, middleware and
   body read, no database: the ceiling of the HTTP stack on this machine;
2. **storm**: POST Alertmanager v4 notifications (bearer token, 1–5 alerts each, grouped per
   server as Alertmanager groups them) for an alert storm over the servers: each server has a fixed
   set of alert rules, so a delivery mixes alerts already known (Alertmanager re-sends whole groups)
   with new occurrences that open the server's incident request or join it (with a note);
3. **repeats**: the same storm going on — every alert is known, as when Alertmanager repeats its
   groups: the de-duplication path alone.

Printed: requests/s and latency of both, alerts/s, the share of alerts de-duplicated, and the check
that the storm gave exactly one request per server hit and one row per alert occurrence.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchkit import django_on_scratch_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sasms_intake_bench"
RULES = ("DriveCritical", "PsuDegraded", "FanFailed", "DimmEccErrors", "TemperatureHigh")
COMPONENTS = ("Drive 1I:3:3", "PSU2", "Fan3", "DIMM_A1", "CPU1 Temp")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _setup(servers: int) -> tuple[int, str]:
    """Servers and an alert source through the services; returns the source id and its token."""
    from sasms.accounts import services as accounts
    from sasms.accounts.models import Organisation, OrganisationKind
    from sasms.accounts.roles import Role
    from sasms.assets import services as assets
    from sasms.intake.services.config import create_alert_source

    accounts.create_organisation(actor=None, name="Provider", code="provider", kind=OrganisationKind.PROVIDER)
    customer = accounts.create_organisation(
        actor=None, name="Customer", code="customer", kind=OrganisationKind.CUSTOMER
    )
    admin = accounts.create_user(
        actor=None,
        email="admin@bench.example",
        full_name="Admin",
        organisation=Organisation.objects.get(code="provider"),
        role=Role.ADMINISTRATOR,
        send_invitation=False,
    )
    vendor = assets.create_vendor(actor=None, name="Bench", code="bench")
    model = assets.create_server_model(actor=None, vendor=vendor, name="B-1")
    for index in range(servers):
        assets.create_server(
            actor=None,
            model=model,
            serial=f"BENCH{index:06d}",
            organisation=customer,
            hostname=f"node{index}",
        )
    issued = create_alert_source(actor=admin, name="Prometheus", kind="alertmanager")
    return issued.source.pk, issued.token


def _payload(rng: random.Random, servers: int, start: str) -> tuple[bytes, int]:
    server = rng.randrange(servers)
    count = rng.randint(1, len(RULES))
    picked = sorted(rng.sample(range(len(RULES)), count))
    alerts = [
        {
            "status": "firing",
            "labels": {
                "alertname": RULES[i],
                "severity": "critical" if i == 0 else "warning",
                "serial_number": f"BENCH{server:06d}",
                "instance": f"bmc-node{server}:9610",
                "job": "redfish",
                "component": COMPONENTS[i],
            },
            "annotations": {"summary": f"{COMPONENTS[i]} on node{server}"},
            "startsAt": start,
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus/graph",
            "fingerprint": f"{server:08x}{i:08x}",
        }
        for i in picked
    ]
    body = {
        "version": "4",
        "status": "firing",
        "receiver": "sasms",
        "groupKey": f'{{}}:{{instance="bmc-node{server}:9610"}}',
        "groupLabels": {"instance": f"bmc-node{server}:9610"},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager",
        "truncatedAlerts": 0,
        "alerts": alerts,
    }
    return json.dumps(body).encode(), len(alerts)


def _sender(args: tuple[int, str, str, str, float, int, int]) -> dict[str, Any]:
    seed, port_text, path, token, seconds, servers, _unused = args
    port = int(port_text)
    rng = random.Random(seed)
    start = "2026-11-24T08:00:00Z"
    headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies: list[float] = []
    alerts = 0
    errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if token:
            body, count = _payload(rng, servers, start)
        else:
            body, count = b'{"ping": true}', 0
        started = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies.append((time.perf_counter() - started) * 1000)
        if ok:
            alerts += count
        else:
            errors += 1
    conn.close()
    return {"latencies": latencies, "alerts": alerts, "errors": errors}


def _phase(
    label: str, port: int, path: str, token: str, seconds: float, senders: int, servers: int
) -> dict[str, Any]:
    jobs = [(seed, str(port), path, token, seconds, servers, 0) for seed in range(senders)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(senders) as pool:
        results = pool.map(_sender, jobs)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r["latencies"])
    requests = len(latencies)
    errors = sum(r["errors"] for r in results)
    alerts = sum(r["alerts"] for r in results)
    p95 = latencies[int(0.95 * (requests - 1))] if requests else 0.0
    median = statistics.median(latencies) if latencies else 0.0
    print(
        f"{label:<8} {requests / elapsed:9.1f} req/s   median {median:7.1f} ms"
        f"   p95 {p95:7.1f} ms   errors {errors}" + (f"   {alerts / elapsed:9.1f} alerts/s" if token else "")
    )
    return {"requests": requests, "alerts": alerts, "errors": errors, "elapsed": elapsed}


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server process exited")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("POST", "/intake/noop/", body=b"{}")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not come up")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--senders", type=int, default=8, help="concurrent sender processes")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--servers", type=int, default=200, help="servers in the alert storm")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args()
    with django_on_scratch_database(DEFAULT_URL, keep=args.keep) as url:
        from django.db import connections

        source_id, token = _setup(args.servers)
        connections.close_all()
        port = _free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        process = subprocess.Popen(
            [str(gunicorn), "sasms.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
             str(args.workers), "--worker-class", "sync", "--log-level", "warning", "--keep-alive", "5"],
            env={**os.environ, "SASMS_LOG_LEVEL": "WARNING"},
        )  # fmt: skip
        try:
            _wait_ready(port, process)
            print(
                f"gunicorn {args.workers} sync workers · {args.senders} senders"
                f" · {args.seconds:.0f} s per phase · {args.servers} servers × {len(RULES)} alert rules"
                f" · PostgreSQL {url.rsplit('/', 1)[-1]}\n"
            )
            noop = _phase("no-op", port, "/intake/noop/", "", args.seconds, args.senders, args.servers)
            path = f"/intake/alerts/{source_id}/"
            storm = _phase("storm", port, path, token, args.seconds, args.senders, args.servers)

            from sasms.intake.models import Alert
            from sasms.tickets.models import Ticket

            rows_after_storm = Alert.objects.count()
            steady = _phase("repeats", port, path, token, args.seconds, args.senders, args.servers)
            rows = Alert.objects.count()
            requests = Ticket.objects.count()
            hit = Alert.objects.values("server").distinct().count()
            per_server_max = max(
                (len(set(Alert.objects.filter(server_id=s).values_list("ticket_id", flat=True)))
                 for s in Alert.objects.values_list("server", flat=True).distinct()),
                default=0,
            )  # fmt: skip
            delivered = storm["alerts"] + steady["alerts"]
            duplicates = delivered - rows
            print()
            print(
                f"storm:   {storm['alerts']:,} alerts in {storm['requests']:,} notifications →"
                f" {rows_after_storm:,} new occurrences"
                f" ({1 - rows_after_storm / max(1, storm['alerts']):.1%} de-duplicated)"
            )
            print(
                f"repeats: {steady['alerts']:,} alerts in {steady['requests']:,} notifications →"
                f" {rows - rows_after_storm:,} new occurrences"
            )
            print(
                f"overall: {delivered:,} alerts delivered, {rows:,} rows,"
                f" {duplicates / max(1, delivered):.1%} de-duplicated"
            )
            print(
                f"requests opened {requests:,} for {hit:,} servers hit"
                f" (most requests of one server: {per_server_max})"
            )
            for label, phase in (("storm", storm), ("repeats", steady)):
                ratio = (phase["requests"] / phase["elapsed"]) / max(1e-9, noop["requests"] / noop["elapsed"])
                print(
                    f"{label:<8} notifications per second = {ratio:.1%} of the no-op rate on the same server"
                )
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
