"""``knowledge:suggest``: articles as a request is typed, and for staff similar resolved requests."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel
from sasms.core.search.models import Audience
from sasms.knowledge.models import Article
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db
SUGGEST = "/kb/suggest/"


def _resolved(organisation: Organisation, server: Server | None, title: str, agent: User) -> Ticket:
    ticket = ticket_services.create_ticket(actor=None, organisation=organisation, server=server, title=title)
    ticket = ticket_services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    ticket = ticket_services.transition_ticket(actor=agent, ticket=ticket, action="start")
    return ticket_services.transition_ticket(
        actor=agent,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="更换电源模块后冗余恢复。",
    )


@pytest.fixture
def server_a(r740: ServerModel, customer_a: Organisation) -> Server:
    return asset_services.create_server(actor=None, model=r740, serial="CN7A0001", organisation=customer_a)


@pytest.fixture
def server_b(hpe_model: ServerModel, customer_b: Organisation) -> Server:
    return asset_services.create_server(
        actor=None, model=hpe_model, serial="CZJ0002", organisation=customer_b
    )


@pytest.fixture
def articles(
    make_article: Callable[..., Article], publish: Publish, r740: ServerModel, hpe_model: ServerModel
) -> dict[str, Article]:
    return {
        "dell": publish(
            make_article(
                title="电源冗余丢失 PSU redundancy lost",
                body="检查电源线。",
                server_models=[r740],
                component="psu",
            )
        ),
        "hpe": publish(
            make_article(
                title="电源冗余丢失 iLO", body="HPE 电源不匹配。", server_models=[hpe_model], component="psu"
            )
        ),
        "internal": publish(make_article(title="电源 内部备件流程", body="内部", audience=Audience.INTERNAL)),
        "draft": make_article(title="电源 草稿", body="未发布"),
    }


def _ids(body: str, articles: dict[str, Article]) -> list[str]:
    found = [
        (body.index(f"/kb/articles/{a.pk}/"), key)
        for key, a in articles.items()
        if f"/kb/articles/{a.pk}/" in body
    ]
    return [key for _, key in sorted(found)]


def test_staff_see_live_articles_and_similar_resolved_requests(
    articles: dict[str, Article],
    server_a: Server,
    server_b: Server,
    customer_a: Organisation,
    customer_b: Organisation,
    agent: User,
    client_for: Callable[[User], Client],
) -> None:
    mine = _resolved(customer_a, server_a, "电源冗余丢失告警", agent)
    theirs = _resolved(customer_b, server_b, "电源冗余丢失", agent)
    body = client_for(agent).get(SUGGEST, {"q": "电源冗余丢失"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body
    assert 'data-testid="kb-suggest"' in body
    assert set(_ids(body, articles)) == {"dell", "hpe", "internal"}  # live ones; never the draft
    assert mine.number in body
    assert theirs.number in body
    assert 'data-testid="kb-suggest-request"' in body
    # A page that lists similar requests itself asks for the articles alone.
    only_articles = client_for(agent).get(SUGGEST, {"q": "电源冗余丢失", "requests": "0"}).content.decode()
    assert mine.number not in only_articles
    assert set(_ids(only_articles, articles)) == {"dell", "hpe", "internal"}


def test_server_and_component_lift_the_matching_articles(
    articles: dict[str, Article],
    server_a: Server,
    server_b: Server,
    agent: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(agent)
    for server, first in ((server_a, "dell"), (server_b, "hpe")):
        for value in (str(server.pk), server.serial.lower()):
            body = client.get(SUGGEST, {"q": "电源冗余丢失", "server": value}).content.decode()
            assert _ids(body, articles)[0] == first
    # The intake's own field names work too, and a server alone lists its model's articles.
    body = client.get(
        SUGGEST, {"title": "", "server_identifier": server_b.serial, "component": "psu"}
    ).content.decode()
    assert _ids(body, articles) == ["hpe"]


def test_customers_get_articles_only_never_requests(
    articles: dict[str, Article],
    server_a: Server,
    server_b: Server,
    customer_a: Organisation,
    customer_b: Organisation,
    agent: User,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    mine = _resolved(customer_a, server_a, "电源冗余丢失告警", agent)
    theirs = _resolved(customer_b, server_b, "电源冗余丢失", agent)
    client = client_for(customer_user)
    body = client.get(SUGGEST, {"q": "电源冗余丢失", "server": server_b.serial}).content.decode()
    assert set(_ids(body, articles)) == {"dell", "hpe"}
    assert mine.number not in body
    assert theirs.number not in body
    assert "kb-suggest-request" not in body
    assert "Similar resolved requests" not in body
    # Another organisation's server is not looked up for a customer (no ranking hint either).
    browse = client.get(SUGGEST, {"server": str(server_b.pk)}).content.decode()
    assert _ids(browse, articles) == []
    own = client.get(SUGGEST, {"server": str(server_a.pk), "component": "psu"}).content.decode()
    assert _ids(own, articles) == ["dell"]


def test_short_empty_or_hostile_input_is_harmless(
    articles: dict[str, Article], agent: User, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    for params in (
        {"q": ""},
        {"q": "x"},
        {"q": "<script>alert(1)</script>"},
        {"q": "电" * 5000},
        {"component": "toaster"},
    ):
        response = client.get(SUGGEST, params)
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()
    assert Client().get(SUGGEST, {"q": "电源"}).status_code == 302  # sign in first
    assert client.get(reverse("knowledge:suggest"), {"q": "电源"})["Cache-Control"].startswith("private")
