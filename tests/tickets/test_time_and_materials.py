"""The time-and-materials decision: an explicit, confirmed choice that can be corrected with a
reason, each step on the timeline with its value."""

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.core.errors import Conflict, ServiceError
from sasms.core.models import AuditEntry
from sasms.tickets import services
from sasms.tickets.choices import EventKind, TimeAndMaterials
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def uncovered(make_ticket: Callable[..., Ticket], server_a_expired: Server) -> Ticket:
    ticket = make_ticket(server=server_a_expired)
    assert ticket.time_and_materials == TimeAndMaterials.PENDING
    return ticket


def _tm_events(ticket: Ticket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.TIME_AND_MATERIALS).order_by("id"))


def test_the_decision_must_be_chosen_and_confirmed(uncovered: Ticket, agent: User) -> None:
    for decision in ("", "pending", "maybe"):
        with pytest.raises(ServiceError) as refused:
            services.decide_time_and_materials(
                actor=agent, ticket=uncovered, decision=decision, confirmed=True
            )
        assert "decision" in refused.value.fields
    with pytest.raises(ServiceError) as unconfirmed:
        services.decide_time_and_materials(actor=agent, ticket=uncovered, decision="accepted")
    assert "confirmed" in unconfirmed.value.fields
    uncovered.refresh_from_db()
    assert uncovered.time_and_materials == TimeAndMaterials.PENDING
    assert _tm_events(uncovered) == []


def test_a_recorded_decision_is_corrected_with_a_reason(uncovered: Ticket, agent: User) -> None:
    services.decide_time_and_materials(
        actor=agent, ticket=uncovered, decision="accepted", confirmed=True, note="Quote 800 CNY"
    )
    with pytest.raises(ServiceError) as no_reason:
        services.decide_time_and_materials(actor=agent, ticket=uncovered, decision="declined", confirmed=True)
    assert "reason" in no_reason.value.fields
    with pytest.raises(Conflict):
        services.decide_time_and_materials(
            actor=agent, ticket=uncovered, decision="accepted", confirmed=True, reason="again"
        )
    ticket = services.decide_time_and_materials(
        actor=agent,
        ticket=uncovered,
        decision="declined",
        confirmed=True,
        reason="Purchasing withdrew the approval",
    )
    assert ticket.time_and_materials == "declined"
    first, correction = _tm_events(ticket)
    assert first.data == {
        "decision": "accepted",
        "previous": "pending",
        "correction": False,
        "confirmed": True,
    }
    assert first.body == "Quote 800 CNY"
    assert correction.data == {
        "decision": "declined",
        "previous": "accepted",
        "correction": True,
        "confirmed": True,
    }
    assert correction.body == "Purchasing withdrew the approval"
    entry = AuditEntry.objects.get(action="ticket.time_and_materials_correction")
    assert entry.changes == {
        "time_and_materials": ["accepted", "declined"],
        "reason": [None, "Purchasing withdrew the approval"],
    }


def _card(html: str) -> str:
    match = re.search(r'data-testid="time-and-materials".*?</div></div>', html, re.S)
    assert match, "the time-and-materials card is on the page"
    return match.group(0)


def test_page_offers_an_empty_required_choice_with_a_confirmation_and_no_script(
    uncovered: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent)
    card = _card(client.get(reverse("tickets:detail", args=[uncovered.number])).content.decode())
    select = re.search(r'<select name="decision"[^>]*>(.*?)</select>', card, re.S)
    assert select is not None
    assert "required" in select.group(0).split(">")[0]
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select.group(1))
    assert options[0] == ("", " selected")  # nothing chosen until someone chooses
    assert [value for value, _sel in options] == ["", "accepted", "declined"]
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="confirmed"[^>]*required', card)
    # The site's Content Security Policy allows no inline script: the confirmation needs none.
    assert "<script" not in card
    assert not re.search(r"\son[a-z]+=", card)


def test_page_refuses_a_missing_choice_or_confirmation_and_saves_a_confirmed_one(
    uncovered: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent)
    url = reverse("tickets:time_and_materials", args=[uncovered.number])
    for data in ({"confirmed": "on"}, {"decision": "accepted"}):
        page = client.post(url, data, follow=True)
        assert "This field is required." in page.content.decode()
        uncovered.refresh_from_db()
        assert uncovered.time_and_materials == TimeAndMaterials.PENDING
    page = client.post(url, {"decision": "accepted", "confirmed": "on", "note": "Quote sent"}, follow=True)
    uncovered.refresh_from_db()
    assert uncovered.time_and_materials == "accepted"
    html = page.content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert 'data-testid="tm-decision"' in timeline
    assert str(TimeAndMaterials.ACCEPTED.label) in timeline
    # Decided: the card now offers a correction, which needs a reason.
    card = _card(html)
    assert 'data-testid="tm-correct"' in card
    assert 'name="reason"' in card
    refused = client.post(url, {"decision": "declined", "confirmed": "on"}, follow=True)
    assert "Give the reason for correcting the decision." in refused.content.decode()
    client.post(url, {"decision": "declined", "confirmed": "on", "reason": "Customer changed mind"})
    uncovered.refresh_from_db()
    assert uncovered.time_and_materials == "declined"
    html = client.get(reverse("tickets:detail", args=[uncovered.number])).content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert "Customer changed mind" in timeline
    assert "Corrected" in timeline


def test_customer_reads_the_decision_on_the_portal_timeline(
    uncovered: Ticket, agent: User, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    services.decide_time_and_materials(actor=agent, ticket=uncovered, decision="declined", confirmed=True)
    page = client_for(customer_user).get(reverse("portal:request_detail", args=[uncovered.number]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="tm-decision"' in text
    assert str(TimeAndMaterials.DECLINED.label) in text
