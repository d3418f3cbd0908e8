"""Committed times on the request page, in plain language, from the SLA engine's deadlines."""

import datetime
from collections.abc import Callable, Iterable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import User
from sasms.portal.deadlines import commitments_for, expected_resolution, plain_when
from sasms.sla import deadlines as sla_deadlines
from sasms.sla.deadlines import Deadline
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db
# 10:00 in Shanghai.
NOW = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)


def _at(hours: float) -> datetime.datetime:
    return NOW + datetime.timedelta(hours=hours)


@pytest.fixture
def clocks(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[Deadline]], None]:
    """Stand in for the SLA engine: ``deadlines_for`` answers with the given deadlines."""

    def install(deadlines: list[Deadline]) -> None:
        def fake(ticket_ids: Iterable[int]) -> dict[int, list[Deadline]]:
            wanted = set(ticket_ids)
            result: dict[int, list[Deadline]] = {}
            for deadline in deadlines:
                if deadline.ticket_id in wanted:
                    result.setdefault(deadline.ticket_id, []).append(deadline)
            return result

        monkeypatch.setattr(sla_deadlines, "deadlines_for", fake)

    return install


def test_plain_when() -> None:
    with time_machine.travel(NOW, tick=False):
        assert plain_when(_at(4), NOW) == "today at 14:00"
        assert plain_when(_at(23), NOW) == "tomorrow at 09:00"
        assert plain_when(_at(-12), NOW) == "yesterday at 22:00"
        assert plain_when(_at(72), NOW) == "2026-11-27 10:00"


def test_each_clock_state_reads_as_a_sentence(clocks: Callable[[list[Deadline]], None]) -> None:
    clocks(
        [
            Deadline(1, "response", "Response", _at(-1), "met", met_at=_at(-2)),
            Deadline(1, "onsite", "On-site", _at(3), "running"),
            Deadline(1, "resolution", "Resolution", _at(24), "running"),
            Deadline(1, "update", "Update", _at(-0.5), "breached"),
            Deadline(1, "parts", "Parts", None, "paused"),
        ]
    )
    with time_machine.travel(NOW, tick=False):
        texts = [c.text for c in commitments_for(1, now=NOW)]
        assert texts == [
            "First response: done today at 08:00.",
            "Engineer on site: by today at 13:00 (in 3\xa0hours).",
            "Resolution: by tomorrow at 10:00 (in 1\xa0day).",
            "Next progress update: was due today at 09:30; we are on it with priority.",
            "Spare part delivered: on hold while we wait for you or for a part.",
        ]
        assert (
            expected_resolution(commitments_for(1, now=NOW), now=NOW)
            == "Expected resolution tomorrow at 10:00."
        )
        assert commitments_for(2, now=NOW) == []


def test_request_page_shows_committed_times_and_eta(
    portal_request: Callable[..., Ticket],
    customer_user: User,
    client_for: Callable[[User], Client],
    clocks: Callable[[list[Deadline]], None],
) -> None:
    ticket = portal_request()
    with time_machine.travel(NOW, tick=False):
        clocks(
            [
                Deadline(ticket.pk, "response", "Response", _at(1), "running"),
                Deadline(ticket.pk, "resolution", "Resolution", _at(30), "running"),
            ]
        )
        body = (
            client_for(customer_user)
            .get(reverse("portal:request_detail", args=[ticket.number]))
            .content.decode()
        )
    assert 'data-testid="commitments"' in body
    assert "First response: by today at 11:00" in body
    assert "Expected resolution tomorrow at 16:00." in body
