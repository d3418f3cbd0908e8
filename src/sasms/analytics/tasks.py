"""Periodic analytics job: keep the KPI rollups current (beat: every 5 minutes, queue "reports")."""

from dataclasses import asdict
from typing import Any

from celery import shared_task

from sasms.analytics.refresh import refresh_full, refresh_incremental
from sasms.core.context import Origin, acting_from


@shared_task(name="sasms.analytics.tasks.refresh_rollups", ignore_result=True)
def refresh_rollups(full: bool = False) -> dict[str, Any]:
    """Refresh the facts and rollups from what changed since the last run (or rebuild all)."""
    with acting_from(Origin(channel="task")):
        result = refresh_full() if full else refresh_incremental()
    return asdict(result)
