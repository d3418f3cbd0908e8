"""Backup and restore round trip: every table's rows and checksum, and the stored files, come back."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sasms.accounts.models import Organisation, User
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
