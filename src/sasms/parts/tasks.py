"""Periodic parts jobs: the low-stock sweep and the demand forecast."""

from typing import Any

from celery import shared_task

from sasms.core.context import Origin, acting_from
from sasms.parts.services.planning import compute_forecasts, sweep_low_stock


@shared_task(name="sasms.parts.tasks.low_stock_sweep", ignore_result=True)
def low_stock_sweep() -> int:
    """Open (and announce) low-stock alerts that no movement has opened yet."""
    with acting_from(Origin(channel="task")):
        return sweep_low_stock()


@shared_task(name="sasms.parts.tasks.forecast", ignore_result=True)
def forecast() -> dict[str, Any]:
    with acting_from(Origin(channel="task")):
        run = compute_forecasts()
    return {"rows": run.rows, "months": run.months}
