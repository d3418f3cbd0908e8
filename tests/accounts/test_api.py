import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from sasms.accounts import services
from sasms.accounts.models import ApiToken, Organisation, User
from sasms.accounts.roles import Role

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_me_with_a_personal_token(agent):
    issued = services.issue_personal_token(actor=agent, name="cli")
    response = bearer(issued.secret).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == agent.email
    assert "work_tickets" in body["capabilities"]


@pytest.mark.parametrize("header", ["Bearer sasms_not-a-real-token", "Bearer", "Token a b", "Bearer \u00e9"])
def test_bad_credentials_get_the_json_error_shape(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    body = response.json()
    assert body["error"]["code"] == "authentication_failed"
    assert body["error"]["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_are_refused(agent):
    expired = services.issue_personal_token(actor=agent, name="old", expires_in_days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert bearer(expired.secret).get("/api/v1/me/").status_code == 401
    revoked = services.issue_personal_token(actor=agent, name="gone")
    services.revoke_token(actor=agent, token=revoked.token)
    assert bearer(revoked.secret).get("/api/v1/me/").status_code == 401


def test_anonymous_gets_401(db):
    response = APIClient().get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_unknown_fields_are_named_and_nothing_is_written(admin_user, api_for):
    before = Organisation.objects.count()
    response = api_for(admin_user).post(
        "/api/v1/organisations/",
        {"name": "N", "code": "n", "kind": "customer", "colour": "red"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"colour": ["Unknown field."]}
    assert Organisation.objects.count() == before


def test_invalid_fields_are_named(admin_user, api_for):
    response = api_for(admin_user).post(
        "/api/v1/organisations/", {"name": "", "kind": "alien"}, format="json"
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"name", "code", "kind"}


def test_malformed_json_is_a_400(admin_user, api_for):
    response = api_for(admin_user).generic(
        "POST", "/api/v1/organisations/", '{"name": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_non_object_body_is_a_400(admin_user, api_for):
    response = api_for(admin_user).post("/api/v1/organisations/", ["a", "b"], format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_service_refusals_use_the_same_shape(admin_user, customer_a, api_for):
    response = api_for(admin_user).post(
        "/api/v1/organisations/", {"name": customer_a.name, "code": "x", "kind": "customer"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["fields"]["name"]


def test_permission_refusal_is_403(agent, api_for):
    response = api_for(agent).post(
        "/api/v1/organisations/", {"name": "N", "code": "n", "kind": "customer"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_customer_sees_only_own_organisation(customer_user, customer_a, customer_b, api_for):
    client = api_for(customer_user)
    listing = client.get("/api/v1/organisations/").json()
    assert [row["id"] for row in listing["results"]] == [customer_a.pk]
    assert client.get(f"/api/v1/organisations/{customer_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/organisations/{customer_b.pk}/contacts/").status_code == 404
    assert client.get("/api/v1/users/").json()["count"] == 0
    assert client.get("/api/v1/audit/").json()["count"] == 0


def test_pagination_and_filtering_conventions(admin_user, api_for):
    for index in range(7):
        services.create_organisation(
            actor=admin_user, name=f"Org {index}", code=f"org-{index}", kind="customer", city="Wuhan"
        )
    client = api_for(admin_user)
    page = client.get("/api/v1/organisations/", {"page_size": 3, "city": "wuhan", "ordering": "-name"}).json()
    assert page["count"] == 7
    assert [row["name"] for row in page["results"]] == ["Org 6", "Org 5", "Org 4"]
    assert page["next"]
    assert client.get("/api/v1/organisations/", {"page": 99}).status_code == 404


def test_customer_admin_creates_colleague_but_not_elsewhere(customer_admin, customer_a, customer_b, api_for):
    client = api_for(customer_admin)
    created = client.post(
        "/api/v1/users/",
        {"email": "new@a.example", "full_name": "新同事", "organisation": customer_a.pk, "role": "customer"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    elsewhere = client.post(
        "/api/v1/users/",
        {"email": "x@b.example", "full_name": "X", "organisation": customer_b.pk, "role": "customer"},
        format="json",
    )
    assert elsewhere.status_code == 404
    assert "organisation" in elsewhere.json()["error"]["fields"]
    assert not User.objects.filter(email="x@b.example").exists()


def test_tokens_api_issues_and_revokes(agent, api_for):
    client = api_for(agent)
    created = client.post("/api/v1/tokens/", {"name": "deploy", "expires_in_days": 7}, format="json")
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert bearer(secret).get("/api/v1/me/").status_code == 200
    revoked = client.post(f"/api/v1/tokens/{created.json()['id']}/revoke/")
    assert revoked.json()["revoked_at"]
    assert bearer(secret).get("/api/v1/me/").status_code == 401
    bad = client.post("/api/v1/tokens/", {"name": "x", "expires_in_days": 0}, format="json")
    assert bad.status_code == 400
    assert "expires_in_days" in bad.json()["error"]["fields"]


def test_machine_token_endpoint_is_for_administrators(agent, admin_user, provider, api_for):
    payload = {"name": "alertmanager", "organisation": provider.pk, "role": Role.AGENT}
    assert api_for(agent).post("/api/v1/tokens/machine/", payload, format="json").status_code == 403
    created = api_for(admin_user).post("/api/v1/tokens/machine/", payload, format="json")
    assert created.status_code == 201
    assert bearer(created.json()["secret"]).get("/api/v1/me/").json()["role"] == Role.AGENT


def test_profile_patch_and_unknown_version(agent, api_for):
    client = api_for(agent)
    response = client.patch("/api/v1/me/", {"language": "zh-hans", "time_zone": "Asia/Urumqi"}, format="json")
    assert response.status_code == 200
    assert response.json()["time_zone"] == "Asia/Urumqi"
    assert client.patch("/api/v1/me/", {"time_zone": "Nowhere/Else"}, format="json").status_code == 400
    assert client.get("/api/v2/me/").status_code == 404


def test_openapi_schema_is_served(agent, api_for):
    response = api_for(agent).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/organisations/" in paths
    assert "/api/v1/tokens/{id}/revoke/" in paths


def test_error_messages_follow_accept_language(admin_user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(admin_user)
    response = client.post("/api/v1/organisations/", {"name": "N", "code": "n", "kind": "customer", "x": 1})
    assert response.json()["error"]["fields"] == {"x": ["未知字段。"]}
