"""Tenant isolation of every portal page and endpoint: customer A gets 404 for B's objects.

Staff without the portal get 403 on portal pages; nobody signed out gets past the sign-in page.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.feedback.models import Survey
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db
SCORES = {"response_speed": 5, "expertise": 5, "resolution": 5, "attitude": 5}


@pytest.fixture
def b_request(
    portal_request: Callable[..., Ticket],
    customer_b_user: User,
    server_b: Server,
    resolve: Callable[[Ticket, User], Ticket],
    engineer: User,
) -> Ticket:
    return resolve(portal_request(actor=customer_b_user, server=server_b, title="B's disk"), engineer)


def test_customer_a_gets_404_for_b_pages(
    b_request: Ticket, server_b: Server, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    number = b_request.number
    attachment_url = reverse("tickets:attachment", args=[number, 1])
    for method, url, data in [
        ("get", reverse("portal:server_detail", args=[server_b.pk]), {}),
        ("get", reverse("portal:request_detail", args=[number]), {}),
        ("post", reverse("portal:request_reply", args=[number]), {"body": "hello"}),
        ("post", reverse("portal:request_upload", args=[number]), {}),
        ("post", reverse("portal:request_status", args=[number]), {"action": "close"}),
        ("get", reverse("portal:survey", args=[number]), {}),
        ("post", reverse("portal:survey", args=[number]), SCORES),
        ("get", attachment_url, {}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    assert Ticket.objects.get(pk=b_request.pk).status == "resolved"
    assert not Survey.objects.filter(answered_at__isnull=False).exists()


def test_b_rows_never_appear_in_a_lists(
    b_request: Ticket,
    server_b: Server,
    customer_user: User,
    customer_admin: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(customer_admin)
    for url in (
        reverse("portal:home"),
        reverse("portal:request_list"),
        reverse("portal:request_list") + "?export=csv",
        reverse("portal:server_list"),
        reverse("portal:server_list") + "?export=csv",
        reverse("portal:survey_results"),
        reverse("portal:deflection_report"),
        reverse("portal:server_search") + "?server=XYZ",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        content = (
            b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        ).decode()
        assert b_request.number not in content, url
        assert server_b.serial not in content, url


def test_the_a_customer_cannot_open_a_request_on_b_server(
    server_b: Server, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(customer_user).post(
        reverse("portal:request_create"),
        {
            "server": str(server_b.serial),
            "kind": "incident",
            "category": "hardware",
            "title": "x",
            "impact": "2",
            "urgency": "2",
        },
    )
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_api_refuses_b_surveys_to_a(
    b_request: Ticket, customer_user: User, api_for: Callable[[User], APIClient]
) -> None:
    survey = Survey.objects.get(ticket=b_request)
    client = api_for(customer_user)
    assert client.get(f"/api/v1/surveys/{survey.pk}/").status_code == 404
    assert client.post(f"/api/v1/surveys/{survey.pk}/answer/", SCORES, format="json").status_code == 404
    assert client.get("/api/v1/surveys/").json()["count"] == 0
    assert client.get(f"/api/v1/tickets/{b_request.number}/").status_code == 404
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_staff_without_the_portal_get_403_and_strangers_sign_in(
    engineer: User, client_for: Callable[[User], Client], server_a: Server
) -> None:
    staff = client_for(engineer)
    anonymous = Client()
    for url in (
        reverse("portal:home"),
        reverse("portal:request_list"),
        reverse("portal:request_create"),
        reverse("portal:server_list"),
        reverse("portal:server_detail", args=[server_a.pk]),
    ):
        assert staff.get(url).status_code == 403, url
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    assert anonymous.get(reverse("portal:survey_results")).status_code == 302
