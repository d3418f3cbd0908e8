"""Ticket fixtures: a small asset catalogue, servers, a contract, contacts and staff of each role."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from sasms.accounts import services as account_services
from sasms.accounts.models import Contact, Organisation, Team, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel
from sasms.tickets import services
from sasms.tickets.models import Ticket


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.ENGINEER, language="en")


@pytest.fixture
def dispatcher(make_user: Callable[..., User]) -> User:
    return make_user(Role.DISPATCHER, language="en")


@pytest.fixture
def customer_b_user(make_user: Callable[..., User], customer_b: Organisation) -> User:
    return make_user(Role.CUSTOMER, organisation=customer_b, language="en")


@pytest.fixture
def server_model(db: None) -> ServerModel:
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    return asset_services.create_server_model(
        actor=None, vendor=vendor, name="PowerEdge R750", eosl_date=datetime.date(2031, 12, 31)
    )


@pytest.fixture
def make_server(server_model: ServerModel) -> Callable[..., Server]:
    counter = {"n": 0}

    def make(organisation: Organisation, **fields: Any) -> Server:
        counter["n"] += 1
        return asset_services.create_server(
            actor=None,
            model=server_model,
            serial=fields.pop("serial", f"SN{counter['n']:06d}"),
            organisation=organisation,
            **fields,
        )

    return make


@pytest.fixture
def server_a(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    today = timezone.localdate()
    return make_server(
        customer_a,
        serial="CN7A1234",
        hostname="db01.a.example",
        asset_tag="A-0001",
        warranty_start=today - datetime.timedelta(days=100),
        warranty_end=today + datetime.timedelta(days=900),
    )


@pytest.fixture
def server_a_expired(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    today = timezone.localdate()
    return make_server(
        customer_a,
        serial="OLD0001",
        warranty_start=today - datetime.timedelta(days=2000),
        warranty_end=today - datetime.timedelta(days=10),
    )


@pytest.fixture
def server_b(make_server: Callable[..., Server], customer_b: Organisation) -> Server:
    return make_server(customer_b, serial="XYZ9876", hostname="web01.b.example")


@pytest.fixture
def contact_a(customer_a: Organisation) -> Contact:
    return Contact.objects.create(
        organisation=customer_a, name="王伟", phone="+86 138 0013 8000", email="wang@a.example"
    )


@pytest.fixture
def team(provider: Organisation) -> Team:
    return account_services.create_team(actor=None, name="Storage T2", kind="storage")


@pytest.fixture
def make_ticket(customer_a: Organisation, server_a: Server, contact_a: Contact) -> Callable[..., Ticket]:
    def make(**fields: Any) -> Ticket:
        values: dict[str, Any] = {
            "actor": None,
            "organisation": customer_a,
            "requester": contact_a,
            "server": server_a,
            "title": "Disk 3 predictive failure",
            "description": "Amber LED on bay 3.",
            "component": "disk",
        }
        values.update(fields)
        return services.create_ticket(**values)

    return make


@pytest.fixture
def ticket(make_ticket: Callable[..., Ticket]) -> Ticket:
    return make_ticket()


@pytest.fixture
def ticket_b(customer_b: Organisation, server_b: Server) -> Ticket:
    return services.create_ticket(actor=None, organisation=customer_b, server=server_b, title="B's request")
