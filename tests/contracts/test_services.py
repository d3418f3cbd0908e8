import datetime
import importlib
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sasms.accounts.roles import Role
from sasms.contracts import services
from sasms.contracts.catalogue import PRODUCTS
from sasms.contracts.models import Contract, ContractDocument, ContractStatus, CoveredServer, ServiceProduct
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry

pytestmark = pytest.mark.django_db

D = datetime.date


def today() -> datetime.date:
    return timezone.localdate()


# --- The seeded catalogue ------------------------------------------------------------------------


def test_the_migration_seeds_the_design_figures():
    codes = set(ServiceProduct.objects.values_list("code", flat=True))
    assert {"basic-warranty", "nbd-5x9", "enhanced-5x12", "mission-critical-7x24x4", "break-fix-tm"} <= codes
    critical = ServiceProduct.objects.get(code="mission-critical-7x24x4")
    p1 = critical.targets.get(priority="P1")
    assert (p1.response_minutes, p1.dispatch_minutes, p1.update_minutes) == (15, 30, 30)
    assert (p1.onsite_minutes, p1.resolution_minutes) == (240, 240)
    p2 = critical.targets.get(priority="P2")
    assert (p2.response_minutes, p2.dispatch_minutes, p2.update_minutes) == (60, 60, 120)
    assert critical.coverage_hours == "7x24"
    assert critical.loaner_included is True
    nbd = ServiceProduct.objects.get(code="nbd-5x9")
    p3 = nbd.targets.get(priority="P3")
    assert (p3.response_minutes, p3.resolution_minutes) == (24 * 60, 3 * 540)  # 3 business days of 5×9
    assert nbd.targets.get(priority="P1").onsite_minutes == 540  # next business day
    assert ServiceProduct.objects.get(code="break-fix-tm").time_and_materials is True


def test_the_migration_keeps_a_frozen_copy_equal_to_the_catalogue():
    migration = importlib.import_module("sasms.contracts.migrations.0002_seed_service_products")
    assert migration.PRODUCTS == PRODUCTS


# --- Products ------------------------------------------------------------------------------------


def test_manager_creates_and_updates_a_product(manager):
    product = services.create_product(
        actor=manager,
        code="gold-7x24",
        name="Gold",
        coverage_hours="7x24",
        tier=5,
        targets={"P1": {"response_minutes": 10, "resolution_minutes": 180}},
    )
    assert product.targets.count() == 4
    assert product.targets.get(priority="P1").resolution_minutes == 180
    services.update_product(
        actor=manager, product=product, name="Gold+", targets={"P2": {"onsite_minutes": 120}}
    )
    product.refresh_from_db()
    assert product.name == "Gold+"
    assert product.targets.get(priority="P2").onsite_minutes == 120
    entry = AuditEntry.objects.filter(action="service_product.update").get()
    assert entry.changes["P2.onsite_minutes"] == [None, 120]


def test_product_refusals_change_nothing(manager, make_user):
    agent = make_user(Role.AGENT)
    with pytest.raises(PermissionDenied):
        services.create_product(actor=agent, code="x", name="X")
    with pytest.raises(Conflict):
        services.create_product(actor=manager, code="nbd-5x9", name="Dup")
    with pytest.raises(ServiceError) as caught:
        services.create_product(actor=manager, code="y", name="Y", targets={"P9": {"response_minutes": 1}})
    assert "targets.P9" in caught.value.fields
    with pytest.raises(ServiceError):
        services.create_product(actor=manager, code="z", name="Z", targets={"P1": {"response_minutes": 0}})
    assert not ServiceProduct.objects.filter(code__in=["x", "y", "z"]).exists()


# --- Contracts and transitions -------------------------------------------------------------------


def test_create_contract_is_a_draft_and_audited(manager, customer_a):
    contract = services.create_contract(
        actor=manager,
        number="HT-1",
        organisation=customer_a,
        product=ServiceProduct.objects.get(code="nbd-5x9"),
        start_date=D(2026, 1, 1),
        end_date=D(2026, 12, 31),
    )
    assert contract.status == ContractStatus.DRAFT
    entry = AuditEntry.objects.get(action="contract.create")
    assert entry.organisation == customer_a
    assert entry.changes["number"] == [None, "HT-1"]


def test_create_contract_refusals(manager, customer_a, provider):
    nbd = ServiceProduct.objects.get(code="nbd-5x9")
    args: dict[str, Any] = {"product": nbd, "start_date": D(2026, 1, 1), "end_date": D(2026, 12, 31)}
    services.create_contract(actor=manager, number="HT-1", organisation=customer_a, **args)
    with pytest.raises(Conflict) as dup:
        services.create_contract(actor=manager, number="HT-1", organisation=customer_a, **args)
    assert "number" in dup.value.fields
    with pytest.raises(ServiceError) as order:
        services.create_contract(
            actor=manager, number="HT-2", organisation=customer_a, **{**args, "end_date": D(2025, 1, 1)}
        )
    assert "end_date" in order.value.fields
    with pytest.raises(ServiceError) as kind:
        services.create_contract(actor=manager, number="HT-3", organisation=provider, **args)
    assert "organisation" in kind.value.fields
    assert Contract.objects.count() == 1


def test_allowed_transitions(manager, customer_a, make_contract):
    contract = make_contract(customer_a, status=ContractStatus.DRAFT, start=today(), end=today())
    contract = services.transition_contract(actor=manager, contract=contract, status=ContractStatus.ACTIVE)
    assert contract.status == ContractStatus.ACTIVE
    contract = services.transition_contract(
        actor=manager, contract=contract, status=ContractStatus.TERMINATED, reason="customer left"
    )
    assert (contract.status, contract.status_reason) == (ContractStatus.TERMINATED, "customer left")
    assert list(
        AuditEntry.objects.filter(object_id=str(contract.pk), action__startswith="contract.").values_list(
            "action", flat=True
        )
    ) == ["contract.terminated", "contract.active", "contract.create"]


def test_expired_contract_is_renewed_by_a_later_end_and_activation(manager, customer_a, make_contract):
    past = today() - datetime.timedelta(days=10)
    contract = make_contract(customer_a, start=past - datetime.timedelta(days=300), end=past)
    contract = services.transition_contract(actor=manager, contract=contract, status=ContractStatus.EXPIRED)
    services.update_contract(
        actor=manager, contract=contract, end_date=today() + datetime.timedelta(days=365)
    )
    contract = services.transition_contract(actor=manager, contract=contract, status=ContractStatus.ACTIVE)
    assert contract.status == ContractStatus.ACTIVE


@pytest.mark.parametrize(
    ("start_status", "target", "end_offset", "reason", "message"),
    [
        (ContractStatus.DRAFT, ContractStatus.EXPIRED, -5, "", "cannot become"),
        (ContractStatus.TERMINATED, ContractStatus.ACTIVE, 30, "", "cannot become"),
        (ContractStatus.EXPIRED, ContractStatus.TERMINATED, -5, "x", "cannot become"),
        (ContractStatus.ACTIVE, ContractStatus.ACTIVE, 30, "", "already"),
        (ContractStatus.DRAFT, ContractStatus.ACTIVE, -1, "", "has passed"),
        (ContractStatus.ACTIVE, ContractStatus.EXPIRED, 0, "", "only expire after"),
        (ContractStatus.ACTIVE, ContractStatus.TERMINATED, 30, "  ", "reason"),
        (ContractStatus.ACTIVE, "cancelled", 30, "", "Unknown status"),
    ],
)
def test_refused_transitions_name_why_and_change_nothing(
    manager, customer_a, make_contract, start_status, target, end_offset, reason, message
):
    end = today() + datetime.timedelta(days=end_offset)
    contract = make_contract(
        customer_a, status=start_status, start=end - datetime.timedelta(days=200), end=end
    )
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ServiceError) as caught:
        services.transition_contract(actor=manager, contract=contract, status=target, reason=reason)
    assert caught.value.code == "invalid_transition"
    assert message in caught.value.message
    assert caught.value.fields["status"] == [caught.value.message]
    contract.refresh_from_db()
    assert contract.status == start_status
    assert contract.status_reason == ""
    assert AuditEntry.objects.count() == audit_before


def test_only_service_managers_transition(make_user, customer_a, make_contract):
    contract = make_contract(customer_a, status=ContractStatus.DRAFT)
    for role in (Role.AGENT, Role.CUSTOMER_ADMIN, Role.ENGINEER):
        with pytest.raises(PermissionDenied):
            services.transition_contract(
                actor=make_user(role), contract=contract, status=ContractStatus.ACTIVE
            )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


def test_terminated_contract_is_read_only(manager, customer_a, make_contract):
    contract = make_contract(customer_a, status=ContractStatus.TERMINATED)
    with pytest.raises(ServiceError):
        services.update_contract(actor=manager, contract=contract, notes="x")


def test_customer_cannot_move_once_active(manager, customer_a, customer_b, make_contract):
    contract = make_contract(customer_a)
    with pytest.raises(ServiceError) as caught:
        services.update_contract(actor=manager, contract=contract, organisation=customer_b)
    assert "organisation" in caught.value.fields
    contract.refresh_from_db()
    assert contract.organisation == customer_a


# --- Covered servers -----------------------------------------------------------------------------


def test_cover_only_the_customers_own_servers(manager, customer_a, server_a, server_b, make_contract):
    contract = make_contract(customer_a)
    with pytest.raises(ServiceError) as caught:
        services.cover_servers(actor=manager, contract=contract, servers=[server_a, server_b])
    assert caught.value.code == "invalid_server"
    assert server_b.serial in caught.value.fields["servers"][0]
    assert "another customer" in caught.value.message
    assert not CoveredServer.objects.exists()  # all or nothing
    added = services.cover_servers(actor=manager, contract=contract, servers=[server_a, server_a])
    assert added == [server_a]
    assert services.cover_servers(actor=manager, contract=contract, servers=[server_a]) == []
    assert list(contract.servers.all()) == [server_a]
    assert services.uncover_servers(actor=manager, contract=contract, servers=[server_a, server_b]) == 1
    assert not contract.servers.exists()


def test_cannot_cover_on_a_closed_contract(manager, customer_a, server_a, make_contract):
    contract = make_contract(customer_a, status=ContractStatus.TERMINATED)
    with pytest.raises(ServiceError):
        services.cover_servers(actor=manager, contract=contract, servers=[server_a])
    assert not CoveredServer.objects.exists()


# --- Documents -----------------------------------------------------------------------------------


def test_documents_are_checked_stored_and_removed(manager, customer_a, make_contract, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    contract = make_contract(customer_a)
    pdf = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    document = services.attach_document(actor=manager, contract=contract, upload=pdf, description="signed")
    assert (document.original_name, document.size) == ("合同.pdf", 13)
    for bad in (
        SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream"),
        SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
    ):
        with pytest.raises(ServiceError) as caught:
            services.attach_document(actor=manager, contract=contract, upload=bad)
        assert "file" in caught.value.fields
    big = SimpleUploadedFile("big.pdf", b"0" * (services.DOCUMENT_MAX_BYTES + 1))
    with pytest.raises(ServiceError):
        services.attach_document(actor=manager, contract=contract, upload=big)
    assert ContractDocument.objects.count() == 1
    services.remove_document(actor=manager, document=document)
    assert not ContractDocument.objects.exists()


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["序列号", "服务等级"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _photo_with_gps() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPSInfo: where the photo was taken
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "white").save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "stored_type"),
    [
        ("附件-服务清单.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("scan.jpg", _photo_with_gps(), "image/jpeg"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "application/msword"),
        ("说明.txt", "服务时间 7×24，备件四小时到场。".encode("gb18030"), "text/plain"),
    ],
)
def test_documents_are_typed_by_their_content(
    manager, customer_a, make_contract, settings, tmp_path, name: str, content: bytes, stored_type: str
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(
        name, content, content_type="application/octet-stream"
    )  # the claim is ignored
    document = services.attach_document(actor=manager, contract=make_contract(customer_a), upload=upload)
    assert document.content_type == stored_type
    stored_name = document.file.name or ""
    assert stored_name.startswith("private/contracts/")
    assert name.rsplit(".", 1)[0] not in stored_name  # stored under a random name
    stored = document.file.read()
    assert document.size == len(stored)
    if stored_type == "image/jpeg":
        from PIL import Image

        assert Image.open(io.BytesIO(content)).getexif().get(0x8825) is not None
        with Image.open(io.BytesIO(stored)) as image:
            assert image.getexif().get(0x8825) is None  # re-encoded: the location is gone
    else:
        assert stored == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("contract.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60),  # a Windows program named .pdf
        ("signed.docx", b"#!/bin/sh\nrm -rf /\n"),  # a script named .docx
        ("notes.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 40),  # a Linux program named .txt
        ("photo.png", b"%PDF-1.7 not a picture"),
        ("sheet.xls", _xlsx()),  # the wrong Office generation for its name
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(
    manager, customer_a, make_contract, settings, tmp_path, name: str, content: bytes
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ServiceError) as caught:
        services.attach_document(
            actor=manager, contract=make_contract(customer_a), upload=SimpleUploadedFile(name, content)
        )
    assert caught.value.fields["file"][0].startswith("The file's content is not a")
    assert not ContractDocument.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]  # nothing written
