"""SR numbers under concurrency: 16 creators at once get 16 distinct, gap-free numbers."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from sasms.accounts.models import Organisation
from sasms.tickets import services
from sasms.tickets.models import DailyCounter, Ticket

CREATORS = 16


def _create_many(organisation: Organisation) -> tuple[list[str], list[BaseException]]:
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(CREATORS)
    lock = threading.Lock()

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            ticket = services.create_ticket(
                actor=None, organisation=organisation, title=f"Concurrent {index}"
            )
            with lock:
                numbers.append(ticket.number)
        except BaseException as exc:  # collected and asserted on below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(CREATORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return numbers, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_creators_get_unique_consecutive_numbers(
    customer_a: Organisation, make_user: Callable[..., object]
) -> None:
    if connection.vendor == "sqlite":
        # SQLite has one writer at a time (BEGIN IMMEDIATE), so real parallel creators only queue
        # on the database lock; what must hold there is that numbers stay consecutive and unique.
        numbers = [
            services.create_ticket(actor=None, organisation=customer_a, title=f"Serial {i}").number
            for i in range(CREATORS)
        ]
    else:
        numbers, errors = _create_many(customer_a)
        assert errors == []
    assert len(numbers) == CREATORS
    assert len(set(numbers)) == CREATORS
    sequences = sorted(int(n[-5:]) for n in numbers)
    assert sequences == list(range(1, CREATORS + 1))
    assert Ticket.objects.count() == CREATORS
    assert DailyCounter.objects.get().value == CREATORS
