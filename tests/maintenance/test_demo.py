"""The demo step: a confirmed PM plan with scheduled visits and a customer's blackout window."""

import random

import pytest

from sasms.accounts.models import User
from sasms.contracts.models import Contract
from sasms.maintenance import demo
from sasms.maintenance.models import BlackoutWindow, PmPlan

pytestmark = pytest.mark.django_db


def test_demo_step_plans_and_confirms_through_the_services(
    contract: Contract, dispatcher: User, engineer: User, contact_a: object
) -> None:
    Contract.objects.filter(pk=contract.pk).update(status="active")
    steps: list[tuple[str, int, int]] = []
    demo.build_step(rng=random.Random(1), scale=1, progress=lambda *a: steps.append(a), state={})
    plan = PmPlan.objects.get()
    assert plan.status == "confirmed"
    assert plan.visits.count() > 0
    assert all(v.field_visit is not None for v in plan.visits.select_related("field_visit"))
    blackout = BlackoutWindow.objects.get()
    assert all(not (blackout.start_date <= v.planned_date <= blackout.end_date) for v in plan.visits.all())
    assert steps[-1][0] == "maintenance"
