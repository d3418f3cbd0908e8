"""API tokens cannot outlive what made them.

Probe finding: a token could mint tokens valid up to 10 years, which survived revoking the
original and a password change.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from sasms.accounts import services
from sasms.accounts.models import ApiToken, ApiTokenKind, Organisation, User
from sasms.accounts.roles import Role
from sasms.core.errors import ServiceError
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_cannot_mint_tokens(agent: User, admin_user: User, customer_a: Organisation) -> None:
    issued = services.issue_personal_token(actor=agent, name="ci", expires_in_days=30)
    admin_token = services.issue_personal_token(actor=admin_user, name="admin ci", expires_in_days=30)
    before = ApiToken.objects.count()
    response = bearer(issued.secret).post("/api/v1/tokens/", {"name": "child"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "session_required"
    machine = bearer(admin_token.secret).post(
        "/api/v1/tokens/machine/",
        {"name": "zabbix", "organisation": customer_a.pk, "role": Role.CUSTOMER},
        format="json",
    )
    assert machine.status_code == 403
    assert machine.json()["error"]["code"] == "session_required"
    assert ApiToken.objects.count() == before


def test_a_signed_in_session_mints_a_bounded_token(agent: User, api_for: Callable[[User], APIClient]) -> None:
    client = api_for(agent)
    too_long = client.post("/api/v1/tokens/", {"name": "forever", "expires_in_days": 3650}, format="json")
    assert too_long.status_code == 400
    assert "expires_in_days" in too_long.json()["error"]["fields"]
    unbounded = client.post("/api/v1/tokens/", {"name": "longest", "expires_in_days": None}, format="json")
    assert unbounded.status_code == 201
    token = ApiToken.objects.get(pk=unbounded.json()["id"])
    assert token.expires_at is not None
    assert token.expires_at <= timezone.now() + datetime.timedelta(days=365, minutes=1)


def test_machine_tokens_expire_too(admin_user: User, customer_a: Organisation) -> None:
    issued = services.issue_machine_token(
        actor=admin_user, name="cmdb", role=Role.CUSTOMER, organisation=customer_a
    )
    assert issued.token.expires_at is not None
    assert issued.token.expires_at <= timezone.now() + datetime.timedelta(days=365, minutes=1)


def test_a_lower_configured_limit_is_enforced(agent: User, settings: Any) -> None:
    settings.SASMS_API_TOKEN_MAX_DAYS = 30
    with pytest.raises(ServiceError) as refused:
        services.issue_personal_token(actor=agent, name="ci", expires_in_days=90)
    assert "expires_in_days" in refused.value.fields
    assert not ApiToken.objects.filter(user=agent).exists()
    settings.SASMS_API_TOKEN_MAX_DAYS = 3650  # never more than a year, whatever is configured
    with pytest.raises(ServiceError):
        services.issue_personal_token(actor=agent, name="ci", expires_in_days=400)


def test_an_old_token_without_expiry_ends_at_the_limit(agent: User) -> None:
    issued = services.issue_personal_token(actor=agent, name="legacy", expires_in_days=30)
    assert bearer(issued.secret).get("/api/v1/me/").status_code == 200
    # Made before lifetimes were bounded: no expiry, 400 days old.
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=None, created_at=timezone.now() - datetime.timedelta(days=400)
    )
    assert bearer(issued.secret).get("/api/v1/me/").status_code == 401


def test_changing_the_password_revokes_the_users_personal_tokens(
    agent: User, admin_user: User, customer_a: Organisation
) -> None:
    mine = services.issue_personal_token(actor=agent, name="laptop", expires_in_days=30)
    someone_elses = services.issue_personal_token(actor=admin_user, name="admin", expires_in_days=30)
    machine = services.issue_machine_token(
        actor=admin_user, name="cmdb", role=Role.CUSTOMER, organisation=customer_a
    )
    services.change_password(actor=agent, current_password=PASSWORD, new_password="An0ther-Horse-Battery")
    assert bearer(mine.secret).get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.get(pk=mine.token.pk).revoked_at is not None
    assert bearer(someone_elses.secret).get("/api/v1/me/").status_code == 200
    assert bearer(machine.secret).get("/api/v1/me/").status_code == 200


def test_a_password_reset_revokes_them_too(admin_user: User) -> None:
    mine = services.issue_personal_token(actor=admin_user, name="laptop", expires_in_days=30)
    services.reset_password(user=admin_user, new_password="An0ther-Horse-Battery")
    assert bearer(mine.secret).get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.filter(user=admin_user, kind=ApiTokenKind.PERSONAL, revoked_at=None).count() == 0
