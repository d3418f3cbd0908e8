import datetime

import pytest
from django.core import mail
from django.utils import timezone

from sasms.core.models import OutboxMessage
from sasms.core.outbox import enqueue_email
from sasms.core.scheduler import InProcessScheduler


@pytest.mark.django_db
def test_in_process_scheduler_runs_due_jobs_from_the_beat_schedule(settings):
    start = timezone.now()
    scheduler = InProcessScheduler.from_settings(now=start)
    assert {job.name for job in scheduler.jobs} == set(settings.CELERY_BEAT_SCHEDULE)
    assert scheduler.run_due(now=start) == []
    enqueue_email(to=["a@example.com"], subject="s", body="b", idempotency_key="k1")
    enqueue_email(to=["a@example.com"], subject="s", body="b", idempotency_key="k1")  # same key: one message
    for job in scheduler.jobs:
        job.last_run_at = start - datetime.timedelta(days=2)
    ran = scheduler.run_due()
    assert "deliver-outbox" in ran
    assert OutboxMessage.objects.get().status == "sent"
    assert len(mail.outbox) == 1
