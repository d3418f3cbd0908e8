"""Retraining shows where it is: each step on the running model's row (the page) and to the command."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import User
from sasms.integrations.choices import ModelStatus, TrainingTrigger
from sasms.integrations.classifier import training
from sasms.integrations.models import ClassifierModel
from tests.integrations.conftest import samples


def test_fit_tells_each_step() -> None:
    heard: list[tuple[int, int, str]] = []
    result = training.fit(samples(300, seed=3), minimum=100, progress=lambda *step: heard.append(step))
    assert result.bundle is not None
    assert [s[0] for s in heard] == list(range(1, training.FIT_STEPS + 1))
    assert {s[1] for s in heard} == {training.FIT_STEPS}
    assert [s[2] for s in heard[1:4]] == ["category model", "component model", "priority model"]


@pytest.mark.django_db
def test_the_card_shows_the_running_step(manager: User, client_for: Callable[[User], Client]) -> None:
    ClassifierModel.objects.create(
        version=1,
        trigger=TrainingTrigger.BUTTON,
        status=ModelStatus.TRAINING,
        message="Step 3 of 7: category model (3000 samples)",
    )
    html = client_for(manager).get(reverse("integrations:classifier"), {"card": "1"}).content.decode()
    assert 'data-testid="training-step"' in html
    assert "Step 3 of 7: category model" in html
