from celery import shared_task

from sasms.core import outbox


@shared_task(name="sasms.core.tasks.deliver_outbox", ignore_result=True)
def deliver_outbox() -> int:
    return outbox.deliver_pending()


@shared_task(name="sasms.core.tasks.ping")
def ping(value: str) -> str:
    """Echo, used by health checks and the broker round-trip test."""
    return f"pong:{value}"
