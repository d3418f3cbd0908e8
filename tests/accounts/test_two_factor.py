"""Staff two-factor is one rule for pages and the API: a password-only staff session reaches neither.

An API token authenticates on its own; only a session that passed its TOTP check may mint one.
"""

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import exceptions
from rest_framework.request import Request

from sasms.accounts import services
from sasms.accounts.authentication import VerifiedSessionAuthentication
from sasms.accounts.models import ApiToken, Contact, Organisation, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _two_factor_required(settings: Any) -> None:
    settings.SASMS_REQUIRE_STAFF_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _verified_client(user: User) -> Client:
    """Signs in through the real pages: password, then the authenticator's current code."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(reverse("accounts:login_verify"), {"otp_token": code}).status_code == 302
    return client


def _assert_refused(response: Any) -> None:
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "second_factor_required"


def test_password_only_staff_session_cannot_read_the_api(agent: User, client_for: Any) -> None:
    client = client_for(agent)
    for path in (f"{API}/tickets/", f"{API}/me/", f"{API}/organisations/", f"{API}/tokens/"):
        _assert_refused(client.get(path))


def test_password_only_staff_session_cannot_write_through_the_api(
    agent: User, customer_a: Organisation, client_for: Any
) -> None:
    client = client_for(agent)
    response = client.post(
        f"{API}/organisations/{customer_a.pk}/contacts/", {"name": "Mallory"}, content_type="application/json"
    )
    _assert_refused(response)
    assert not Contact.objects.filter(name="Mallory").exists()


def test_password_only_staff_session_cannot_mint_a_token(agent: User, client_for: Any) -> None:
    client = client_for(agent)
    response = client.post(
        f"{API}/tokens/", {"name": "forever", "expires_in_days": 3650}, content_type="application/json"
    )
    _assert_refused(response)
    page = client.post(reverse("accounts:token_create"), {"name": "forever", "expires_in_days": 3650})
    assert page.status_code == 302
    assert page["Location"] == reverse("accounts:two_factor")
    assert not ApiToken.objects.filter(user=agent).exists()


def test_password_only_staff_session_reaches_only_enrolment(agent: User, client_for: Any) -> None:
    client = client_for(agent)
    for name in ("accounts:profile", "accounts:password_change", "accounts:token_list"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("accounts:two_factor")
    assert client.get(reverse("accounts:two_factor")).status_code == 200


def test_verified_staff_session_uses_the_api_and_mints_a_token(agent: User) -> None:
    client = _verified_client(agent)
    assert client.get(f"{API}/tickets/").status_code == 200
    response = client.post(f"{API}/tokens/", {"name": "ci"}, content_type="application/json")
    assert response.status_code == 201
    secret = response.json()["secret"]
    token_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert token_client.get(f"{API}/me/").json()["email"] == agent.email


def test_a_token_works_on_its_own_beside_an_unverified_session(agent: User, client_for: Any) -> None:
    issued = services.issue_personal_token(actor=agent, name="ci", expires_in_days=30)
    client = client_for(agent)
    response = client.get(f"{API}/me/", HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert response.status_code == 200


def test_customer_sessions_are_not_asked_for_a_second_factor(customer_user: User, client_for: Any) -> None:
    assert client_for(customer_user).get(f"{API}/me/").status_code == 200


def test_session_authentication_refuses_an_unverified_staff_user(agent: User) -> None:
    # Any DRF view, wherever it is mounted, trusts the session only once the second factor passed.
    django_request = RequestFactory().get("/elsewhere/")
    django_request.user = agent
    django_request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
    with pytest.raises(exceptions.PermissionDenied):
        VerifiedSessionAuthentication().authenticate(Request(django_request))
