"""Background work of dispatch: auto-dispatch after a request is created, and its safety sweep."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from sasms.core.context import Origin, acting_from
from sasms.dispatch.selectors import current_settings
from sasms.dispatch.services.assign import auto_dispatch
from sasms.tickets.models import Ticket

SWEEP_LIMIT = 200
logger = logging.getLogger(__name__)


@shared_task(name="sasms.dispatch.tasks.auto_dispatch_request", ignore_result=True)
def auto_dispatch_request(ticket_id: int) -> int | None:
    """Assign one new request to its best engineer (scheduled when the request commits)."""
    try:
        with acting_from(Origin(channel="task")):
            engineer = auto_dispatch(ticket_id=ticket_id)
    except Exception:
        # Runs right after the request committed (in-process without a broker): a failure here
        # must not fail the creation; the sweep tries again.
        logger.exception("auto-dispatch of request %s failed", ticket_id)
        return None
    return engineer.pk if engineer is not None else None


@shared_task(name="sasms.dispatch.tasks.auto_dispatch_sweep", ignore_result=True)
def auto_dispatch_sweep() -> int:
    """Retry new unassigned requests of auto-dispatch priorities (a lost task, a full team)."""
    priorities = current_settings().auto_dispatch_priorities or []
    if not priorities:
        return 0
    since = timezone.now() - datetime.timedelta(days=2)
    ids = list(
        Ticket.objects.filter(
            status="new", assignee__isnull=True, priority__in=priorities, created_at__gte=since
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    assigned = 0
    with acting_from(Origin(channel="task")):
        for ticket_id in ids:
            assigned += auto_dispatch(ticket_id=ticket_id) is not None
    return assigned
