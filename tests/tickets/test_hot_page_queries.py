"""The hot pages cost a constant number of queries, whatever the number of rows they show.

Each page is counted at two sizes of the same data (a few rows, then many more); the count must be
the same at both (or lower with more rows) and, for the lists, at most ``LIST_QUERIES``. The pages
are those of issue #19's benchmark: queue (default and filtered), the request page with 200 timeline events,
phone intake, the customer portal (home, my requests, a request), the dispatcher board, knowledge
search, and the server list and detail.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.core.search.models import Audience
from sasms.knowledge import services as knowledge_services
from sasms.tickets import services
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

LIST_QUERIES = 10
ClientFor = Callable[[User], Client]


def _count(client: Client, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _tickets(make_ticket: Callable[..., Ticket], n: int, **fields: Any) -> list[Ticket]:
    return [make_ticket(title=f"Disk {i} predictive failure", **fields) for i in range(n)]


def _same_at_two_sizes(client: Client, url: str, grow: Callable[[], None], params: Any = None) -> int:
    few = _count(client, url, params)
    grow()
    many = _count(client, url, params)
    # Never more with more rows (a search may spend a query or two on suggestions when it finds few).
    assert many <= few, f"{url}: {few} queries with a few rows, {many} with many"
    return few


def test_queue_default_and_filtered(
    make_ticket: Callable[..., Ticket],
    make_user: Callable[..., User],
    customer_a: Organisation,
    agent: User,
    client_for: ClientFor,
) -> None:
    client = client_for(agent)
    _tickets(make_ticket, 2)
    for i in range(6):  # the filter drop-downs must not list people row by row
        make_user(Role.ENGINEER, full_name=f"Engineer {i}")
    queue = reverse("tickets:queue")
    filtered = {"organisation": str(customer_a.pk), "status": "new"}
    few_default, few_filtered = _count(client, queue), _count(client, queue, filtered)
    _tickets(make_ticket, 30)
    assert _count(client, queue) == few_default
    assert _count(client, queue, filtered) == few_filtered
    assert few_default <= LIST_QUERIES
    assert few_filtered <= LIST_QUERIES + 1  # the chosen customer is looked up to validate it


def test_request_page_with_200_events(ticket: Ticket, agent: User, client_for: ClientFor) -> None:
    client = client_for(agent)
    url = reverse("tickets:detail", args=[ticket.number])
    now = timezone.now()

    def grow() -> None:
        TicketEvent.objects.bulk_create(
            TicketEvent(
                ticket=ticket,
                actor=agent if i % 2 else None,
                kind=EventKind.NOTE if i % 2 else EventKind.REPLY,
                public=bool(i % 3),
                body=f"note {i}",
                created_at=now + datetime.timedelta(seconds=i),
            )
            for i in range(200)
        )

    _same_at_two_sizes(client, url, grow)


def test_phone_intake(contact_a: Contact, agent: User, client_for: ClientFor) -> None:
    client = client_for(agent)

    def grow() -> None:
        for i in range(15):
            Contact.objects.create(organisation=contact_a.organisation, name=f"值班 {i}")

    _same_at_two_sizes(client, reverse("tickets:intake"), grow, {"requester": contact_a.pk})


def test_portal_home_list_and_request(
    make_ticket: Callable[..., Ticket],
    contact_a: Contact,
    customer_user: User,
    agent: User,
    client_for: ClientFor,
) -> None:
    client = client_for(customer_user)
    first = make_ticket()
    pages = [reverse("portal:home"), reverse("portal:request_list")]
    detail = reverse("portal:request_detail", args=[first.number])
    few = [_count(client, url) for url in pages]
    few_detail = _count(client, detail)
    _tickets(make_ticket, 25)
    for i in range(20):
        services.add_comment(actor=agent, ticket=first, body=f"public note {i}", internal=bool(i % 2))
    assert [_count(client, url) for url in pages] == few
    assert _count(client, detail) == few_detail
    assert few[1] <= LIST_QUERIES


def test_dispatcher_board(
    make_ticket: Callable[..., Ticket], dispatcher: User, client_for: ClientFor
) -> None:
    client = client_for(dispatcher)
    _tickets(make_ticket, 2)

    def grow() -> None:
        _tickets(make_ticket, 25)

    _same_at_two_sizes(client, reverse("dispatch:board"), grow)


def test_knowledge_search(make_user: Callable[..., User], agent: User, client_for: ClientFor) -> None:
    editor = make_user(Role.ENGINEER, full_name="Editor Li")
    reviewer = make_user(Role.AGENT, full_name="Reviewer Zhang")

    def publish(n: int, start: int) -> None:
        for i in range(start, start + n):
            article = knowledge_services.create_article(
                actor=editor,
                title=f"RAID degraded after disk failure {i}",
                body="## Symptom\n\nThe controller reports a **degraded** virtual disk.",
                audience=Audience.CUSTOMER,
                language="en",
            )
            article = knowledge_services.transition_article(
                actor=editor, article=article, action="submit", reviewers=[reviewer]
            )
            knowledge_services.transition_article(actor=reviewer, article=article, action="approve")

    client = client_for(agent)
    publish(2, 0)
    count = _same_at_two_sizes(client, reverse("knowledge:search"), lambda: publish(12, 2), {"q": "degraded"})
    assert count <= LIST_QUERIES


def test_server_list_and_detail(
    make_server: Callable[..., Server],
    server_a: Server,
    customer_a: Organisation,
    agent: User,
    client_for: ClientFor,
) -> None:
    client = client_for(agent)
    url = reverse("assets:server_list")
    detail = reverse("assets:server_detail", args=[server_a.pk])
    few, few_detail = _count(client, url), _count(client, detail)
    for i in range(30):
        make_server(customer_a, serial=f"HOT{i:03d}")
    for slot in range(12):
        asset_services.add_component(actor=None, server=server_a, kind="disk", slot=f"D{slot}")
    assert _count(client, url) == few
    assert _count(client, detail) == few_detail
    assert few <= LIST_QUERIES
