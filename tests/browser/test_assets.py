"""The asset register in a real browser: the server detail page and a CSV import."""

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Role
from sasms.assets import services, tasks
from sasms.assets.models import Component, Server, ServerModel
from sasms.tickets.models import Ticket
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _import_threads_end(transactional_db: None) -> Iterator[None]:
    """No broker here: imports run in threads, which end before the database is flushed."""
    yield
    assert tasks.wait_for_background_jobs(timeout=60), "an import thread is still running"


@pytest.fixture
def fleet(customer_a: Organisation) -> tuple[ServerModel, Server]:
    vendor = services.create_vendor(actor=None, name="Inspur", code="inspur")
    model = services.create_server_model(
        actor=None,
        vendor=vendor,
        name="NF5280M6",
        release_date=datetime.date(2021, 4, 7),
        eosl_date=datetime.date(2029, 6, 30),
    )
    site = services.create_site(actor=None, organisation=customer_a, name="Beijing DC-1", city="北京")
    server = services.create_server(
        actor=None,
        model=model,
        serial="219876543210",
        organisation=customer_a,
        site=site,
        hostname="db01",
        warranty_start=datetime.date(2024, 1, 1),
        warranty_end=datetime.date(2029, 1, 1),
    )
    services.add_component(
        actor=None, server=server, kind="disk", slot="DISK0", part_number="ST4000", serial="Z1"
    )
    return model, server


def test_server_detail_and_component_replacement(
    page: Page, live_server: Any, make_user: Callable[..., User], fleet: tuple[ServerModel, Server]
) -> None:
    _model, server = fleet
    engineer = make_user(Role.ENGINEER, language="en")
    common = {"organisation": server.organisation, "server": server, "service_kind": "hardware_replacement"}
    Ticket.objects.create(number="SR-B0001", title="Fan 3 failed", priority="P2", assignee=engineer, **common)
    Ticket.objects.create(
        number="SR-B0000",
        title="PSU swap",
        status="closed",
        resolution_code="part_replaced",
        created_at=timezone.now() - datetime.timedelta(days=40),
        **common,
    )
    sign_in(page, live_server, engineer.email, PASSWORD)
    page.goto(f"{live_server.url}/servers/")
    page.get_by_role("link", name="219876543210").click()
    expect(page.get_by_test_id("server-title")).to_contain_text("Inspur NF5280M6")
    expect(page.get_by_test_id("open-requests")).to_contain_text("Fan 3 failed")
    expect(page.get_by_test_id("open-requests")).not_to_contain_text("PSU swap")
    expect(page.get_by_test_id("history")).to_contain_text("PSU swap")
    expect(page.get_by_test_id("resolution")).to_have_text("Part replaced")
    expect(page.get_by_test_id("components")).to_contain_text("ST4000")
    expect(page.get_by_test_id("entitlement")).to_be_visible()
    disk = Component.objects.get(serial="Z1")
    page.get_by_test_id(f"replace-{disk.pk}").click()
    page.fill("#id_removal_reason", "SMART predictive failure")
    page.fill("#id_service_request_ref", "SR-20261124-0001")
    page.fill("#id_serial", "Z2")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("component-history")).to_contain_text("SMART predictive failure")
    expect(page.get_by_test_id("components")).to_contain_text("Z2")
    expect(page.get_by_test_id("history")).to_contain_text("component.remove")
    assert server.components.filter(removed_at__isnull=True).get().serial == "Z2"


def test_customer_sees_own_server_without_edit_links(
    page: Page, live_server: Any, make_user: Callable[..., User], fleet: tuple[ServerModel, Server]
) -> None:
    _model, server = fleet
    customer = make_user(Role.CUSTOMER, language="en")
    sign_in(page, live_server, customer.email, PASSWORD)
    page.goto(f"{live_server.url}/servers/{server.pk}/")
    expect(page.get_by_test_id("components")).to_contain_text("ST4000")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    other = Organisation.objects.create(name="Other", code="other", kind=OrganisationKind.CUSTOMER)
    hidden = services.create_server(actor=None, model=_model, serial="HIDDEN1", organisation=other)
    response = page.goto(f"{live_server.url}/servers/{hidden.pk}/")
    assert response is not None
    assert response.status == 404


def test_import_preview_then_confirm(
    page: Page,
    live_server: Any,
    make_user: Callable[..., User],
    fleet: tuple[ServerModel, Server],
    tmp_path: Path,
) -> None:
    engineer = make_user(Role.ENGINEER, language="en")
    upload = tmp_path / "cmdb.csv"
    upload.write_text(
        "vendor,model,serial,customer,site,hostname,status,warranty_end\n"
        "Inspur,NF5280M6,IMPORTED01,cust-a,Beijing DC-1,web01,in_service,2029-12-31\n"
        "Inspur,NF5280M6,219876543210,cust-a,,db01-renamed,,\n"
        "Inspur,NoSuchModel,IMPORTED02,cust-a,,,,\n",
        encoding="utf-8",
    )
    sign_in(page, live_server, engineer.email, PASSWORD)
    page.goto(f"{live_server.url}/servers/")
    page.get_by_test_id("import-link").click()
    page.select_option("#id_kind", "servers")
    page.set_input_files("#id_file", str(upload))
    page.check("#id_skip_bad_rows")
    page.get_by_test_id("import-check").click()
    # Checked in a background thread: the page shows the job first and polls until it is ready.
    expect(page.get_by_test_id("import-progress")).to_be_visible()
    expect(page.get_by_test_id("import-summary")).to_contain_text("1 new, 1 to update, 1 rows with errors")
    expect(page.get_by_test_id("import-errors")).to_contain_text("NoSuchModel")
    assert not Server.objects.filter(serial="IMPORTED01").exists()
    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Imported")
    expect(page.get_by_test_id("import-summary")).to_contain_text("1 new, 1 updated, 1 rows skipped")
    assert Server.objects.get(serial="219876543210").hostname == "db01-renamed"
    assert Server.objects.get(serial="IMPORTED01").site is not None
