import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest

from sasms.accounts.models import Organisation, User
from sasms.assets import services
from sasms.assets.models import Component, Server, ServerModel, ServerStatus, Site, SiteKind, Vendor
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry


def test_create_server_records_audit_and_takes_vendor_from_model(
    engineer: User, server_model: ServerModel, customer_a: Organisation, site_a: Site
) -> None:
    server = services.create_server(
        actor=engineer,
        model=server_model,
        serial=" CN7X1234 ",
        organisation=customer_a,
        site=site_a,
        hostname="app01",
        warranty_start=datetime.date(2024, 1, 1),
        warranty_end=datetime.date(2027, 1, 1),
    )
    assert server.serial == "CN7X1234"
    assert server.vendor_id == server_model.vendor_id
    entry = AuditEntry.objects.get(action="server.create", object_id=str(server.pk))
    assert entry.actor == engineer
    assert entry.organisation == customer_a
    assert entry.changes["serial"] == [None, "CN7X1234"]


def test_serial_is_unique_per_vendor_only(
    engineer: User, server_model: ServerModel, customer_a: Organisation
) -> None:
    services.create_server(actor=engineer, model=server_model, serial="S1", organisation=customer_a)
    with pytest.raises(Conflict) as error:
        services.create_server(actor=engineer, model=server_model, serial="S1", organisation=customer_a)
    assert "serial" in error.value.fields
    other_vendor = services.create_vendor(actor=engineer, name="HPE", code="hpe")
    other_model = services.create_server_model(actor=engineer, vendor=other_vendor, name="DL380 Gen10")
    services.create_server(actor=engineer, model=other_model, serial="S1", organisation=customer_a)
    assert Server.objects.filter(serial="S1").count() == 2


def test_refused_input_changes_nothing(
    engineer: User, server_model: ServerModel, customer_a: Organisation, site_b: Site
) -> None:
    before = (Server.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ServiceError) as error:
        services.create_server(
            actor=engineer,
            model=server_model,
            serial="S2",
            organisation=customer_a,
            site=site_b,  # another organisation's site
            warranty_start=datetime.date(2025, 1, 1),
            warranty_end=datetime.date(2024, 1, 1),
            rack_unit=99,
        )
    assert set(error.value.fields) >= {"site", "warranty_end", "rack_unit"}
    assert (Server.objects.count(), AuditEntry.objects.count()) == before


def test_customer_cannot_write(
    customer_user: User, server_model: ServerModel, customer_a: Organisation, server_a: Server
) -> None:
    with pytest.raises(PermissionDenied):
        services.create_server(actor=customer_user, model=server_model, serial="S3", organisation=customer_a)
    with pytest.raises(PermissionDenied):
        services.update_server(actor=customer_user, server=server_a, hostname="x")
    server_a.refresh_from_db()
    assert server_a.hostname == "db01.a.example"


def test_unknown_field_is_named(engineer: User, server_a: Server) -> None:
    with pytest.raises(ServiceError) as error:
        services.update_server(actor=engineer, server=server_a, colour="red")
    assert list(error.value.fields) == ["colour"]


def test_update_server_audits_only_changes(engineer: User, server_a: Server) -> None:
    services.update_server(actor=engineer, server=server_a, hostname="db02", status=ServerStatus.UNDER_REPAIR)
    entry = AuditEntry.objects.get(action="server.update")
    assert entry.changes == {"hostname": ["db01.a.example", "db02"], "status": ["in_service", "under_repair"]}
    services.update_server(actor=engineer, server=server_a, hostname="db02")
    assert AuditEntry.objects.filter(action="server.update").count() == 1


def test_changing_model_moves_vendor(engineer: User, server_a: Server) -> None:
    hpe = services.create_vendor(actor=engineer, name="HPE", code="hpe")
    gen10 = services.create_server_model(actor=engineer, vendor=hpe, name="DL380 Gen10")
    server = services.update_server(actor=engineer, server=server_a, model=gen10)
    assert server.vendor_id == hpe.pk
    with pytest.raises(ServiceError):
        services.update_server(actor=engineer, server=server_a, vendor=hpe)


def test_model_dates_must_be_in_order(engineer: User, vendor: Vendor) -> None:
    with pytest.raises(ServiceError) as error:
        services.create_server_model(
            actor=engineer,
            vendor=vendor,
            name="R1",
            release_date=datetime.date(2020, 1, 1),
            eol_date=datetime.date(2019, 1, 1),
            eosl_date=datetime.date(2018, 1, 1),
        )
    assert set(error.value.fields) == {"eol_date", "eosl_date"}
    assert not ServerModel.objects.filter(name="R1").exists()


def test_site_rules(engineer: User, customer_a: Organisation, customer_b: Organisation, site_b: Site) -> None:
    with pytest.raises(ServiceError) as error:
        services.create_site(
            actor=engineer,
            organisation=customer_a,
            name="Room 1",
            kind=SiteKind.ROOM,
            parent=site_b,
            latitude=Decimal("91"),
            time_zone="Mars/Olympus",
        )
    assert set(error.value.fields) == {"parent", "latitude", "time_zone"}
    centre = services.create_site(
        actor=engineer,
        organisation=customer_a,
        name="DC",
        latitude=Decimal("39.9"),
        longitude=Decimal("116.4"),
    )
    room = services.create_site(
        actor=engineer, organisation=customer_a, name="DC 2F", kind=SiteKind.ROOM, parent=centre
    )
    assert room.parent == centre
    with pytest.raises(Conflict):
        services.create_site(actor=engineer, organisation=customer_a, name="dc")


def test_replace_component_keeps_history(engineer: User, disk_a: Component) -> None:
    new = services.replace_component(
        actor=engineer,
        component=disk_a,
        reason="SMART predictive failure",
        service_request_ref="SR-2026-0001",
        serial="D0002",
    )
    disk_a.refresh_from_db()
    assert disk_a.removed_at is not None
    assert disk_a.removal_reason == "SMART predictive failure"
    assert disk_a.service_request_ref == "SR-2026-0001"
    assert (new.slot, new.part_number, new.serial, new.removed_at) == ("DISK0", "ST4000", "D0002", None)
    assert new.installed_at == disk_a.removed_at
    actions = list(AuditEntry.objects.filter(object_type="assets.component").values_list("action", flat=True))
    assert sorted(actions) == ["component.add", "component.add", "component.remove"]
    with pytest.raises(Conflict):
        services.remove_component(actor=engineer, component=disk_a, reason="again")


def test_remove_component_needs_reason(engineer: User, disk_a: Component) -> None:
    with pytest.raises(ServiceError) as error:
        services.remove_component(actor=engineer, component=disk_a, reason="  ")
    assert "removal_reason" in error.value.fields
    disk_a.refresh_from_db()
    assert disk_a.removed_at is None


def test_vendor_name_unique_case_insensitive(engineer: User, vendor: Vendor) -> None:
    with pytest.raises(Conflict):
        services.create_vendor(actor=engineer, name="DELL", code="dell-2")
    assert Vendor.objects.count() == 1


def test_site_with_servers_cannot_move(
    engineer: User, site_a: Site, server_a: Server, customer_b: Organisation
) -> None:
    with pytest.raises(ServiceError) as error:
        services.update_site(actor=engineer, site=site_a, organisation=customer_b)
    assert "organisation" in error.value.fields


def test_make_server_fixture(make_server: Callable[..., Server], customer_a: Organisation) -> None:
    assert make_server(customer_a).organisation == customer_a
