"""Real commits on PostgreSQL: 32 requests race for the last 5 units — exactly 5 win, the others
are told "not available" with the alternatives, and stock never goes below zero."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections, transaction
from django.utils import translation

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Server
from sasms.parts import services
from sasms.parts.models import Depot, Movement, Part, Problem, Reservation
from sasms.parts.reconcile import reconcile
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind
from sasms.tickets.events import record_event
from sasms.tickets.models import Ticket
from tests.parts.conftest import balance

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def race(targets: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(targets))

    def run(target: Callable[[], Any]) -> None:
        # Each thread starts in the site's default language; the messages are asserted in English.
        translation.activate("en")
        try:
            barrier.wait()
            outcome = target()
            with lock:
                results.append(outcome)
        except BaseException as exc:  # handed to the test, never swallowed
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _tickets(organisation: Organisation, server: Server, count: int) -> list[Ticket]:
    return [
        ticket_services.create_ticket(
            actor=None, organisation=organisation, server=server, title=f"Disk {n}", component="disk"
        )
        for n in range(count)
    ]


def test_32_requests_for_the_last_5_units(
    engineer: User,
    customer_a: Organisation,
    server_a: Server,
    disk: Part,
    disk_sub: Part,
    depots: dict[str, Depot],
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 5)
    stock(disk, depots["hz"], 2)
    stock(disk_sub, depots["central"], 4)
    tickets = _tickets(customer_a, server_a, 32)

    def reserve(ticket: Ticket) -> Callable[[], Any]:
        return lambda: services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"])

    won, lost = race([reserve(t) for t in tickets])
    assert len(won) == 5
    assert len(lost) == 27
    assert all(isinstance(e, services.NotAvailable) for e in lost), [
        repr(e) for e in lost if not isinstance(e, services.NotAvailable)
    ]
    for error in lost:
        assert isinstance(error, services.NotAvailable)
        assert error.message.startswith("Not available")
        assert [(a.depot_code, a.substitute) for a in error.alternatives] == [
            ("hz-fsl", False),
            ("sh-central", True),
        ]
    assert balance(disk, depots["sh"]) == (5, 5)
    assert Reservation.objects.filter(status="reserved").count() == 5
    assert Movement.objects.filter(kind="reserve", part=disk).count() == 5
    assert reconcile().ok


def test_parts_used_on_racing_visits_never_take_stock_below_zero(
    field_engineer: User,
    customer_a: Organisation,
    server_a: Server,
    disk: Part,
    depots: dict[str, Depot],
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 3)
    tickets = _tickets(customer_a, server_a, 10)

    def use(ticket: Ticket) -> Callable[[], Any]:
        data = {
            "step": "used",
            "visit_id": None,
            "part_number": "DISK-4T",
            "quantity": 1,
            "serial": "",
            "removed_serial": "",
            "occurred_at": "",
        }

        @transaction.atomic  # as the field app's add_part records it
        def record() -> Any:
            return record_event(ticket=ticket, actor=field_engineer, kind=EventKind.PARTS, data=data)

        return record

    done, errors = race([use(t) for t in tickets])
    assert errors == []
    assert len(done) == 10  # every visit recorded its part
    assert balance(disk, depots["sh"]) == (0, 0)
    assert Movement.objects.filter(kind="issue").count() == 3
    assert Problem.objects.filter(kind="no_stock").count() == 7
    assert reconcile().ok
