"""Locust user classes for ``scale_bench.py`` (run by it; not on its own).

Environment: ``SCALE_HOSTS`` (comma-separated base URLs of the web nodes; each user sticks to one,
as a load balancer with sticky sessions would), ``SCALE_AGENTS`` / ``SCALE_CUSTOMERS`` (JSON lists
of e-mails), ``SCALE_PASSWORD``, ``SCALE_TICKETS`` (JSON list of request numbers),
``SCALE_SOURCE_ID`` / ``SCALE_SOURCE_TOKEN`` / ``SCALE_SERIALS`` (the alert storm; unset = no storm).
"""

import datetime
import itertools
import json
import os
import random
import re
import uuid
from typing import Any

from locust import HttpUser, between, task

HOSTS = os.environ["SCALE_HOSTS"].split(",")
AGENTS: list[str] = json.loads(os.environ["SCALE_AGENTS"])
CUSTOMERS: list[str] = json.loads(os.environ["SCALE_CUSTOMERS"])
PASSWORD = os.environ["SCALE_PASSWORD"]
TICKETS: list[str] = json.loads(os.environ["SCALE_TICKETS"])
SOURCE_ID = os.environ.get("SCALE_SOURCE_ID", "")
SOURCE_TOKEN = os.environ.get("SCALE_SOURCE_TOKEN", "")
SERIALS: list[str] = json.loads(os.environ.get("SCALE_SERIALS", "[]"))
_node = itertools.count()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _Node(HttpUser):
    abstract = True

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)  # type: ignore[no-untyped-call]
        self.host = HOSTS[next(_node) % len(HOSTS)]  # sticky, round-robin over the nodes

    def login(self, email: str) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        match = _CSRF.search(page.text)
        self.client.post(
            "/accounts/login/",
            data={
                "username": email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )


class Agent(_Node):
    """A service-desk agent working the queues: queue page, then a request, now and then."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.login(random.choice(AGENTS))

    @task(3)
    def queue(self) -> None:
        self.client.get("/requests/queue/open/", name="agent: open queue")

    @task(2)
    def request_page(self) -> None:
        if TICKETS:
            self.client.get(f"/requests/{random.choice(TICKETS)}/", name="agent: request page")


class Customer(_Node):
    """A customer on the portal: home, their servers, their requests."""

    weight = 2
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.login(random.choice(CUSTOMERS))

    @task(2)
    def home(self) -> None:
        self.client.get("/portal/", name="customer: portal home")

    @task(1)
    def servers(self) -> None:
        self.client.get("/portal/servers/", name="customer: servers")

    @task(2)
    def requests(self) -> None:
        self.client.get("/portal/requests/", name="customer: requests")


class AlertStorm(_Node):
    """A monitoring system in an alert storm: batches of 20 firing alerts for random servers."""

    weight = 1 if SOURCE_ID else 0
    wait_time = between(0.2, 0.5)

    @task
    def storm(self) -> None:
        now = datetime.datetime.now(datetime.UTC).isoformat()
        alerts = [
            {
                "id": uuid.uuid4().hex,
                "status": "firing",
                "title": random.choice(["Disk failure predicted", "PSU redundancy lost", "DIMM ECC errors"]),
                "severity": "critical",
                "started_at": now,
                "server": {"serial": random.choice(SERIALS)},
            }
            for _ in range(20)
        ]
        self.client.post(
            f"/intake/alerts/{SOURCE_ID}/",
            json={"version": "1", "alerts": alerts},
            headers={"Authorization": f"Bearer {SOURCE_TOKEN}"},
            name="storm: webhook (20 alerts)",
        )
