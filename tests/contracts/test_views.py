import csv
import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sasms.accounts.roles import Role
from sasms.contracts import services
from sasms.contracts.models import Contract, ContractDocument, ContractStatus, CoveredServer, ServiceProduct
from sasms.contracts.views import server_entitlement_context

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def contracts(customer_a, customer_b, server_a, server_b, make_contract):
    today = timezone.localdate()
    return {
        "a": make_contract(
            customer_a, number="HT-A-1", servers=[server_a], end=today + datetime.timedelta(days=20)
        ),
        "a_draft": make_contract(
            customer_a, number="HT-A-2", status=ContractStatus.DRAFT, code="enhanced-5x12"
        ),
        "b": make_contract(
            customer_b, number="HT-B-1", servers=[server_b], end=today + datetime.timedelta(days=200)
        ),
    }


def _numbers(response) -> list[str]:
    return [row.obj.number for row in response.context["rows"]]


def test_manager_lists_filters_and_searches(manager, client_for, contracts, customer_a):
    client = client_for(manager)
    url = reverse("contracts:contract_list")
    assert sorted(_numbers(client.get(url))) == ["HT-A-1", "HT-A-2", "HT-B-1"]
    assert _numbers(client.get(url, {"organisation": customer_a.pk, "status": "active"})) == ["HT-A-1"]
    product = ServiceProduct.objects.get(code="enhanced-5x12")
    assert _numbers(client.get(url, {"product": product.pk})) == ["HT-A-2"]
    assert _numbers(client.get(url, {"expiring_within": 30})) == ["HT-A-1"]
    assert sorted(_numbers(client.get(url, {"expiring_within": 365}))) == ["HT-A-1", "HT-B-1"]
    assert _numbers(client.get(url, {"q": "b-1"})) == ["HT-B-1"]
    partial = client.get(url, {"q": "HT-A"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert b"<html" not in partial.content


def test_exports_follow_the_filters_and_the_tenant(manager, customer_user, client_for, contracts):
    response = client_for(manager).get(
        reverse("contracts:contract_list"), {"status": "active", "export": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Customer", "Product"]
    assert sorted(r[0] for r in rows[1:]) == ["HT-A-1", "HT-B-1"]
    response = client_for(customer_user).get(reverse("contracts:contract_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    numbers = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert numbers == ["HT-A-1", "HT-A-2"]


def test_customer_sees_own_contracts_read_only(customer_user, client_for, contracts):
    client = client_for(customer_user)
    assert sorted(_numbers(client.get(reverse("contracts:contract_list")))) == ["HT-A-1", "HT-A-2"]
    page = client.get(reverse("contracts:contract_detail", args=[contracts["a"].pk]))
    assert page.status_code == 200
    assert b"transition-form" not in page.content
    assert b"cover-form" not in page.content
    assert b'data-testid="history"' not in page.content


def test_customer_of_a_asking_for_bs_contract_gets_404_everywhere(customer_user, client_for, contracts):
    client = client_for(customer_user)
    other = contracts["b"].pk
    server_b_id = CoveredServer.objects.get(contract_id=other).server_id
    for name, args in [
        ("contract_detail", [other]),
        ("contract_edit", [other]),
        ("document_download", [other, 1]),
    ]:
        assert client.get(reverse(f"contracts:{name}", args=args)).status_code == 404, name
    for name, args in [
        ("contract_transition", [other]),
        ("contract_cover", [other]),
        ("contract_uncover", [other, server_b_id]),
        ("document_upload", [other]),
        ("document_delete", [other, 1]),
    ]:
        assert (
            client.post(reverse(f"contracts:{name}", args=args), {"status": "terminated"}).status_code == 404
        )
    assert Contract.objects.get(pk=other).status == ContractStatus.ACTIVE


def test_customer_writing_gets_403_and_nothing_changes(customer_admin, client_for, contracts, server_a):
    client = client_for(customer_admin)
    own = contracts["a"].pk
    assert client.get(reverse("contracts:contract_create")).status_code == 403
    assert client.get(reverse("contracts:contract_edit", args=[own])).status_code == 403
    assert (
        client.post(
            reverse("contracts:contract_transition", args=[own]), {"status": "terminated", "reason": "x"}
        ).status_code
        == 403
    )
    assert client.post(reverse("contracts:contract_uncover", args=[own, server_a.pk])).status_code == 403
    upload = SimpleUploadedFile("a.pdf", b"%PDF")
    assert client.post(reverse("contracts:document_upload", args=[own]), {"file": upload}).status_code == 403
    assert client.get(reverse("contracts:product_list")).status_code == 403
    assert client.get(reverse("contracts:product_create")).status_code == 403
    product = ServiceProduct.objects.get(code="nbd-5x9")
    assert client.get(reverse("contracts:product_detail", args=[product.pk])).status_code == 403
    contract = Contract.objects.get(pk=own)
    assert (contract.status, contract.servers.count()) == (ContractStatus.ACTIVE, 1)
    assert not ContractDocument.objects.exists()


def test_manager_creates_edits_and_transitions_through_pages(manager, client_for, customer_a):
    client = client_for(manager)
    product = ServiceProduct.objects.get(code="mission-critical-7x24x4")
    today = timezone.localdate()
    data = {
        "number": "HT-NEW-1",
        "organisation": customer_a.pk,
        "product": product.pk,
        "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=365)).isoformat(),
        "notes": "signed",
    }
    response = client.post(reverse("contracts:contract_create"), data)
    contract = Contract.objects.get(number="HT-NEW-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:contract_detail", args=[contract.pk])
    bad = client.post(
        reverse("contracts:contract_edit", args=[contract.pk]), {**data, "end_date": "2000-01-01"}
    )
    assert bad.status_code == 200
    assert "end_date" in bad.context["form"].errors
    url = reverse("contracts:contract_transition", args=[contract.pk])
    offered = client.get(reverse("contracts:contract_detail", args=[contract.pk])).context["transitions"]
    assert [value for value, _label in offered] == ["active", "terminated"]
    refused = client.post(url, {"status": "expired"})
    assert any("cannot become" in str(m) for m in get_messages(refused.wsgi_request))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT
    client.post(url, {"status": "active"})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    page = client.get(reverse("contracts:contract_detail", args=[contract.pk]))
    assert b"contract.active" in page.content  # history from the audit trail


def test_cover_page_refuses_another_customers_server(
    manager, client_for, contracts, make_server, customer_a, server_b
):
    client = client_for(manager)
    contract = contracts["a_draft"]
    extra = make_server(customer_a, serial="EXTRA1")
    response = client.post(
        reverse("contracts:contract_cover", args=[contract.pk]), {"servers": [extra.pk, server_b.pk]}
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(server_b.serial in t and "another customer" in t for t in texts)
    assert not contract.servers.exists()
    client.post(reverse("contracts:contract_cover", args=[contract.pk]), {"servers": [extra.pk]})
    assert list(contract.servers.all()) == [extra]
    client.post(reverse("contracts:contract_uncover", args=[contract.pk, extra.pk]))
    assert not contract.servers.exists()


def test_documents_upload_download_and_tenant(
    manager, customer_user, make_user, client_for, contracts, customer_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    own = contracts["a"]
    client = client_for(manager)
    client.post(
        reverse("contracts:document_upload", args=[own.pk]),
        {"file": SimpleUploadedFile("合同.pdf", b"%PDF-1")},
    )
    refused = client.post(
        reverse("contracts:document_upload", args=[own.pk]), {"file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert any("Allowed file types" in str(m) for m in get_messages(refused.wsgi_request))
    document = ContractDocument.objects.get()
    url = reverse("contracts:document_download", args=[own.pk, document.pk])
    response = client_for(customer_user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1"
    outsider = make_user(Role.CUSTOMER, organisation=customer_b)
    assert client_for(outsider).get(url).status_code == 404
    # The document id under another contract's URL is not found either.
    other_url = reverse("contracts:document_download", args=[contracts["b"].pk, document.pk])
    assert client.get(other_url).status_code == 404
    client.post(reverse("contracts:document_delete", args=[own.pk, document.pk]))
    assert not ContractDocument.objects.exists()


def test_product_pages(manager, make_user, client_for):
    client = client_for(manager)
    listing = client.get(reverse("contracts:product_list"))
    assert listing.status_code == 200
    assert len(listing.context["rows"]) >= 5
    product = ServiceProduct.objects.get(code="nbd-5x9")
    detail = client.get(reverse("contracts:product_detail", args=[product.pk]))
    assert detail.status_code == 200
    form = client.get(reverse("contracts:product_edit", args=[product.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, bool)}
    data.update({f: form[f].value() for f in form.fields if form[f].value() not in (None, False)})
    data["P1_onsite_minutes"] = 480
    response = client.post(reverse("contracts:product_edit", args=[product.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert product.targets.get(priority="P1").onsite_minutes == 480
    agent = make_user(Role.AGENT)
    assert client_for(agent).get(reverse("contracts:product_list")).status_code == 200
    assert client_for(agent).get(reverse("contracts:product_edit", args=[product.pk])).status_code == 403


def test_server_entitlement_fragment(manager, customer_user, server_a, contracts):
    context = server_entitlement_context(actor=manager, server=server_a)
    html = render_to_string("contracts/_server_entitlement.html", context)
    assert "HT-A-1" in html
    assert 'data-testid="entitlement-state"' in html
    assert context["entitlement"].covered is True
    assert [
        c.number for c in server_entitlement_context(actor=customer_user, server=server_a)["contracts"]
    ] == ["HT-A-1"]


def test_nav_shows_contracts(customer_user, client_for):
    page = client_for(customer_user).get(reverse("core:home"), follow=True)
    assert reverse("contracts:contract_list").encode() in page.content
    assert reverse("contracts:product_list").encode() not in page.content


def test_service_refusal_on_terminated_edit_is_shown(manager, client_for, customer_a, make_contract):
    contract = make_contract(customer_a, status=ContractStatus.TERMINATED)
    data = {
        "number": contract.number,
        "organisation": customer_a.pk,
        "product": contract.product_id,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "notes": "changed",
    }
    response = client_for(manager).post(reverse("contracts:contract_edit", args=[contract.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    contract.refresh_from_db()
    assert contract.notes == ""
    assert services  # the page went through the service


def test_server_detail_page_shows_the_entitlement(customer_user, client_for, contracts, server_a):
    page = client_for(customer_user).get(reverse("assets:server_detail", args=[server_a.pk]))
    assert page.status_code == 200
    assert b'data-testid="server-entitlement"' in page.content
    assert b"HT-A-1" in page.content
    assert b"HT-B-1" not in page.content


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_render_in_both_languages(manager, client_for, contracts, language):
    manager.language = language
    manager.save()
    client = client_for(manager)
    client.cookies["sasms_language"] = language
    for url in (
        reverse("contracts:contract_list"),
        reverse("contracts:contract_detail", args=[contracts["a"].pk]),
        reverse("contracts:contract_edit", args=[contracts["a"].pk]),
        reverse("contracts:contract_create"),
        reverse("contracts:product_list"),
        reverse("contracts:product_create"),
        reverse("contracts:product_detail", args=[contracts["a"].product_id]),
    ):
        assert client.get(url).status_code == 200, url


def test_active_contract_before_its_end_is_not_offered_expiry(manager, client_for, contracts):
    page = client_for(manager).get(reverse("contracts:contract_detail", args=[contracts["a"].pk]))
    assert [value for value, _label in page.context["transitions"]] == ["terminated"]


def test_list_query_count_does_not_grow_with_rows(manager, client_for, customer_a, make_contract):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    url = reverse("contracts:contract_list")
    make_contract(customer_a)
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(12):
        make_contract(customer_a)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
