"""Periodic telemetry jobs (thin wrappers over the services)."""

from typing import Any

from celery import shared_task

from sasms.telemetry import services


@shared_task
def evaluate_rules() -> dict[str, Any]:
    outcome = services.evaluate()
    return {"series": outcome.series, "findings": outcome.findings, "opened": len(outcome.opened)}


@shared_task
def downsample() -> dict[str, Any]:
    return vars(services.downsample())
