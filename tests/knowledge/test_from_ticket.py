"""One click on a resolved request drafts an article: content, links, timeline, panel, refusals."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel
from sasms.core.errors import Conflict, NotFound, PermissionDenied
from sasms.core.models import AuditEntry
from sasms.core.search.models import Audience
from sasms.knowledge import services
from sasms.knowledge.models import Article, ArticleStatus
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(r740: ServerModel, customer_a: Organisation) -> Server:
    return asset_services.create_server(actor=None, model=r740, serial="CN7A0001", organisation=customer_a)


@pytest.fixture
def open_ticket(server: Server, customer_a: Organisation) -> Ticket:
    return ticket_services.create_ticket(
        actor=None,
        organisation=customer_a,
        server=server,
        title="电源模块 PSU2 告警，冗余丢失",
        description="iDRAC 报 PSU0003，PSU2 指示灯熄灭。",
        component="psu",
    )


@pytest.fixture
def resolved(open_ticket: Ticket, agent: User) -> Ticket:
    ticket = ticket_services.assign_ticket(actor=agent, ticket=open_ticket, assignee=agent)
    ticket = ticket_services.transition_ticket(actor=agent, ticket=ticket, action="start")
    return ticket_services.transition_ticket(
        actor=agent,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="更换 PSU2 后冗余恢复。",
        root_cause="PDU 断路器跳闸后电源模块损坏。",
        five_whys=["为什么冗余丢失？PSU2 无输入", "为什么无输入？断路器跳闸", "", "", ""],
    )


def test_draft_takes_symptom_cause_solution_and_links(resolved: Ticket, agent: User, server: Server) -> None:
    article = services.draft_article_from_ticket(actor=agent, ticket=resolved)
    version = article.current_version
    assert version is not None
    assert article.title == resolved.title
    assert article.status == ArticleStatus.DRAFT
    assert article.audience == Audience.INTERNAL
    assert article.language == "zh-hans"
    assert article.component == "psu"
    assert article.source_ticket == resolved
    assert article.author == agent
    assert list(article.server_models.all()) == [server.model]
    assert [v.code for v in article.vendors.all()] == ["dell"]
    body = version.body
    for fragment in (
        "## 症状\n\niDRAC 报 PSU0003",
        "## 原因\n\nPDU 断路器跳闸后电源模块损坏。",
        "1. 为什么冗余丢失？PSU2 无输入\n2. 为什么无输入？断路器跳闸",
        "## 解决方法\n\n更换 PSU2 后冗余恢复。",
        "Dell PowerEdge R740",
    ):
        assert fragment in body
    event = TicketEvent.objects.get(ticket=resolved, kind=EventKind.KNOWLEDGE)
    assert event.public is False
    assert event.data["article"] == article.pk
    assert article.number in event.body
    assert AuditEntry.objects.filter(action="knowledge.article.create", object_id=str(article.pk)).exists()


def test_english_requests_get_english_headings(
    make_article: Callable[..., Article], agent: User, customer_a: Organisation
) -> None:
    ticket = ticket_services.create_ticket(
        actor=None, organisation=customer_a, title="Fan 3 failed on node 2"
    )
    ticket = ticket_services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    ticket = ticket_services.transition_ticket(actor=agent, ticket=ticket, action="start")
    ticket = ticket_services.transition_ticket(
        actor=agent,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="Replaced fan 3.",
    )
    article = services.draft_article_from_ticket(actor=agent, ticket=ticket)
    assert article.language == "en"
    assert article.current_version is not None
    assert "## Symptom\n\nFan 3 failed on node 2" in article.current_version.body
    assert "## Cause\n\n(to be completed)" in article.current_version.body
    assert not article.server_models.exists()


def test_open_requests_and_second_clicks_are_refused(
    open_ticket: Ticket, resolved: Ticket, agent: User
) -> None:
    other = ticket_services.create_ticket(
        actor=None, organisation=open_ticket.organisation, title="Still open"
    )
    with pytest.raises(Conflict):
        services.draft_article_from_ticket(actor=agent, ticket=other)
    first = services.draft_article_from_ticket(actor=agent, ticket=resolved)
    with pytest.raises(services.AlreadyDrafted) as again:
        services.draft_article_from_ticket(actor=agent, ticket=resolved)
    assert again.value.article == first
    assert Article.objects.count() == 1
    # Once that article is archived, a new draft may be made.
    services.transition_article(actor=agent, article=first, action="archive")
    assert services.draft_article_from_ticket(actor=agent, ticket=resolved) != first


def test_customers_and_non_editors_cannot_draft(resolved: Ticket, customer_user: User, clerk: User) -> None:
    for outsider in (customer_user, clerk):
        with pytest.raises((PermissionDenied, NotFound)):
            services.draft_article_from_ticket(actor=outsider, ticket=resolved)
    assert not Article.objects.exists()
    assert not TicketEvent.objects.filter(kind=EventKind.KNOWLEDGE).exists()


def test_request_page_panel_and_one_click(
    open_ticket: Ticket, agent: User, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    detail = reverse("tickets:detail", args=[open_ticket.number])
    client = client_for(agent)
    assert 'data-testid="kb-ticket-panel"' not in client.get(detail).content.decode()  # not resolved yet
    ticket = ticket_services.assign_ticket(actor=agent, ticket=open_ticket, assignee=agent)
    ticket = ticket_services.transition_ticket(actor=agent, ticket=ticket, action="start")
    ticket = ticket_services.transition_ticket(
        actor=agent,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="更换电源。",
    )
    page = client.get(detail).content.decode()
    assert 'data-testid="kb-draft-from-ticket"' in page
    assert 'data-testid="kb-ticket-panel"' not in client_for(customer_user).get(detail).content.decode()
    draft_url = reverse("knowledge:draft_from_ticket", args=[ticket.number])
    response = client.post(draft_url)
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("knowledge:article_edit", args=[article.pk])
    page = client.get(detail).content.decode()
    assert article.number in page
    assert 'data-testid="kb-draft-from-ticket"' not in page
    assert client.post(draft_url)["Location"] == reverse("knowledge:article", args=[article.pk])
    assert client_for(customer_user).post(draft_url).status_code == 403
    # The customer's timeline does not show the internal knowledge event.
    customer_page = client_for(customer_user).get(detail).content.decode()
    assert article.number not in customer_page
    assert Article.objects.count() == 1
