from celery import shared_task

from sasms.accounts import services


@shared_task(name="sasms.accounts.tasks.purge_expired_tokens", ignore_result=True)
def purge_expired_tokens() -> int:
    return services.purge_expired_tokens()
