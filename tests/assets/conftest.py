"""Asset fixtures: a small catalogue and one server per customer, made through the services."""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services, tasks
from sasms.assets.models import Component, Server, ServerModel, Site, Vendor
from sasms.tickets.models import Ticket, TicketEvent


@pytest.fixture
def engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.ENGINEER, language="en")


@pytest.fixture
def vendor(db: None) -> Vendor:
    return services.create_vendor(actor=None, name="Dell", code="dell")


@pytest.fixture
def server_model(vendor: Vendor) -> ServerModel:
    return services.create_server_model(
        actor=None,
        vendor=vendor,
        name="PowerEdge R740",
        generation="14G",
        release_date=datetime.date(2017, 7, 11),
        eol_date=datetime.date(2021, 11, 30),
        # About 18 months ahead of the day the tests run: within the next 24 months, not yet past.
        eosl_date=timezone.localdate() + datetime.timedelta(days=540),
    )


@pytest.fixture
def site_a(customer_a: Organisation) -> Site:
    return services.create_site(actor=None, organisation=customer_a, name="Beijing DC-1", city="北京")


@pytest.fixture
def site_b(customer_b: Organisation) -> Site:
    return services.create_site(actor=None, organisation=customer_b, name="Shanghai DC-1", city="上海")


@pytest.fixture
def make_server(server_model: ServerModel) -> Callable[..., Server]:
    counter = {"n": 0}

    def make(organisation: Organisation, **fields: Any) -> Server:
        counter["n"] += 1
        return services.create_server(
            actor=None,
            model=fields.pop("model", server_model),
            serial=fields.pop("serial", f"SN{counter['n']:06d}"),
            organisation=organisation,
            **fields,
        )

    return make


@pytest.fixture
def server_a(make_server: Callable[..., Server], customer_a: Organisation, site_a: Site) -> Server:
    return make_server(
        customer_a,
        serial="ABC1234",
        hostname="db01.a.example",
        site=site_a,
        warranty_start=datetime.date(2023, 1, 1),
        warranty_end=datetime.date(2030, 1, 1),
    )


@pytest.fixture
def server_b(make_server: Callable[..., Server], customer_b: Organisation, site_b: Site) -> Server:
    return make_server(customer_b, serial="XYZ9876", hostname="web01.b.example", site=site_b)


@pytest.fixture
def disk_a(server_a: Server) -> Component:
    return services.add_component(
        actor=None, server=server_a, kind="disk", slot="DISK0", part_number="ST4000", serial="D0001"
    )


@pytest.fixture(autouse=True)
def _no_import_threads_left() -> Iterator[None]:
    """Every embedded-mode import thread a test started has ended when the test ends."""
    yield
    assert tasks.wait_for_background_jobs(timeout=60), "an import thread is still running"


@pytest.fixture
def make_request() -> Callable[..., Ticket]:
    """A service request row on a server (the tickets app's intake is not what is tested here)."""
    counter = {"n": 0}

    def make(server: Server, **fields: Any) -> Ticket:
        counter["n"] += 1
        fields.setdefault("organisation", server.organisation)
        fields.setdefault("number", f"SR-T{counter['n']:05d}")
        fields.setdefault("title", f"Request {counter['n']}")
        fields.setdefault("service_kind", "hardware_replacement")
        if fields.get("status") == "resolved":
            fields.setdefault("resolution_code", "part_replaced")
            fields.setdefault("resolved_at", fields.get("created_at") or timezone.now())
        ticket = Ticket.objects.create(server=server, **fields)
        TicketEvent.objects.create(
            ticket=ticket, kind="note", public=False, body=f"INTERNAL-NOTE-{ticket.number}"
        )
        return ticket

    return make
