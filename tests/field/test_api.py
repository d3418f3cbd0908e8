"""The visits API: staff read and schedule; customers see none; the schema builds."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient
from tests.field.conftest import window

from sasms.accounts.models import Contact, User
from sasms.field.models import Visit
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_staff_list_and_detail(
    visit: Visit,
    dispatcher: User,
    api_for: Callable[[User], APIClient],
    django_assert_max_num_queries: Any,
) -> None:
    client = api_for(dispatcher)
    with django_assert_max_num_queries(6):
        listing = client.get("/api/v1/visits/", {"status": "scheduled"})
    assert listing.status_code == 200
    [row] = listing.json()["results"]
    assert row["id"] == visit.pk
    assert row["ticket_number"] == visit.ticket.number
    assert row["page_url"] == f"/field/visits/{visit.pk}/"
    assert client.get("/api/v1/visits/", {"status": "checked_out"}).json()["count"] == 0
    assert client.get("/api/v1/visits/", {"ticket": visit.ticket.number}).json()["count"] == 1
    detail = client.get(f"/api/v1/visits/{visit.pk}/").json()
    assert detail["notes"] == []
    assert detail["parts"] == []
    assert detail["photos"] == []


def test_customers_see_no_visits(
    visit: Visit, customer_user: User, customer_admin: User, api_for: Callable[[User], APIClient]
) -> None:
    for user in (customer_user, customer_admin):
        client = api_for(user)
        assert client.get("/api/v1/visits/").json()["count"] == 0
        assert client.get(f"/api/v1/visits/{visit.pk}/").status_code == 404
        step = client.post(
            f"/api/v1/visits/{visit.pk}/steps/", {"key": str(uuid.uuid4()), "step": "accept"}, format="json"
        )
        assert step.status_code == 404
    assert Visit.objects.get(pk=visit.pk).status == "scheduled"


def test_another_engineer_gets_403_with_a_clear_message(
    visit: Visit, other_engineer: User, api_for: Callable[[User], APIClient]
) -> None:
    response = api_for(other_engineer).post(
        f"/api/v1/visits/{visit.pk}/steps/", {"key": str(uuid.uuid4()), "step": "accept"}, format="json"
    )
    assert response.status_code == 403
    assert "another engineer" in response.json()["error"]["message"]
    assert Visit.objects.get(pk=visit.pk).status == "scheduled"


def test_schedule_through_the_api(
    ticket: Ticket,
    ticket_b: Ticket,
    dispatcher: User,
    field_engineer: User,
    contact_a: Contact,
    api_for: Callable[[User], APIClient],
) -> None:
    client = api_for(dispatcher)
    start, end = window()
    payload = {
        "ticket": ticket.number,
        "engineer": field_engineer.pk,
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "contact": contact_a.pk,
        "access_notes": "Gate 2",
    }
    created = client.post("/api/v1/visits/", payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "scheduled"
    # A contact of another customer is refused by name, and nothing is created.
    stranger = Contact.objects.create(organisation=ticket_b.organisation, name="B")
    refused = client.post("/api/v1/visits/", {**payload, "contact": stranger.pk}, format="json")
    assert refused.status_code == 404
    assert "contact" in refused.json()["error"]["fields"]
    missing = client.post("/api/v1/visits/", {**payload, "ticket": "SR000"}, format="json")
    assert "ticket" in missing.json()["error"]["fields"]
    assert Visit.objects.count() == 1
    assert api_for(field_engineer).post("/api/v1/visits/", payload, format="json").status_code == 403


def test_engineer_flow_through_the_api(
    visit: Visit, field_engineer: User, api_for: Callable[[User], APIClient]
) -> None:
    client = api_for(field_engineer)
    for step, extra in (
        ("accept", {}),
        ("travel", {}),
        ("check_in", {"latitude": 39.9, "longitude": 116.4, "accuracy": 20}),
        ("part", {"part_number": "M393A4K40DB3", "quantity": 2}),
        ("check_out", {"summary": "Memory replaced"}),
    ):
        response = client.post(
            f"/api/v1/visits/{visit.pk}/steps/",
            {"key": str(uuid.uuid4()), "step": step, **extra},
            format="json",
        )
        assert response.status_code == 201, (step, response.content)
    visit.refresh_from_db()
    assert visit.status == "checked_out"
    assert visit.parts.get().quantity == 2


def test_schema_lists_the_visit_endpoints(admin_user: User, api_for: Callable[[User], APIClient]) -> None:
    schema = api_for(admin_user).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/visits/{id}/steps/" in paths
    assert "/api/v1/visits/" in paths
