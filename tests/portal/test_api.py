"""The portal API: surveys (customers answer here too), deflections; requests via the tickets API."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.feedback.models import Deflection, Survey, SurveyResponse
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db
SCORES = {"response_speed": 4, "expertise": 5, "resolution": 4, "attitude": 5, "comment": "Good"}


def test_customer_lists_and_answers_surveys(
    resolved: Ticket, customer_user: User, api_for: Callable[[User], APIClient]
) -> None:
    client = api_for(customer_user)
    listing = client.get("/api/v1/surveys/", {"answered": "false"}).json()
    assert listing["count"] == 1
    survey = listing["results"][0]
    assert (survey["ticket_number"], survey["answered"], survey["answer"]) == (resolved.number, False, None)
    response = client.post(f"/api/v1/surveys/{survey['id']}/answer/", SCORES, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["answered"] is True
    assert body["answer"]["average"] == "4.50"
    assert body["answer"]["channel"] == "api"
    again = client.post(f"/api/v1/surveys/{survey['id']}/answer/", SCORES, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_answered"
    assert client.get("/api/v1/surveys/", {"answered": "false"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**SCORES, "expertise": 7}, "expertise"),
        ({**SCORES, "attitude": 0}, "attitude"),
        ({k: v for k, v in SCORES.items() if k != "resolution"}, "resolution"),
        ({**SCORES, "stars": 5}, "stars"),
    ],
)
def test_bad_answers_name_the_field(
    resolved: Ticket,
    customer_user: User,
    api_for: Callable[[User], APIClient],
    payload: dict[str, object],
    field: str,
) -> None:
    survey = Survey.objects.get()
    response = api_for(customer_user).post(f"/api/v1/surveys/{survey.pk}/answer/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not SurveyResponse.objects.exists()


def test_staff_read_surveys_but_do_not_answer(
    resolved: Ticket, engineer: User, api_for: Callable[[User], APIClient]
) -> None:
    client = api_for(engineer)
    survey = Survey.objects.get()
    assert client.get(f"/api/v1/surveys/{survey.pk}/").json()["engineer"] == engineer.pk
    assert client.post(f"/api/v1/surveys/{survey.pk}/answer/", SCORES, format="json").status_code == 403
    assert not SurveyResponse.objects.exists()


def test_deflections_api(
    articles: dict[int, str], customer_user: User, customer_admin: User, api_for: Callable[[User], APIClient]
) -> None:
    customer = api_for(customer_user)
    created = customer.post("/api/v1/deflections/", {"article": 101, "query": "raid"}, format="json")
    assert created.status_code == 201
    assert created.json()["article_title"] == articles[101]
    bad = customer.post("/api/v1/deflections/", {"article": 555}, format="json")
    assert bad.status_code == 400
    assert "article" in bad.json()["error"]["fields"]
    assert customer.get("/api/v1/deflections/rate/").status_code == 403
    admin = api_for(customer_admin)
    assert admin.get("/api/v1/deflections/").json()["count"] == 1
    rate = admin.get("/api/v1/deflections/rate/", {"since": "2000-01-01"}).json()
    assert rate == {"deflections": 1, "portal_requests": 0, "rate": 1.0}
    assert admin.get("/api/v1/deflections/rate/", {"since": "not a date"}).status_code == 400
    assert Deflection.objects.count() == 1


def test_customer_opens_a_request_through_the_tickets_api(
    customer_user: User, server_a: Server, api_for: Callable[[User], APIClient]
) -> None:
    response = api_for(customer_user).post(
        "/api/v1/tickets/",
        {
            "organisation": customer_user.organisation_id,
            "server_identifier": "CN7A1234",
            "title": "Fan 2 failed",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.server) == ("api", server_a)


def test_schema_lists_the_portal_endpoints(manager: User, api_for: Callable[[User], APIClient]) -> None:
    schema = api_for(manager).get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/surveys/{id}/answer/" in schema["paths"]
    assert "/api/v1/deflections/rate/" in schema["paths"]
