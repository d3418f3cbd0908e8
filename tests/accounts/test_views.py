import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from sasms.accounts import services
from sasms.accounts.models import OrganisationKind, User
from sasms.accounts.roles import CUSTOMER_ROLES, Role
from sasms.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_sign_in_and_audit(agent):
    client = Client()
    response = sign_in(client, agent.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEntry.objects.filter(action="session.sign_in", actor=agent).exists()


def test_wrong_password_shows_an_error(agent):
    response = sign_in(Client(), agent.email, "wrong-password")
    assert response.status_code == 200
    assert b'data-testid="form-errors"' in response.content


def test_lock_out_after_repeated_failures(agent, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, agent.email, "wrong-password")
    response = sign_in(client, agent.email, PASSWORD)
    assert response.status_code == 429
    assert b'data-testid="lockout"' in response.content
    assert "_auth_user_id" not in client.session


def test_machine_accounts_cannot_sign_in_to_pages(admin_user):
    issued = services.issue_machine_token(
        actor=admin_user, name="m", role=Role.AGENT, organisation=admin_user.organisation
    )
    machine = issued.token.user
    machine.set_password(PASSWORD)
    machine.save()
    assert sign_in(Client(), machine.email, PASSWORD).status_code == 200


def test_totp_second_factor(agent, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting between the wrong and the right code
    device = TOTPDevice.objects.create(user=agent, name="app", confirmed=True)
    client = Client()
    response = sign_in(client, agent.email, PASSWORD)
    assert response["Location"] == reverse("accounts:login_verify")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("accounts:login_verify"), {"otp_token": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    right = client.post(reverse("accounts:login_verify"), {"otp_token": code})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_staff_must_enrol_two_factor_when_required(settings, agent, client_for):
    settings.SASMS_REQUIRE_STAFF_2FA = True
    response = client_for(agent).get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")


def test_customer_cannot_open_staff_pages(customer_user, customer_b, client_for):
    client = client_for(customer_user)
    assert client.get(reverse("core:audit_list")).status_code == 403
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:organisation_list")).status_code == 403
    assert client.get(reverse("accounts:organisation_detail", args=[customer_b.pk])).status_code == 404


def test_customer_admin_sees_only_own_organisation_users(customer_admin, make_user, customer_b, client_for):
    colleague = make_user(Role.CUSTOMER, full_name="Colleague A")
    outsider = make_user(Role.CUSTOMER, organisation=customer_b, full_name="Outsider B")
    client = client_for(customer_admin)
    page = client.get(reverse("accounts:user_list"))
    assert colleague.full_name.encode() in page.content
    assert outsider.full_name.encode() not in page.content
    assert customer_b.name.encode() not in page.content  # not even in the filter choices
    assert client.get(reverse("accounts:user_edit", args=[outsider.pk])).status_code == 404


def test_organisation_list_filters_paginates_and_exports(admin_user, client_for):
    for index in range(30):
        services.create_organisation(
            actor=admin_user,
            name=f"客户{index:02d}",
            code=f"c{index:02d}",
            kind=OrganisationKind.CUSTOMER,
            city="杭州",
        )
    client = client_for(admin_user)
    url = reverse("accounts:organisation_list")
    first = client.get(url)
    assert first.context["page"].paginator.count == 32
    assert len(first.context["rows"]) == 25
    filtered = client.get(url, {"q": "客户07"})
    assert [row.obj.name for row in filtered.context["rows"]] == ["客户07"]
    partial = client.get(url, {"q": "客户07"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content
    assert "客户07".encode() in partial.content
    csv_response = client.get(url, {"q": "客户1", "export": "csv"})
    csv_text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Name,Code")
    assert len(csv_text.strip().splitlines()) == 11
    xlsx = client.get(url, {"kind": "customer", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 1 + 31  # the 30 above and customer_a; the provider is not a customer


def test_empty_list_shows_the_empty_state(admin_user, client_for):
    response = client_for(admin_user).get(reverse("accounts:organisation_list"), {"q": "no such name"})
    assert b'data-testid="empty-state"' in response.content


def test_organisation_form_shows_service_errors_and_writes_nothing(admin_user, customer_a, client_for):
    response = client_for(admin_user).post(
        reverse("accounts:organisation_create"),
        {
            "name": customer_a.name,
            "code": "dup",
            "kind": "customer",
            "time_zone": "Asia/Shanghai",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "An organisation with this name already exists." in str(response.context["form"].errors)
    assert not type(customer_a).objects.filter(code="dup").exists()


def test_language_switch_updates_profile_and_cookie(agent, client_for):
    client = client_for(agent)
    response = client.post(reverse("accounts:set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["sasms_language"].value == "zh-hans"
    agent.refresh_from_db()
    assert agent.language == "zh-hans"
    page = client.get(reverse("core:home"))
    assert b'<html lang="zh-hans">' in page.content


def test_language_switch_refuses_foreign_redirects(agent, client_for):
    response = client_for(agent).post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:home")


def test_password_reset_round_trip(agent, django_capture_on_commit_callbacks, mailoutbox):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": agent.email})
    assert response.status_code == 200
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/password-reset/" in line)
    path = link.split("8000", 1)[1] if "8000" in link else link
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Brand-New-Pass-9", "new_password2": "Brand-New-Pass-9"},
    )
    assert done.status_code == 302
    assert User.objects.get(pk=agent.pk).check_password("Brand-New-Pass-9")
    assert AuditEntry.objects.filter(action="password.reset", object_id=str(agent.pk)).exists()


def test_token_page_creates_and_revokes(agent, client_for):
    client = client_for(agent)
    created = client.post(
        reverse("accounts:token_create"), {"kind": "personal", "name": "ci", "expires_in_days": 30}
    )
    secret = created.context["issued"].secret
    assert services.authenticate_token(secret) is not None
    token = created.context["issued"].token
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert services.authenticate_token(secret) is None


def test_health_endpoints(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["checks"]["database"] == "ok"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_a_home_page(role, make_user, client_for):
    user = make_user(role)
    response = client_for(user).get(reverse("core:home"), follow=True)
    assert response.status_code == 200
    # A customer's home is the portal.
    assert response.redirect_chain == ([("/portal/", 302)] if role in CUSTOMER_ROLES else [])
    labels = [str(item.label) for group in response.context["nav_menu"] for item in group.items]
    assert labels[0] in ("Home", "首页")
    assert ("Audit trail" in labels or "审计日志" in labels) == (role == Role.ADMINISTRATOR)
