"""Customers read only customer-facing figures through the API, as on their dashboard.

Probe finding: ``/api/v1/analytics/summary/`` gave customers their organisation's labour, parts
and travel costs, which the dashboard page hides.
"""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from sasms.accounts.models import User
from sasms.analytics.api.serializers import INTERNAL_FIGURES
from tests.analytics.dash_fixtures import DashWorld, dash_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

SUMMARY = "/api/v1/analytics/summary/"


@pytest.mark.parametrize("who", ["customer_a", "customer_b"])
def test_a_customer_gets_no_internal_costs(
    dash_world: DashWorld, api_for: Callable[[User], APIClient], who: str
) -> None:
    response = api_for(getattr(dash_world, who)).get(SUMMARY, {"period": "30d"})
    assert response.status_code == 200
    summary = response.json()["summary"]
    assert not set(INTERNAL_FIGURES) & set(summary)
    assert not any(name.startswith("cost") for name in summary)
    assert summary["created"] >= 1  # the customer-facing figures are still there


def test_staff_still_get_the_costs(dash_world: DashWorld, api_for: Callable[[User], APIClient]) -> None:
    summary = api_for(dash_world.manager).get(SUMMARY, {"period": "30d"}).json()["summary"]
    assert set(INTERNAL_FIGURES) <= set(summary)
