"""Background work of the field app: the service report of each finished, signed visit."""

import logging

from celery import shared_task

from sasms.field.choices import VisitStatus
from sasms.field.models import Visit
from sasms.field.report import generate_and_send

logger = logging.getLogger(__name__)
SWEEP_BATCH = 50


@shared_task(name="sasms.field.tasks.generate_report", ignore_result=True)
def generate_report(visit_id: int) -> bool:
    return generate_and_send(visit_id)


@shared_task(name="sasms.field.tasks.report_sweep", ignore_result=True)
def report_sweep() -> int:
    """Reports that were not made when the visit finished (a worker died, rendering failed)."""
    made = 0
    pending = Visit.objects.filter(
        status=VisitStatus.CHECKED_OUT, signed_at__isnull=False, report_generated_at__isnull=True
    ).order_by("checked_out_at")
    for visit_id in pending.values_list("id", flat=True)[:SWEEP_BATCH]:
        try:
            made += generate_and_send(visit_id)
        except Exception:  # one broken report must not stop the others; it is tried again later
            logger.exception("service report of visit %s failed", visit_id)
    return made


def schedule_report(visit_id: int) -> None:
    """Called once the finishing step commits. A failure here is retried by the sweep, and never
    turns the engineer's (already saved) step into an error."""
    try:
        generate_report.delay(visit_id)
    except Exception:
        logger.exception("could not make the service report of visit %s now", visit_id)
