"""The audit trail's hash chain: sealed, verified, and tampering pinpointed."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sasms.accounts import services as account_services
from sasms.accounts.models import OrganisationKind
from sasms.core.auditchain import seal_pending, verify_chain
from sasms.core.models import AuditEntry, AuditSeal

pytestmark = pytest.mark.django_db


def _write_some_history(count: int = 5) -> list[AuditEntry]:
    for n in range(count):
        account_services.create_organisation(
            actor=None, name=f"Customer {n}", code=f"cust-{n}", kind=OrganisationKind.CUSTOMER
        )
    return list(AuditEntry.objects.order_by("id"))


def _as_attacker(sql: str, params: list[str | int]) -> None:
    """Someone with database access goes around the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As the database owner: triggers (and foreign keys) stop firing for this transaction.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditseal_no_update")
        cursor.execute(sql, params)


def test_sealed_chain_verifies_and_new_entries_extend_it() -> None:
    entries = _write_some_history()
    assert seal_pending() == len(entries)
    assert seal_pending() == 0
    report = verify_chain()
    assert (report.intact, report.checked, report.unsealed) == (True, len(entries), 0)
    first_head = report.head_hash
    account_services.create_organisation(actor=None, name="Late", code="late", kind=OrganisationKind.CUSTOMER)
    assert verify_chain().unsealed == 1
    assert seal_pending() == 1
    report = verify_chain()
    assert report.intact
    assert report.head_hash != first_head
    assert AuditSeal.objects.get(sequence=report.head_sequence).previous_hash == first_head
    call_command("audit", "verify")


def test_a_changed_entry_is_pinpointed() -> None:
    entries = _write_some_history()
    seal_pending()
    victim = entries[2]
    _as_attacker("UPDATE core_auditentry SET actor_label = %s WHERE id = %s", ["someone-else", victim.pk])
    report = verify_chain()
    assert not report.intact
    assert len(report.problems) == 1
    assert f"entry {victim.pk} " in report.problems[0]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_a_deleted_entry_leaves_a_gap() -> None:
    entries = _write_some_history()
    seal_pending()
    victim = entries[1]
    sequence = AuditSeal.objects.get(entry=victim).sequence
    _as_attacker("DELETE FROM core_auditseal WHERE entry_id = %s", [victim.pk])
    _as_attacker("DELETE FROM core_auditentry WHERE id = %s", [victim.pk])
    report = verify_chain()
    assert not report.intact
    assert any(f"seals {sequence}–{sequence} are missing" in p for p in report.problems)


def test_the_trail_and_its_seals_refuse_changes_through_the_orm() -> None:
    _write_some_history(1)
    seal_pending()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditseal SET entry_hash = 'x'")
