"""Every transition from every status by every kind of actor: allowed ones move, refused ones don't."""

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasms.accounts.models import User
from sasms.core.errors import Conflict
from sasms.tickets import services, transitions
from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket, TicketEvent

ACTIONS = list(transitions.TRANSITIONS)
FULL_INPUT: dict[str, Any] = {
    "reason": "Customer asked",
    "confirmed": True,
    "resolution_code": "part_replaced",
    "resolution_summary": "Replaced disk 3.",
}


def _expected(status: str, action: str, kind: str) -> bool:
    move = transitions.TRANSITIONS[action]
    allowed_by_role = {"staff": move.staff, "customer": move.customer, "system": move.system}[kind]
    customer_cancel_late = (
        action == "cancel" and kind == "customer" and status not in (Status.NEW, Status.ASSIGNED)
    )
    return status in move.sources and allowed_by_role and not customer_cancel_late


def _put_in(ticket: Ticket, status: str) -> Ticket:
    code = "part_replaced" if status == Status.RESOLVED else ""
    Ticket.objects.filter(pk=ticket.pk).update(status=status, resolution_code=code)
    return Ticket.objects.get(pk=ticket.pk)


def _row(ticket: Ticket) -> tuple[Any, ...]:
    fresh = Ticket.objects.get(pk=ticket.pk)
    return (fresh.status, fresh.resolution_code, fresh.reopen_count, fresh.closed_at, fresh.updated_at)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["staff", "customer", "system"])
@pytest.mark.parametrize("status", list(Status.values))
def test_every_transition_from_every_status(
    kind: str, status: str, ticket: Ticket, agent: User, customer_user: User
) -> None:
    actor = {"staff": agent, "customer": customer_user, "system": None}[kind]
    for action in ACTIONS:
        current = _put_in(ticket, status)
        before, events = _row(current), TicketEvent.objects.filter(ticket=ticket).count()
        if _expected(status, action, kind):
            moved = services.transition_ticket(actor=actor, ticket=current, action=action, **FULL_INPUT)
            assert moved.status == transitions.TRANSITIONS[action].target, (status, action, kind)
            assert TicketEvent.objects.filter(ticket=ticket).count() == events + 1
            last = TicketEvent.objects.filter(ticket=ticket).last()
            assert last is not None
            assert last.data["action"] == action
        else:
            with pytest.raises(Conflict) as refused:
                services.transition_ticket(actor=actor, ticket=current, action=action, **FULL_INPUT)
            assert refused.value.code == "transition_refused"
            assert refused.value.message  # a reason a person can read
            assert _row(current) == before, (status, action, kind)
            assert TicketEvent.objects.filter(ticket=ticket).count() == events


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "status", "missing", "message"),
    [
        ("resolve", Status.IN_PROGRESS, {"resolution_code": ""}, "resolution code"),
        ("resolve", Status.IN_PROGRESS, {"resolution_summary": "  "}, "resolution code"),
        ("reopen", Status.RESOLVED, {"reason": ""}, "reason"),
        ("cancel", Status.NEW, {"reason": ""}, "reason"),
        ("close", Status.RESOLVED, {"confirmed": False}, "confirmed"),
    ],
)
def test_preconditions_refuse_with_a_reason_and_change_nothing(
    action: str, status: str, missing: dict[str, Any], message: str, ticket: Ticket, agent: User
) -> None:
    current = _put_in(ticket, status)
    before = _row(current)
    with pytest.raises(Conflict) as refused:
        services.transition_ticket(actor=agent, ticket=current, action=action, **{**FULL_INPUT, **missing})
    assert message in refused.value.message
    assert _row(current) == before


@pytest.mark.django_db
def test_unknown_action_and_outsiders_are_refused(ticket: Ticket, make_user: Callable[..., User]) -> None:
    from sasms.core.errors import NotFound

    with pytest.raises(Conflict):
        services.transition_ticket(actor=None, ticket=ticket, action="teleport")
    parts_clerk = make_user("parts_clerk")
    with pytest.raises(NotFound):
        services.transition_ticket(actor=parts_clerk, ticket=ticket, action="cancel", reason="x")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(walk=st.lists(st.tuples(st.sampled_from(["assign", *ACTIONS]), st.booleans()), max_size=12))
def test_random_walks_keep_the_invariants(
    walk: list[tuple[str, bool]], make_ticket: Callable[..., Ticket], agent: User
) -> None:
    """Whatever the order of moves: refused moves change nothing, and the timeline tells each move."""
    ticket = make_ticket()
    for action, complete in walk:
        before = _row(ticket)
        events = TicketEvent.objects.filter(ticket=ticket).count()
        params = FULL_INPUT if complete else {}
        try:
            if action == "assign":
                ticket = services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
            else:
                ticket = services.transition_ticket(actor=agent, ticket=ticket, action=action, **params)
        except Conflict:
            assert _row(ticket) == before
            assert TicketEvent.objects.filter(ticket=ticket).count() == events
            continue
        fresh = Ticket.objects.get(pk=ticket.pk)
        assert fresh.status != Status.RESOLVED or fresh.resolution_code
        assert fresh.status not in (Status.CLOSED, Status.CANCELLED) or fresh.closed_at is not None
    # The timeline is a connected chain of moves ending in the current status.
    current = Status.NEW
    for event in TicketEvent.objects.filter(ticket=ticket, kind__in=["status", "assigned"]).order_by("id"):
        start, end = (
            (event.data["from"], event.data["to"])
            if event.kind == "status"
            else (event.data["from_status"], event.data["to_status"])
        )
        assert start == current
        current = end
    assert Ticket.objects.get(pk=ticket.pk).status == current
