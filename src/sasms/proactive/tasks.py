from celery import shared_task

from sasms.proactive.services import campaigns, health


@shared_task(name="sasms.proactive.tasks.health_check_sweep", ignore_result=True)
def health_check_sweep() -> int:
    """Monthly or quarterly health checks of contracts whose day has come, e-mailed as PDF."""
    return health.run_due_schedules()


@shared_task(name="sasms.proactive.tasks.close_fixed_items", ignore_result=True)
def close_fixed_items() -> int:
    """Close campaign items whose server's newest BMC poll shows the fixed version."""
    return campaigns.close_items_polled_since()
