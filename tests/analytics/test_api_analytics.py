"""``/api/v1/analytics/summary/`` and ``/dashboard/``: figures as JSON, validated, scoped, documented."""

from collections.abc import Callable

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from sasms.accounts.models import User
from tests.analytics.dash_fixtures import DashWorld, dash_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ApiFor = Callable[[User], APIClient]
SUMMARY = "/api/v1/analytics/summary/"
DASHBOARD = "/api/v1/analytics/dashboard/"


def test_summary_for_a_manager(dash_world: DashWorld, api_for: ApiFor) -> None:
    response = api_for(dash_world.manager).get(SUMMARY, {"period": "30d"})
    assert response.status_code == 200
    body = response.json()
    assert body["summary"]["created"] == 5
    assert body["summary"]["resolved"] == 1
    assert body["summary"]["backlog"] == 4
    assert body["summary"]["first_time_fix"] == {"numerator": 1, "denominator": 1, "percent": 100.0}
    assert set(body["summary"]["mttr_wall"]) == {"total", "count", "value"}
    assert body["filter"]["organisation"] is None


def test_summary_filters(dash_world: DashWorld, api_for: ApiFor) -> None:
    client = api_for(dash_world.manager)
    body = client.get(SUMMARY, {"organisation": dash_world.b.pk}).json()
    assert body["summary"]["created"] == 2
    assert body["filter"]["organisation"] == dash_world.b.pk
    assert client.get(SUMMARY, {"engineer": dash_world.engineer.pk}).json()["summary"]["resolved"] == 1


def test_customer_is_pinned_to_their_organisation(dash_world: DashWorld, api_for: ApiFor) -> None:
    response = api_for(dash_world.customer_a).get(SUMMARY, {"organisation": dash_world.b.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["filter"]["organisation"] == dash_world.a.pk
    assert body["summary"]["created"] == 3
    assert api_for(dash_world.customer_b).get(SUMMARY).json()["summary"]["created"] == 2


def test_customer_may_not_read_the_manager_dashboard(dash_world: DashWorld, api_for: ApiFor) -> None:
    assert api_for(dash_world.customer_a).get(DASHBOARD).status_code == 403
    assert api_for(dash_world.engineer).get(DASHBOARD).status_code == 403


def test_engineer_summary_is_their_own(dash_world: DashWorld, api_for: ApiFor) -> None:
    body = api_for(dash_world.other_engineer).get(SUMMARY, {"engineer": dash_world.engineer.pk}).json()
    assert body["filter"]["engineer"] == dash_world.other_engineer.pk
    assert body["summary"]["resolved"] == 0


def test_parts_clerk_is_refused(dash_world: DashWorld, api_for: ApiFor) -> None:
    assert api_for(dash_world.parts_clerk).get(SUMMARY).status_code == 403


def test_dashboard_for_a_manager(dash_world: DashWorld, api_for: ApiFor) -> None:
    response = api_for(dash_world.manager).get(DASHBOARD, {"period": "30d"})
    assert response.status_code == 200
    body = response.json()["dashboard"]
    assert body["summary"]["created"] == 5
    assert sum(point["created"] for point in body["volume"]) == 5
    assert sum(bucket["count"] for bucket in body["ageing"]) == 4
    assert body["afr"][0]["model"] == "PowerEdge R750"
    assert body["afr"][0]["faults"] == 5
    assert {row["engineer"] for row in body["engineers"]} >= {"Eve Engineer"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "fortnight"}, "period"),
        ({"period": "custom", "start": "2026-02-01", "end": "2026-01-01"}, "end"),
        ({"period": "custom"}, "start"),
        ({"start": "yesterday"}, "start"),
        ({"organisation": "abc"}, "organisation"),
        ({"organisation": "0"}, "organisation"),
        ({"vendor": "99999999999999999999"}, "vendor"),
        ({"priority": "P0"}, "priority"),
        ({"category": "x"}, "category"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    dash_world: DashWorld, api_for: ApiFor, params: dict[str, str], field: str
) -> None:
    response = api_for(dash_world.manager).get(SUMMARY, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_schema_documents_parameters_and_response() -> None:
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    operation = schema["paths"]["/api/v1/analytics/summary/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {
        "period",
        "start",
        "end",
        "organisation",
        "team",
        "vendor",
        "model",
        "priority",
        "category",
    } <= names
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert response["$ref"].endswith("/SummaryResponse")
    assert "400" in operation["responses"]
    assert "/api/v1/analytics/dashboard/" in schema["paths"]
