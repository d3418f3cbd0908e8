"""An import through the real Redis: a worker process runs the job, another process watches progress.

This is the deployment path (broker configured): the upload returns at once and the page polls the
job's counters, which must move while the worker is still checking rows.
"""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.redis

CLIENT = r"""
import io, json, time
import django
django.setup()
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from sasms.accounts import services as accounts
from sasms.assets import imports, services, tasks
from sasms.assets.models import ImportJob, Server

assert not settings.CELERY_TASK_ALWAYS_EAGER
provider = accounts.create_organisation(actor=None, name="P", code="p", kind="provider")
accounts.create_organisation(actor=None, name="C", code="cust", kind="customer")
engineer = accounts.create_user(
    actor=None, email="e@example.com", full_name="E", organisation=provider, role="engineer",
    password="x-Long-pass-1",
)
vendor = services.create_vendor(actor=None, name="Dell", code="dell")
services.create_server_model(actor=None, vendor=vendor, name="R740")
rows = "\n".join(f"Dell,R740,SN{i:06d},cust" for i in range(ROWS))
upload = SimpleUploadedFile("f.csv", ("vendor,model,serial,customer\n" + rows).encode())
job = imports.start_import(actor=engineer, kind="servers", upload=upload)
tasks.check_import_job.delay(job.pk)
seen = []

def wait_for(status):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        row = ImportJob.objects.values("status", "processed_rows", "total_rows").get(pk=job.pk)
        seen.append(row)
        if row["status"] == status:
            return
        time.sleep(0.02)
    raise SystemExit(f"timed out waiting for {status}: {seen[-1]}")

wait_for("preview")
imports.confirm_import(actor=engineer, job=ImportJob.objects.get(pk=job.pk))
tasks.apply_import_job.delay(job.pk)
wait_for("done")
print(json.dumps({"seen": seen, "servers": Server.objects.count()}))
"""


@pytest.fixture
def broker_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = dict(os.environ)
    env.update(
        {
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
            "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/15",
            "SASMS_DEFAULT_QUEUE": f"test-assets-{uuid.uuid4().hex[:10]}",
            "SASMS_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "sasms.settings",
        }
    )
    env.pop("DATABASE_URL", None)  # a SQLite file of its own under tmp_path
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.management import "
            "call_command; call_command('migrate', verbosity=0)",
        ],
        env=env,
        check=True,
        timeout=300,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sasms",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            env["SASMS_DEFAULT_QUEUE"],
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield env
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_import_runs_on_worker_and_progress_is_visible(broker_env: dict[str, str]) -> None:
    rows = 6000
    result = subprocess.run(
        [sys.executable, "-c", CLIENT.replace("ROWS", str(rows))],
        env=broker_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["servers"] == rows
    partial = [
        s for s in report["seen"] if s["status"] == "validating" and 0 < s["processed_rows"] < s["total_rows"]
    ]
    assert partial, "no intermediate progress was observed while the worker checked the rows"
    assert report["seen"][-1] == {"status": "done", "processed_rows": rows, "total_rows": rows}
