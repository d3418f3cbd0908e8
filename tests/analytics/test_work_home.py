"""Each staff member's home shows their own work, with counts that agree with the lists they open."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.field.models import Visit
from sasms.parts.models import DefectiveReturn, Reservation
from sasms.sla.models import ClockState
from sasms.tickets.choices import Status
from tests.analytics.conftest import Fleet, add_clock, make_request

pytestmark = pytest.mark.django_db

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
)


def _home(client: Client, **headers: Any) -> str:
    response = client.get(reverse("core:home"), **headers)
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, key: str) -> str:
    start = page.index(f'data-testid="work-{key}"')
    end = page.find("</section>", start)
    return page[start:end]


def _count(page: str, key: str) -> int:
    section = _section(page, key)
    marker = f'data-testid="work-{key}-count">'
    start = section.index(marker) + len(marker)
    return int(section[start : section.index("<", start)])


def test_an_agent_sees_own_open_requests_waiting_ones_and_the_next_deadlines(
    fleet: Fleet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    agent = make_user(Role.AGENT, full_name="Agent Smith")
    now = timezone.now()
    mine = make_request(fleet, created=now - datetime.timedelta(hours=3), engineer=agent, priority="P1")
    waiting = make_request(fleet, created=now - datetime.timedelta(hours=2), engineer=agent)
    waiting.status = Status.WAITING_CUSTOMER
    waiting.save(update_fields=["status"])
    others = make_request(fleet, created=now, engineer=fleet.engineers["wang"])
    make_request(fleet, created=now, engineer=agent, resolved=now)  # done: not work any more
    soon = add_clock(fleet, mine, "resolution", state=ClockState.RUNNING)
    soon.due_at = now + datetime.timedelta(hours=1)
    soon.save(update_fields=["due_at"])
    late = add_clock(fleet, waiting, "response", state=ClockState.RUNNING)
    late.due_at = now - datetime.timedelta(minutes=5)
    late.save(update_fields=["due_at"])

    page = _home(client_for(agent))

    assert _count(page, "mine") == 2
    assert mine.number in _section(page, "mine")
    assert others.number not in _section(page, "mine")
    assert _count(page, "waiting") == 1
    assert waiting.number in _section(page, "waiting")
    deadlines = _section(page, "deadlines")
    assert deadlines.index(waiting.number) < deadlines.index(mine.number)  # the breached one first
    assert "border-danger" in deadlines
    # The installation's totals are the administrator's business, not the agent's.
    assert 'data-testid="home-cards"' not in page


def test_the_count_agrees_with_the_queue_it_links_to(
    fleet: Fleet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    agent = make_user(Role.AGENT, language="en")
    now = timezone.now()
    for hours in range(11):  # more than a section shows
        make_request(fleet, created=now - datetime.timedelta(hours=hours), engineer=agent)
    client = client_for(agent)
    page = _home(client)
    assert _count(page, "mine") == 11
    assert "Show all 11 rows" in _section(page, "mine")
    assert f'href="{reverse("tickets:queue_mine")}"' in _section(page, "mine")
    assert "11 rows" in client.get(reverse("tickets:queue_mine")).content.decode()


def test_a_dispatcher_sees_unassigned_and_at_risk_requests(
    fleet: Fleet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    dispatcher = make_user(Role.DISPATCHER, language="en")
    unassigned = make_request(fleet, created=timezone.now(), status=Status.NEW)
    make_request(fleet, created=timezone.now(), engineer=fleet.engineers["li"])
    page = _home(client_for(dispatcher))
    assert _count(page, "unassigned") == 1
    assert unassigned.number in _section(page, "unassigned")
    assert 'data-testid="work-at_risk"' in page
    assert 'data-testid="work-mine"' not in page or _count(page, "mine") == 0


def test_a_field_engineer_lands_on_the_visits_on_a_phone_and_sees_today_on_a_desktop(
    fleet: Fleet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    engineer = make_user(Role.FIELD_ENGINEER, language="en")
    client = client_for(engineer)
    on_phone = client.get(reverse("core:home"), HTTP_USER_AGENT=PHONE)
    assert on_phone.status_code == 302
    assert on_phone["Location"] == reverse("field:my_visits")

    ticket = make_request(fleet, created=timezone.now(), engineer=engineer)
    start = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    Visit.objects.create(
        ticket=ticket,
        engineer=engineer,
        status="scheduled",
        window_start=start,
        window_end=start + datetime.timedelta(hours=1),
    )
    Visit.objects.create(
        ticket=ticket,
        engineer=engineer,
        status="scheduled",
        window_start=start + datetime.timedelta(days=2),
        window_end=start + datetime.timedelta(days=2, hours=1),
    )
    page = _home(client)
    assert _count(page, "visits") == 1
    assert ticket.number in _section(page, "visits")


def test_a_parts_clerk_sees_what_to_pick_and_the_overdue_returns(
    fleet: Fleet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    clerk = make_user(Role.PARTS_CLERK, language="en")
    ticket = make_request(fleet, created=timezone.now())
    Reservation.objects.create(ticket=ticket, part=fleet.part, depot=fleet.depot, condition="new", quantity=2)
    DefectiveReturn.objects.create(
        ticket=ticket,
        part=fleet.part,
        depot=fleet.depot,
        removed_serial="OLD-7",
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    DefectiveReturn.objects.create(
        ticket=ticket,
        part=fleet.part,
        depot=fleet.depot,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    page = _home(client_for(clerk))
    assert _count(page, "reservations") == 1
    assert "disk-4t × 2" in _section(page, "reservations")
    assert _count(page, "returns") == 1
    assert "OLD-7" in _section(page, "returns")
    assert 'data-testid="work-mine"' not in page  # a clerk works no requests


def test_a_manager_sees_breaches_and_the_backlog_by_priority(
    fleet: Fleet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    manager = make_user(Role.SERVICE_MANAGER, language="en")
    now = timezone.now()
    breached = make_request(fleet, created=now - datetime.timedelta(days=9), priority="P1")
    add_clock(fleet, breached, "resolution", state=ClockState.RUNNING, breached=True)
    make_request(fleet, created=now, priority="P2")
    make_request(fleet, created=now, priority="P2")
    page = _home(client_for(manager))
    assert breached.number in _section(page, "breached")
    backlog = _section(page, "backlog")
    assert _count(page, "backlog") == 3
    assert "priority=P2" in backlog
    assert ">2</a>" in backlog
    assert ">1</span>" in backlog  # open for over seven days


def test_the_home_costs_the_same_queries_with_more_work(
    fleet: Fleet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    agent = make_user(Role.AGENT, language="en")
    client = client_for(agent)
    now = timezone.now()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _home(client)
        return len(captured)

    make_request(fleet, created=now, engineer=agent)
    few = queries()
    for hours in range(12):
        ticket = make_request(fleet, created=now - datetime.timedelta(hours=hours), engineer=agent)
        clock = add_clock(fleet, ticket, "resolution", state=ClockState.RUNNING)
        clock.due_at = now + datetime.timedelta(hours=hours)
        clock.save(update_fields=["due_at"])
    assert queries() == few


def test_the_home_reads_in_chinese(
    fleet: Fleet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    agent = make_user(Role.AGENT, language="zh-hans")
    page = _home(client_for(agent))
    assert "我的未结请求" in page
    assert "My open requests" not in page
