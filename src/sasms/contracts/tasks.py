from celery import shared_task

from sasms.contracts import reminders


@shared_task(name="sasms.contracts.tasks.contract_sweep", ignore_result=True)
def contract_sweep() -> dict[str, int]:
    """Renewal reminders at 90/60/30 days and expiry of ended contracts (idempotent)."""
    result = reminders.run_sweep()
    return {"reminded": result.reminded, "expired": result.expired}
