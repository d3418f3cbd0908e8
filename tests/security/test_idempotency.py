"""A form sent twice stores its request or reply once and shows the first result.

Probe finding: a double-submitted new request or reply was stored twice.
"""

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.core.idempotency import FIELD, new_token
from sasms.core.models import IdempotencyKey
from sasms.tickets import services
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent

NEW = "portal:request_create"


def _portal_form(token: str, **overrides: Any) -> dict[str, Any]:
    return {
        "server": "",
        "kind": "incident",
        "category": "hardware",
        "title": "Disk 3 amber LED",
        "description": "Since this morning, RAID degraded.",
        "impact": "1",
        "urgency": "1",
        FIELD: token,
        **overrides,
    }


def _token_in(html: str) -> str:
    found = re.search(rf'name="{FIELD}" value="([^"]+)"', html)
    assert found, "the form carries no idempotency token"
    return found.group(1)


@pytest.mark.django_db
def test_a_portal_request_sent_twice_is_stored_once(
    customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    token = _token_in(client.get(reverse(NEW)).content.decode())
    first = client.post(reverse(NEW), _portal_form(token))
    second = client.post(reverse(NEW), _portal_form(token))
    assert first.status_code == second.status_code == 302
    ticket = Ticket.objects.get()
    assert first["Location"] == second["Location"] == reverse("portal:request_detail", args=[ticket.number])
    # A new form is a new request.
    assert _token_in(client.get(reverse(NEW)).content.decode()) != token
    client.post(reverse(NEW), _portal_form(new_token(), title="Another disk"))
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_form_keeps_its_token_and_can_be_sent_again(
    customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    token = new_token()
    refused = client.post(reverse(NEW), _portal_form(token, title=""))
    assert refused.status_code == 422
    assert _token_in(refused.content.decode()) == token
    assert not IdempotencyKey.objects.exists()
    assert client.post(reverse(NEW), _portal_form(token)).status_code == 302
    assert Ticket.objects.count() == 1


@pytest.fixture
def ticket(customer_a: Organisation, customer_user: User) -> Ticket:
    return services.create_ticket(actor=customer_user, organisation=customer_a, title="Fan noise")


def _replies(ticket: Ticket) -> int:
    return TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.REPLY, EventKind.NOTE]).count()


@pytest.mark.django_db
def test_a_portal_reply_sent_twice_is_stored_once(
    ticket: Ticket, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    page = client.get(reverse("portal:request_detail", args=[ticket.number])).content.decode()
    token = _token_in(page.split('data-testid="reply-form"', 1)[1])
    url = reverse("portal:request_reply", args=[ticket.number])
    before = _replies(ticket)
    for _ in range(2):
        response = client.post(url, {"body": "The fan is louder now.", FIELD: token})
        assert response.status_code == 302
    assert _replies(ticket) == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_staff_reply_sent_twice_is_stored_once(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client], htmx: bool
) -> None:
    client = client_for(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    token = _token_in(page.split('data-testid="composer"', 1)[1])
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("tickets:comment", args=[ticket.number])
    before = _replies(ticket)
    answers = [client.post(url, {"body": "Replacing the fan.", FIELD: token}, **headers) for _ in range(2)]
    assert [a.status_code for a in answers] == ([200, 200] if htmx else [302, 302])
    assert _replies(ticket) == before + 1
    if htmx:  # the composer that comes back carries a new token for the next reply
        assert _token_in(answers[1].content.decode()) != token


@pytest.mark.django_db
def test_phone_intake_sent_twice_opens_one_request(
    agent: User, customer_a: Organisation, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent)
    token = _token_in(client.get(reverse("tickets:intake")).content.decode())
    form = {
        "organisation": customer_a.pk,
        "channel": "phone",
        "type": "incident",
        "category": "hardware",
        "impact": "2",
        "urgency": "2",
        "title": "Server down",
        FIELD: token,
    }
    first = client.post(reverse("tickets:intake"), form)
    second = client.post(reverse("tickets:intake"), form)
    assert first.status_code == second.status_code == 302, getattr(first, "context", None)
    assert first["Location"] == second["Location"]
    assert Ticket.objects.count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_posts_racing_with_one_token_store_one_request(customer_user: User) -> None:
    token = new_token()
    barrier = threading.Barrier(2)
    answers: list[Any] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            client = Client()
            client.force_login(customer_user, backend="django.contrib.auth.backends.ModelBackend")
            barrier.wait()
            answers.append(client.post(reverse(NEW), _portal_form(token)))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [a.status_code for a in answers] == [302, 302]
    ticket = Ticket.objects.get()
    assert {a["Location"] for a in answers} == {reverse("portal:request_detail", args=[ticket.number])}


@pytest.mark.django_db
def test_tokens_older_than_a_week_are_forgotten(customer_user: User) -> None:
    import datetime

    from django.utils import timezone

    from sasms.core.idempotency import purge_old

    IdempotencyKey.objects.create(user=customer_user, token=new_token(), result_url="/x/")
    fresh = IdempotencyKey.objects.create(user=customer_user, token=new_token(), result_url="/y/")
    assert purge_old(now=timezone.now() + datetime.timedelta(days=7, minutes=1)) == 2
    IdempotencyKey.objects.create(user=customer_user, token=fresh.token, result_url="/y/")
    assert purge_old() == 0
