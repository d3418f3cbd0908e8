"""Periodic intake jobs: read the mailboxes, poll the BMCs that are due (thin wrappers over services)."""

from celery import shared_task

from sasms.intake.services.bmc import poll_due_endpoints, poll_endpoint
from sasms.intake.services.mail import poll_all_mailboxes


@shared_task(name="sasms.intake.tasks.poll_mailboxes", ignore_result=True)
def poll_mailboxes() -> int:
    """Every active mailbox once; returns the number of messages read."""
    return sum(poll.fetched for poll in poll_all_mailboxes())


@shared_task(name="sasms.intake.tasks.poll_bmcs", ignore_result=True)
def poll_bmcs() -> int:
    """The BMC endpoints whose poll interval has passed; returns how many were polled."""
    return len(poll_due_endpoints())


@shared_task(name="sasms.intake.tasks.poll_bmc", ignore_result=True)
def poll_bmc(endpoint_id: int) -> str:
    """One endpoint now (after a pushed Redfish event or a "poll now" click)."""
    from sasms.intake.models import BmcEndpoint

    endpoint = BmcEndpoint.objects.filter(pk=endpoint_id, is_active=True).first()
    return poll_endpoint(endpoint).status if endpoint is not None else "gone"
