import datetime

import pytest
from django.utils import timezone

from sasms.accounts.roles import Role
from sasms.contracts.models import Contract, ContractStatus, CoveredServer, ServiceProduct

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def contracts(customer_a, customer_b, server_a, server_b, make_contract):
    return {
        "a": make_contract(customer_a, number="HT-A-1", servers=[server_a]),
        "b": make_contract(customer_b, number="HT-B-1", servers=[server_b]),
    }


def test_products_are_readable_and_written_by_managers(manager, customer_user, api_for):
    listing = api_for(customer_user).get("/api/v1/service-products/")
    assert listing.status_code == 200
    codes = [p["code"] for p in listing.json()["results"]]
    assert codes[0] == "mission-critical-7x24x4"  # highest rank first
    p1 = next(t for t in listing.json()["results"][0]["targets"] if t["priority"] == "P1")
    assert (p1["response_minutes"], p1["resolution_minutes"]) == (15, 240)
    body = {
        "code": "gold",
        "name": "Gold",
        "coverage_hours": "7x24",
        "targets": {"P1": {"response_minutes": 10}},
    }
    assert api_for(customer_user).post("/api/v1/service-products/", body, format="json").status_code == 403
    created = api_for(manager).post("/api/v1/service-products/", body, format="json")
    assert created.status_code == 201, created.json()
    assert {t["priority"] for t in created.json()["targets"]} == {"P1", "P2", "P3", "P4"}
    product_id = created.json()["id"]
    patched = api_for(manager).patch(
        f"/api/v1/service-products/{product_id}/",
        {"targets": {"P4": {"resolution_minutes": 9000}}},
        format="json",
    )
    assert patched.status_code == 200
    assert ServiceProduct.objects.get(pk=product_id).targets.get(priority="P4").resolution_minutes == 9000
    bad = api_for(manager).post(
        "/api/v1/service-products/", {**body, "code": "x", "colour": "red"}, format="json"
    )
    assert bad.status_code == 400
    assert "colour" in bad.json()["error"]["fields"]


def test_contract_crud_transition_and_cover(manager, api_for, customer_a, server_a):
    client = api_for(manager)
    product = ServiceProduct.objects.get(code="nbd-5x9")
    today = timezone.localdate()
    body = {
        "number": "HT-API-1",
        "organisation": customer_a.pk,
        "product": product.pk,
        "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=365)).isoformat(),
    }
    created = client.post("/api/v1/contracts/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "draft"
    contract_id = created.json()["id"]
    duplicate = client.post("/api/v1/contracts/", body, format="json")
    assert duplicate.status_code == 409
    assert "number" in duplicate.json()["error"]["fields"]
    patched = client.patch(f"/api/v1/contracts/{contract_id}/", {"notes": "PO 4711"}, format="json")
    assert patched.json()["notes"] == "PO 4711"
    covered = client.post(
        f"/api/v1/contracts/{contract_id}/servers/", {"servers": [server_a.pk]}, format="json"
    )
    assert covered.status_code == 200
    assert covered.json()["server_count"] == 1
    listed = client.get(f"/api/v1/contracts/{contract_id}/servers/")
    assert [s["serial"] for s in listed.json()["results"]] == [server_a.serial]
    refused = client.post(
        f"/api/v1/contracts/{contract_id}/transition/", {"status": "expired"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_transition"
    assert refused.json()["error"]["fields"]["status"]
    assert Contract.objects.get(pk=contract_id).status == ContractStatus.DRAFT
    activated = client.post(
        f"/api/v1/contracts/{contract_id}/transition/", {"status": "active"}, format="json"
    )
    assert activated.json()["status"] == "active"
    removed = client.post(
        f"/api/v1/contracts/{contract_id}/servers/remove/", {"servers": [server_a.pk]}, format="json"
    )
    assert removed.json()["server_count"] == 0


def test_cover_refuses_other_customers_servers_by_name(manager, api_for, contracts, server_b):
    response = api_for(manager).post(
        f"/api/v1/contracts/{contracts['a'].pk}/servers/", {"servers": [server_b.pk]}, format="json"
    )
    assert response.status_code == 400
    assert server_b.serial in response.json()["error"]["fields"]["servers"][0]
    unknown = api_for(manager).post(
        f"/api/v1/contracts/{contracts['a'].pk}/servers/", {"servers": [999999]}, format="json"
    )
    assert unknown.status_code == 404
    assert "servers" in unknown.json()["error"]["fields"]
    assert CoveredServer.objects.filter(contract=contracts["a"]).count() == 1


def test_filters(manager, api_for, contracts, customer_a, server_b):
    client = api_for(manager)
    assert [
        c["number"]
        for c in client.get("/api/v1/contracts/", {"organisation": customer_a.pk}).json()["results"]
    ] == ["HT-A-1"]
    assert [
        c["number"] for c in client.get("/api/v1/contracts/", {"server": server_b.pk}).json()["results"]
    ] == ["HT-B-1"]
    assert client.get("/api/v1/contracts/", {"status": "draft"}).json()["count"] == 0


def test_tenant_isolation(customer_user, api_for, contracts, server_a, server_b):
    client = api_for(customer_user)
    assert [c["number"] for c in client.get("/api/v1/contracts/").json()["results"]] == ["HT-A-1"]
    other = contracts["b"].pk
    for path in (
        f"/api/v1/contracts/{other}/",
        f"/api/v1/contracts/{other}/servers/",
        f"/api/v1/contracts/{other}/documents/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    for path, body in (
        (f"/api/v1/contracts/{other}/transition/", {"status": "terminated", "reason": "x"}),
        (f"/api/v1/contracts/{other}/servers/", {"servers": [server_b.pk]}),
        (f"/api/v1/contracts/{other}/servers/remove/", {"servers": [server_b.pk]}),
    ):
        assert client.post(path, body, format="json").status_code == 404, path
    assert client.patch(f"/api/v1/contracts/{other}/", {"notes": "x"}, format="json").status_code == 404
    entitlement = client.get("/api/v1/entitlements/", {"server": server_b.pk})
    assert entitlement.status_code == 404
    assert Contract.objects.get(pk=other).status == ContractStatus.ACTIVE


def test_customer_writing_gets_403(customer_admin, api_for, contracts, customer_a, server_a):
    client = api_for(customer_admin)
    own = contracts["a"].pk
    assert (
        client.post(
            f"/api/v1/contracts/{own}/transition/", {"status": "terminated", "reason": "x"}, format="json"
        ).status_code
        == 403
    )
    assert client.patch(f"/api/v1/contracts/{own}/", {"notes": "x"}, format="json").status_code == 403
    assert (
        client.post(
            f"/api/v1/contracts/{own}/servers/remove/", {"servers": [server_a.pk]}, format="json"
        ).status_code
        == 403
    )
    body = {
        "number": "X",
        "organisation": customer_a.pk,
        "product": 1,
        "start_date": "2026-01-01",
        "end_date": "2026-02-01",
    }
    assert client.post("/api/v1/contracts/", body, format="json").status_code == 403
    contract = Contract.objects.get(pk=own)
    assert (contract.status, contract.notes, contract.servers.count()) == (ContractStatus.ACTIVE, "", 1)


def test_entitlement_endpoint(customer_user, api_for, contracts, server_a):
    client = api_for(customer_user)
    response = client.get("/api/v1/entitlements/", {"server": server_a.pk, "at": "2026-06-01T00:00:00Z"})
    assert response.status_code == 200
    body = response.json()
    assert body["covered"] is True
    assert (body["source"], body["reason"], body["contract_number"]) == ("contract", "contract", "HT-A-1")
    assert body["product"]["code"] == "nbd-5x9"
    assert body["coverage_ends"] == "2026-12-31"
    assert body["rule"] == "contract"
    later = client.get("/api/v1/entitlements/", {"server": server_a.pk, "at": "2027-01-01T00:00:00Z"}).json()
    assert (later["covered"], later["reason"], later["rule"]) == (False, "contract_expired", "uncovered")
    missing = client.get("/api/v1/entitlements/")
    assert missing.status_code == 400
    assert "server" in missing.json()["error"]["fields"]
    bad_at = client.get("/api/v1/entitlements/", {"server": server_a.pk, "at": "soon"})
    assert bad_at.status_code == 400
    assert "at" in bad_at.json()["error"]["fields"]


def test_anonymous_is_refused(db):
    from rest_framework.test import APIClient

    for path in ("/api/v1/contracts/", "/api/v1/service-products/", "/api/v1/entitlements/?server=1"):
        assert APIClient().get(path).status_code == 401


def test_staff_without_manage_sla_cannot_write(make_user, api_for, contracts):
    agent = make_user(Role.AGENT)
    response = api_for(agent).post(
        f"/api/v1/contracts/{contracts['b'].pk}/transition/",
        {"status": "terminated", "reason": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_documents_through_the_api(
    manager, customer_user, make_user, customer_b, api_for, contracts, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    path = f"/api/v1/contracts/{contracts['a'].pk}/documents/"
    upload = SimpleUploadedFile("sla.pdf", b"%PDF-1.7", content_type="application/pdf")
    created = api_for(manager).post(path, {"file": upload, "description": "SLA annex"}, format="multipart")
    assert created.status_code == 201, created.json()
    assert (created.json()["original_name"], created.json()["size"]) == ("sla.pdf", 8)
    refused = api_for(manager).post(path, {"file": SimpleUploadedFile("x.sh", b"rm")}, format="multipart")
    assert refused.status_code == 400
    assert "file" in refused.json()["error"]["fields"]
    assert [d["description"] for d in api_for(customer_user).get(path).json()] == ["SLA annex"]
    again = SimpleUploadedFile("b.pdf", b"%PDF")
    assert api_for(customer_user).post(path, {"file": again}, format="multipart").status_code == 403
    outsider = make_user(Role.CUSTOMER, organisation=customer_b)
    assert api_for(outsider).get(path).status_code == 404


def test_document_download_through_the_api(manager, customer_user, api_for, contracts, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sasms.contracts import services

    settings.MEDIA_ROOT = tmp_path
    own = services.attach_document(
        actor=manager, contract=contracts["a"], upload=SimpleUploadedFile("a.pdf", b"%PDF-A")
    )
    other = services.attach_document(
        actor=manager, contract=contracts["b"], upload=SimpleUploadedFile("b.pdf", b"%PDF-B")
    )
    client = api_for(customer_user)
    response = client.get(f"/api/v1/contracts/{contracts['a'].pk}/documents/{own.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-A"
    assert client.get(f"/api/v1/contracts/{contracts['b'].pk}/documents/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/contracts/{contracts['a'].pk}/documents/{other.pk}/").status_code == 404
