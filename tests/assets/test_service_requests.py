"""Service requests on the server detail page and the customer 360° page, scoped like the page."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.assets import selectors
from sasms.assets.models import Server
from sasms.tickets.models import Ticket

ClientFor = Callable[[User], Client]
MakeRequest = Callable[..., Ticket]


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def requests_a(make_request: MakeRequest, server_a: Server, engineer: User) -> dict[str, Ticket]:
    return {
        "new": make_request(server_a, title="Disk amber LED", priority="P2", created_at=_ago(3)),
        "assigned": make_request(
            server_a, title="PSU redundancy lost", status="assigned", assignee=engineer, created_at=_ago(1)
        ),
        "resolved": make_request(
            server_a,
            title="DIMM ECC errors",
            status="resolved",
            resolution_code="part_replaced",
            created_at=_ago(9),
        ),
        "closed": make_request(
            server_a,
            title="BMC firmware upgrade",
            status="closed",
            resolution_code="firmware_updated",
            created_at=_ago(30),
        ),
        "cancelled": make_request(
            server_a, title="Opened by mistake", status="cancelled", created_at=_ago(20)
        ),
    }


def _body(client: Client, server: Server) -> str:
    response = client.get(reverse("assets:server_detail", args=[server.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</table>" if "requests" in testid else "</ol>", start)]


def test_server_detail_lists_open_requests(
    client_for: ClientFor, engineer: User, server_a: Server, requests_a: dict[str, Ticket]
) -> None:
    page = _body(client_for(engineer), server_a)
    table = _section(page, "open-requests")
    for key in ("new", "assigned"):
        ticket = requests_a[key]
        assert f'href="{reverse("tickets:detail", args=[ticket.number])}"' in table
        assert ticket.title in table
    for key in ("resolved", "closed", "cancelled"):
        assert requests_a[key].title not in table
    assert "P2 high" in table
    assert "Assigned" in table
    assert str(engineer) in table
    assert "Unassigned" in table
    assert "3\xa0days" in table  # the age of the oldest open request
    # Oldest open request first: the one waiting longest is on top.
    assert table.index("Disk amber LED") < table.index("PSU redundancy lost")


def test_service_history_has_every_request_newest_first_with_resolutions(
    client_for: ClientFor, engineer: User, server_a: Server, requests_a: dict[str, Ticket]
) -> None:
    history = _section(_body(client_for(engineer), server_a), "history")
    titles = [
        "PSU redundancy lost",
        "Disk amber LED",
        "DIMM ECC errors",
        "Opened by mistake",
        "BMC firmware upgrade",
    ]
    positions = [history.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Part replaced" in history
    assert "Firmware updated" in history
    assert "server.create" in history  # the audit entries are still there, merged in by time
    assert history.index("server.create") < history.index("PSU redundancy lost")  # created today


def test_server_without_requests_says_so(client_for: ClientFor, engineer: User, server_a: Server) -> None:
    page = _body(client_for(engineer), server_a)
    assert 'data-testid="no-open-requests"' in page


def test_customer_sees_own_requests_never_internal_notes(
    client_for: ClientFor,
    customer_user: User,
    server_a: Server,
    customer_b: Organisation,
    make_request: MakeRequest,
    requests_a: dict[str, Ticket],
) -> None:
    # A request of another organisation that names this server (e.g. a data-centre operator's).
    foreign = make_request(server_a, organisation=customer_b, title="Other customer's request")
    page = _body(client_for(customer_user), server_a)
    assert requests_a["new"].title in page
    assert requests_a["closed"].title in page
    assert foreign.title not in page
    assert foreign.number not in page
    assert "INTERNAL-NOTE" not in page


def test_selector_scopes_requests_to_the_actor(
    engineer: User,
    customer_user: User,
    make_user: Callable[..., User],
    customer_b: Organisation,
    server_a: Server,
    requests_a: dict[str, Ticket],
) -> None:
    assert len(selectors.service_requests_for_server(actor=engineer, server=server_a)) == 5
    own = selectors.service_requests_for_server(actor=customer_user, server=server_a)
    assert next(t.title for t in own) == "PSU redundancy lost"  # newest first
    other_customer = make_user("customer", organisation=customer_b)
    assert selectors.service_requests_for_server(actor=other_customer, server=server_a) == []
    assert [t.pk for t in selectors.open_requests(own)] == [requests_a["new"].pk, requests_a["assigned"].pk]


def test_customer_overview_counts_open_requests(
    client_for: ClientFor,
    agent: User,
    customer_user: User,
    customer_a: Organisation,
    server_a: Server,
    server_b: Server,
    make_request: MakeRequest,
    requests_a: dict[str, Ticket],
) -> None:
    make_request(server_b, title="B's problem")
    url = reverse("assets:customer_overview", args=[customer_a.pk])
    for user in (agent, customer_user):
        page = client_for(user).get(url).content.decode()
        assert 'data-testid="open-request-count">2<' in page
        by_priority = _section(page, "open-requests")
        assert "P2 high: <strong>1</strong>" in by_priority
        assert "P3 normal: <strong>1</strong>" in by_priority
        assert f'href="{reverse("assets:server_detail", args=[server_a.pk])}"' in by_priority


def test_customer_overview_without_open_requests(
    client_for: ClientFor, agent: User, customer_a: Organisation, server_a: Server
) -> None:
    page = client_for(agent).get(reverse("assets:customer_overview", args=[customer_a.pk])).content.decode()
    assert 'data-testid="open-request-count">0<' in page
