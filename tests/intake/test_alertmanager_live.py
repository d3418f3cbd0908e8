"""A real Alertmanager (Debian's prometheus-alertmanager) delivering to SASMS on ``live_server``.

Alertmanager is started once for the module; each test points its webhook receiver at the source
it created (``/-/reload``), posts alerts to Alertmanager's API and waits for Alertmanager's own
notifications to arrive — firing, repeated and resolved.
"""

import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sasms.intake.choices import AlertState
from sasms.intake.models import Alert, AlertSource
from sasms.tickets.models import Ticket
from tests.intake.mailservers import free_port

ALERTMANAGER = "/usr/bin/prometheus-alertmanager"


class Alertmanager:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = root / "alertmanager.yml"
        self.write("http://127.0.0.1:9/unused", "none")
        self.process = subprocess.Popen(
            [
                ALERTMANAGER,
                f"--config.file={self.config}",
                f"--storage.path={root / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                f"--web.external-url={self.url}",
                "--cluster.listen-address=",
                "--log.level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.wait_ready()

    def write(self, webhook: str, token: str) -> None:
        self.config.write_text(
            f"""
route:
  receiver: sasms
  group_by: ['alertname', 'instance']
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: sasms
    webhook_configs:
      - url: "{webhook}"
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: "{token}"
"""
        )

    def request(self, method: str, path: str, body: Any = None) -> int:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=5) as response:
            return int(response.status)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/-/ready") == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"Alertmanager did not start: {error}")
            time.sleep(0.2)

    def point_at(self, webhook: str, token: str) -> None:
        self.write(webhook, token)
        assert self.request("POST", "/-/reload") == 200

    def post_alerts(self, *alerts: dict[str, Any]) -> None:
        assert self.request("POST", "/api/v2/alerts", list(alerts)) == 200

    def webhook_deliveries(self) -> int:
        """Webhook requests Alertmanager has completed with a success response.

        Alertmanager counts a request once the receiver has answered, so SASMS's transaction for
        that delivery has committed by then. Waiting on this (not on the first row to appear)
        matters on SQLite, where the live server shares the test's in-memory connection and a
        delivery's rows are visible before it finishes.
        """
        with urllib.request.urlopen(self.url + "/metrics", timeout=5) as response:
            text = response.read().decode()
        counts = dict.fromkeys(("requests", "failed"), 0)
        for line in text.splitlines():
            for key, metric in (
                ("requests", "alertmanager_notification_requests_total"),
                ("failed", "alertmanager_notification_requests_failed_total"),
            ):
                if line.startswith(metric + '{integration="webhook"}'):
                    counts[key] = int(float(line.rsplit(" ", 1)[1]))
        return counts["requests"] - counts["failed"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


@pytest.fixture(scope="module")
def alertmanager() -> Iterator[Alertmanager]:
    root = Path(tempfile.mkdtemp(prefix="sasms-alertmanager-"))
    manager = Alertmanager(root)
    try:
        yield manager
    finally:
        manager.stop()
        shutil.rmtree(root, ignore_errors=True)


def wait_for(condition: Callable[[], bool], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("Alertmanager's notification did not arrive in time")
        time.sleep(0.25)


def drive_alert(start: str, end: str | None = None) -> dict[str, Any]:
    alert: dict[str, Any] = {
        "labels": {
            "alertname": "RedfishDriveHealthCritical",
            "severity": "critical",
            "job": "redfish",
            "instance": "bmc-srv-db-01.example.com",
            "serial_number": "JS05NP0896",
            "component": "Drive 1I:3:3",
        },
        "annotations": {
            "summary": "Drive 1I:3:3 on srv-db-01 is Critical",
            "description": "磁盘故障，请更换备件。",
        },
        "startsAt": start,
        "generatorURL": "http://prometheus.example.com/graph",
    }
    if end:
        alert["endsAt"] = end
    return alert


def psu_alert(start: str) -> dict[str, Any]:
    return {
        "labels": {
            "alertname": "RedfishPowerDegraded",
            "severity": "warning",
            "job": "redfish",
            "instance": "bmc-srv-db-01.example.com",
            "serial_number": "JS05NP0896",
            "component": "PSU2",
        },
        "annotations": {"summary": "PSU2 on srv-db-01 is Warning"},
        "startsAt": start,
    }


@pytest.mark.django_db(transaction=True)
def test_alertmanager_notifications_become_one_request(
    alertmanager: Alertmanager, live_server: Any, am_source: tuple[AlertSource, str], covered_server: Any
):
    source, token = am_source
    delivered = alertmanager.webhook_deliveries()
    alertmanager.point_at(f"{live_server.url}/intake/alerts/{source.pk}/", token)
    start = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    alertmanager.post_alerts(drive_alert(start))
    wait_for(lambda: alertmanager.webhook_deliveries() > delivered and Ticket.objects.exists())
    ticket = Ticket.objects.get()
    assert ticket.server_id == covered_server.pk
    alert = Alert.objects.get()
    assert (alert.ticket_id, alert.status, alert.name) == (
        ticket.pk,
        AlertState.FIRING,
        "RedfishDriveHealthCritical",
    )
    assert len(alert.fingerprint) == 16  # Alertmanager's own fingerprint

    # A second alert on the same server (another group) joins the request instead of opening one.
    alertmanager.post_alerts(psu_alert(start))
    delivered = alertmanager.webhook_deliveries()
    wait_for(lambda: alertmanager.webhook_deliveries() > delivered and Alert.objects.count() == 2)
    assert set(Alert.objects.values_list("ticket_id", flat=True)) == {ticket.pk}

    # Resolving: Alertmanager sends the resolved notification on its next group interval.
    delivered = alertmanager.webhook_deliveries()
    alertmanager.post_alerts(drive_alert(start, end=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))
    wait_for(
        lambda: (
            alertmanager.webhook_deliveries() > delivered
            and Alert.objects.filter(name="RedfishDriveHealthCritical", status=AlertState.RESOLVED).exists()
        )
    )
    assert Ticket.objects.count() == 1
    assert Alert.objects.count() == 2
