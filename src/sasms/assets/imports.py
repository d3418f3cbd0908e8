"""Bulk import of servers and components from a CMDB export (CSV or XLSX).

A job is checked first (the dry run: every row validated, nothing written, per-row errors kept),
then applied. Applying checks again against the current data and writes all rows in one
transaction, so a failed batch changes nothing — unless the user chose to skip bad rows, in which
case only the good rows are written. Rows are matched on (vendor, serial): re-importing updates,
never duplicates. Progress counters are written outside the data transaction so a page can poll
them while the job runs.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.assets import importplan
from sasms.assets.importfile import read_table
from sasms.assets.models import Component, ImportJob, ImportKind, ImportStatus, Server
from sasms.core.audit import record_audit
from sasms.core.context import current_origin
from sasms.core.errors import Conflict, ServiceError
from sasms.core.models import AuditEntry
from sasms.core.permissions import require
from sasms.core.uploads import looks_like_text

MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 500
BATCH = 1000
MAX_FILE_BYTES = 50 * 1024 * 1024
LOCKED_RETRIES = 100


@dataclass
class Outcome:
    """What a check or an import found: the rows to write and the rows refused."""

    plans: list[importplan.RowPlan] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_rows: int = 0


@transaction.atomic
def start_import(
    *, actor: User, kind: str, upload: UploadedFile[bytes], skip_bad_rows: bool = False
) -> ImportJob:
    """Store the file and open a job; the caller schedules :func:`check_import` as a task."""
    require(actor, Capability.MANAGE_ASSETS)
    name = upload.name or "import"
    errors: dict[str, list[str]] = {}
    if kind not in ImportKind.values:
        errors["kind"] = [_("Choose servers or components.")]
    if not name.lower().endswith((".csv", ".xlsx")):
        errors["file"] = [_("Upload a .csv or .xlsx file.")]
    elif (upload.size or 0) > MAX_FILE_BYTES:
        errors["file"] = [_("The file is larger than 50 MB; split it into several files.")]
    elif not _content_matches(upload, name):
        extension = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
        errors["file"] = [_("The file's content is not a %(type)s file.") % {"type": extension}]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    job = ImportJob(kind=kind, original_name=name[:200], skip_bad_rows=skip_bad_rows, created_by=actor)
    job.file.save(name, upload, save=False)
    job.save()
    record_audit(actor=actor, action="asset_import.start", target=job, changes={"file": [None, name]})
    return job


def _content_matches(upload: UploadedFile[bytes], name: str) -> bool:
    """An XLSX file is a ZIP container; a CSV file is text. Refused at once rather than failing
    later in the background check (a renamed program, a PDF saved as .csv)."""
    upload.seek(0)
    head: bytes = upload.read(8192)
    upload.seek(0)
    if name.lower().endswith(".xlsx"):
        return head.startswith(b"PK\x03\x04")
    return looks_like_text(head)


def _progress(job: ImportJob, **counters: Any) -> None:
    # A plain UPDATE outside the data transaction: visible to the polling page at once.
    for attempt in range(LOCKED_RETRIES + 1):
        try:
            ImportJob.objects.filter(pk=job.pk).update(**counters)
            break
        except OperationalError as error:
            if not _may_retry(error) or attempt == LOCKED_RETRIES:
                raise
            time.sleep(0.05)
    for name, value in counters.items():
        setattr(job, name, value)


def _may_retry(error: OperationalError) -> bool:
    """A SQLite table lock met outside a transaction: wait and write the counters again.

    A file database waits on its own (busy timeout); a shared-cache one (the in-memory database
    the embedded mode's background thread shares with the polling page) reports it at once.
    """
    connection = transaction.get_connection()
    return connection.vendor == "sqlite" and not connection.in_atomic_block and "locked" in str(error)


def _evaluate(job: ImportJob) -> Outcome:
    with job.file.open("rb") as handle:
        rows = read_table(handle, job.original_name)
    _progress(job, status=job.status, total_rows=len(rows), processed_rows=0)
    outcome = Outcome()
    planner = importplan.planner_for(job.kind)
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        for offset, plan in enumerate(planner.plan(chunk, first_row=start + 2)):
            if plan.errors:
                outcome.error_rows += 1
                if len(outcome.errors) < MAX_STORED_ERRORS:
                    outcome.errors.append({"row": start + 2 + offset, "fields": plan.errors})
            else:
                outcome.plans.append(plan)
        done = min(start + BATCH, len(rows))
        if done % PROGRESS_EVERY == 0 or done == len(rows):
            _progress(job, processed_rows=done)
    return outcome


@contextmanager
def _failing_job(job: ImportJob) -> Iterator[None]:
    try:
        yield
    except ServiceError as error:
        _progress(
            job,
            status=ImportStatus.FAILED,
            message=error.message,
            finished_at=timezone.now(),
        )


def check_import(*, job_id: int) -> ImportJob:
    """The dry run: validate every row, count what would be created and updated, write nothing."""
    job = ImportJob.objects.get(pk=job_id)
    _progress(job, status=ImportStatus.VALIDATING)
    with _failing_job(job):
        outcome = _evaluate(job)
        _progress(
            job,
            status=ImportStatus.PREVIEW,
            errors=outcome.errors,
            error_rows=outcome.error_rows,
            created_count=sum(1 for p in outcome.plans if p.instance.pk is None),
            updated_count=sum(1 for p in outcome.plans if p.instance.pk is not None),
        )
    return job


@transaction.atomic
def confirm_import(*, actor: User, job: ImportJob) -> ImportJob:
    """Accept a previewed job; the caller schedules :func:`apply_import` as a task."""
    require(actor, Capability.MANAGE_ASSETS)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.PREVIEW:
        raise Conflict(_("This import has already been started or has failed."), code="not_previewed")
    if job.error_rows and not job.skip_bad_rows:
        # All or nothing: a file with bad rows is fixed and uploaded again, or imported with skipping.
        raise Conflict(_("The file has rows with errors; nothing can be imported."), code="has_errors")
    job.status = ImportStatus.IMPORTING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows"])
    return job


def apply_import(*, job_id: int) -> ImportJob:
    """Check again against today's data, then write every good row in one transaction."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return job  # a repeated delivery of the task: the job has been handled already
    with _failing_job(job):
        outcome = _evaluate(job)
        if outcome.error_rows and not job.skip_bad_rows:
            _progress(
                job,
                status=ImportStatus.FAILED,
                errors=outcome.errors,
                error_rows=outcome.error_rows,
                created_count=0,
                updated_count=0,
                message=_("Nothing was imported: %(count)d rows have errors.")
                % {"count": outcome.error_rows},
                finished_at=timezone.now(),
            )
            return job
        try:
            created, updated = _write(job, outcome.plans)
        except IntegrityError as exc:
            # Someone changed the same servers between the check and the write: nothing was written.
            raise Conflict(_("The data changed while importing; nothing was imported. Try again.")) from exc
        _progress(
            job,
            status=ImportStatus.DONE,
            errors=outcome.errors,
            error_rows=outcome.error_rows,
            created_count=created,
            updated_count=updated,
            message="",
            finished_at=timezone.now(),
        )
    return job


@transaction.atomic
def _write(job: ImportJob, plans: list[importplan.RowPlan]) -> tuple[int, int]:
    manager: Any = Server.objects if job.kind == ImportKind.SERVERS else Component.objects
    new = [p.instance for p in plans if p.instance.pk is None]
    existing = [p.instance for p in plans if p.instance.pk is not None]
    fields = importplan.UPDATE_FIELDS[job.kind]
    for start in range(0, len(new), BATCH):
        manager.bulk_create(new[start : start + BATCH])
    if existing:
        manager.bulk_update(existing, fields, batch_size=BATCH)
    if job.kind == ImportKind.SERVERS and new and new[0].pk is None:
        # Backends that do not return ids from bulk inserts (none we support today): read them back.
        _reload_ids(new)
    _audit_rows(job, plans)
    record_audit(
        actor=job.created_by,
        action="asset_import.apply",
        target=job,
        changes={"created": [None, len(new)], "updated": [None, len(existing)]},
    )
    return len(new), len(existing)


def _reload_ids(servers: list[Any]) -> None:
    keys = {(s.vendor_id, s.serial): s for s in servers}
    for pk, vendor_id, serial in Server.objects.filter(serial__in=[s.serial for s in servers]).values_list(
        "pk", "vendor_id", "serial"
    ):
        if (vendor_id, serial) in keys:
            keys[(vendor_id, serial)].pk = pk


def _audit_rows(job: ImportJob, plans: list[importplan.RowPlan]) -> None:
    """One audit entry per written row (bulk-inserted: the trail is append-only either way)."""
    origin = current_origin()
    actor = job.created_by
    object_type = "assets.server" if job.kind == ImportKind.SERVERS else "assets.component"
    entries = [
        AuditEntry(
            actor=actor,
            actor_label=actor.email,
            action=f"{'server' if job.kind == ImportKind.SERVERS else 'component'}.import",
            object_type=object_type,
            object_id=str(plan.instance.pk),
            object_label=str(plan.instance)[:200],
            organisation_id=plan.organisation_id,
            changes=plan.changes,
            channel=origin.channel,
            ip_address=origin.ip_address,
            user_agent=origin.user_agent,
            request_id=origin.request_id,
        )
        for plan in plans
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
