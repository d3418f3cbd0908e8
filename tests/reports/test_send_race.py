"""Two workers sending due reports at the same moment on PostgreSQL: one e-mail per period."""

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import close_old_connections
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.core.models import OutboxMessage
from sasms.reports import services
from sasms.reports.models import ReportSubscription

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _race(*jobs: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # the test inspects what each side got
            results[index] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_workers_send_one_email(make_user: Callable[..., User]) -> None:
    manager = make_user(Role.SERVICE_MANAGER, language="en")
    subscription = services.create_subscription(
        actor=manager,
        name="Weekly KPI",
        kind="kpi_xlsx",
        frequency="weekly",
        language="en",
        recipients="ops@example.com",
    )
    now = timezone.now()
    ReportSubscription.objects.filter(pk=subscription.pk).update(
        next_run_at=now - datetime.timedelta(minutes=1)
    )
    results = _race(lambda: services.send_due_reports(now=now), lambda: services.send_due_reports(now=now))
    assert sorted(results) == [0, 1], results
    messages = list(OutboxMessage.objects.filter(topic="email"))
    assert len(messages) == 1
    assert len(mail.outbox) == 1  # delivered after commit, once
    assert mail.outbox[0].attachments[0][0].startswith("kpi-")
    # The losing worker's file was removed again; only the sent one is left.
    folder = f"reports/subscriptions/{subscription.pk}"
    _dirs, files = default_storage.listdir(folder)
    assert len(files) == 1
    default_storage.delete(f"{folder}/{files[0]}")
