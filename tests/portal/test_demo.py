"""The portal's demo step: survey answers for resolved requests with a realistic spread."""

import datetime
import random
from collections import Counter
from collections.abc import Callable

import pytest
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.feedback.models import Survey, SurveyResponse
from sasms.portal import demo
from sasms.tickets.models import Ticket, TicketEvent
from sasms.tickets.services import create_ticket

pytestmark = pytest.mark.django_db


def test_demo_step_answers_a_share_of_resolved_requests(customer_a: Organisation, engineer: User) -> None:
    now = timezone.now()
    tickets = [create_ticket(actor=None, organisation=customer_a, title=f"Request {n}") for n in range(300)]
    resolved_ids = [t.pk for t in tickets[:240]]
    Ticket.objects.filter(pk__in=resolved_ids).update(
        status="closed",
        assignee=engineer,
        resolution_code="part_replaced",
        resolved_at=now - datetime.timedelta(days=10),
        created_at=now - datetime.timedelta(days=11),
    )
    state: dict[str, object] = {}
    demo.build_step(rng=random.Random(3), scale=1, progress=lambda *_: None, state=state)
    assert Survey.objects.count() == 240
    answers = SurveyResponse.objects.count()
    assert 60 <= answers <= 140  # about 40 %
    assert state["portal"] == {"survey_answers": answers, "deflections": 0}
    assert TicketEvent.objects.filter(kind="survey", public=False).count() == answers
    scores = Counter(SurveyResponse.objects.values_list("attitude", flat=True))
    assert set(scores) <= {1, 2, 3, 4, 5}
    assert scores[5] + scores[4] > answers / 2  # mostly satisfied, not all
    assert scores[1] + scores[2] + scores[3] > 0
    assert not SurveyResponse.objects.exclude(engineer=engineer).exists()


def test_demo_step_with_nothing_resolved_does_nothing(make_user: Callable[..., User]) -> None:
    demo.build_step(rng=random.Random(1), scale=1, progress=lambda *_: None, state={})
    assert not Survey.objects.exists()
