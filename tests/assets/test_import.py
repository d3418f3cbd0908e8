import csv
import io
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from sasms.accounts.models import Organisation, User
from sasms.assets import imports, tasks
from sasms.assets.models import Component, ImportJob, ImportStatus, Server, ServerModel, Site
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry

HEADER = ["Vendor", "Model", "Serial Number", "Customer", "Site", "Hostname", "Status", "Warranty_End"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _csv(rows: list[list[Any]], header: list[str] = HEADER) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("cmdb.csv", ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv")


def _xlsx(rows: list[list[Any]], header: list[str] = HEADER) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("cmdb.xlsx", buffer.getvalue())


def _run(actor: User, upload: SimpleUploadedFile, *, kind: str = "servers", skip: bool = False) -> ImportJob:
    job = imports.start_import(actor=actor, kind=kind, upload=upload, skip_bad_rows=skip)
    job = imports.check_import(job_id=job.pk)
    if job.status != ImportStatus.PREVIEW or (job.error_rows and not skip):
        return job
    imports.confirm_import(actor=actor, job=job)
    return imports.apply_import(job_id=job.pk)


@pytest.fixture
def good_rows(server_model: ServerModel, customer_a: Organisation, site_a: Site) -> list[list[Any]]:
    return [
        ["Dell", "PowerEdge R740", "IMP001", "cust-a", "Beijing DC-1", "h1", "in_service", "2028-01-31"],
        ["dell", "poweredge r740", "IMP002", "Customer A 甲银行", "", "h2", "In stock", "2028/02/01"],
    ]


def test_good_file_previews_then_imports(engineer: User, good_rows: list[list[Any]]) -> None:
    job = imports.start_import(actor=engineer, kind="servers", upload=_csv(good_rows))
    job = imports.check_import(job_id=job.pk)
    assert (job.status, job.total_rows, job.created_count, job.error_rows) == ("preview", 2, 2, 0)
    assert not Server.objects.filter(serial__startswith="IMP").exists()  # the dry run writes nothing
    imports.confirm_import(actor=engineer, job=job)
    job = imports.apply_import(job_id=job.pk)
    assert (job.status, job.created_count, job.updated_count) == ("done", 2, 0)
    second = Server.objects.get(serial="IMP002")
    assert (second.status, str(second.warranty_end), second.site) == ("in_stock", "2028-02-01", None)
    assert AuditEntry.objects.filter(action="server.import").count() == 2


def test_reimport_updates_instead_of_duplicating(engineer: User, good_rows: list[list[Any]]) -> None:
    _run(engineer, _csv(good_rows))
    good_rows[0][5] = "renamed"
    job = _run(engineer, _xlsx(good_rows))
    assert (job.status, job.created_count, job.updated_count) == ("done", 0, 2)
    assert Server.objects.filter(serial__startswith="IMP").count() == 2
    assert Server.objects.get(serial="IMP001").hostname == "renamed"


def test_bad_rows_are_reported_per_row_and_nothing_changes(
    engineer: User, good_rows: list[list[Any]]
) -> None:
    rows = [
        *good_rows,
        ["Acme", "X1", "IMP003", "cust-a", "", "", "", ""],
        ["Dell", "PowerEdge R740", "IMP004", "nobody", "", "", "broken", "31/31/2020"],
        ["Dell", "PowerEdge R740", "IMP001", "cust-a", "", "", "", ""],
    ]
    job = _run(engineer, _csv(rows))
    assert job.status == ImportStatus.PREVIEW  # stopped at the preview: errors and no skip
    assert job.error_rows == 3
    by_row = {e["row"]: set(e["fields"]) for e in job.errors}
    assert by_row == {4: {"vendor"}, 5: {"organisation", "status", "warranty_end"}, 6: {"serial"}}
    assert not Server.objects.filter(serial__startswith="IMP").exists()
    with pytest.raises(Conflict):
        imports.confirm_import(actor=engineer, job=job)


def test_all_or_nothing_when_data_changed_between_check_and_import(
    engineer: User, good_rows: list[list[Any]], server_model: ServerModel
) -> None:
    job = imports.start_import(actor=engineer, kind="servers", upload=_csv(good_rows))
    imports.check_import(job_id=job.pk)
    imports.confirm_import(actor=engineer, job=job)
    server_model.name = "Renamed"  # the file's model name no longer resolves for any row
    server_model.save()
    job = imports.apply_import(job_id=job.pk)
    assert job.status == ImportStatus.FAILED
    assert job.error_rows == 2
    assert not Server.objects.filter(serial__startswith="IMP").exists()


def test_skip_bad_rows_imports_the_good_ones(engineer: User, good_rows: list[list[Any]]) -> None:
    rows = [*good_rows, ["Dell", "Nope", "IMP009", "cust-a", "", "", "", ""]]
    job = _run(engineer, _csv(rows), skip=True)
    assert (job.status, job.created_count, job.error_rows) == ("done", 2, 1)
    assert set(Server.objects.values_list("serial", flat=True)) == {"IMP001", "IMP002"}


def test_components_import_is_idempotent(engineer: User, server_a: Server) -> None:
    header = ["vendor", "server_serial", "type", "slot", "FRU", "serial", "capacity", "firmware"]
    rows = [
        ["Dell", "ABC1234", "Disk", "DISK0", "ST4000", "Z1", "4 TB", "TN05"],
        ["Dell", "ABC1234", "dimm", "A1", "M393A4K40EB3", "", "64 GB", ""],
        ["Dell", "NOPE", "fan", "FAN1", "", "", "", ""],
        ["Dell", "ABC1234", "fpga", "FPGA1", "", "", "", ""],  # not a component type
    ]
    job = _run(engineer, _csv(rows, header), kind="components", skip=True)
    assert (job.status, job.created_count, job.error_rows) == ("done", 2, 2)
    rows[0][7] = "TN06"
    job = _run(engineer, _csv(rows[:2], header), kind="components")
    assert (job.created_count, job.updated_count) == (0, 2)
    assert Component.objects.get(serial="Z1").firmware == "TN06"
    assert Component.objects.count() == 2


def test_unreadable_file_fails_clearly(engineer: User) -> None:
    job = _run(engineer, SimpleUploadedFile("x.xlsx", b"PK\x03\x04 a damaged archive"))
    assert job.status == ImportStatus.FAILED
    assert job.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("servers.xlsx", b"vendor,model,serial\r\n"),  # a CSV saved under the wrong name
        ("servers.csv", b"%PDF-1.7\n\x00\x01\x02 binary"),  # a PDF renamed .csv
        ("servers.csv", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program renamed .csv
    ],
)
def test_a_file_that_is_not_a_table_is_refused_at_upload(engineer: User, name: str, content: bytes) -> None:
    with pytest.raises(ServiceError) as refused:
        imports.start_import(actor=engineer, kind="servers", upload=SimpleUploadedFile(name, content))
    assert refused.value.fields["file"][0].startswith("The file's content is not a")
    assert not ImportJob.objects.exists()


def test_customer_cannot_import(customer_user: User, good_rows: list[list[Any]]) -> None:
    with pytest.raises(PermissionDenied):
        imports.start_import(actor=customer_user, kind="servers", upload=_csv(good_rows))
    assert not ImportJob.objects.exists()


def test_ten_thousand_rows(engineer: User, server_model: ServerModel, customer_a: Organisation) -> None:
    rows = [
        ["Dell", "PowerEdge R740", f"BULK{i:06d}", "cust-a", "", f"n{i}", "", "2029-01-01"]
        for i in range(10_000)
    ]
    rows[5000][2] = ""  # one bad row: reported, and the whole batch waits
    started = time.monotonic()
    job = _run(engineer, _csv(rows))
    assert job.status == ImportStatus.PREVIEW
    assert (job.total_rows, job.processed_rows, job.error_rows) == (10_000, 10_000, 1)
    assert job.errors == [{"row": 5002, "fields": {"serial": [job.errors[0]["fields"]["serial"][0]]}}]
    job = _run(engineer, _csv(rows), skip=True)
    assert (job.status, job.created_count) == ("done", 9_999)
    job = _run(engineer, _csv([r for r in rows if r[2]]))
    assert (job.status, job.created_count, job.updated_count) == ("done", 0, 9_999)
    assert Server.objects.count() == 9_999
    assert time.monotonic() - started < 600  # a sanity bound, not a benchmark


PROGRESS = re.compile(r'data-status="(\w+)".*?(\d+) of (\d+) rows', re.S)


def _wait_for(job_id: int, *statuses: str, timeout: float = 60.0) -> list[dict[str, Any]]:
    """Poll the job row (as the page does) until it reaches one of ``statuses``; every row seen."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = ImportJob.objects.values("status", "processed_rows", "total_rows").get(pk=job_id)
        seen.append(dict(row))
        if row["status"] in statuses:
            return seen
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not reach {statuses} in {timeout}s: {seen[-1]}")


@pytest.mark.django_db(transaction=True)
def test_import_pages(
    client_for: Callable[[User], Client],
    engineer: User,
    good_rows: list[list[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Embedded mode: the upload returns at once, the check runs in a thread after the commit."""
    assert django_settings.CELERY_TASK_ALWAYS_EAGER
    gate = threading.Event()
    check = imports.check_import

    def held_check(*, job_id: int) -> ImportJob:
        assert gate.wait(30), "the test never let the check start"
        return check(job_id=job_id)

    monkeypatch.setattr(imports, "check_import", held_check)
    client = client_for(engineer)
    assert client.get(reverse("assets:import")).status_code == 200
    started = time.monotonic()
    try:
        response = client.post(reverse("assets:import"), {"kind": "servers", "file": _csv(good_rows)})
        assert time.monotonic() - started < 10
        assert response.status_code == 302
        job = ImportJob.objects.get()
        assert job.status == ImportStatus.PENDING  # committed, queued, not run in the request
        fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
        assert "<html" not in fragment
        assert 'hx-trigger="every 1s"' in fragment
        assert [t.name for t in tasks.running_threads()] == [f"sasms-import-{job.pk}"]
    finally:
        gate.set()
    _wait_for(job.pk, ImportStatus.PREVIEW, ImportStatus.FAILED)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-confirm"' in page
    assert 'hx-trigger="every 1s"' not in page
    response = client.post(reverse("assets:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    assert _wait_for(job.pk, ImportStatus.DONE, ImportStatus.FAILED)[-1]["status"] == ImportStatus.DONE
    assert tasks.wait_for_background_jobs(timeout=30)
    assert Server.objects.filter(serial__in=["IMP001", "IMP002"]).count() == 2
    template = client.get(reverse("assets:import_template", args=["components"]))
    assert b"server_serial" in template.content


@pytest.mark.django_db(transaction=True)
def test_embedded_import_shows_progress_of_a_large_file(
    client_for: Callable[[User], Client], engineer: User, server_model: ServerModel, customer_a: Organisation
) -> None:
    """10 000 rows without a broker: the job page's counters move while the thread works."""
    rows = [["Dell", "PowerEdge R740", f"BIG{i:06d}", "cust-a", "", "", "", ""] for i in range(10_000)]
    client = client_for(engineer)
    response = client.post(reverse("assets:import"), {"kind": "servers", "file": _csv(rows)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status in (ImportStatus.PENDING, ImportStatus.VALIDATING)
    seen: list[tuple[str, int, int]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
        match = PROGRESS.search(fragment)
        assert match, fragment
        seen.append((match[1], int(match[2]), int(match[3])))
        if match[1] not in ("pending", "validating"):
            break
        time.sleep(0.01)
    assert seen[-1] == ("preview", 10_000, 10_000), seen[-1]
    partial = {done for status, done, total in seen if status == "validating" and 0 < done < total}
    assert partial, f"no intermediate progress on the job page: {seen}"
    client.post(reverse("assets:import_confirm", args=[job.pk]))
    seen_apply = _wait_for(job.pk, ImportStatus.DONE, ImportStatus.FAILED)
    assert seen_apply[-1] == {"status": "done", "processed_rows": 10_000, "total_rows": 10_000}
    assert tasks.wait_for_background_jobs(timeout=30)
    assert Server.objects.count() == 10_000


@pytest.mark.django_db(transaction=True)
def test_unexpected_error_in_the_thread_fails_the_job(
    client_for: Callable[[User], Client],
    engineer: User,
    good_rows: list[list[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*, job_id: int) -> ImportJob:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports, "check_import", broken)
    response = client_for(engineer).post(
        reverse("assets:import"), {"kind": "servers", "file": _csv(good_rows)}
    )
    assert response.status_code == 302
    job_id = ImportJob.objects.get().pk
    assert _wait_for(job_id, ImportStatus.FAILED)[-1]["status"] == ImportStatus.FAILED
    assert tasks.wait_for_background_jobs(timeout=30)
    assert ImportJob.objects.get().message


@pytest.mark.django_db(transaction=True)
def test_imports_interrupted_by_a_stop_are_resumed_at_start_up(
    engineer: User, good_rows: list[list[Any]], server_model: ServerModel
) -> None:
    # One job stopped while being checked, one while being written (its transaction rolled back):
    # what the database holds after the process died, with no thread left to finish them.
    checking = imports.start_import(actor=engineer, kind="servers", upload=_csv(good_rows))
    ImportJob.objects.filter(pk=checking.pk).update(status=ImportStatus.VALIDATING, processed_rows=1)
    writing = imports.start_import(
        actor=engineer, kind="servers", upload=_csv([[*row[:2], f"W{row[2]}", *row[3:]] for row in good_rows])
    )
    imports.check_import(job_id=writing.pk)
    imports.confirm_import(actor=engineer, job=writing)
    finished = _run(engineer, _csv([["Dell", "PowerEdge R740", "DONE0001", "cust-a", "", "", "", ""]]))
    assert Server.objects.count() == 1

    assert tasks.resume_interrupted_imports() == 2
    assert tasks.wait_for_background_jobs(timeout=30)
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {
        checking.pk: ImportStatus.PREVIEW,
        writing.pk: ImportStatus.DONE,
        finished.pk: ImportStatus.DONE,
    }
    assert Server.objects.count() == 1 + len(good_rows)  # the written job once, the checked one not yet
    assert tasks.resume_interrupted_imports() == 0  # nothing left half-way


def test_with_a_broker_the_jobs_stay_celery_tasks(
    settings: Any, engineer: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(tasks.check_import_job, "delay", lambda pk: sent.append(("check", pk)))
    monkeypatch.setattr(tasks.apply_import_job, "delay", lambda pk: sent.append(("apply", pk)))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.schedule_check(7)
        tasks.schedule_apply(8)
        assert sent == []  # only once the transaction has committed
    assert sent == [("check", 7), ("apply", 8)]
    assert tasks.running_threads() == []


def test_other_users_job_is_404(
    client_for: Callable[[User], Client],
    engineer: User,
    make_user: Callable[..., User],
    good_rows: list[list[Any]],
) -> None:
    job = imports.start_import(actor=engineer, kind="servers", upload=_csv(good_rows))
    other = make_user("engineer")
    assert client_for(other).get(reverse("assets:import_job", args=[job.pk])).status_code == 404
