"""One BMC address belongs to one server: in the service, the form, the API and the database."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Server
from sasms.core.errors import Conflict, ServiceError
from sasms.core.models import AuditEntry
from sasms.intake.models import BmcEndpoint
from sasms.intake.services import config


@pytest.fixture
def two_servers(make_server: Callable[..., Server], customer_a: Organisation) -> tuple[Server, Server]:
    return make_server(customer_a, "CN7792SX01"), make_server(customer_a, "CN7792SX02")


def bmc(admin_user: User, server: Server, address: str, **fields: Any) -> BmcEndpoint:
    return config.create_bmc_endpoint(
        actor=admin_user, server=server, address=address, username="root", password="pw", **fields
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"address": "bmc-01.example.com"}, {"address": "BMC-01.Example.COM."}),
        ({"address": "10.0.0.5"}, {"address": " 10.0.0.5 ", "port": 443}),
        ({"address": "10.0.0.5", "scheme": "http"}, {"address": "10.0.0.5", "scheme": "http", "port": 80}),
        ({"address": "fe80::1"}, {"address": "[FE80:0:0::1]"}),
    ],
)
def test_the_same_address_however_written_is_refused_on_a_second_server(
    admin_user: User, two_servers: tuple[Server, Server], first: dict[str, Any], second: dict[str, Any]
):
    one, two = two_servers
    kept = bmc(admin_user, one, **first)
    with pytest.raises(Conflict) as refused:
        bmc(admin_user, two, **second)
    assert list(refused.value.fields) == ["address"]
    assert "CN7792SX01" in refused.value.fields["address"][0]
    assert list(BmcEndpoint.objects.values_list("pk", flat=True)) == [kept.pk]


def test_another_port_is_another_bmc_and_a_port_in_the_address_is_refused(
    admin_user: User, two_servers: tuple[Server, Server]
):
    one, two = two_servers
    bmc(admin_user, one, address="10.0.0.5", port=8443)
    bmc(admin_user, two, address="10.0.0.5")  # behind another port of the same gateway
    assert BmcEndpoint.objects.count() == 2
    with pytest.raises(ServiceError) as refused:
        config.update_bmc_endpoint(
            actor=admin_user, endpoint=BmcEndpoint.objects.get(server=two), address="10.0.0.5:8443"
        )
    assert "address" in refused.value.fields


def test_moving_an_endpoint_onto_a_taken_address_is_refused(
    admin_user: User, two_servers: tuple[Server, Server]
):
    one, two = two_servers
    bmc(admin_user, one, address="10.0.0.5")
    other = bmc(admin_user, two, address="10.0.0.6")
    with pytest.raises(Conflict) as refused:
        config.update_bmc_endpoint(actor=admin_user, endpoint=other, address="10.0.0.5")
    assert "address" in refused.value.fields
    assert BmcEndpoint.objects.get(pk=other.pk).address == "10.0.0.6"


def test_the_form_names_the_address_field(
    admin_user: User, client_for: Any, two_servers: tuple[Server, Server]
):
    one, _two = two_servers
    bmc(admin_user, one, address="10.0.0.5")
    response = client_for(admin_user).post(
        reverse("intake:bmc_create"),
        {
            "server": "CN7792SX02",
            "address": "10.0.0.5",
            "scheme": "https",
            "port": "443",
            "username": "root",
            "password": "pw",
            "auth": "session",
            "poll_interval_minutes": "10",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "already registered on server CN7792SX01" in form.errors["address"][0]
    assert BmcEndpoint.objects.count() == 1


def test_the_api_answers_409_naming_the_address(
    admin_user: User, api_for: Any, two_servers: tuple[Server, Server]
):
    one, two = two_servers
    bmc(admin_user, one, address="bmc-01.example.com")
    response = api_for(admin_user).post(
        "/api/v1/intake/bmc-endpoints/",
        {"server": two.pk, "address": "BMC-01.example.com", "username": "root", "password": "pw"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert "CN7792SX01" in str(body)
    assert "address" in str(body)
    assert BmcEndpoint.objects.count() == 1


def test_the_database_refuses_a_duplicate_address_written_past_the_service(
    admin_user: User, two_servers: tuple[Server, Server]
):
    one, two = two_servers
    first = bmc(admin_user, one, address="10.0.0.5")
    assert first.address_key == "10.0.0.5:443"
    with pytest.raises(IntegrityError), transaction.atomic():
        BmcEndpoint.objects.create(server=two, address="10.0.0.5", username="x", address_key="10.0.0.5:443")
    assert BmcEndpoint.objects.count() == 1


# --- The data migration -----------------------------------------------------------------------------

BEFORE = [("intake", "0002_bmc_identity_and_address_key")]
AFTER = [("intake", "0004_bmc_address_unique")]


@pytest.mark.django_db(transaction=True)
def test_existing_duplicates_keep_the_first_and_the_others_are_disabled_with_a_reason():
    executor = MigrationExecutor(connection)
    # The CMDB stays at its latest state (its tables are not rolled back with intake's), so the
    # historical models must know its newest columns too.
    before = [*BEFORE, *executor.loader.graph.leaf_nodes("assets")]
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        organisations = apps.get_model("accounts", "Organisation").objects
        vendors = apps.get_model("assets", "Vendor").objects
        server_models = apps.get_model("assets", "ServerModel").objects
        servers = apps.get_model("assets", "Server").objects
        endpoints = apps.get_model("intake", "BmcEndpoint").objects
        organisation = organisations.create(name="Customer", code="cust", kind="customer")
        vendor = vendors.create(name="HPE", code="hpe")
        model = server_models.create(vendor=vendor, name="DL325")

        def endpoint(serial: str, address: str, **fields: Any) -> Any:
            server = servers.create(vendor=vendor, model=model, serial=serial, organisation=organisation)
            return endpoints.create(server=server, address=address, username="root", **fields)

        first = endpoint("S1", "bmc-01.example.com")
        second = endpoint("S2", "BMC-01.example.com.", port=443)
        third = endpoint("S3", "bmc-01.example.com", scheme="https", is_active=False)
        alone = endpoint("S4", "10.0.0.9")
        idle = endpoint("S5", "10.0.0.7", is_active=False)
        busy = endpoint("S6", "10.0.0.7")

        executor.loader.build_graph()
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        endpoints = apps.get_model("intake", "BmcEndpoint").objects
        rows = {row.pk: row for row in endpoints.all()}
        assert (rows[first.pk].is_active, rows[first.pk].address_key, rows[first.pk].disabled_reason) == (
            True,
            "bmc-01.example.com:443",
            "",
        )
        for duplicate in (second, third):
            row = rows[duplicate.pk]
            assert (row.is_active, row.address_key) == (False, None)
            assert "S1" in row.disabled_reason
            assert f"#{first.pk}" in row.disabled_reason
        assert (rows[alone.pk].is_active, rows[alone.pk].address_key) == (True, "10.0.0.9:443")
        # The active endpoint keeps an address over an earlier, already disabled one.
        assert (rows[busy.pk].is_active, rows[busy.pk].address_key) == (True, "10.0.0.7:443")
        assert rows[idle.pk].address_key is None
        assert "S6" in rows[idle.pk].disabled_reason
        audited = set(
            AuditEntry.objects.filter(action="intake.bmc.disable_duplicate").values_list(
                "object_id", flat=True
            )
        )
        assert audited == {str(second.pk), str(third.pk), str(idle.pk)}
        with pytest.raises(IntegrityError), transaction.atomic():
            endpoints.filter(pk=second.pk).update(address_key="bmc-01.example.com:443")
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
