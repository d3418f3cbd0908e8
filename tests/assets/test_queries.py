"""Query counts of the list and detail pages stay constant as the data grows."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.assets import services
from sasms.assets.models import Server, Site
from sasms.tickets.models import Ticket

ClientFor = Callable[[User], Client]


def _count(client: Client, url: str, **params: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(queries)


def _fleet(
    make_server: Callable[..., Server], organisation: Organisation, site: Site, n: int, start: int
) -> None:
    for i in range(start, start + n):
        server = make_server(organisation, serial=f"Q{i:05d}", site=site)
        for slot in range(3):
            services.add_component(actor=None, server=server, kind="disk", slot=f"D{slot}")


@pytest.mark.parametrize("url_name", ["assets:server_list", "assets:lifecycle", "assets:site_list"])
def test_list_queries_do_not_grow_with_rows_or_page_size(
    client_for: ClientFor,
    agent: User,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    site_a: Site,
    django_assert_max_num_queries: Any,
    url_name: str,
) -> None:
    soon = datetime.date.today() + datetime.timedelta(days=30)
    client = client_for(agent)
    url = reverse(url_name)
    for i in range(3):
        make_server(customer_a, serial=f"S{i}", site=site_a, warranty_end=soon)
    few = _count(client, url)
    for i in range(3, 40):
        make_server(customer_a, serial=f"S{i}", site=site_a, warranty_end=soon)
    many = _count(client, url)
    assert few == many
    with django_assert_max_num_queries(few):
        client.get(url, {"page": 2})
    # A chosen customer costs one look-up to validate the choice, whatever the number of rows.
    with django_assert_max_num_queries(few + 1):
        client.get(url, {"q": "S1", "organisation": str(customer_a.pk)})


STATUSES = ["new", "assigned", "in_progress", "waiting_parts", "resolved", "closed", "cancelled"]


@pytest.mark.parametrize("role", ["engineer", "customer_user"])
def test_server_detail_queries_constant(
    client_for: ClientFor,
    engineer: User,
    customer_user: User,
    make_user: Callable[..., User],
    make_server: Callable[..., Server],
    make_request: Callable[..., Ticket],
    customer_a: Organisation,
    site_a: Site,
    django_assert_max_num_queries: Any,
    role: str,
) -> None:
    client = client_for({"engineer": engineer, "customer_user": customer_user}[role])
    small = make_server(customer_a, serial="SMALL", site=site_a)
    services.add_component(actor=None, server=small, kind="cpu", slot="CPU0")
    make_request(small, status="new", assignee=engineer)
    big = make_server(customer_a, serial="BIG", site=site_a)
    for slot in range(40):
        component = services.add_component(actor=None, server=big, kind="dimm", slot=f"A{slot}")
        if slot % 4 == 0:
            services.replace_component(actor=engineer, component=component, reason="ECC")
    # Many service requests, open and finished, with different assignees and priorities.
    engineers = [engineer, *(make_user("engineer") for _ in range(3))]
    for i in range(30):
        make_request(
            big,
            status=STATUSES[i % len(STATUSES)],
            priority=f"P{i % 4 + 1}",
            assignee=engineers[i % len(engineers)],
            created_at=timezone.now() - datetime.timedelta(hours=i),
        )
    few = _count(client, reverse("assets:server_detail", args=[small.pk]))
    with django_assert_max_num_queries(few):
        page = client.get(reverse("assets:server_detail", args=[big.pk])).content.decode()
    assert page.count('data-testid="history-request"') == 30


def test_customer_overview_queries_constant(
    client_for: ClientFor,
    agent: User,
    make_server: Callable[..., Server],
    make_request: Callable[..., Ticket],
    customer_a: Organisation,
    site_a: Site,
) -> None:
    client = client_for(agent)
    url = reverse("assets:customer_overview", args=[customer_a.pk])
    first = make_server(customer_a, serial="FIRST", site=site_a)
    make_request(first)
    few = _count(client, url)
    for i in range(12):
        server = make_server(customer_a, serial=f"MANY{i}", site=site_a)
        for status in ("new", "in_progress", "closed"):
            make_request(server, status=status, priority=f"P{i % 4 + 1}")
    assert _count(client, url) == few


def test_export_queries_constant(
    client_for: ClientFor,
    agent: User,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    site_a: Site,
) -> None:
    client = client_for(agent)
    url = reverse("assets:server_list")
    _fleet(make_server, customer_a, site_a, 2, 0)
    few = _count(client, url, export="csv")
    _fleet(make_server, customer_a, site_a, 30, 2)
    assert _count(client, url, export="csv") == few


def test_api_list_queries_constant(
    api_for: Callable[[User], Any],
    agent: User,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    site_a: Site,
) -> None:
    client = api_for(agent)
    _fleet(make_server, customer_a, site_a, 2, 0)
    with CaptureQueriesContext(connection) as before:
        client.get("/api/v1/servers/")
    _fleet(make_server, customer_a, site_a, 30, 2)
    with CaptureQueriesContext(connection) as after:
        client.get("/api/v1/servers/", {"page_size": 100})
    assert len(before) == len(after)
