"""The reports demo step: forecasts for the data there is, and the two example subscriptions."""

import random

import pytest

from sasms.accounts.models import User
from sasms.reports import demo
from sasms.reports.models import ReportSubscription, RequestForecast
from sasms.tickets.choices import Category
from tests.reports.conftest import Quarter

pytestmark = pytest.mark.django_db


def test_demo_step_forecasts_and_subscribes(quarter: Quarter, manager: User, customer_admin_a: User) -> None:
    steps: list[str] = []
    demo.build_step(rng=random.Random(1), scale=1, progress=lambda s, d, t: steps.append(s), state={})
    assert RequestForecast.objects.count() == len(Category.values)
    qbr = ReportSubscription.objects.get(kind="qbr")
    assert (qbr.owner, qbr.organisation, qbr.frequency, qbr.language) == (
        manager,
        quarter.customer_a,  # the customer with the most requests
        "monthly",
        "zh-hans",
    )
    workbook = ReportSubscription.objects.get(kind="kpi_xlsx")
    assert (workbook.owner, workbook.organisation, workbook.frequency) == (
        customer_admin_a,
        quarter.customer_a,
        "weekly",
    )
    assert steps[-1] == "reports: subscriptions"
