"""Portal fixtures: two customers with servers, portal users of each, staff, and request helpers."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel
from sasms.feedback import services as feedback_services
from sasms.portal import services as portal_services
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket

ARTICLES = {101: "RAID rebuild after a disk failure", 102: "Resetting the BMC password"}


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def articles(monkeypatch: pytest.MonkeyPatch) -> dict[int, str]:
    """A small stand-in knowledge base: the portal asks it for an article's title by id."""

    def title(actor: User, article_id: int) -> str | None:
        return ARTICLES.get(article_id)

    monkeypatch.setattr(feedback_services, "_article_title", title)
    return ARTICLES


@pytest.fixture
def engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.ENGINEER, language="en", full_name="Engineer Li")


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en")


@pytest.fixture
def customer_b_user(make_user: Callable[..., User], customer_b: Organisation) -> User:
    return make_user(Role.CUSTOMER, organisation=customer_b, language="en")


@pytest.fixture
def server_model(db: None) -> ServerModel:
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    return asset_services.create_server_model(
        actor=None,
        vendor=vendor,
        name="PowerEdge R740",
        eosl_date=timezone.localdate() + datetime.timedelta(days=200),
    )


@pytest.fixture
def make_server(server_model: ServerModel) -> Callable[..., Server]:
    counter = {"n": 0}

    def make(organisation: Organisation, **fields: Any) -> Server:
        counter["n"] += 1
        today = timezone.localdate()
        fields.setdefault("warranty_start", today - datetime.timedelta(days=100))
        fields.setdefault("warranty_end", today + datetime.timedelta(days=600))
        return asset_services.create_server(
            actor=None,
            model=fields.pop("model", server_model),
            serial=fields.pop("serial", f"SN{counter['n']:06d}"),
            organisation=organisation,
            **fields,
        )

    return make


@pytest.fixture
def server_a(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    return make_server(customer_a, serial="CN7A1234", hostname="db01.a.example", asset_tag="A-0001")


@pytest.fixture
def server_b(make_server: Callable[..., Server], customer_b: Organisation) -> Server:
    return make_server(customer_b, serial="XYZ9876", hostname="web01.b.example")


@pytest.fixture
def portal_request(customer_user: User, server_a: Server) -> Callable[..., Ticket]:
    """A request opened in the portal by ``customer_user`` (or another customer)."""

    def make(actor: User | None = None, **fields: Any) -> Ticket:
        values: dict[str, Any] = {
            "actor": actor or customer_user,
            "title": "Disk 3 amber LED",
            "description": "Since this morning.",
            "server": server_a if actor is None else None,
            "kind": "incident",
            "category": "hardware",
            "impact": "2",
            "urgency": "2",
        }
        values.update(fields)
        return portal_services.submit_request(**values)

    return make


@pytest.fixture
def resolve() -> Callable[[Ticket, User], Ticket]:
    """Work a request up to resolved through the ticket services, as the engineer."""

    def run(ticket: Ticket, engineer: User) -> Ticket:
        ticket = Ticket.objects.get(pk=ticket.pk)
        if ticket.status == "new":
            ticket = ticket_services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
        if ticket.status == "assigned":
            ticket = ticket_services.transition_ticket(actor=engineer, ticket=ticket, action="start")
        return ticket_services.transition_ticket(
            actor=engineer,
            ticket=ticket,
            action="resolve",
            resolution_code="part_replaced",
            resolution_summary="Replaced disk 3; the array rebuilt.",
        )

    return run


@pytest.fixture
def resolved(
    portal_request: Callable[..., Ticket], resolve: Callable[[Ticket, User], Ticket], engineer: User
) -> Ticket:
    return resolve(portal_request(), engineer)
