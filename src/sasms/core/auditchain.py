"""Sealing and verifying the hash chain over the audit trail.

``seal_pending`` gives every committed, unsealed entry the next sequence number and
``sha256(previous hash + canonical entry)``; ``verify_chain`` recomputes the chain and names each
entry whose content no longer matches its seal, each gap in the sequence (deleted seals and
entries), each entry sealed after one dated later than itself by more than
``SASMS_AUDIT_ORDER_TOLERANCE_SECONDS`` (a back-dated row: the database stamps real entries with its
own clock, so only a transaction's own length puts them out of order) and how many recent entries
still wait for their seal. The newest hash it prints is the
value to keep outside the database: a chain cut at its end can only be told by comparing it.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from sasms.core.models import AuditEntry, AuditSeal

GENESIS = "0" * 64
# An arbitrary, fixed key for PostgreSQL's advisory lock: one sealer at a time.
SEALER_LOCK = 0x5A5A_A0D1
BATCH = 2000


def canonical(entry: AuditEntry) -> str:
    """The entry's content as one stable string (UTC times, sorted keys)."""
    created = entry.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return json.dumps(
        [
            entry.pk,
            created,
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.object_label,
            entry.organisation_id,
            entry.changes,
            entry.channel,
            entry.ip_address,
            entry.user_agent,
            entry.request_id,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def chain_hash(previous: str, entry: AuditEntry) -> str:
    return hashlib.sha256((previous + canonical(entry)).encode()).hexdigest()


def seal_pending(*, limit: int = 100_000) -> int:
    """Seal committed entries that have no seal yet, oldest id first. Returns how many."""
    sealed = 0
    while sealed < limit:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK])
            last = AuditSeal.objects.order_by("-sequence").first()
            sequence = last.sequence if last else 0
            previous = last.entry_hash if last else GENESIS
            batch = list(
                AuditEntry.objects.filter(seal__isnull=True).order_by("id")[: min(BATCH, limit - sealed)]
            )
            if not batch:
                break
            seals = []
            for entry in batch:
                sequence += 1
                digest = chain_hash(previous, entry)
                seals.append(
                    AuditSeal(sequence=sequence, entry=entry, previous_hash=previous, entry_hash=digest)
                )
                previous = digest
            AuditSeal.objects.bulk_create(seals)
            sealed += len(seals)
    return sealed


@dataclass
class ChainReport:
    checked: int = 0
    head_sequence: int = 0
    head_hash: str = GENESIS
    unsealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _seals() -> Iterator[AuditSeal]:
    start = 0
    while True:
        batch = list(
            AuditSeal.objects.filter(sequence__gt=start).select_related("entry").order_by("sequence")[:BATCH]
        )
        if not batch:
            return
        yield from batch
        start = batch[-1].sequence


def verify_chain() -> ChainReport:
    """Recompute the chain from the first seal; never writes."""
    report = ChainReport()
    expected_sequence = 1
    previous = GENESIS
    tolerance = datetime.timedelta(seconds=settings.SASMS_AUDIT_ORDER_TOLERANCE_SECONDS)
    newest: AuditEntry | None = None
    for seal in _seals():
        if seal.sequence != expected_sequence:
            report.problems.append(
                f"seals {expected_sequence}–{seal.sequence - 1} are missing: "
                f"entries deleted before entry {seal.entry_id}"
            )
        if seal.previous_hash != previous:
            report.problems.append(
                f"seal {seal.sequence} (entry {seal.entry_id}) does not follow the seal before it"
            )
        digest = chain_hash(seal.previous_hash, seal.entry)
        if digest != seal.entry_hash:
            entry = seal.entry
            report.problems.append(
                f"entry {seal.entry_id} ({entry.action} {entry.object_type} {entry.object_id}) "
                f"was changed after it was sealed as {seal.sequence}"
            )
        entry = seal.entry
        if newest is not None and entry.created_at < newest.created_at - tolerance:
            report.problems.append(
                f"entry {entry.pk} ({entry.action} {entry.object_type} {entry.object_id}) is dated "
                f"{entry.created_at.isoformat()} but was sealed after entry {newest.pk} of "
                f"{newest.created_at.isoformat()}: out of time order (back-dated)"
            )
        if newest is None or entry.created_at > newest.created_at:
            newest = entry
        previous = seal.entry_hash
        expected_sequence = seal.sequence + 1
        report.checked += 1
        report.head_sequence, report.head_hash = seal.sequence, seal.entry_hash
    # Entries written since the last sealer run (or committed late) wait for the next one.
    report.unsealed = AuditEntry.objects.filter(seal__isnull=True).count()
    return report
