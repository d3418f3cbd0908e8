"""The visit's state machine: the whole flow, each refused step (nothing changed), who may act."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from tests.field.conftest import signature_png, window

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry, OutboxMessage
from sasms.field import services
from sasms.field.choices import VisitStatus
from sasms.field.models import Visit, VisitNote, VisitPart
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def visit_steps(visit: Visit) -> list[str]:
    return [
        e.data["step"]
        for e in TicketEvent.objects.filter(ticket_id=visit.ticket_id, kind=EventKind.VISIT).order_by("id")
    ]


def snapshot(visit: Visit) -> dict[str, Any]:
    fresh = Visit.objects.get(pk=visit.pk)
    return {
        "row": {f.attname: getattr(fresh, f.attname) for f in Visit._meta.concrete_fields},
        "events": TicketEvent.objects.filter(ticket_id=visit.ticket_id).count(),
        "audit": AuditEntry.objects.count(),
        "visit_count": Ticket.objects.get(pk=visit.ticket_id).visit_count,
        "notes": VisitNote.objects.filter(visit=visit).count(),
    }


def test_schedule_records_the_step_and_tells_the_engineer(
    visit: Visit, field_engineer: User, dispatcher: User
) -> None:
    assert visit.status == VisitStatus.SCHEDULED
    assert visit.contact is not None
    assert visit.contact.name == "王伟"
    event = TicketEvent.objects.get(ticket=visit.ticket, kind=EventKind.VISIT)
    assert event.data["step"] == "scheduled"
    assert event.data["visit_id"] == visit.pk
    assert event.data["engineer_id"] == field_engineer.pk
    assert datetime.datetime.fromisoformat(event.data["occurred_at"]) == visit.created_at
    mail = OutboxMessage.objects.get(idempotency_key=f"field:visit:{visit.pk}:event:{event.pk}:engineer")
    assert mail.payload["to"] == [field_engineer.email]
    assert visit.ticket.number in mail.payload["subject"]
    assert AuditEntry.objects.filter(action="visit.schedule", object_id=str(visit.pk)).exists()


def test_whole_flow_records_each_step_with_its_real_time(
    visit: Visit, field_engineer: User, django_capture_on_commit_callbacks: Any
) -> None:
    base = timezone.now() - datetime.timedelta(seconds=60)  # the phone took the steps a minute ago
    visit = services.accept_visit(actor=field_engineer, visit=visit, occurred_at=base)
    visit = services.start_travel(
        actor=field_engineer, visit=visit, occurred_at=base + datetime.timedelta(seconds=1)
    )
    checked_in = base + datetime.timedelta(seconds=2)
    visit = services.check_in(
        actor=field_engineer,
        visit=visit,
        occurred_at=checked_in,
        latitude=39.9088,
        longitude=116.3976,
        accuracy=15.4,
    )
    assert visit.status == VisitStatus.ON_SITE
    assert visit.checked_in_at == checked_in
    assert visit.accuracy_m == 15
    assert visit.distance_to_site_m is not None
    assert visit.distance_to_site_m < 50
    assert Ticket.objects.get(pk=visit.ticket_id).visit_count == 1
    event = TicketEvent.objects.get(ticket=visit.ticket, kind=EventKind.VISIT, data__step="checked_in")
    assert event.data["latitude"] == pytest.approx(39.9088)
    assert event.data["longitude"] == pytest.approx(116.3976)
    assert event.data["occurred_at"] == checked_in.isoformat()
    assert event.public
    services.add_note(actor=field_engineer, visit=visit, body="Disk 3 replaced, rebuild started.")
    part = services.add_part(
        actor=field_engineer,
        visit=visit,
        part_number="st4000nm000a",
        quantity=1,
        serial="ZC1A",
        removed_serial="ZC0B",
    )
    assert part.part_number == "ST4000NM000A"
    parts_event = TicketEvent.objects.get(ticket=visit.ticket, kind=EventKind.PARTS)
    assert parts_event.data == {
        "step": "used",
        "visit_id": visit.pk,
        "part_number": "ST4000NM000A",
        "quantity": 1,
        "serial": "ZC1A",
        "removed_serial": "ZC0B",
        "occurred_at": part.occurred_at.isoformat(),
    }
    visit = services.sign_visit(actor=field_engineer, visit=visit, signer_name="王伟", image=signature_png())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        visit = services.check_out(actor=field_engineer, visit=visit, summary="Replaced disk 3.")
    assert len(callbacks) == 1  # the service report is made once this commits
    assert visit.status == VisitStatus.CHECKED_OUT
    assert visit.on_site_minutes == 0
    assert visit_steps(visit) == [
        "scheduled",
        "accepted",
        "travelling",
        "checked_in",
        "signed",
        "checked_out",
    ]


def test_check_in_straight_from_accepted_and_without_a_position(visit: Visit, field_engineer: User) -> None:
    visit = services.accept_visit(actor=field_engineer, visit=visit)
    visit = services.check_in(actor=field_engineer, visit=visit)
    assert visit.status == VisitStatus.ON_SITE
    event = TicketEvent.objects.get(ticket=visit.ticket, data__step="checked_in")
    assert event.data["latitude"] is None
    assert event.data["longitude"] is None
    assert visit.distance_to_site_m is None


@pytest.mark.parametrize(
    ("until", "step", "message"),
    [
        ("on_site", "check_in", "already checked in"),
        ("accepted", "check_out", "Check in on site before checking out"),
        (None, "check_out", "Check in on site before checking out"),
        ("travelling", "sign", "only after the engineer has checked in"),
        (None, "sign", "only after the engineer has checked in"),
        (None, "check_in", "Accept the visit first"),
        (None, "travel", "Accept the visit first"),
        ("accepted", "accept", "already accepted"),
        ("accepted", "note", "Check in on site first"),
        ("checked_out", "check_out", "already checked out"),
        ("checked_out", "check_in", "finished"),
        ("on_site", "decline", "not possible now"),
    ],
)
def test_refused_steps_change_nothing(
    visit: Visit,
    field_engineer: User,
    walk: Callable[..., Visit],
    until: str | None,
    step: str,
    message: str,
) -> None:
    if until:
        visit = walk(visit, until)
    before = snapshot(visit)
    calls: dict[str, Callable[[], Any]] = {
        "accept": lambda: services.accept_visit(actor=field_engineer, visit=visit),
        "travel": lambda: services.start_travel(actor=field_engineer, visit=visit),
        "check_in": lambda: services.check_in(actor=field_engineer, visit=visit, latitude=1.0, longitude=2.0),
        "check_out": lambda: services.check_out(actor=field_engineer, visit=visit),
        "sign": lambda: services.sign_visit(
            actor=field_engineer, visit=visit, signer_name="王伟", image=signature_png()
        ),
        "note": lambda: services.add_note(actor=field_engineer, visit=visit, body="x"),
        "decline": lambda: services.decline_visit(actor=field_engineer, visit=visit, reason="ill"),
    }
    with pytest.raises(Conflict, match=message) as caught:
        calls[step]()
    assert caught.value.code == "invalid_state"
    assert caught.value.fields == {"action": [caught.value.message]}
    assert snapshot(visit) == before


def test_signing_twice_and_work_after_signature_are_refused(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit]
) -> None:
    visit = walk(visit, "on_site")
    visit = services.sign_visit(actor=field_engineer, visit=visit, signer_name="王伟", image=signature_png())
    before = snapshot(visit)
    with pytest.raises(Conflict, match="already signed"):
        services.sign_visit(actor=field_engineer, visit=visit, signer_name="Other", image=signature_png())
    with pytest.raises(Conflict, match="has signed"):
        services.add_note(actor=field_engineer, visit=visit, body="after the fact")
    assert snapshot(visit) == before


def test_another_engineer_cannot_act_on_the_visit(
    visit: Visit, other_engineer: User, field_engineer: User, dispatcher: User
) -> None:
    before = snapshot(visit)
    with pytest.raises(PermissionDenied, match="assigned to another engineer"):
        services.accept_visit(actor=other_engineer, visit=visit)
    # A dispatcher schedules but does not record the engineer's steps either.
    with pytest.raises(PermissionDenied):
        services.accept_visit(actor=dispatcher, visit=visit)
    assert snapshot(visit) == before


def test_customer_cannot_act_and_learns_nothing(visit: Visit, customer_user: User) -> None:
    with pytest.raises(NotFound):
        services.accept_visit(actor=customer_user, visit=visit)


def test_decline_needs_a_reason_and_tells_the_dispatcher(
    visit: Visit, field_engineer: User, dispatcher: User
) -> None:
    before = snapshot(visit)
    with pytest.raises(ServiceError) as caught:
        services.decline_visit(actor=field_engineer, visit=visit, reason="  ")
    assert "reason" in caught.value.fields
    assert snapshot(visit) == before
    visit = services.decline_visit(actor=field_engineer, visit=visit, reason="Sick today")
    assert visit.status == VisitStatus.DECLINED
    event = TicketEvent.objects.get(ticket=visit.ticket, data__step="declined")
    assert event.body == "Sick today"
    assert not event.public
    mail = OutboxMessage.objects.get(idempotency_key=f"field:visit:{visit.pk}:event:{event.pk}:dispatcher")
    assert mail.payload["to"] == [dispatcher.email]


@pytest.mark.parametrize(
    ("offset", "code"),
    [(datetime.timedelta(minutes=10), "time_in_future"), (datetime.timedelta(days=-2), "time_too_early")],
)
def test_client_times_are_sanity_checked(
    visit: Visit, field_engineer: User, offset: datetime.timedelta, code: str
) -> None:
    before = snapshot(visit)
    with pytest.raises(ServiceError) as caught:
        services.accept_visit(actor=field_engineer, visit=visit, occurred_at=timezone.now() + offset)
    assert caught.value.code == code
    assert "occurred_at" in caught.value.fields
    assert snapshot(visit) == before


def test_a_small_clock_skew_is_clipped_to_now(visit: Visit, field_engineer: User) -> None:
    ahead = timezone.now() + datetime.timedelta(seconds=30)
    visit = services.accept_visit(actor=field_engineer, visit=visit, occurred_at=ahead)
    assert visit.accepted_at is not None
    assert visit.accepted_at <= timezone.now()


def test_check_out_before_the_check_in_time_is_refused(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit]
) -> None:
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        visit = walk(visit, "on_site")
        assert visit.checked_in_at is not None
        with pytest.raises(ServiceError, match="before the check-in"):
            services.check_out(
                actor=field_engineer,
                visit=visit,
                occurred_at=visit.checked_in_at - datetime.timedelta(minutes=5),
            )
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.ON_SITE


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        (91.0, 10.0, "latitude"),
        (10.0, -181.0, "longitude"),
        (None, 10.0, "latitude"),
        (float("nan"), 1.0, "latitude"),
    ],
)
def test_bad_positions_are_refused_by_name(
    visit: Visit,
    field_engineer: User,
    walk: Callable[..., Visit],
    latitude: float | None,
    longitude: float,
    field: str,
) -> None:
    visit = walk(visit, "accepted")
    before = snapshot(visit)
    with pytest.raises(ServiceError) as caught:
        services.check_in(actor=field_engineer, visit=visit, latitude=latitude, longitude=longitude)
    assert field in caught.value.fields
    assert snapshot(visit) == before


def test_parts_are_checked(visit: Visit, field_engineer: User, walk: Callable[..., Visit]) -> None:
    visit = walk(visit, "on_site")
    with pytest.raises(ServiceError) as caught:
        services.add_part(
            actor=field_engineer, visit=visit, part_number="<script>", quantity=0, serial="x" * 65
        )
    assert set(caught.value.fields) == {"part_number", "quantity", "serial"}
    assert not VisitPart.objects.exists()


def test_only_dispatchers_schedule_and_only_for_open_requests(
    ticket: Ticket, field_engineer: User, dispatcher: User, make_user: Callable[..., User]
) -> None:
    start, end = window()
    with pytest.raises(PermissionDenied):
        services.schedule_visit(
            actor=field_engineer, ticket=ticket, engineer=field_engineer, window_start=start, window_end=end
        )
    customer = make_user(Role.CUSTOMER)
    with pytest.raises(ServiceError) as caught:
        services.schedule_visit(
            actor=dispatcher, ticket=ticket, engineer=customer, window_start=start, window_end=end
        )
    assert "engineer" in caught.value.fields
    with pytest.raises(ServiceError) as caught:
        services.schedule_visit(
            actor=dispatcher, ticket=ticket, engineer=field_engineer, window_start=end, window_end=start
        )
    assert "window_end" in caught.value.fields
    assert not Visit.objects.exists()


def test_contact_must_belong_to_the_customer(
    ticket: Ticket, field_engineer: User, dispatcher: User, customer_b: Any
) -> None:
    from sasms.accounts.models import Contact

    stranger = Contact.objects.create(organisation=customer_b, name="B person")
    start, end = window()
    with pytest.raises(ServiceError) as caught:
        services.schedule_visit(
            actor=dispatcher,
            ticket=ticket,
            engineer=field_engineer,
            window_start=start,
            window_end=end,
            contact=stranger,
        )
    assert "contact" in caught.value.fields


def test_reschedule_to_another_engineer_and_cancel(
    visit: Visit, field_engineer: User, other_engineer: User, dispatcher: User
) -> None:
    visit = services.accept_visit(actor=field_engineer, visit=visit)
    start, end = window(hours_from_now=24)
    visit = services.reschedule_visit(
        actor=dispatcher, visit=visit, window_start=start, window_end=end, engineer=other_engineer
    )
    assert visit.status == VisitStatus.SCHEDULED
    assert visit.engineer == other_engineer
    assert visit.accepted_at is None
    with pytest.raises(PermissionDenied):
        services.accept_visit(actor=field_engineer, visit=visit)
    with pytest.raises(ServiceError) as caught:
        services.cancel_visit(actor=dispatcher, visit=visit, reason="")
    assert "reason" in caught.value.fields
    visit = services.cancel_visit(actor=dispatcher, visit=visit, reason="Customer fixed it remotely")
    assert visit.status == VisitStatus.CANCELLED
    assert visit_steps(visit)[-2:] == ["rescheduled", "cancelled"]
    with pytest.raises(Conflict):
        services.accept_visit(actor=other_engineer, visit=visit)


def test_second_visit_counts_again(
    ticket: Ticket, field_engineer: User, dispatcher: User, walk: Callable[..., Visit]
) -> None:
    for _ in range(2):
        start, end = window()
        visit = services.schedule_visit(
            actor=dispatcher, ticket=ticket, engineer=field_engineer, window_start=start, window_end=end
        )
        walk(visit, "checked_out")
    assert Ticket.objects.get(pk=ticket.pk).visit_count == 2
