"""Control characters mean nothing in titles, names and messages: submitted text arrives without them."""

from collections.abc import Callable
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.core.text import clean_submitted
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_portal_request_title_is_stored_without_control_characters(
    customer_user: User, client_for: Callable[[User], Client]
) -> None:
    form = {
        "kind": "incident",
        "category": "hardware",
        "title": "Fan\x1b[31m failure\x00",
        "description": "line one\r\nline\ttwo\x07",
        "impact": "1",
        "urgency": "1",
    }
    response = client_for(customer_user).post(reverse("portal:request_create"), form)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.title == "Fan[31m failure"
    assert ticket.description == "line one\r\nline\ttwo"  # tab and line breaks are kept


def test_a_title_of_control_characters_only_is_a_missing_title(
    customer_user: User, client_for: Callable[[User], Client]
) -> None:
    form = {"kind": "incident", "category": "hardware", "title": "\x1b\x1b", "impact": "1", "urgency": "1"}
    response = client_for(customer_user).post(reverse("portal:request_create"), form)
    assert response.status_code == 422
    assert "title" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_api_input_is_cleaned_before_validation(
    customer_a: Organisation, make_user: Callable[..., User]
) -> None:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(make_user(Role.AGENT))
    # Written by hand: a lone surrogate is valid JSON but cannot be encoded by a client library.
    body = '{"organisation": ORG, "title": "Disk\\u001b failed\\ud800"}'.replace("ORG", str(customer_a.pk))
    response = api.post("/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Ticket.objects.get().title == "Disk failed"


def test_profile_name_is_cleaned(agent: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(agent)
    page = client.get(reverse("accounts:profile"))
    data: dict[str, Any] = {
        name: value for name, value in page.context["form"].initial.items() if value is not None
    }
    data["full_name"] = "Li\x1b Lei"
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code in (200, 302)
    agent.refresh_from_db()
    assert agent.full_name == "Li Lei"


def test_clean_submitted_keeps_every_value_of_a_query_dict() -> None:
    data = QueryDict(mutable=True)
    data.setlist("tag", ["a\x1b", "b"])
    data["n"] = "1"
    cleaned = clean_submitted(data)
    assert cleaned.getlist("tag") == ["a", "b"]
    assert cleaned["n"] == "1"
    assert clean_submitted({"x": ["\x00y", {"z": "\x1f"}], "k": 3}) == {"x": ["y", {"z": ""}], "k": 3}
