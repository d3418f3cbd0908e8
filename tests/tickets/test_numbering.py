"""SR numbers under concurrency: 16 creators at once get 16 distinct numbers of the day.

PostgreSQL hands them out from a sequence per day (no lock held through the creating transaction,
so a rolled-back creation leaves a gap); SQLite from a counter row (one writer at a time anyway).
"""

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

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
    assert Ticket.objects.count() == CREATORS
    if connection.vendor == "sqlite":
        assert sequences == list(range(1, CREATORS + 1))
        assert DailyCounter.objects.get().value == CREATORS
    else:
        # The day's sequence may have handed out numbers earlier in this database (a flush does not
        # reset it); with no rollback among these creators, theirs follow one another.
        assert sequences == list(range(sequences[0], sequences[0] + CREATORS))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_creation_skips_its_number_and_never_gives_it_again(customer_a: Organisation) -> None:
    first = services.create_ticket(actor=None, organisation=customer_a, title="Kept")

    def create_then_fail() -> None:
        with transaction.atomic():
            services.create_ticket(actor=None, organisation=customer_a, title="Rolled back")
            raise RuntimeError("the caller's transaction fails after the creation")

    with pytest.raises(RuntimeError):
        create_then_fail()
    second = services.create_ticket(actor=None, organisation=customer_a, title="Next")
    gap = int(second.number[-5:]) - int(first.number[-5:])
    # SQLite's counter row is rolled back with the creation; PostgreSQL's sequence is not.
    assert gap == (1 if connection.vendor == "sqlite" else 2)
    assert Ticket.objects.filter(number__in=[first.number, second.number]).count() == 2


@pytest.mark.postgresql  # day sequences are PostgreSQL's; SQLite keeps the counter row
@pytest.mark.django_db(transaction=True)
def test_a_day_sequence_starts_after_the_numbers_the_day_already_has(customer_a: Organisation) -> None:
    """A day whose sequence is gone (dropped as old, or numbers given by the counter before
    sequences) goes on after its highest number instead of giving one again."""
    when = datetime.datetime(2025, 3, 3, 4, 0, tzinfo=datetime.UTC)
    made = services.create_ticket(actor=None, organisation=customer_a, title="Old day", created_at=when)
    Ticket.objects.filter(pk=made.pk).update(number="SR2025030300057")
    with connection.cursor() as cursor:
        cursor.execute('DROP SEQUENCE "tickets_sr_20250303"')
    later = services.create_ticket(actor=None, organisation=customer_a, title="Late", created_at=when)
    assert later.number == "SR2025030300058"
    DailyCounter.objects.create(day=datetime.date(2025, 3, 4), value=41)  # given by the old counter
    with connection.cursor() as cursor:
        cursor.execute('DROP SEQUENCE IF EXISTS "tickets_sr_20250304"')
    next_day = when + datetime.timedelta(days=1)
    assert (
        services.create_ticket(
            actor=None, organisation=customer_a, title="Counter", created_at=next_day
        ).number
        == "SR2025030400042"
    )


@pytest.mark.postgresql  # SQLite's counter row is written in the same transaction as any bulk insert
@pytest.mark.django_db
def test_numbers_written_outside_the_sequence_in_this_transaction_are_not_given_again(
    customer_a: Organisation,
) -> None:
    """The demo writes requests in bulk with their numbers; a request made afterwards in the same
    transaction goes on after them, although the day's sequence (made on its own connection) could
    not see them."""
    when = datetime.datetime(2025, 5, 6, 4, 0, tzinfo=datetime.UTC)
    first = services.create_ticket(actor=None, organisation=customer_a, title="Before", created_at=when)
    bulk = [
        Ticket(
            number=f"SR20250506{int(first.number[-5:]) + n:05d}",
            organisation=customer_a,
            title=f"Bulk {n}",
            service_kind=first.service_kind,
            created_at=when,
        )
        for n in (1, 2, 3)
    ]
    Ticket.objects.bulk_create(bulk)
    after = services.create_ticket(actor=None, organisation=customer_a, title="After", created_at=when)
    assert int(after.number[-5:]) == int(first.number[-5:]) + 4
    again = services.create_ticket(actor=None, organisation=customer_a, title="Again", created_at=when)
    assert int(again.number[-5:]) == int(first.number[-5:]) + 5
