"""Background jobs of the asset register: thin wrappers over the import services.

With a broker the jobs are Celery tasks run by a worker. Without one (the embedded mode,
``CELERY_TASK_ALWAYS_EAGER``) Celery would run them inside the upload request, so the job page
could never show progress; they run in a background thread instead, started once the request's
transaction has committed (the thread's own connection must see the job row).
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.assets import imports
from sasms.assets.models import ImportJob, ImportStatus
from sasms.core.context import Origin, acting_from

logger = logging.getLogger(__name__)

_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


@shared_task(name="sasms.assets.tasks.check_import_job", ignore_result=True)
def check_import_job(job_id: int) -> None:
    with acting_from(Origin(channel="task")):
        imports.check_import(job_id=job_id)


@shared_task(name="sasms.assets.tasks.apply_import_job", ignore_result=True)
def apply_import_job(job_id: int) -> None:
    with acting_from(Origin(channel="task")):
        imports.apply_import(job_id=job_id)


def schedule_check(job_id: int) -> None:
    """Check (dry-run) an import job in the background, once the current transaction commits."""
    _schedule(check_import_job, job_id)


def schedule_apply(job_id: int) -> None:
    """Apply a confirmed import job in the background, once the current transaction commits."""
    _schedule(apply_import_job, job_id)


def _schedule(task: Any, job_id: int) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: _start_thread(task, job_id))
    else:
        transaction.on_commit(lambda: task.delay(job_id))


def _start_thread(task: Any, job_id: int) -> None:
    thread = threading.Thread(
        target=_run_in_thread, args=(task.run, job_id), name=f"sasms-import-{job_id}", daemon=True
    )
    with _threads_lock:
        _threads.difference_update([t for t in _threads if not t.is_alive()])
        _threads.add(thread)
    thread.start()


def _run_in_thread(run: Callable[[int], None], job_id: int) -> None:
    try:
        run(job_id)
    except Exception:
        logger.exception("Import job %s failed", job_id)
        _mark_failed(job_id)
    finally:
        connections.close_all()


def _mark_failed(job_id: int) -> None:
    """An unexpected error must not leave the job "running" for ever on the polling page."""
    try:
        ImportJob.objects.filter(
            pk=job_id, status__in=[ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.IMPORTING]
        ).update(
            status=ImportStatus.FAILED,
            message=_("The import stopped because of an unexpected error; nothing was imported."),
            finished_at=timezone.now(),
        )
    except Exception:
        logger.exception("Could not mark import job %s as failed", job_id)


def resume_interrupted_imports() -> int:
    """Start again every import a stopped ``sasms run`` left half-way; returns how many.

    Embedded mode only, at start-up: the import threads lived in the old process, so every job
    still marked as running was interrupted. Its check runs again from the file; an interrupted
    write left nothing behind (it is one transaction), so the job is applied again. With a broker,
    the worker gets the unacknowledged task again instead (``CELERY_TASK_ACKS_LATE``).
    """
    resumed = 0
    for job_id, status in ImportJob.objects.filter(
        status__in=[ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.IMPORTING]
    ).values_list("pk", "status"):
        if status == ImportStatus.IMPORTING:
            schedule_apply(job_id)
        else:
            schedule_check(job_id)
        resumed += 1
    if resumed:
        logger.info("Resumed %s import job(s) interrupted by a restart", resumed)
    return resumed


def running_threads() -> list[threading.Thread]:
    with _threads_lock:
        return [t for t in _threads if t.is_alive()]


def wait_for_background_jobs(timeout: float = 60.0) -> bool:
    """Join the embedded-mode import threads (tests, shutdown); ``False`` if some still run."""
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(timeout)
    with _threads_lock:
        _threads.difference_update([t for t in threads if not t.is_alive()])
    return not running_threads()
