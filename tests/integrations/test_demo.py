"""The demo step trains the first classifier model from the demo's resolved requests."""

import random
from collections.abc import Callable
from typing import Any

import pytest

from sasms.integrations import demo
from sasms.integrations.choices import ModelStatus, TrainingTrigger
from sasms.integrations.classifier.predict import classify
from sasms.integrations.models import ClassifierModel

pytestmark = pytest.mark.django_db


def test_demo_step_trains_an_active_model(closed_tickets: Callable[..., int], settings: Any) -> None:
    settings.SASMS_CLASSIFIER_MIN_SAMPLES = 100
    closed_tickets(400)
    state: dict[str, Any] = {}
    steps: list[tuple[str, int, int]] = []
    demo.build_step(rng=random.Random(1), scale=1, progress=lambda *a: steps.append(a), state=state)
    model = ClassifierModel.objects.get()
    assert state["classifier"] == model
    assert (model.status, model.trigger, model.is_active) == (ModelStatus.TRAINED, TrainingTrigger.DEMO, True)
    assert steps[-1] == ("Request classifier", 1, 1)
    assert classify("内存 ECC 错误", "DIMM A2") is not None


def test_demo_step_without_requests_leaves_the_classifier_off() -> None:
    demo.build_step(rng=random.Random(1), scale=1, progress=lambda *a: None, state={})
    assert ClassifierModel.objects.get().status == ModelStatus.SKIPPED
    assert classify("内存 ECC 错误", "") is None
