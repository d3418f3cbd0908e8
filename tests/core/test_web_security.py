"""Web hardening: Content-Security-Policy, rate limits on password reset and the API."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.throttling import UserRateThrottle

from sasms.accounts.models import User

pytestmark = pytest.mark.django_db


def test_pages_forbid_inline_script(client: Any, agent: User, client_for: Callable[[User], Any]) -> None:
    page = client_for(agent).get("/")
    policy = page["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "onclick=" not in page.content.decode()
    login = client.get("/accounts/login/")
    assert "script-src 'self'" in login["Content-Security-Policy"]


def test_only_the_api_docs_may_start_swagger_inline(agent: User, client_for: Callable[[User], Any]) -> None:
    docs = client_for(agent).get("/api/docs/")
    assert docs.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in docs["Content-Security-Policy"]


def test_password_reset_is_rate_limited_per_address(client: Any, settings: Any) -> None:
    settings.SASMS_PASSWORD_RESET_RATE = "3/h"
    for _ in range(3):
        assert client.post("/accounts/password-reset/", {"email": "nobody@example.com"}).status_code == 200
    refused = client.post(
        "/accounts/password-reset/", {"email": "nobody@example.com"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 429
    assert b'data-testid="reset-throttled"' in refused.content


def test_api_is_rate_limited_per_user(
    agent: User, api_for: Callable[[User], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(UserRateThrottle, "rate", "3/min", raising=False)
    client = api_for(agent)
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 429
    assert "Retry-After" in refused
