"""Row locks and counters of the tickets app, in one place.

Every function here must run inside the caller's transaction: a lock is held until it commits
(the day's SR sequence on PostgreSQL takes none: see :func:`next_daily_sequence`).
"""

import contextlib
import datetime

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.models import F
from django.utils import timezone

from sasms.tickets.models import DailyCounter, Ticket


def lock_ticket(ticket_id: int) -> Ticket:
    """The request, re-read under a row lock so that concurrent transitions serialise."""
    return Ticket.objects.select_for_update().get(pk=ticket_id)


def lock_tickets(ticket_ids: list[int]) -> list[Ticket]:
    """Several requests locked in id order, so two bulk actions cannot deadlock each other."""
    return list(Ticket.objects.select_for_update().filter(pk__in=ticket_ids).order_by("pk"))


SEQUENCE_PREFIX = "tickets_sr_"
# Day sequences older than this are dropped when a new day's sequence is made (one small object a
# day would otherwise pile up); a late creation for such a day makes it again, starting after the
# highest number that day already has.
KEEP_DAY_SEQUENCES = datetime.timedelta(days=7)


def next_daily_sequence(day: datetime.date) -> int:
    """The next number of ``day``.

    PostgreSQL: ``nextval`` of the day's own sequence. A sequence hands out values without a lock
    held to the end of the transaction, so concurrent creators never wait on each other; the price
    is that a creation that rolls back leaves a gap (its number is not given again). The numbers
    stay unique (and the ``number`` column's unique index guards it anyway).

    SQLite: one writer at a time holds the database for its whole transaction, so the day's counter
    row costs no extra waiting there and the numbers stay gap-free.
    """
    assert transaction.get_connection().in_atomic_block, "call inside the creating transaction"
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        return _next_from_day_sequence(day)
    return _next_from_counter_row(day)


def day_sequence_name(day: datetime.date) -> str:
    return f"{SEQUENCE_PREFIX}{day:%Y%m%d}"


def _next_from_day_sequence(day: datetime.date) -> int:
    name = day_sequence_name(day)
    # One round trip, and no row when the day has no sequence yet. The name is looked up in pg_class
    # by this statement's snapshot: a ::regclass literal would fail while the statement is parsed,
    # and to_regclass can miss a sequence another connection has just made (it trusts the session's
    # catalogue cache, refreshed only when a lock is taken).
    # The same round trip reads the day's highest number this transaction can see: numbers written
    # outside the sequence (the demo's bulk insert, uncommitted when the sequence was made on its own
    # connection) must not be given again.
    prefix = f"SR{day:%Y%m%d}"
    sql = (
        "SELECT nextval(c.oid::regclass),"
        " (SELECT max(substr(t.number, %s)::int) FROM tickets_ticket t"
        "  WHERE t.number >= %s AND t.number < %s AND t.number ~ '^SR[0-9]{13}$')"
        " FROM pg_class c WHERE c.relname = %s AND c.relkind = 'S'"
        " AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
    )
    params = [len(prefix) + 1, prefix, prefix + "A", name]
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            _create_day_sequence(day)
            cursor.execute(sql, params)
            row = cursor.fetchone()
        value, highest = int(row[0]), row[1]
        if highest is not None and int(highest) >= value:
            value = int(highest) + 1
            cursor.execute(f"SELECT setval('\"{name}\"', %s)", [value])
    return value


def _create_day_sequence(day: datetime.date) -> None:
    """Make ``day``'s sequence on a connection of its own, committed at once.

    Made inside the creating transaction, the new catalogue row would stay uncommitted until that
    transaction ends and every other creator of the day would wait on it. It starts after the
    highest number the day already has (requests made before this scheme, demo data, a sequence
    dropped as old), read from committed rows.
    """
    name = day_sequence_name(day)
    prefix = f"SR{day:%Y%m%d}"
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            cursor.execute(
                "SELECT GREATEST("
                " (SELECT max(substr(number, %s)::int) FROM tickets_ticket"
                "  WHERE number >= %s AND number < %s AND number ~ '^SR[0-9]{13}$'),"
                " (SELECT value FROM tickets_dailycounter WHERE day = %s), 0)",
                [len(prefix) + 1, prefix, prefix + "A", day],
            )
            start = int(cursor.fetchone()[0]) + 1
            # A concurrent creator may make it a moment before (a duplicate-key error): theirs serves.
            with contextlib.suppress(DatabaseError):
                cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START WITH {start}')
            oldest_kept = f"{SEQUENCE_PREFIX}{timezone.localdate() - KEEP_DAY_SEQUENCES:%Y%m%d}"
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE %s AND relname < %s",
                [SEQUENCE_PREFIX + "%", oldest_kept],
            )
            for (old,) in cursor.fetchall():
                if old != name:
                    cursor.execute(f'DROP SEQUENCE IF EXISTS "{old}"')
    finally:
        own.close()


def _next_from_counter_row(day: datetime.date) -> int:
    """An ``F()`` increment of the day's counter row (gap-free: a rollback gives the number back).

    The UPDATE takes the row lock, so concurrent creators queue on it and each reads back its own
    value; the first creator of a day inserts the row inside a savepoint, and a creator that lost
    that race simply finds the row and increments it.
    """
    if not DailyCounter.objects.filter(day=day).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                DailyCounter.objects.create(day=day, value=1)
                return 1
        except IntegrityError:
            DailyCounter.objects.filter(day=day).update(value=F("value") + 1)
    return DailyCounter.objects.filter(day=day).values_list("value", flat=True).get()
