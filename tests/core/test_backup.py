"""Backup and restore round trip: every table's rows and checksum, and the stored files, come back."""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection as db_connection
from django.db import transaction

from sasms.accounts.models import Organisation, User
from sasms.core import backup as backup_module
from sasms.core.backup import backup, restore, table_checksums
from sasms.tickets import services
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def test_round_trip_restores_every_table_and_file(
    media: Path, tmp_path: Path, customer_a: Organisation, agent: User, make_user: Callable[..., User]
) -> None:
    ticket = services.create_ticket(actor=agent, organisation=customer_a, title="Fan failure 风扇故障")
    services.add_comment(actor=agent, ticket=ticket, body="带中文的备注 and English")
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "log.txt").write_bytes(b"BMC log\n")
    before = table_checksums()
    archive = tmp_path / "backup.tar.gz"
    result = backup(archive)
    assert result.rows == sum(t["rows"] for t in before.values())
    assert result.files == 1

    # Life goes on after the backup: a new request, a changed one, a deleted file.
    services.create_ticket(actor=agent, organisation=customer_a, title="After the backup")
    Ticket.objects.filter(pk=ticket.pk).update(title="changed")
    (media / "attachments" / "log.txt").unlink()
    assert table_checksums() != before

    restored = restore(archive)
    assert restored.mismatches == []
    assert table_checksums() == before
    assert (media / "attachments" / "log.txt").read_bytes() == b"BMC log\n"
    assert Ticket.objects.get(pk=ticket.pk).title == "Fan failure 风扇故障"
    assert not Ticket.objects.filter(title="After the backup").exists()


def test_restore_refuses_without_confirmation_and_foreign_archives(media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    call_command("backup", "--output", str(archive))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    junk = tmp_path / "junk.tar.gz"
    import tarfile

    with tarfile.open(junk, "w:gz"):
        pass
    with pytest.raises(CommandError):
        call_command("restore", str(junk), "--yes")


@pytest.mark.postgresql
def test_a_backup_taken_while_sasms_writes_matches_itself(
    media: Path,
    tmp_path: Path,
    customer_a: Organisation,
    agent: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A write that commits after the rows are counted but before the dump is not in either."""
    services.create_ticket(actor=agent, organisation=customer_a, title="Before the backup")
    count_rows = backup_module.table_checksums
    written: list[str] = []

    def write_from_elsewhere() -> None:
        try:
            ticket = services.create_ticket(actor=agent, organisation=customer_a, title="During the backup")
            written.append(ticket.number)
        finally:
            db_connection.close()

    def count_then_let_another_session_write() -> dict[str, dict[str, Any]]:
        counted = count_rows()
        writer = threading.Thread(target=write_from_elsewhere)
        writer.start()
        writer.join()
        return counted

    monkeypatch.setattr(backup_module, "table_checksums", count_then_let_another_session_write)
    archive = tmp_path / "live.tar.gz"
    backup(archive)
    monkeypatch.undo()
    assert written, "the concurrent writer committed"
    restored = restore(archive)
    assert restored.mismatches == []
    assert not Ticket.objects.filter(title="During the backup").exists()
    assert Ticket.objects.filter(title="Before the backup").exists()


def test_backup_refuses_to_run_inside_a_transaction(media: Path, tmp_path: Path) -> None:
    with transaction.atomic(), pytest.raises(ValueError, match="outside a transaction"):
        backup(tmp_path / "b.tar.gz")
