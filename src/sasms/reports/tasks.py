"""Periodic report jobs: scheduled report e-mails (queue "reports") and the nightly request
forecast (queue "ml")."""

from typing import Any

from celery import shared_task

from sasms.core.context import Origin, acting_from
from sasms.reports.forecasts import compute_request_forecasts
from sasms.reports.services import send_due_reports as send_due


@shared_task(name="sasms.reports.tasks.send_due_reports", ignore_result=True)
def send_due_reports() -> int:
    """Render, store and e-mail every subscription whose report is due; returns e-mails queued."""
    with acting_from(Origin(channel="task")):
        return send_due()


@shared_task(name="sasms.reports.tasks.forecast_requests", ignore_result=True)
def forecast_requests() -> dict[str, Any]:
    with acting_from(Origin(channel="task")):
        run = compute_request_forecasts()
    return {"categories": run.categories, "history_days": run.history_days}
