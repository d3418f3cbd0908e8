"""Two copies of one step racing each other (a retry while the first is still in flight, two tabs):
PostgreSQL lets one perform it; the other waits on the key and answers as a repeat."""

import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import connection

from sasms.accounts.models import User
from sasms.field.models import SyncedAction, Visit
from sasms.field.services.sync import Outcome, Step, perform_step
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_the_same_check_in_sent_twice_at_once_is_performed_once(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit]
) -> None:
    visit = walk(visit, "accepted")
    step = Step(key=uuid.uuid4(), action="check_in", latitude=39.9, longitude=116.4, accuracy=5)
    outcomes: list[Outcome] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        try:
            barrier.wait()
            outcomes.append(perform_step(actor=field_engineer, visit=visit, step=step))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(o.duplicate for o in outcomes) == [False, True]
    assert SyncedAction.objects.filter(key=step.key).count() == 1
    assert TicketEvent.objects.filter(ticket_id=visit.ticket_id, data__step="checked_in").count() == 1
    assert Ticket.objects.get(pk=visit.ticket_id).visit_count == 1
