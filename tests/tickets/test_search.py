"""Full-text search of service requests through the shared search kernel.

Indexing in the services' transactions, Chinese/English/part-number/SR-number queries, the queue
and API search boxes, customer safety (other organisations, internal notes), the re-index command,
the demo's bulk indexing and the phone intake's similar resolved requests.
"""

import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server
from sasms.core.search.models import Audience, SearchDocument
from sasms.core.search.services import search
from sasms.tickets import services
from sasms.tickets.demo import build as demo
from sasms.tickets.demo.texts import NOTES, REPLIES
from sasms.tickets.models import Ticket
from sasms.tickets.search import (
    INTERNAL_DOCUMENT,
    TICKET_DOCUMENT,
    ranked_ticket_ids,
    similar_resolved,
)

pytestmark = pytest.mark.django_db
QUEUE = "/requests/queue/all/"
API = "/api/v1/tickets/"
DISK_TEXT = "服务器硬盘出现故障告警，RAID 降级。"


def _queue_numbers(client: Client, **params: Any) -> list[str]:
    """The SR numbers of the queue's table rows, in order."""
    body = client.get(QUEUE, params, HTTP_HX_REQUEST="true").content.decode()
    numbers: list[str] = []
    for ticket in Ticket.objects.all():
        if ticket.number in body:
            numbers.append(ticket.number)
    return sorted(numbers, key=body.index)


def _resolve(ticket: Ticket, agent: User, summary: str, root_cause: str = "") -> Ticket:
    ticket = services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    ticket = services.transition_ticket(actor=agent, ticket=ticket, action="start")
    return services.transition_ticket(
        actor=agent,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary=summary,
        root_cause=root_cause,
    )


def test_creating_a_request_indexes_its_customer_visible_text(
    make_ticket: Callable[..., Ticket], agent: User
) -> None:
    ticket = make_ticket(title="硬盘告警", description=DISK_TEXT)
    document = SearchDocument.objects.get(object_type=TICKET_DOCUMENT, object_id=str(ticket.pk))
    assert document.audience == Audience.CUSTOMER
    assert document.organisation_id == ticket.organisation_id
    assert document.title.startswith(ticket.number)
    assert not SearchDocument.objects.filter(object_type=INTERNAL_DOCUMENT).exists()
    # Chinese without spaces: 硬盘故障 finds 硬盘出现故障.
    assert ranked_ticket_ids(actor=agent, query="硬盘故障") == [ticket.pk]
    assert ranked_ticket_ids(actor=agent, query="电源故障") == []


def test_english_and_part_number_queries(make_ticket: Callable[..., Ticket], agent: User) -> None:
    psu = make_ticket(title="PSU 2 failed", description="Power supply 2 shows a fault; ordered 0XR5R-A00.")
    fan = make_ticket(title="Fan noise", description="Fans run at full speed after the BIOS update.")
    assert ranked_ticket_ids(actor=agent, query="power supply") == [psu.pk]
    assert ranked_ticket_ids(actor=agent, query="BIOS update") == [fan.pk]
    for part in ("0XR5R-A00", "0xr5ra00", "0XR5R"):
        assert ranked_ticket_ids(actor=agent, query=part) == [psu.pk], part


def test_reply_and_resolution_are_indexed_in_the_same_transaction(
    ticket: Ticket, agent: User, customer_user: User
) -> None:
    assert ranked_ticket_ids(actor=agent, query="backplane") == []
    services.add_comment(actor=agent, ticket=ticket, body="We will check the backplane cable.")
    assert ranked_ticket_ids(actor=agent, query="backplane") == [ticket.pk]
    assert ranked_ticket_ids(actor=customer_user, query="backplane") == [ticket.pk]
    _resolve(ticket, agent, "更换了背板线缆 / replaced backplane cable", root_cause="线缆老化 aged cable")
    assert ranked_ticket_ids(actor=customer_user, query="背板线缆") == [ticket.pk]
    assert ranked_ticket_ids(actor=customer_user, query="aged cable") == [ticket.pk]


def test_detail_edit_and_merge_reindex(make_ticket: Callable[..., Ticket], agent: User) -> None:
    ticket = make_ticket(title="Memory error", description="DIMM A1 correctable errors")
    services.update_ticket(actor=agent, ticket=ticket, description="DIMM B2 uncorrectable error")
    assert ranked_ticket_ids(actor=agent, query="A1") == []
    assert ranked_ticket_ids(actor=agent, query="B2 uncorrectable") == [ticket.pk]
    duplicate = make_ticket(title="Same DIMM again", description="内存报错 reported twice by the customer")
    services.merge_tickets(actor=agent, duplicate=duplicate, into=ticket)
    # The request kept is found by its duplicate's words, in its own (customer-visible) document.
    assert ticket.pk in ranked_ticket_ids(actor=agent, query="reported twice")
    document = SearchDocument.objects.get(object_type=TICKET_DOCUMENT, object_id=str(ticket.pk))
    assert "reported twice" in document.body


def test_internal_notes_are_never_found_by_customers(
    ticket: Ticket,
    agent: User,
    customer_user: User,
    api_for: Callable[[User], APIClient],
    client_for: Callable[[User], Client],
) -> None:
    services.add_comment(
        actor=agent, ticket=ticket, body="Known firmware defect zebrafish, workaround 内部绕过", internal=True
    )
    public = SearchDocument.objects.get(object_type=TICKET_DOCUMENT, object_id=str(ticket.pk))
    assert "zebrafish" not in public.body
    internal = SearchDocument.objects.get(object_type=INTERNAL_DOCUMENT, object_id=str(ticket.pk))
    assert internal.audience == Audience.INTERNAL
    # Staff find it, in the queue too.
    assert ranked_ticket_ids(actor=agent, query="zebrafish") == [ticket.pk]
    assert _queue_numbers(client_for(agent), q="zebrafish") == [ticket.number]
    # Customers do not: neither through the kernel nor through the API, in any parameter.
    for query in ("zebrafish", "内部绕过", "workaround"):
        assert ranked_ticket_ids(actor=customer_user, query=query) == []
        assert search(actor=customer_user, query=query) == []
        for param in ("q", "search"):
            assert api_for(customer_user).get(API, {param: query}).json()["count"] == 0
    # The request itself is found by its public words.
    assert api_for(customer_user).get(API, {"q": "amber"}).json()["count"] == 1
    # The public reply that follows does not pull the note into the customer document.
    services.add_comment(actor=agent, ticket=ticket, body="Firmware update scheduled.")
    public.refresh_from_db()
    assert "zebrafish" not in public.body
    assert "scheduled" in public.body


def test_customers_never_find_another_organisations_requests(
    ticket: Ticket,
    ticket_b: Ticket,
    customer_user: User,
    customer_b_user: User,
    agent: User,
    api_for: Callable[[User], APIClient],
) -> None:
    services.add_comment(actor=agent, ticket=ticket_b, body="Hospital PACS server 影像系统 slow")
    services.add_comment(actor=agent, ticket=ticket, body="Bank core PACS 影像系统 check")
    assert ranked_ticket_ids(actor=customer_user, query="PACS 影像系统") == [ticket.pk]
    assert ranked_ticket_ids(actor=customer_b_user, query="PACS 影像系统") == [ticket_b.pk]
    assert set(ranked_ticket_ids(actor=agent, query="PACS 影像系统")) == {ticket.pk, ticket_b.pk}
    for param in ("q", "search"):
        results = api_for(customer_user).get(API, {param: "PACS"}).json()["results"]
        assert [r["number"] for r in results] == [ticket.number]
        assert api_for(customer_user).get(API, {param: ticket_b.number}).json()["count"] == 0
        assert api_for(customer_user).get(API, {param: "Hospital"}).json()["count"] == 0
    hits = search(actor=customer_user, query="PACS")
    assert {h.object_id for h in hits} == {str(ticket.pk)}
    assert all("Hospital" not in h.snippet for h in hits)


def test_sr_number_and_its_prefix_match_by_number(
    make_ticket: Callable[..., Ticket], agent: User, client_for: Callable[[User], Client]
) -> None:
    first, second = make_ticket(), make_ticket()
    client = client_for(agent)
    assert _queue_numbers(client, q=first.number) == [first.number]
    assert _queue_numbers(client, q=first.number.lower()) == [first.number]
    prefix = first.number[:10]  # SR + date
    assert _queue_numbers(client, q=prefix) == [second.number, first.number]
    assert _queue_numbers(client, q=first.number[2:]) == [first.number]  # digits only
    assert _queue_numbers(client, q="SR19990101") == []


def test_queue_search_ranks_by_relevance_and_keeps_filters_sort_pages_and_export(
    make_ticket: Callable[..., Ticket], agent: User, client_for: Callable[[User], Client]
) -> None:
    in_title = make_ticket(title="RAID controller battery failed", impact="3", urgency="3")
    in_body = make_ticket(
        title="Controller warning",
        description="The controller log mentions the battery once among many other words of the log.",
        impact="1",
        urgency="1",
    )
    make_ticket(title="Fan noise", description="Loud fans.")
    client = client_for(agent)
    # Newest first without a query; most relevant first with one (title matches weigh most).
    assert _queue_numbers(client, q="battery") == [in_title.number, in_body.number]
    # An explicit sort wins over relevance; other filters still apply.
    assert _queue_numbers(client, q="battery", sort="priority") == [in_body.number, in_title.number]
    assert _queue_numbers(client, q="battery", priority="P1") == [in_body.number]
    # Customer names and exact serial numbers still find requests.
    assert len(_queue_numbers(client, q="甲银行")) == 3
    assert len(_queue_numbers(client, q="cn7a1234")) == 3
    # Exports carry the same rows.
    csv = client.get(QUEUE, {"export": "csv", "q": "battery"})
    content = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    assert in_title.number in content
    assert in_body.number in content
    assert "Fan noise" not in content
    xlsx = client.get(QUEUE, {"export": "xlsx", "q": "battery"})
    assert xlsx.status_code == 200


def test_queue_search_paginates(
    make_ticket: Callable[..., Ticket], agent: User, client_for: Callable[[User], Client]
) -> None:
    for n in range(27):
        make_ticket(title=f"Disk {n} 硬盘故障")
    make_ticket(title="Other")
    client = client_for(agent)
    first = client.get(QUEUE, {"q": "硬盘故障"}, HTTP_HX_REQUEST="true").content.decode()
    second = client.get(QUEUE, {"q": "硬盘故障", "page": "2"}, HTTP_HX_REQUEST="true").content.decode()
    numbers = set(Ticket.objects.exclude(title="Other").values_list("number", flat=True))
    on_first = {n for n in numbers if n in first}
    on_second = {n for n in numbers if n in second}
    assert len(on_first) == 25
    assert len(on_second) == 2
    assert on_first | on_second == numbers


def test_queue_search_query_count_is_constant(
    make_ticket: Callable[..., Ticket],
    agent: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(agent)
    make_ticket(title="Disk failure")
    with django_assert_max_num_queries(20) as few:
        response = client.get(QUEUE, {"q": "disk failure"})
    assert response.status_code == 200
    for _ in range(20):
        make_ticket(title="Disk failure again")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(QUEUE, {"q": "disk failure"})


def test_api_list_searches_with_q_and_search(
    make_ticket: Callable[..., Ticket], agent: User, api_for: Callable[[User], APIClient]
) -> None:
    wanted = make_ticket(title="Mainboard replaced", description="主板更换后 BMC 正常")
    make_ticket(title="Other")
    api = api_for(agent)
    for param in ("q", "search"):
        results = api.get(API, {param: "主板更换"}).json()["results"]
        assert [r["number"] for r in results] == [wanted.number]
    assert api.get(API, {"q": wanted.number}).json()["count"] == 1


def test_reindex_command_rebuilds_the_index(
    make_ticket: Callable[..., Ticket], agent: User, customer_user: User
) -> None:
    tickets = [make_ticket(title=f"Request {n}", description=DISK_TEXT) for n in range(5)]
    services.add_comment(actor=agent, ticket=tickets[0], body="internal zebrafish", internal=True)
    SearchDocument.objects.all().delete()
    # A stale internal document of a request whose notes are gone is dropped by the rebuild.
    SearchDocument.objects.create(
        object_type=INTERNAL_DOCUMENT,
        object_id=str(tickets[1].pk),
        organisation=tickets[1].organisation,
        audience=Audience.INTERNAL,
        title="stale",
        body="stale",
    )
    out = io.StringIO()
    call_command("reindex_tickets", batch_size=2, stdout=out)
    lines = out.getvalue().splitlines()
    assert "service requests: 2/5" in lines[0]
    assert "service requests: 5/5" in lines[2]
    assert "Indexed 5 service requests" in lines[-1]
    assert SearchDocument.objects.filter(object_type=TICKET_DOCUMENT).count() == 5
    assert list(
        SearchDocument.objects.filter(object_type=INTERNAL_DOCUMENT).values_list("object_id", flat=True)
    ) == [str(tickets[0].pk)]
    assert sorted(ranked_ticket_ids(actor=agent, query="硬盘故障")) == sorted(t.pk for t in tickets)
    assert ranked_ticket_ids(actor=agent, query="zebrafish") == [tickets[0].pk]
    assert ranked_ticket_ids(actor=customer_user, query="zebrafish") == []


def test_demo_indexes_its_requests_in_bulk(
    monkeypatch: pytest.MonkeyPatch,
    make_user: Callable[..., User],
    make_server: Callable[..., Server],
    customer_a: Organisation,
    contact_a: Contact,
    agent: User,
) -> None:
    monkeypatch.setattr(demo, "REQUESTS_PER_SCALE", 120)
    make_user(Role.ENGINEER)
    for _ in range(3):
        make_server(customer_a)
    demo.build_step(rng=random.Random(3), scale=1, progress=lambda *_: None, state={})
    assert SearchDocument.objects.filter(object_type=TICKET_DOCUMENT).count() == 120
    assert SearchDocument.objects.filter(object_type=INTERNAL_DOCUMENT).exists()
    note_only = [n for n in NOTES if n not in REPLIES]
    for document in SearchDocument.objects.filter(object_type=TICKET_DOCUMENT):
        assert document.audience == Audience.CUSTOMER
        assert not any(note in document.body for note in note_only)
    disk = Ticket.objects.filter(component="disk").first()
    assert disk is not None
    assert disk.pk in ranked_ticket_ids(actor=agent, query="硬盘", candidates=300)


def test_similar_resolved_requests_partial(
    make_ticket: Callable[..., Ticket],
    agent: User,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    resolved = [make_ticket(title=f"硬盘告警 {n}", description=DISK_TEXT) for n in range(7)]
    for ticket in resolved:
        _resolve(ticket, agent, "更换硬盘后恢复 <b>ok</b>")
    still_open = make_ticket(title="硬盘告警 open", description=DISK_TEXT)
    unrelated = make_ticket(title="Fan noise", description="Loud fans")
    _resolve(unrelated, agent, "Cleaned the fans")
    url = reverse("tickets:intake_similar")
    client = client_for(agent)
    body = client.get(url, {"title": "硬盘故障", "description": ""}).content.decode()
    assert body.count('data-testid="similar-request"') == 5
    assert "<mark>" in body
    assert still_open.number not in body
    assert unrelated.number not in body
    assert "&lt;b&gt;ok&lt;/b&gt;" in body  # the resolution is escaped text, not markup
    # Any word is enough: a long description with one matching word still finds the fan request.
    found = similar_resolved(actor=agent, text="客户说 fans 很吵 还有别的问题 " * 3)
    assert [s.ticket.pk for s in found] == [unrelated.pk]
    assert "No similar resolved requests" in client.get(url, {"title": "x"}).content.decode()
    assert "No similar resolved requests" in client.get(url, {"title": "zzzz"}).content.decode()
    assert client_for(customer_user).get(url, {"title": "硬盘故障"}).status_code == 403
    intake = client.get(reverse("tickets:intake")).content.decode()
    assert f'hx-get="{url}"' in intake
    assert 'data-testid="similar-results"' in intake
