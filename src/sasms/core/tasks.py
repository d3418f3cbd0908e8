from celery import shared_task

from sasms.core import outbox


@shared_task(name="sasms.core.tasks.deliver_outbox", ignore_result=True)
def deliver_outbox() -> int:
    return outbox.deliver_pending()


@shared_task(name="sasms.core.tasks.ping")
def ping(value: str) -> str:
    """Echo, used by health checks and the broker round-trip test."""
    return f"pong:{value}"


@shared_task(name="sasms.core.tasks.seal_audit_trail", ignore_result=True)
def seal_audit_trail() -> int:
    """Extend the audit hash chain over the entries committed since the last run."""
    from sasms.core.auditchain import seal_pending

    return seal_pending()


@shared_task(name="sasms.core.tasks.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Forget form tokens older than a week (no browser re-sends a form that late)."""
    from sasms.core.idempotency import purge_old

    return purge_old()
