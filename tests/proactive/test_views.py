"""Pages and API of proactive service: lists, the advisory import's preview, campaign actions, the portal."""

import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.proactive.models import Campaign, CampaignItem, FirmwareAdvisory, ItemStatus
from sasms.proactive.services import advisories
from sasms.proactive.services import health as health_services

pytestmark = pytest.mark.django_db

CSV = (
    "reference,title,vendor,models,component_type,affected_versions,fixed_version,severity,cve_ids,bulletin_url\n"
    "DELL-1,BIOS fix,Dell,R760,bios,<2.19.1,2.19.1,critical,CVE-2024-1234;CVE-2024-5678,https://dell.example/1\n"
    "DELL-2,Bad row,Dell,R999,bmc,<<2,undefined,urgent,CVE-12,ftp://x\n"
    "DELL-1,Duplicate,Dell,,bios,,2.0,low,,\n"
)


@pytest.fixture
def fleet(customer_a: Organisation, customer_b: Organisation) -> list[Server]:
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="R760")
    servers = []
    for organisation, serial, version in (
        (customer_a, "A-1", "2.10.2"),
        (customer_b, "B-1", "2.11.0"),
        (customer_a, "A-2", "2.19.1"),
    ):
        server = asset_services.create_server(
            actor=None, model=model, serial=serial, organisation=organisation
        )
        asset_services.add_component(
            actor=None, server=server, kind="firmware", slot="BIOS", firmware=version
        )
        servers.append(server)
    return servers


def test_the_import_previews_every_row_with_its_errors_then_imports_the_good_ones(
    fleet: list[Server], admin_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(admin_user)
    url = reverse("proactive:advisory_import")
    page = client.post(url, {"file": SimpleUploadedFile("a.csv", CSV.encode())})
    assert page.status_code == 200
    text = page.content.decode()
    assert FirmwareAdvisory.objects.count() == 0  # a preview writes nothing
    messages = (
        "Unknown models of this vendor: R999",
        "Not a CVE identifier: CVE-12",
        "has no version number",
        "Choose one of",
        "Enter an http or https address.",
        "appears earlier in the file",
    )
    for message in messages:
        assert message in text, message
    done = client.post(url, {"file": SimpleUploadedFile("a.csv", CSV.encode()), "confirm": "1"})
    assert done.status_code == 302
    advisory = FirmwareAdvisory.objects.get()
    assert (advisory.reference, advisory.cve_ids, advisory.severity) == (
        "DELL-1",
        "CVE-2024-1234,CVE-2024-5678",
        "critical",
    )
    assert [m.name for m in advisory.server_models.all()] == ["R760"]


def test_json_import_and_a_file_that_is_not_json(admin_user: User, fleet: list[Server]) -> None:
    data = [
        {
            "reference": "J-1",
            "title": "t",
            "vendor": "dell",
            "component_type": "bmc",
            "fixed_version": "7.10.30.00",
            "cve_ids": ["CVE-2024-0001"],
        }
    ]
    outcome = advisories.apply_import(actor=admin_user, content=json.dumps(data).encode(), name="a.json")
    assert (outcome.created, outcome.updated, outcome.skipped) == (1, 0, 0)
    from sasms.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        advisories.preview_import(actor=admin_user, content=b"[{", name="a.json")
    assert "file" in refused.value.fields


def test_lists_paginate_filter_and_export(
    fleet: list[Server], admin_user: User, client_for: Callable[[User], Client]
) -> None:
    for index in range(30):
        advisories.save_advisory(
            actor=admin_user,
            values={
                "reference": f"R-{index:02}",
                "title": "x",
                "vendor": "Dell",
                "component_type": "bios",
                "fixed_version": "2.0",
                "severity": "low" if index % 2 else "high",
            },
        )
    client = client_for(admin_user)
    url = reverse("proactive:advisory_list")
    first = client.get(url).content.decode()
    assert "R-29" in first
    assert "R-00" not in first
    assert "R-00" in client.get(url, {"page": 2}).content.decode()
    filtered = client.get(url, {"severity": "low", "export": "csv"})
    body = b"".join(filtered.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.count("\n") == 1 + 15


def test_a_campaign_page_acts_on_items(
    fleet: list[Server], admin_user: User, customer_a: Organisation, client_for: Callable[[User], Client]
) -> None:
    from sasms.accounts.models import Contact
    from sasms.core.models import OutboxMessage

    Contact.objects.create(organisation=customer_a, name="IT", email="it@a.example", is_primary=True)
    advisory = advisories.save_advisory(
        actor=admin_user,
        values={
            "reference": "DELL-9",
            "title": "BIOS",
            "vendor": "Dell",
            "component_type": "bios",
            "fixed_version": "2.19.1",
            "severity": "medium",
        },
    )
    client = client_for(admin_user)
    detail = client.get(reverse("proactive:advisory_detail", args=[advisory.pk]))
    assert 'data-testid="affected-servers">2<' in detail.content.decode()
    start = "2026-12-20T01:00"
    opened = client.post(
        reverse("proactive:advisory_detail", args=[advisory.pk]),
        {"title": "", "window_start": start, "window_end": "2026-12-20T05:00"},
    )
    campaign = Campaign.objects.get()
    assert opened.status_code == 302
    assert sorted(campaign.items.values_list("server__serial", flat=True)) == ["A-1", "B-1"]
    page = client.get(reverse("proactive:campaign_detail", args=[campaign.pk]))
    assert page.status_code == 200
    client.post(reverse("proactive:campaign_notify", args=[campaign.pk]))
    assert OutboxMessage.objects.filter(topic="email").count() == 1  # customer B has no contact address
    item = campaign.items.get(server__serial="A-1")
    assert item.status == ItemStatus.NOTIFIED
    client.post(reverse("proactive:item_outcome", args=[item.pk]), {"status": "refused", "reason": ""})
    item.refresh_from_db()
    assert item.status == ItemStatus.NOTIFIED  # no reason, nothing recorded
    client.post(
        reverse("proactive:item_outcome", args=[item.pk]), {"status": "refused", "reason": "Change freeze"}
    )
    other = campaign.items.get(server__serial="B-1")
    client.post(reverse("proactive:item_schedule", args=[other.pk]), {"method": "remote"})
    item.refresh_from_db()
    other.refresh_from_db()
    assert (item.status, item.note) == (ItemStatus.REFUSED, "Change freeze")
    assert other.status == ItemStatus.SCHEDULED
    assert other.ticket is not None
    assert other.ticket.server_id == fleet[1].pk
    progress = client.get(reverse("proactive:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'data-testid="count-refused">1<' in progress
    assert 'data-testid="count-scheduled">1<' in progress


def test_the_portal_shows_only_the_customers_own_latest_check(
    fleet: list[Server], admin_user: User, customer_a: Organisation, customer_b: Organisation,
    make_user: Callable[..., User], client_for: Callable[[User], Client],
) -> None:  # fmt: skip
    health_services.run_health_check(actor=admin_user, organisation=customer_a)
    check_b = health_services.run_health_check(actor=admin_user, organisation=customer_b)
    customer = make_user(Role.CUSTOMER, organisation=customer_a)
    client = client_for(customer)
    page = client.get(reverse("proactive:portal_health")).content.decode()
    assert "A-1" in page
    assert "B-1" not in page
    assert client.get(reverse("proactive:health_detail", args=[check_b.pk])).status_code in (403, 404)
    pdf = client.get(reverse("proactive:portal_health_pdf"), {"language": "en"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_the_api(
    fleet: list[Server],
    admin_user: User,
    customer_a: Organisation,
    api_for: Callable[[User], APIClient],
    make_user: Callable[..., User],
) -> None:
    api = api_for(admin_user)
    created = api.post(
        "/api/v1/firmware-advisories/",
        {
            "reference": "API-1",
            "title": "t",
            "vendor": "Dell",
            "component_type": "bios",
            "fixed_version": "2.19.1",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    bad = api.post(
        "/api/v1/firmware-advisories/",
        {
            "reference": "API-2",
            "title": "t",
            "vendor": "Dell",
            "component_type": "bios",
            "fixed_version": "x",
            "affected_versions": "<<",
        },
        format="json",
    )
    assert bad.status_code == 400
    assert {"fixed_version", "affected_versions"} <= set(json.dumps(bad.json()).replace('"', " ").split())
    campaign = api.post("/api/v1/firmware-campaigns/", {"advisory": created.json()["id"]}, format="json")
    assert campaign.status_code == 201
    items = api.get(f"/api/v1/firmware-campaigns/{campaign.json()['id']}/items/")
    assert items.json()["count"] == 2
    check = api.post("/api/v1/health-checks/", {"organisation": customer_a.pk}, format="json")
    assert check.status_code == 201
    customer = api_for(make_user(Role.CUSTOMER, organisation=customer_a))
    assert customer.get("/api/v1/firmware-advisories/").json()["count"] == 0
    assert customer.get("/api/v1/health-checks/").json()["count"] == 1
    mine = customer.get("/api/v1/firmware-campaign-items/").json()
    assert [i["server"] for i in mine["results"]] == ["A-1"]
    assert CampaignItem.objects.count() == 2


def test_a_service_manager_schedules_a_contracts_health_checks(
    customer_a: Organisation, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from django.utils import timezone

    from sasms.contracts.models import Contract, ServiceProduct
    from sasms.proactive.models import HealthCheckSchedule

    today = timezone.localdate()
    contract = Contract.objects.create(
        number="C-9",
        organisation=customer_a,
        product=ServiceProduct.objects.order_by("pk")[0],
        start_date=today,
        end_date=today.replace(year=today.year + 1),
        status="active",
    )
    client = client_for(make_user(Role.SERVICE_MANAGER, language="en"))
    url = reverse("proactive:schedule_create")
    bad = client.post(
        url, {"contract": contract.pk, "frequency": "monthly", "language": "en", "recipients": "x"}
    )
    assert bad.status_code == 200
    assert "is not a valid e-mail address" in bad.content.decode()
    assert not HealthCheckSchedule.objects.exists()
    good = client.post(
        url, {"contract": contract.pk, "frequency": "monthly", "language": "en", "recipients": "it@a.example"}
    )
    assert good.status_code == 302
    assert HealthCheckSchedule.objects.get().recipients == "it@a.example"
    assert "C-9" in client.get(reverse("proactive:schedule_list")).content.decode()
