"""Periodic jobs in-process, for the embedded default where no Celery beat runs.

``sasms run`` starts :class:`InProcessScheduler` in a daemon thread; it reads the same
``CELERY_BEAT_SCHEDULE`` that beat uses in production, so both paths run the same jobs.
"""

import datetime
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from celery import current_app
from celery.schedules import BaseSchedule, maybe_schedule
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    task: str
    schedule: BaseSchedule
    last_run_at: datetime.datetime
    args: tuple[Any, ...] = ()


def _as_schedule(value: float | datetime.timedelta | BaseSchedule) -> BaseSchedule:
    if isinstance(value, float | int):
        value = datetime.timedelta(seconds=value)
    schedule = maybe_schedule(value, app=current_app)
    assert isinstance(schedule, BaseSchedule)
    return schedule


@dataclass
class InProcessScheduler:
    jobs: list[Job] = field(default_factory=list)

    @classmethod
    def from_settings(cls, now: datetime.datetime | None = None) -> "InProcessScheduler":
        start = now or timezone.now()
        current_app.loader.import_default_modules()  # task modules are otherwise imported lazily
        entries: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
        jobs = [
            Job(
                name=name,
                task=str(entry["task"]),
                schedule=_as_schedule(entry["schedule"]),
                last_run_at=start,
                args=tuple(entry.get("args", ())),
            )
            for name, entry in entries.items()
        ]
        return cls(jobs=jobs)

    def run_due(self, now: datetime.datetime | None = None) -> list[str]:
        """Run every job that is due; returns their names. The next check is at most 30 s away."""
        now = now or timezone.now()
        ran: list[str] = []
        for job in self.jobs:
            due, _next_in = job.schedule.is_due(job.last_run_at)
            if not due:
                continue
            job.last_run_at = now
            try:
                current_app.tasks[job.task].apply(args=job.args)
            except Exception:  # one failing job must not stop the others
                logger.exception("periodic job %s failed", job.name)
            ran.append(job.name)
        return ran

    def run_forever(self, stop: threading.Event, interval: float = 5.0) -> None:
        while not stop.wait(interval):
            self.run_due()
            close_old_connections()
