"""Intake fixtures: servers named like the real-world fixtures, contacts, an alert source, a mailbox."""

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel
from sasms.intake.choices import SourceKind
from sasms.intake.models import AlertSource, Mailbox
from sasms.intake.services import config
from tests.corpus import CORPUS_DIR

# The real-world corpus (tests/corpus.py): a test that reads these is marked ``corpus``.
EMAILS = CORPUS_DIR / "email"
ALERTS = CORPUS_DIR / "alertmanager"
MOCKUPS = CORPUS_DIR / "redfish"


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.ENGINEER, language="en")


@pytest.fixture
def server_model(db: None) -> ServerModel:
    vendor = asset_services.create_vendor(actor=None, name="HPE", code="hpe")
    return asset_services.create_server_model(actor=None, vendor=vendor, name="ProLiant DL325 Gen10 Plus")


@pytest.fixture
def make_server(server_model: ServerModel) -> Callable[..., Server]:
    def make(organisation: Organisation, serial: str, **fields: Any) -> Server:
        return asset_services.create_server(
            actor=None, model=server_model, serial=serial, organisation=organisation, **fields
        )

    return make


@pytest.fixture
def covered_server(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    """srv-db-01 of the Alertmanager captures, under the base warranty."""
    today = timezone.localdate()
    return make_server(
        customer_a,
        "JS05NP0896",
        hostname="srv-db-01.example.com",
        bmc_address="bmc-srv-db-01.example.com",
        warranty_start=today - datetime.timedelta(days=100),
        warranty_end=today + datetime.timedelta(days=600),
    )


@pytest.fixture
def gpu_server(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    return make_server(customer_a, "GJG9NF512A000302", hostname="srv-gpu-07.example.com")


@pytest.fixture
def contact_a(customer_a: Organisation) -> Contact:
    return Contact.objects.create(organisation=customer_a, name="王伟", email="Wang.Wei@a.example")


@pytest.fixture
def contact_b(customer_b: Organisation) -> Contact:
    return Contact.objects.create(organisation=customer_b, name="李娜", email="li.na@b.example")


@pytest.fixture
def make_source(admin_user: User) -> Callable[..., tuple[AlertSource, str]]:
    def make(kind: str = SourceKind.ALERTMANAGER, **fields: Any) -> tuple[AlertSource, str]:
        fields.setdefault("name", f"{kind} source")
        issued = config.create_alert_source(actor=admin_user, kind=kind, **fields)
        return issued.source, issued.token

    return make


@pytest.fixture
def am_source(make_source: Callable[..., tuple[AlertSource, str]]) -> tuple[AlertSource, str]:
    return make_source(SourceKind.ALERTMANAGER, name="Prometheus")


@pytest.fixture
def mailbox(admin_user: User) -> Mailbox:
    return config.create_mailbox(
        actor=admin_user,
        name="Support",
        address="support@sasms.example",
        host="127.0.0.1",
        port=143,
        security="none",
        username="support@example.test",
        password="secret",
        folder="INBOX",
        reply_to=True,
    )


def email_fixture(name: str) -> bytes:
    return (EMAILS / name).read_bytes()


def alert_fixture(name: str) -> bytes:
    return (ALERTS / name).read_bytes()
