"""The entitlement sentence kept with a request is shown in each reader's own language."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_snapshot_keeps_the_message_key_and_an_english_text(ticket: Ticket) -> None:
    snapshot = ticket.entitlement
    assert snapshot["message"] == "warranty"
    assert set(snapshot["params"]) == {"end"}
    assert snapshot["reason_text"].startswith("Covered by the base warranty until ")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Covered by the base warranty until"), ("zh-hans", "在标准保修期内，保修至")],
)
def test_request_page_speaks_the_readers_language(
    ticket: Ticket,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    language: str,
    expected: str,
) -> None:
    reader = make_user(Role.AGENT, language=language)
    page = client_for(reader).get(reverse("tickets:detail", args=[ticket.number]))
    assert page.status_code == 200
    assert expected in page.content.decode()
    assert ticket.entitlement["params"]["end"] in page.content.decode()
