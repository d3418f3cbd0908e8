"""The database stamps audit times: a back-dated row is stamped anew or refused, never sealed quietly.

Probe finding: a row inserted straight into the database with a back-dated time was sealed and
passed ``sasms audit verify``.
"""

import datetime
import importlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sasms.accounts import services as account_services
from sasms.accounts.models import OrganisationKind
from sasms.core.auditchain import seal_pending, verify_chain
from sasms.core.models import AuditEntry

pytestmark = pytest.mark.django_db

stamp_migration = importlib.import_module("sasms.core.migrations.0005_audit_database_time")
INSERT = (
    "INSERT INTO core_auditentry (created_at, actor_label, action, object_type, object_id, object_label,"
    " changes, channel, user_agent, request_id) "
    "VALUES (%s, 'mallory', 'contract.forged', 'contracts.contract', '1', 'forged', '{}', 'web', '', '')"
)
REFUSED = IntegrityError  # SQLite RAISE(ABORT), PostgreSQL check_violation


def _history(count: int = 3) -> None:
    for n in range(count):
        account_services.create_organisation(
            actor=None, name=f"Customer {n}", code=f"cust-{n}", kind=OrganisationKind.CUSTOMER
        )


def _raw_insert(created_at: datetime.datetime) -> int:
    with connection.cursor() as cursor:
        sqlite_text = created_at.strftime("%Y-%m-%d %H:%M:%S.%f")
        value = created_at if connection.vendor == "postgresql" else sqlite_text
        cursor.execute(INSERT, [value])
        cursor.execute("SELECT max(id) FROM core_auditentry")
        return int(cursor.fetchone()[0])


def _triggers_off() -> None:
    """Someone with the database owner's rights switches the audit triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_stamp")


def _triggers_on() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute(stamp_migration.SQLITE_STAMP)


def test_the_database_stamps_an_entry_and_the_saved_object_carries_its_time() -> None:
    before = timezone.now()
    _history(1)
    entry = AuditEntry.objects.get()
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert (
        before - datetime.timedelta(seconds=5)
        <= fresh.created_at
        <= timezone.now() + datetime.timedelta(seconds=5)
    )
    # The object returned by the write holds the database's value (RETURNING), not a guess.
    recorded = account_services.create_organisation(
        actor=None, name="Another", code="another", kind=OrganisationKind.CUSTOMER
    )
    latest = AuditEntry.objects.filter(object_id=str(recorded.pk), action="organisation.create").get()
    assert isinstance(latest.created_at, datetime.datetime)


def test_a_back_dated_raw_insert_is_stamped_anew_or_refused() -> None:
    _history()
    seal_pending()
    week_ago = timezone.now() - datetime.timedelta(days=7)
    if connection.vendor == "postgresql":
        forged = AuditEntry.objects.get(pk=_raw_insert(week_ago))
        assert forged.created_at > timezone.now() - datetime.timedelta(minutes=1)
    else:
        with pytest.raises(REFUSED, match="database time"), transaction.atomic():
            _raw_insert(week_ago)
        assert not AuditEntry.objects.filter(action="contract.forged").exists()


def test_an_entry_older_than_the_chain_head_is_refused() -> None:
    _history()
    # The head of the chain is dated tomorrow (written with the triggers off, then sealed) ...
    _triggers_off()
    _raw_insert(timezone.now() + datetime.timedelta(days=1))
    _triggers_on()
    seal_pending()
    count = AuditEntry.objects.count()
    # ... so an entry stamped now is older than the head and the database refuses it.
    with pytest.raises(REFUSED), transaction.atomic():
        account_services.create_organisation(
            actor=None, name="Late", code="late", kind=OrganisationKind.CUSTOMER
        )
    assert AuditEntry.objects.count() == count


def test_verify_reports_an_entry_out_of_time_order() -> None:
    _history()
    seal_pending()
    assert verify_chain().intact
    _triggers_off()
    forged_id = _raw_insert(timezone.now() - datetime.timedelta(days=3))
    _triggers_on()
    seal_pending()
    report = verify_chain()
    assert not report.intact
    assert len(report.problems) == 1
    assert f"entry {forged_id} (contract.forged" in report.problems[0]
    assert "out of time order" in report.problems[0]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_entries_a_little_out_of_order_within_the_tolerance_verify() -> None:
    _history()
    seal_pending()
    _triggers_off()
    _raw_insert(timezone.now() - datetime.timedelta(seconds=30))  # a transaction that took 30 s
    _triggers_on()
    seal_pending()
    assert verify_chain().intact
