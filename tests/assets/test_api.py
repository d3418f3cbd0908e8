from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Component, Server, ServerModel, Site, Vendor
from sasms.core.models import AuditEntry

ApiFor = Callable[[User], APIClient]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/servers/{server}/",
        "/api/v1/servers/{server}/components/",
        "/api/v1/sites/{site}/",
    ],
)
def test_other_organisations_rows_are_404(
    api_for: ApiFor, customer_user: User, server_b: Server, site_b: Site, path: str
) -> None:
    response = api_for(customer_user).get(path.format(server=server_b.pk, site=site_b.pk))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/api/v1/servers/{server}/"),
        ("post", "/api/v1/servers/{server}/components/"),
        ("patch", "/api/v1/sites/{site}/"),
    ],
)
def test_writes_to_other_organisations_rows_are_404(
    api_for: ApiFor, customer_user: User, server_b: Server, site_b: Site, method: str, path: str
) -> None:
    response = getattr(api_for(customer_user), method)(
        path.format(server=server_b.pk, site=site_b.pk), {"hostname": "x"}, format="json"
    )
    assert response.status_code == 404


def test_customer_cannot_write(
    api_for: ApiFor,
    customer_user: User,
    server_a: Server,
    server_model: ServerModel,
    customer_a: Organisation,
) -> None:
    client = api_for(customer_user)
    response = client.post(
        "/api/v1/servers/",
        {"model": server_model.pk, "serial": "C1", "organisation": customer_a.pk},
        format="json",
    )
    assert response.status_code == 403
    assert (
        client.patch(f"/api/v1/servers/{server_a.pk}/", {"hostname": "x"}, format="json").status_code == 403
    )
    assert client.post("/api/v1/vendors/", {"name": "X", "code": "x"}, format="json").status_code == 403
    assert (
        client.post(f"/api/v1/servers/{server_a.pk}/components/", {"kind": "fan"}, format="json").status_code
        == 403
    )
    assert not Server.objects.filter(serial="C1").exists()
    server_a.refresh_from_db()
    assert server_a.hostname == "db01.a.example"


def test_list_is_scoped_and_filterable(
    api_for: ApiFor, customer_user: User, agent: User, server_a: Server, server_b: Server
) -> None:
    body = api_for(customer_user).get("/api/v1/servers/").json()
    assert [row["serial"] for row in body["results"]] == ["ABC1234"]
    body = api_for(agent).get("/api/v1/servers/", {"q": "XYZ"}).json()
    assert [row["serial"] for row in body["results"]] == ["XYZ9876"]
    body = api_for(agent).get("/api/v1/sites/").json()
    assert body["count"] == 2


def test_create_and_update_server_through_api(
    api_for: ApiFor, engineer: User, server_model: ServerModel, customer_a: Organisation, site_a: Site
) -> None:
    client = api_for(engineer)
    response = client.post(
        "/api/v1/servers/",
        {
            "model": server_model.pk,
            "serial": "API001",
            "organisation": customer_a.pk,
            "site": site_a.pk,
            "warranty_end": "2029-12-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    server_id = response.json()["id"]
    assert response.json()["vendor_name"] == "Dell"
    assert response.json()["components"] == []
    response = client.post(
        f"/api/v1/servers/{server_id}/components/",
        {"kind": "dimm", "slot": "A1", "capacity": "64 GB"},
        format="json",
    )
    assert response.status_code == 201
    component_id = response.json()["id"]
    response = client.post(
        f"/api/v1/servers/{server_id}/components/{component_id}/replace/",
        {"reason": "ECC errors", "serial": "NEWDIMM"},
        format="json",
    )
    assert response.status_code == 201
    detail = client.get(f"/api/v1/servers/{server_id}/").json()
    assert [(c["slot"], c["serial"]) for c in detail["components"]] == [("A1", "NEWDIMM")]
    history = client.get(f"/api/v1/servers/{server_id}/components/").json()
    assert len(history) == 2
    response = client.patch(f"/api/v1/servers/{server_id}/", {"hostname": "api01"}, format="json")
    assert response.json()["hostname"] == "api01"
    assert AuditEntry.objects.filter(action="server.update", channel="api").count() == 1


def test_bad_input_names_fields_and_changes_nothing(
    api_for: ApiFor, engineer: User, server_model: ServerModel, customer_a: Organisation, site_b: Site
) -> None:
    client = api_for(engineer)
    response = client.post(
        "/api/v1/servers/",
        {"model": server_model.pk, "serial": "BAD", "organisation": customer_a.pk, "site": site_b.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "site" in response.json()["error"]["fields"]
    response = client.post(
        "/api/v1/servers/", {"model": 999999, "serial": "BAD", "organisation": customer_a.pk}, format="json"
    )
    assert response.status_code == 404
    assert "model" in response.json()["error"]["fields"]
    response = client.post("/api/v1/servers/", {"serial": "BAD", "colour": "red"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"colour"}
    assert not Server.objects.filter(serial="BAD").exists()


def test_catalogue_endpoints(api_for: ApiFor, engineer: User, customer_user: User, vendor: Vendor) -> None:
    client = api_for(engineer)
    response = client.post(
        "/api/v1/server-models/",
        {"vendor": vendor.pk, "name": "R760", "eosl_date": "2031-01-31", "form_factor": "rack_2u"},
        format="json",
    )
    assert response.status_code == 201
    assert api_for(customer_user).get("/api/v1/server-models/").json()["count"] == 1
    response = client.post(
        "/api/v1/sites/",
        {"organisation": engineer.organisation_id, "name": "HQ", "latitude": "31.2", "longitude": "121.4"},
        format="json",
    )
    assert response.status_code == 201
    assert (
        client.patch(
            f"/api/v1/vendors/{vendor.pk}/", {"website": "https://dell.com"}, format="json"
        ).status_code
        == 200
    )


def test_component_of_other_server_is_404(
    api_for: ApiFor, engineer: User, server_b: Server, disk_a: Component
) -> None:
    response = api_for(engineer).post(
        f"/api/v1/servers/{server_b.pk}/components/{disk_a.pk}/replace/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404
