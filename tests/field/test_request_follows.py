"""Field visits move the request: scheduling assigns it, the engineer's steps start the work,
a signed check-out offers to resolve it; the engineer list offers engineers only, with their load;
a check-in far from the site needs a reason."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.field.conftest import signature_png, window

from sasms.accounts.models import Team, User
from sasms.accounts.roles import Role
from sasms.core.errors import Conflict, ServiceError
from sasms.dispatch import services as dispatch_services
from sasms.dispatch.models import ServiceRegion
from sasms.field import services
from sasms.field.forms import ScheduleVisitForm
from sasms.field.models import Visit
from sasms.field.selectors import engineers_for_visits
from sasms.sla.models import BusinessCalendar
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind, Status
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

# 13 km north-east of the site (39.908722, 116.397499).
FAR = (39.99, 116.49)


def _schedule(ticket: Ticket, engineer: User, dispatcher: User, **extra: Any) -> Visit:
    start, end = window()
    return services.schedule_visit(
        actor=dispatcher, ticket=ticket, engineer=engineer, window_start=start, window_end=end, **extra
    )


def _statuses(ticket: Ticket) -> list[tuple[str, str]]:
    return [
        (e.data["from"], e.data["to"])
        for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS).order_by("id")
    ]


def test_scheduling_assigns_the_request_to_the_visit_engineer(
    ticket: Ticket, field_engineer: User, dispatcher: User
) -> None:
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None
    _schedule(ticket, field_engineer, dispatcher)
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.status) == (field_engineer.pk, Status.ASSIGNED)
    assigned = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ASSIGNED)
    assert assigned.data["assignee_id"] == field_engineer.pk


def test_a_request_someone_else_holds_is_taken_only_when_the_dispatcher_says_so(
    ticket: Ticket, field_engineer: User, other_engineer: User, dispatcher: User
) -> None:
    ticket_services.assign_ticket(actor=dispatcher, ticket=ticket, assignee=other_engineer)
    with pytest.raises(Conflict) as caught:
        _schedule(ticket, field_engineer, dispatcher)
    assert "reassign" in caught.value.fields
    assert "Li Na" in caught.value.message
    assert not Visit.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == other_engineer.pk
    _schedule(ticket, field_engineer, dispatcher, reassign=True)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == field_engineer.pk
    # Its own engineer needs no tick.
    _schedule(ticket, field_engineer, dispatcher)
    assert Visit.objects.count() == 2


def test_moving_the_visit_to_another_engineer_moves_the_request_they_held(
    visit: Visit, other_engineer: User, dispatcher: User
) -> None:
    start, end = window(hours_from_now=5)
    services.reschedule_visit(
        actor=dispatcher, visit=visit, window_start=start, window_end=end, engineer=other_engineer
    )
    assert Ticket.objects.get(pk=visit.ticket_id).assignee_id == other_engineer.pk


def test_the_engineer_s_steps_start_the_work_through_the_status_machine(
    ticket: Ticket, field_engineer: User, dispatcher: User
) -> None:
    visit = _schedule(ticket, field_engineer, dispatcher)
    visit = services.accept_visit(actor=field_engineer, visit=visit)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    assert _statuses(ticket) == [(Status.ASSIGNED, Status.IN_PROGRESS)]
    # Waiting for parts meanwhile: travelling to fit them resumes the work.
    ticket_services.transition_ticket(actor=dispatcher, ticket=ticket, action="wait_parts")
    visit = services.start_travel(actor=field_engineer, visit=visit)
    services.check_in(actor=field_engineer, visit=visit, latitude=39.9087, longitude=116.3975)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    assert _statuses(ticket)[-1] == (Status.WAITING_PARTS, Status.IN_PROGRESS)


def test_a_visit_on_an_unassigned_request_is_taken_by_its_engineer_on_accepting(
    ticket: Ticket, field_engineer: User, dispatcher: User
) -> None:
    """A visit scheduled before scheduling assigned (or after the assignee was removed)."""
    visit = _schedule(ticket, field_engineer, dispatcher)
    ticket_services.assign_ticket(actor=dispatcher, ticket=ticket, assignee=None)
    services.accept_visit(actor=field_engineer, visit=visit)
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.status) == (field_engineer.pk, Status.IN_PROGRESS)


def test_the_whole_visit_moves_the_request_and_offers_to_resolve_it(
    ticket: Ticket, field_engineer: User, dispatcher: User, client_for: Callable[[User], Client]
) -> None:
    """The issue's walk: schedule, accept, travel, check in, PSU, signature, check out."""
    visit = _schedule(ticket, field_engineer, dispatcher)
    visit = services.accept_visit(actor=field_engineer, visit=visit)
    visit = services.start_travel(actor=field_engineer, visit=visit)
    visit = services.check_in(actor=field_engineer, visit=visit, latitude=39.9087, longitude=116.3975)
    services.add_part(actor=field_engineer, visit=visit, part_number="PWS-1K62A-1R", serial="P1")
    services.sign_visit(actor=field_engineer, visit=visit, signer_name="王伟", image=signature_png())
    visit = services.check_out(
        actor=field_engineer, visit=visit, summary="Replaced PSU 2; redundancy restored."
    )
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.status) == (field_engineer.pk, Status.IN_PROGRESS)

    client = client_for(field_engineer)
    page = client.get(reverse("field:visit", args=[visit.pk])).content.decode()
    assert 'data-testid="resolve"' in page
    assert "Replaced PSU 2; redundancy restored.</textarea>" in page
    assert 'value="part_replaced" selected' in page
    response = client.post(
        reverse("field:resolve", args=[visit.pk]),
        {"resolution_code": "part_replaced", "resolution_summary": "Replaced PSU 2; redundancy restored."},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.resolution_summary == "Replaced PSU 2; redundancy restored."
    page = client.get(reverse("field:visit", args=[visit.pk])).content.decode()
    assert 'data-testid="resolve"' not in page


def test_resolving_from_an_unsigned_visit_is_refused_and_changes_nothing(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit], client_for: Callable[[User], Client]
) -> None:
    visit = walk(visit, "checked_out")
    client = client_for(field_engineer)
    assert 'data-testid="resolve"' not in client.get(reverse("field:visit", args=[visit.pk])).content.decode()
    client.post(
        reverse("field:resolve", args=[visit.pk]),
        {"resolution_code": "part_replaced", "resolution_summary": "x"},
    )
    assert Ticket.objects.get(pk=visit.ticket_id).status == Status.IN_PROGRESS


def test_the_engineer_list_offers_engineers_only_unambiguously_with_their_load(
    ticket: Ticket,
    field_engineer: User,
    make_user: Callable[..., User],
    admin_user: User,
    agent: User,
    dispatcher: User,
    customer_a: Any,
) -> None:
    with_profile = make_user(Role.ENGINEER, full_name="Storage Wang")
    without_profile = make_user(Role.ENGINEER, full_name="Desk Zhao")
    calendar = BusinessCalendar.objects.get(code="7x24")
    profile = dispatch_services.create_profile(
        actor=None, user=field_engineer, calendar=calendar, max_concurrent=2
    )
    dispatch_services.create_profile(actor=None, user=with_profile, calendar=calendar)
    north = ServiceRegion.objects.create(
        name="华北", code="north", latitude=Decimal("39.9"), longitude=Decimal("116.4"), radius_km=300
    )
    profile.regions.add(north)
    Team.objects.create(name="存储组", kind="storage").members.add(with_profile)
    for n in range(3):
        other = ticket_services.create_ticket(actor=None, organisation=customer_a, title=f"Other {n}")
        ticket_services.assign_ticket(actor=None, ticket=other, assignee=field_engineer)

    offered = set(engineers_for_visits())
    assert field_engineer in offered
    assert with_profile in offered
    assert not offered & {without_profile, admin_user, agent, dispatcher}
    labels = dict(ScheduleVisitForm(ticket=ticket).fields["engineer"].choices)  # type: ignore[attr-defined]
    texts = [str(label) for label in labels.values()]
    mine = next(t for t in texts if t.startswith("Zheng Qiang"))
    assert mine == "Zheng Qiang 郑强 · 华北 · ⚠ at capacity: 3 of 2 open"
    assert next(t for t in texts if t.startswith("Storage Wang")) == "Storage Wang · 存储组 · 0 of 5 open"
    assert all("Field engineer" not in t and "Engineer" not in t for t in texts)
    with pytest.raises(ServiceError) as caught:
        _schedule(ticket, agent, dispatcher)
    assert "engineer" in caught.value.fields


def test_a_check_in_far_from_the_site_asks_for_a_reason(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit], client_for: Callable[[User], Client]
) -> None:
    visit = walk(visit, "travelling")
    with pytest.raises(Conflict) as caught:
        services.check_in(actor=field_engineer, visit=visit, latitude=FAR[0], longitude=FAR[1])
    assert "reason" in caught.value.fields
    assert "12." in caught.value.message or "13." in caught.value.message
    visit.refresh_from_db()
    assert (visit.status, visit.checked_in_at) == ("travelling", None)
    assert Ticket.objects.get(pk=visit.ticket_id).visit_count == 0

    visit = services.check_in(
        actor=field_engineer,
        visit=visit,
        latitude=FAR[0],
        longitude=FAR[1],
        reason="Site moved to the north campus; customer escorted me.",
    )
    visit.refresh_from_db()
    assert visit.distance_to_site_m is not None
    assert visit.distance_to_site_m > 10_000
    assert visit.check_in_reason == "Site moved to the north campus; customer escorted me."
    event = TicketEvent.objects.filter(
        ticket=visit.ticket, kind=EventKind.VISIT, data__step="checked_in"
    ).get()
    assert event.data["away_from_site_reason"] == visit.check_in_reason
    page = client_for(field_engineer).get(reverse("field:visit", args=[visit.pk])).content.decode()
    assert 'data-testid="check-in-reason"' in page
    assert "north campus" in page


def test_the_check_in_distance_is_configurable_and_needs_both_positions(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit], settings: Any
) -> None:
    settings.SASMS_FIELD_CHECK_IN_MAX_DISTANCE_M = 20_000
    visit = walk(visit, "travelling")
    visit = services.check_in(actor=field_engineer, visit=visit, latitude=FAR[0], longitude=FAR[1])
    assert visit.check_in_reason == ""


def test_no_position_needs_no_reason(visit: Visit, field_engineer: User, walk: Callable[..., Visit]) -> None:
    visit = walk(visit, "travelling")
    visit = services.check_in(actor=field_engineer, visit=visit)
    assert visit.status == "on_site"


def test_schedule_form_shows_the_reassign_refusal(
    ticket: Ticket,
    field_engineer: User,
    other_engineer: User,
    dispatcher: User,
    client_for: Callable[[User], Client],
) -> None:
    ticket_services.assign_ticket(actor=dispatcher, ticket=ticket, assignee=other_engineer)
    start, _end = window()
    data = {
        "engineer": field_engineer.pk,
        "window_start": start.strftime("%Y-%m-%dT%H:%M"),
        "window_end": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    url = reverse("field:schedule", args=[ticket.number])
    response = client_for(dispatcher).post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'data-testid="reassign-error"' in response.content.decode()
    assert not Visit.objects.exists()
    response = client_for(dispatcher).post(url, {**data, "reassign": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == field_engineer.pk
