"""Pages: queues, the request page, actions, intake — permissions, tenant isolation, query counts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Contact, Organisation, User
from sasms.assets.models import Server
from sasms.tickets import services
from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
QUEUES = ["open", "mine", "team", "unassigned", "waiting", "all"]


def _queue_url(name: str) -> str:
    return reverse("tickets:queue" if name == "open" else f"tickets:queue_{name}")


@pytest.mark.parametrize("name", QUEUES)
def test_queues_render_for_staff_and_refuse_customers(
    name: str, ticket: Ticket, agent: User, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    response = client_for(agent).get(_queue_url(name))
    assert response.status_code == 200
    if name in ("open", "mine", "all"):
        assert ticket.number in response.content.decode()
    assert client_for(customer_user).get(_queue_url(name)).status_code == 403


def test_queue_filters_search_sort_htmx_and_export(
    make_ticket: Callable[..., Ticket], agent: User, client_for: Callable[[User], Client]
) -> None:
    p1 = make_ticket(title="Server down", impact="1", urgency="1")
    p4 = make_ticket(title="BIOS question", impact="3", urgency="3", type="consultation")
    client = client_for(agent)
    body = client.get(_queue_url("all"), {"priority": "P1"}).content.decode()
    assert p1.number in body
    assert p4.number not in body
    body = client.get(_queue_url("all"), {"q": "bios"}).content.decode()
    assert p4.number in body
    assert p1.number not in body
    partial = client.get(_queue_url("all"), {"sort": "priority"}, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text
    assert text.index(p1.number) < text.index(p4.number)
    csv = client.get(_queue_url("all"), {"export": "csv", "q": "bios"})
    content = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    assert p4.number in content
    assert p1.number not in content
    xlsx = client.get(_queue_url("all"), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_queue_query_count_is_constant_in_page_size(
    make_ticket: Callable[..., Ticket],
    agent: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(agent)
    make_ticket()
    with django_assert_max_num_queries(12) as few:
        client.get(_queue_url("all"))
    for _ in range(12):
        make_ticket()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_queue_url("all"))


def test_bulk_actions(
    make_ticket: Callable[..., Ticket], dispatcher: User, engineer: User, client_for: Callable[[User], Client]
) -> None:
    tickets = [make_ticket() for _ in range(3)]
    client = client_for(dispatcher)
    data = {
        "action": "assign",
        "assignee": engineer.pk,
        "ticket": [t.pk for t in tickets],
        "next": _queue_url("all"),
    }
    response = client.post(reverse("tickets:bulk"), data)
    assert response.status_code == 302
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {engineer.pk}
    client.post(reverse("tickets:bulk"), {"action": "priority", "priority": "P1", "ticket": [tickets[0].pk]})
    assert Ticket.objects.get(pk=tickets[0].pk).priority == "P1"
    client.post(reverse("tickets:bulk"), {"action": "close", "ticket": [t.pk for t in tickets]})
    assert set(Ticket.objects.values_list("status", flat=True)) == {
        Status.ASSIGNED
    }  # refused, nothing changed


def test_request_page_for_staff_shows_allowed_buttons_and_side_panel(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    services.add_comment(actor=agent, ticket=ticket, body="Internal: check SEL", internal=True)
    body = client_for(agent).get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "Internal: check SEL" in body
    assert 'data-testid="transition-cancel"' in body
    assert 'data-testid="transition-resolve"' not in body  # not from "new"
    assert "CN7A1234" in body
    assert "Customer A" in body
    assert "Collect BMC/SEL and OS logs" in body


def test_customer_sees_own_request_without_internal_notes_and_not_others(
    ticket: Ticket, ticket_b: Ticket, agent: User, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    services.add_comment(actor=agent, ticket=ticket, body="Internal: customer is difficult", internal=True)
    services.add_comment(actor=agent, ticket=ticket, body="Public: engineer on the way")
    client = client_for(customer_user)
    page = client.get(reverse("tickets:detail", args=[ticket.number]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Public: engineer on the way" in body
    assert "customer is difficult" not in body
    assert 'data-testid="checklist"' not in body
    assert client.get(reverse("tickets:detail", args=[ticket_b.number])).status_code == 404
    for name in ("comment", "transition", "attachment_upload"):
        assert (
            client.post(
                reverse(f"tickets:{name}", args=[ticket_b.number]),
                {"body": "x", "action": "cancel", "reason": "x"},
            ).status_code
            == 404
        )
    for name in ("assign", "tier", "priority", "link", "watch", "time_and_materials"):
        assert client.post(reverse(f"tickets:{name}", args=[ticket.number]), {}).status_code == 403
    assert Ticket.objects.get(pk=ticket_b.pk).status == Status.NEW


def test_request_page_query_count_is_constant_in_events(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client], django_assert_max_num_queries: Any
) -> None:
    client = client_for(agent)
    url = reverse("tickets:detail", args=[ticket.number])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for i in range(20):
        services.add_comment(actor=agent, ticket=ticket, body=f"note {i}", internal=bool(i % 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_htmx_composer_returns_the_timeline(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent)
    url = reverse("tickets:comment", args=[ticket.number])
    response = client.post(url, {"body": "Hello from htmx"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Hello from htmx" in text
    assert "<html" not in text
    assert 'id="composer"' in text
    empty = client.post(url, {"body": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422
    assert TicketEvent.objects.filter(ticket=ticket, kind="reply").count() == 1


def test_working_a_request_from_new_to_closed_through_the_page(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent)
    number = ticket.number
    client.post(reverse("tickets:assign", args=[number]), {"take": "1"})
    steps: list[dict[str, Any]] = [
        {"action": "start"},
        {"action": "wait_customer"},
        {"action": "resume"},
        {
            "action": "resolve",
            "resolution_code": "part_replaced",
            "resolution_summary": "Disk replaced",
            "work_minutes": "30",
            "why1": "Disk worn",
        },
        {"action": "close", "confirmed": "on"},
    ]
    for step in steps:
        assert client.post(reverse("tickets:transition", args=[number]), step).status_code == 302
    final = Ticket.objects.get(pk=ticket.pk)
    assert final.status == Status.CLOSED
    assert final.five_whys == ["Disk worn"]
    assert final.work_minutes == 30


def test_refused_transition_on_the_page_explains_and_changes_nothing(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent)
    response = client.post(
        reverse("tickets:transition", args=[ticket.number]), {"action": "resolve"}, follow=True
    )
    assert "cannot" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_staff_side_actions(
    ticket: Ticket,
    make_ticket: Callable[..., Ticket],
    dispatcher: User,
    engineer: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(dispatcher)
    number = ticket.number
    client.post(reverse("tickets:assign", args=[number]), {"assignee": engineer.pk})
    client.post(reverse("tickets:tier", args=[number]), {"tier": "2", "reason": "Needs T2"})
    client.post(reverse("tickets:priority", args=[number]), {"impact": "1", "urgency": "1"})
    item = ticket.checklist.first()
    assert item is not None
    response = client.post(
        reverse("tickets:checklist", args=[number, item.pk]), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "btn-success" in response.content.decode()
    other = make_ticket()
    client.post(reverse("tickets:link", args=[number]), {"kind": "related", "target": other.number})
    client.post(reverse("tickets:watch", args=[number]), {"watching": "1"})
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.assignee, fresh.tier, fresh.priority) == (engineer, 2, "P1")
    assert dispatcher in fresh.watchers.all()
    assert fresh.links_out.filter(target=other).exists()


def test_phone_intake(
    contact_a: Contact,
    server_a: Server,
    server_a_expired: Server,
    agent: User,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(agent)
    assert client.get(reverse("tickets:intake")).status_code == 200
    assert client_for(customer_user).get(reverse("tickets:intake")).status_code == 403
    found = client.get(reverse("tickets:intake_callers"), {"q": "13800138000"}).content.decode()
    assert "王伟" in found
    assert "王伟" in client.get(reverse("tickets:intake_callers"), {"q": "王伟"}).content.decode()
    page = client.get(reverse("tickets:intake"), {"requester": contact_a.pk}).content.decode()
    assert 'data-testid="caller"' in page
    lookup = client.get(
        reverse("tickets:intake_servers"),
        {"server_identifier": "cn7a1234", "organisation": str(contact_a.organisation_id)},
    )
    assert "CN7A1234" in lookup.content.decode()
    assert "base warranty" in lookup.content.decode()
    expired = client.get(reverse("tickets:intake_servers"), {"server_identifier": "OLD0001"}).content.decode()
    assert "Not entitled" in expired
    data = {
        "organisation": contact_a.organisation_id,
        "requester": contact_a.pk,
        "server_identifier": "CN7A1234",
        "channel": "phone",
        "type": "incident",
        "category": "hardware",
        "component": "disk",
        "impact": "1",
        "urgency": "2",
        "title": "Disk failed",
        "description": "Bay 3",
    }
    response = client.post(reverse("tickets:intake"), data)
    created = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[created.number])
    assert (created.server, created.requester, created.priority) == (server_a, contact_a, "P2")
    bad = client.post(reverse("tickets:intake"), {**data, "server_identifier": "NOPE"})
    assert bad.status_code == 200
    assert "No server of this customer matches" in bad.content.decode()
    assert Ticket.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(ticket: Ticket, client: Client) -> None:
    for url in (
        _queue_url("all"),
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:intake"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_pages_render_in_chinese(
    ticket: Ticket, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    agent = make_user("agent", language="zh-hans")
    client = client_for(agent)
    client.cookies["sasms_language"] = "zh-hans"
    services.add_comment(actor=agent, ticket=ticket, body="已收到")
    for url in (
        _queue_url("all"),
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:intake"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Language"] == "zh-hans"


def test_saved_views_are_personal(
    make_ticket: Callable[..., Ticket], agent: User, engineer: User, client_for: Callable[[User], Client]
) -> None:
    from sasms.tickets.models import SavedView

    p1 = make_ticket(title="Server down", impact="1", urgency="1")
    client = client_for(agent)
    response = client.post(
        reverse("tickets:save_view"),
        {"name": "My P1s", "queue": "all"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{_queue_url('all')}?priority=P1&page=3&export=csv",
    )
    assert response.status_code == 204
    view = SavedView.objects.get()
    assert view.query == "priority=P1"
    assert response["HX-Redirect"] == f"{_queue_url('all')}?priority=P1"
    page = client.get(_queue_url("open")).content.decode()
    assert "My P1s" in page
    assert p1.number in client.get(response["HX-Redirect"]).content.decode()
    duplicate = client.post(
        reverse("tickets:save_view"), {"name": "My P1s", "queue": "all", "query": "q=x"}, follow=True
    )
    assert "already have a view" in duplicate.content.decode()
    other = client_for(engineer)
    assert "My P1s" not in other.get(_queue_url("open")).content.decode()
    assert other.post(reverse("tickets:delete_view", args=[view.pk])).status_code == 404
    assert client.post(reverse("tickets:delete_view", args=[view.pk])).status_code == 302
    assert not SavedView.objects.exists()


def test_intake_lists_the_callers_of_the_chosen_customer_in_one_query(
    contact_a: Contact,
    agent: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(agent)
    url = reverse("tickets:intake")
    with django_assert_max_num_queries(30) as few:
        page = client.get(url, {"requester": contact_a.pk}).content.decode()
    assert "王伟" in page
    for i in range(15):
        Contact.objects.create(organisation=contact_a.organisation, name=f"值班 {i}")
    Contact.objects.create(
        organisation=Organisation.objects.create(name="Other", code="oth", kind="customer"), name="外人"
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url, {"requester": contact_a.pk}).content.decode()
    assert "值班 14" in page
    assert "外人" not in page  # only the chosen customer's people
