from celery import shared_task

from sasms.tickets import services


@shared_task(name="sasms.tickets.tasks.auto_close_resolved", ignore_result=True)
def auto_close_resolved() -> int:
    """Close requests resolved longer ago than ``SASMS_TICKET_AUTO_CLOSE_DAYS`` (default 7)."""
    return services.auto_close_resolved()
