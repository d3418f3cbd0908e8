"""The reply box of the request page: an htmx reply refreshes the SLA clocks panel it changes, and a
closed or cancelled request offers no reply box and takes no reply."""

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts.models import User
from sasms.core.errors import Conflict
from sasms.tickets import services
from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def finish(ticket: Ticket, agent: User, action: str) -> None:
    if action == "close":
        services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
        services.transition_ticket(actor=agent, ticket=ticket, action="start")
        services.transition_ticket(
            actor=agent,
            ticket=ticket,
            action="resolve",
            resolution_code="part_replaced",
            resolution_summary="Disk replaced",
        )
        services.transition_ticket(actor=agent, ticket=ticket, action="close", confirmed=True)
    else:
        services.transition_ticket(actor=agent, ticket=ticket, action="cancel", reason="duplicate")


def _response_clock(html: str) -> str:
    match = re.search(r'data-testid="clock-response" data-risk="([a-z]+)"', html)
    assert match, "the SLA panel shows the response clock"
    return match.group(1)


def test_htmx_reply_swaps_in_the_refreshed_sla_panel(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert '<div id="panel-sla-clocks">' in page  # the target the reply's answer swaps
    assert _response_clock(page) != "met"

    response = client.post(
        reverse("tickets:comment", args=[ticket.number]),
        {"body": "We are looking into it."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    oob = re.search(r'<div id="panel-sla-clocks" hx-swap-oob="true">(.*)', html, re.S)
    assert oob, "the answer carries the SLA panel out of band"
    # The first public reply met the response clock; the panel in the answer says so.
    assert _response_clock(oob.group(1)) == "met"


def test_refused_htmx_reply_leaves_the_panels_alone(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(agent).post(
        reverse("tickets:comment", args=[ticket.number]), {"body": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "hx-swap-oob" not in response.content.decode()


@pytest.mark.parametrize("action", ["close", "cancel"])
def test_finished_request_has_no_reply_box_for_staff_or_customers(
    action: str,
    ticket: Ticket,
    agent: User,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    url = reverse("tickets:detail", args=[ticket.number])
    for user in (agent, customer_user):
        assert 'data-testid="composer"' in client_for(user).get(url).content.decode()
    finish(ticket, agent, action)
    assert Ticket.objects.get(pk=ticket.pk).status in (Status.CLOSED, Status.CANCELLED)
    for user in (agent, customer_user):
        html = client_for(user).get(url).content.decode()
        assert 'data-testid="composer"' not in html
        assert 'data-testid="composer-closed"' in html


@pytest.mark.parametrize(("action", "internal"), [("close", False), ("close", True), ("cancel", False)])
def test_service_refuses_staff_replies_and_notes_on_a_closed_request(
    action: str, internal: bool, ticket: Ticket, agent: User
) -> None:
    finish(ticket, agent, action)
    before = TicketEvent.objects.filter(ticket=ticket).count()
    with pytest.raises(Conflict) as refused:
        services.add_comment(actor=agent, ticket=ticket, body="One more thing", internal=internal)
    assert refused.value.code == "ticket_closed"
    assert refused.value.fields["body"] == [
        "This request is closed; replies and notes can no longer be added."
    ]
    assert TicketEvent.objects.filter(ticket=ticket).count() == before


def test_page_and_api_explain_the_refusal(
    ticket: Ticket,
    agent: User,
    client_for: Callable[[User], Client],
    api_for: Callable[[User], APIClient],
) -> None:
    services.transition_ticket(actor=agent, ticket=ticket, action="cancel", reason="duplicate")
    page = client_for(agent).post(
        reverse("tickets:comment", args=[ticket.number]), {"body": "late"}, follow=True
    )
    assert "replies and notes can no longer be added" in page.content.decode()
    api = api_for(agent).post(f"/api/v1/tickets/{ticket.number}/comments/", {"body": "late"}, format="json")
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "ticket_closed"
    assert "body" in api.json()["error"]["fields"]
    assert not TicketEvent.objects.filter(ticket=ticket, body="late").exists()
