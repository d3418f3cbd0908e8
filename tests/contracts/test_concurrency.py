"""Real commits: two sweeps racing still send each reminder once; covering twice adds once."""

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connections

from sasms.contracts import reminders, services
from sasms.contracts.models import CoveredServer, RenewalReminder
from sasms.core.models import OutboxMessage

# Row-level races need PostgreSQL; the SQLite run deselects them (see tests/conftest.py). The
# seeded catalogue a flush removes is seeded again by tests/conftest.py.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]

NOW = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)


def race(target: Callable[[], object], workers: int = 4) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def run() -> None:
        try:
            barrier.wait()
            target()
        except BaseException as exc:  # reported to the test, not swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_racing_sweeps_send_each_reminder_once(customer_a, manager, make_contract):
    make_contract(customer_a, start=datetime.date(2025, 6, 1), end=datetime.date(2026, 5, 30))
    assert race(lambda: reminders.run_sweep(now=NOW)) == []
    assert RenewalReminder.objects.count() == 1
    assert OutboxMessage.objects.filter(idempotency_key__startswith="contract-renewal:").count() == 1


def test_racing_cover_adds_the_server_once(customer_a, manager, server_a, make_contract):
    contract = make_contract(customer_a)
    assert race(lambda: services.cover_servers(actor=manager, contract=contract, servers=[server_a])) == []
    assert CoveredServer.objects.filter(contract=contract).count() == 1
