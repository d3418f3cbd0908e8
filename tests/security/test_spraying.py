"""One address cannot spray passwords over many user names or guess API tokens without end.

Probe finding: django-axes locks a user name and address pair, so one address could try
unlimited user names; failed API token checks were never limited.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts import services
from sasms.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_an_address_failing_with_many_user_names_is_refused(agent: User, settings: Any) -> None:
    settings.SASMS_LOGIN_ADDRESS_FAILURE_RATE = "10/15m"
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for n in range(10):  # each name fails once: far below axes' per-name limit
        assert _sign_in(client, f"person{n}@example.com", "Summer2026!").status_code == 200
    refused = _sign_in(client, agent.email, PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert b'data-testid="lockout"' in refused.content
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.7")
    assert _sign_in(other, agent.email, PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_count(agent: User, settings: Any) -> None:
    settings.SASMS_LOGIN_ADDRESS_FAILURE_RATE = "3/15m"
    for _ in range(5):
        client = Client()
        assert _sign_in(client, agent.email, PASSWORD).status_code == 302


def test_failed_api_tokens_are_limited_per_address(agent: User, settings: Any) -> None:
    settings.SASMS_API_TOKEN_FAILURE_RATE = "5/m"
    good = services.issue_personal_token(actor=agent, name="ci", expires_in_days=30)
    guesser = APIClient()
    for n in range(5):
        guesser.credentials(HTTP_AUTHORIZATION=f"Bearer sasms_guess{n}")
        assert guesser.get("/api/v1/me/").status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION=f"Bearer {good.secret}")
    refused = guesser.get("/api/v1/me/")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    elsewhere = APIClient(REMOTE_ADDR="192.0.2.8")
    elsewhere.credentials(HTTP_AUTHORIZATION=f"Bearer {good.secret}")
    assert elsewhere.get("/api/v1/me/").status_code == 200


def test_a_request_without_a_client_address_is_still_answered(agent: User) -> None:
    client = APIClient(REMOTE_ADDR="")
    client.credentials(HTTP_AUTHORIZATION="Bearer sasms_guess")
    assert client.get("/api/v1/me/").status_code == 401
    page = Client(REMOTE_ADDR="")
    assert _sign_in(page, agent.email, "wrong").status_code == 200
