"""Row locks and counters of the tickets app, in one place.

Every function here must run inside the caller's transaction: the lock is held until it commits.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from sasms.tickets.models import DailyCounter, Ticket


def lock_ticket(ticket_id: int) -> Ticket:
    """The request, re-read under a row lock so that concurrent transitions serialise."""
    return Ticket.objects.select_for_update().get(pk=ticket_id)


def lock_tickets(ticket_ids: list[int]) -> list[Ticket]:
    """Several requests locked in id order, so two bulk actions cannot deadlock each other."""
    return list(Ticket.objects.select_for_update().filter(pk__in=ticket_ids).order_by("pk"))


def next_daily_sequence(day: datetime.date) -> int:
    """The next number of ``day``: an ``F()`` increment of the day's counter row.

    The UPDATE takes the row lock, so concurrent creators queue on it and each reads back its own
    value; the first creator of a day inserts the row inside a savepoint, and a creator that lost
    that race simply finds the row and increments it.
    """
    assert transaction.get_connection().in_atomic_block, "call inside the creating transaction"
    if not DailyCounter.objects.filter(day=day).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                DailyCounter.objects.create(day=day, value=1)
                return 1
        except IntegrityError:
            DailyCounter.objects.filter(day=day).update(value=F("value") + 1)
    return DailyCounter.objects.filter(day=day).values_list("value", flat=True).get()
