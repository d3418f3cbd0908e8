"""The REST API: same use cases, permissions and tenant rules as the pages."""

import io
from collections.abc import Callable

import pytest
from PIL import Image
from rest_framework.test import APIClient

from sasms.accounts.models import Contact, Organisation, User
from sasms.assets.models import Server
from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db
BASE = "/api/v1/tickets/"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


def test_create_read_list_and_filter(
    customer_a: Organisation,
    contact_a: Contact,
    server_a: Server,
    agent: User,
    api_for: Callable[[User], APIClient],
) -> None:
    api = api_for(agent)
    created = api.post(
        BASE,
        {
            "organisation": customer_a.pk,
            "requester": contact_a.pk,
            "server_identifier": "db01.a.example",
            "title": "PSU 2 failed",
            "impact": "1",
            "urgency": "1",
            "component": "psu",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["priority"] == "P1"
    assert body["server"] == server_a.pk
    assert body["entitled"] is True
    number = body["number"]
    assert api.get(f"{BASE}{number}/").json()["title"] == "PSU 2 failed"
    listed = api.get(BASE, {"priority": "P1"}).json()
    assert listed["count"] == 1
    assert listed["results"][0]["number"] == number
    assert api.get(BASE, {"priority": "P4"}).json()["count"] == 0


def test_bad_input_names_the_field(
    customer_a: Organisation,
    customer_b: Organisation,
    server_b: Server,
    agent: User,
    api_for: Callable[[User], APIClient],
) -> None:
    api = api_for(agent)
    response = api.post(
        BASE, {"organisation": customer_a.pk, "title": "", "impact": "7", "colour": "red"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"colour"}
    response = api.post(BASE, {"organisation": customer_a.pk, "title": "x", "impact": "7"}, format="json")
    assert "impact" in response.json()["error"]["fields"]
    response = api.post(
        BASE, {"organisation": customer_a.pk, "title": "x", "server": server_b.pk}, format="json"
    )
    assert response.status_code == 404
    assert "server" in response.json()["error"]["fields"]
    assert Ticket.objects.count() == 0


def test_update_transitions_assign_and_refusals(
    ticket: Ticket, agent: User, api_for: Callable[[User], APIClient]
) -> None:
    api = api_for(agent)
    url = f"{BASE}{ticket.number}/"
    assert (
        api.patch(url, {"title": "Disk 3 failed", "impact": "1", "urgency": "1"}, format="json").json()[
            "priority"
        ]
        == "P1"
    )
    assert api.patch(url, {"tier": 2}, format="json").status_code == 400  # a reason is required
    assert api.patch(url, {"tier": 2, "reason": "Storage"}, format="json").json()["tier"] == 2
    refused = api.post(f"{url}transition/", {"action": "start"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "transition_refused"
    assert (
        api.post(f"{url}assign/", {"assignee": agent.pk}, format="json").json()["status"] == Status.ASSIGNED
    )
    for step in (
        {"action": "start"},
        {
            "action": "resolve",
            "resolution_code": "part_replaced",
            "resolution_summary": "ok",
            "five_whys": ["worn"],
        },
    ):
        response = api.post(f"{url}transition/", step, format="json")
        assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.RESOLVED
    assert response.json()["first_time_fix"] is True
    assert api.post(f"{url}transition/", {"action": "close"}, format="json").status_code == 409
    assert (
        api.post(f"{url}transition/", {"action": "close", "confirmed": True}, format="json").json()["status"]
        == "closed"
    )
    events = api.get(f"{url}events/").json()
    assert [e["kind"] for e in events["results"]][:1] == ["created"]


def test_comments_and_attachments_hide_internal_from_customers(
    ticket: Ticket, agent: User, customer_user: User, api_for: Callable[[User], APIClient]
) -> None:
    staff, customer = api_for(agent), api_for(customer_user)
    url = f"{BASE}{ticket.number}/"
    assert (
        staff.post(f"{url}comments/", {"body": "secret note", "internal": True}, format="json").status_code
        == 201
    )
    assert staff.post(f"{url}comments/", {"body": "public reply"}, format="json").status_code == 201
    assert customer.post(f"{url}comments/", {"body": "x", "internal": True}, format="json").status_code == 400
    assert customer.post(f"{url}comments/", {"body": "thanks"}, format="json").status_code == 201
    staff_bodies = [c["body"] for c in staff.get(f"{url}comments/").json()["results"]]
    customer_bodies = [c["body"] for c in customer.get(f"{url}comments/").json()["results"]]
    assert staff_bodies == ["secret note", "public reply", "thanks"]
    assert customer_bodies == ["public reply", "thanks"]
    assert all(e["public"] for e in customer.get(f"{url}events/").json()["results"])
    png = io.BytesIO(PNG)
    png.name = "photo.png"
    assert (
        staff.post(f"{url}attachments/", {"file": png, "internal": "true"}, format="multipart").status_code
        == 201
    )
    assert len(staff.get(f"{url}attachments/").json()) == 1
    assert customer.get(f"{url}attachments/").json() == []
    exe = io.BytesIO(b"\x7fELF" + b"\x00" * 40)
    exe.name = "photo.png"
    refused = customer.post(f"{url}attachments/", {"file": exe}, format="multipart")
    assert refused.status_code == 400
    assert "file" in refused.json()["error"]["fields"]


def test_tenant_isolation_and_staff_only_endpoints(
    ticket: Ticket,
    ticket_b: Ticket,
    customer_a: Organisation,
    customer_b: Organisation,
    customer_user: User,
    api_for: Callable[[User], APIClient],
) -> None:
    api = api_for(customer_user)
    numbers = [t["number"] for t in api.get(BASE).json()["results"]]
    assert numbers == [ticket.number]
    other = f"{BASE}{ticket_b.number}/"
    assert api.get(other).status_code == 404
    for suffix in ("events/", "comments/", "attachments/"):
        assert api.get(f"{other}{suffix}").status_code == 404
    assert api.post(f"{other}comments/", {"body": "x"}, format="json").status_code == 404
    assert (
        api.post(f"{other}transition/", {"action": "cancel", "reason": "x"}, format="json").status_code == 404
    )
    assert api.patch(other, {"title": "x"}, format="json").status_code == 404
    own = f"{BASE}{ticket.number}/"
    assert api.patch(own, {"title": "x"}, format="json").status_code == 403
    assert api.post(f"{own}assign/", {"assignee": None}, format="json").status_code == 403
    assert api.post(BASE, {"organisation": customer_b.pk, "title": "x"}, format="json").status_code == 404
    created = api.post(BASE, {"organisation": customer_a.pk, "title": "Portal request"}, format="json")
    assert created.status_code == 201
    assert created.json()["channel"] == "api"
    cancelled = api.post(
        f"{own}transition/", {"action": "cancel", "reason": "Fixed it myself"}, format="json"
    )
    assert cancelled.json()["status"] == "cancelled"
    assert Ticket.objects.get(pk=ticket_b.pk).status == Status.NEW


def test_anonymous_is_refused(ticket: Ticket) -> None:
    assert APIClient().get(BASE).status_code in (401, 403)
