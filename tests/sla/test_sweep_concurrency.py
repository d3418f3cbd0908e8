"""Racing sweeps on PostgreSQL: every warning and escalation fires exactly once."""

import datetime
import threading
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.sla.clocks.services import SweepResult, sweep
from sasms.sla.models import FiredStep
from sasms.tickets import services
from sasms.tickets.choices import EventKind, Level
from sasms.tickets.models import TicketEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]

SH = ZoneInfo("Asia/Shanghai")
OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
SWEPT = datetime.datetime(2026, 3, 2, 10, 16, tzinfo=SH)
REQUESTS = 12


def test_racing_sweeps_fire_each_step_once(customer_a: Organisation, make_user: Callable[..., User]) -> None:
    make_user(Role.SERVICE_MANAGER)
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="R750")
    with time_machine.travel(OPENED, tick=False):
        for n in range(REQUESTS):
            server = asset_services.create_server(
                actor=None,
                model=model,
                serial=f"RACE{n:04d}",
                organisation=customer_a,
                warranty_start=datetime.date(2025, 1, 1),
                warranty_end=datetime.date(2028, 12, 31),
            )
            services.create_ticket(
                actor=None,
                organisation=customer_a,
                server=server,
                title="PSU failed",
                impact=Level.HIGH,
                urgency=Level.HIGH,
            )
    results: list[SweepResult] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        try:
            barrier.wait()
            results.append(sweep(now=SWEPT))
        except BaseException as exc:  # reported to the test, not swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    with time_machine.travel(SWEPT, tick=False):
        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert all(not r.errors for r in results)
    # Response breached at 10:15 (50 %, 75 %, 100 % steps) and dispatch at 53 % (the 50 % step).
    assert sum(r.steps_fired for r in results) == REQUESTS * 4
    assert FiredStep.objects.count() == REQUESTS * 4
    fired = Counter(
        (e.ticket_id, e.data["clock"], e.data["fraction"])
        for e in TicketEvent.objects.filter(kind=EventKind.SLA)
    )
    assert len(fired) == REQUESTS * 4
    assert set(fired.values()) == {1}
