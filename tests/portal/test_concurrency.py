"""Real commits on PostgreSQL: racing answers to one survey record exactly one."""

import threading

import pytest
from django.db import connections

from sasms.accounts.models import User
from sasms.core.errors import Conflict
from sasms.feedback import services
from sasms.feedback.models import Survey, SurveyResponse
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]
SCORES = {"response_speed": 5, "expertise": 5, "resolution": 4, "attitude": 5}


def test_racing_answers_record_one(resolved: Ticket, customer_user: User) -> None:
    survey = Survey.objects.get(ticket=resolved)
    workers = 4
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []

    def answer() -> None:
        try:
            barrier.wait()
            services.answer_survey(actor=None, survey=survey, scores=SCORES)
            outcomes.append("answered")
        except Conflict as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # reported to the test, not swallowed
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_answered"] * (workers - 1) + ["answered"]
    assert SurveyResponse.objects.count() == 1
    assert TicketEvent.objects.filter(ticket=resolved, kind="survey").count() == 1
