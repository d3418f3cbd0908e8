"""Two dispatchers applying the same proposal at once on PostgreSQL: each request is assigned once."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections

from sasms.accounts.models import User
from sasms.dispatch import services
from sasms.dispatch.models import EngineerProfile, ProposalRow
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent
from tests.dispatch.conftest import HANGZHOU, SUZHOU

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _race(*jobs: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # the test inspects what each side got
            results[index] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_applying_one_proposal_twice_at_once_assigns_each_request_once(
    make_engineer: Callable[..., EngineerProfile],
    make_ticket: Callable[..., Ticket],
    make_user: Callable[..., User],
) -> None:
    from sasms.accounts.roles import Role

    make_engineer("Suzhou", SUZHOU, capacity=10)
    make_engineer("Hangzhou", HANGZHOU, capacity=10)
    tickets = [make_ticket(title=f"Fault {n}") for n in range(6)]
    first, second = make_user(Role.DISPATCHER), make_user(Role.DISPATCHER)
    proposal = services.create_proposal(actor=first)
    results = _race(
        lambda: services.apply_proposal(actor=first, proposal=proposal),
        lambda: services.apply_proposal(actor=second, proposal=proposal),
    )
    assert all(isinstance(r, services.ApplyResult) for r in results), results
    assert sum(r.applied for r in results) == 6
    ids = [t.pk for t in tickets]
    assert TicketEvent.objects.filter(ticket_id__in=ids, kind=EventKind.ASSIGNED).count() == 6
    assert TicketEvent.objects.filter(ticket_id__in=ids, kind=EventKind.DISPATCH).count() == 6
    assert ProposalRow.objects.filter(proposal=proposal, outcome="applied").count() == 6


def test_a_row_applied_while_someone_takes_the_request_is_skipped(
    make_engineer: Callable[..., EngineerProfile],
    make_ticket: Callable[..., Ticket],
    make_user: Callable[..., User],
) -> None:
    from sasms.accounts.roles import Role

    make_engineer("Suzhou", SUZHOU)
    ticket = make_ticket()
    dispatcher, agent = make_user(Role.DISPATCHER), make_user(Role.AGENT)
    proposal = services.create_proposal(actor=dispatcher)
    results = _race(
        lambda: services.apply_proposal(actor=dispatcher, proposal=proposal),
        lambda: ticket_services.assign_ticket(actor=agent, ticket=ticket, assignee=agent),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    ticket.refresh_from_db()
    row = ProposalRow.objects.get(proposal=proposal)
    assigned_events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED)
    if row.outcome == "applied":  # the proposal won the lock; the agent then took it over
        assert assigned_events.count() == 2
        assert ticket.assignee == agent
    else:
        assert row.outcome == "skipped"
        assert row.outcome_note["code"] == "skip.assigned"
        assert assigned_events.count() == 1
        assert ticket.assignee == agent
