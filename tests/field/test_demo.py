"""The demo step: visits in the state their request reached, with timeline events and a report."""

import datetime
import random
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.models import Contact, Organisation, User
from sasms.assets.models import Server
from sasms.field import demo
from sasms.field.choices import VisitStatus
from sasms.field.models import Visit
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_demo_visits_follow_their_requests(
    make_user: Callable[..., User],
    customer_a: Organisation,
    server_a: Server,
    contact_a: Contact,
    field_engineer: User,
    dispatcher: User,
    client_for: Callable[[User], Client],
) -> None:
    made: dict[str, list[Ticket]] = {"new": [], "in_progress": [], "resolved": []}
    for status, items in made.items():
        for n in range(4):
            ticket = ticket_services.create_ticket(
                actor=None,
                organisation=customer_a,
                requester=contact_a,
                server=server_a,
                title=f"PSU {n} failed",
                component="psu",
                impact="1",
                urgency="1",
            )
            if status != "new":
                ticket = ticket_services.assign_ticket(
                    actor=dispatcher, ticket=ticket, assignee=field_engineer
                )
                ticket = ticket_services.transition_ticket(
                    actor=field_engineer, ticket=ticket, action="start"
                )
            if status == "resolved":
                ticket = ticket_services.transition_ticket(
                    actor=field_engineer,
                    ticket=ticket,
                    action="resolve",
                    resolution_code="part_replaced",
                    resolution_summary="PSU replaced",
                )
            items.append(ticket)
    # The requests were opened a while ago, so every step of their visits lies in the past.
    Ticket.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    state: dict[str, object] = {}
    demo.build_step(rng=random.Random(3), scale=1, progress=lambda *_: None, state=state)
    visits = Visit.objects.select_related("ticket")
    assert state["field"] == {"visits": visits.count()}
    assert visits.count() == 12
    for visit in visits:
        expected = {
            "resolved": {VisitStatus.CHECKED_OUT},
            "in_progress": {VisitStatus.ON_SITE, VisitStatus.TRAVELLING},
            "new": {
                VisitStatus.SCHEDULED,
                VisitStatus.ACCEPTED,
                VisitStatus.TRAVELLING,
                VisitStatus.DECLINED,
                VisitStatus.CANCELLED,
            },
        }
        status = next(k for k, items in made.items() if visit.ticket in items)
        assert visit.status in expected[status]
    finished = visits.filter(status=VisitStatus.CHECKED_OUT).first()
    assert finished is not None
    assert finished.signed_at is not None
    assert finished.parts.exists()
    steps = set(
        TicketEvent.objects.filter(ticket=finished.ticket, kind=EventKind.VISIT).values_list(
            "data__step", flat=True
        )
    )
    assert {"scheduled", "accepted", "travelling", "checked_in", "signed", "checked_out"} <= steps
    assert Ticket.objects.get(pk=finished.ticket_id).visit_count == 1
    client = client_for(dispatcher)
    assert client.get(reverse("field:visit", args=[finished.pk])).status_code == 200
    report = client.get(reverse("field:report", args=[finished.pk]))
    assert report.status_code == 200
    assert report.content.startswith(b"%PDF-")


def test_older_on_site_requests_had_their_engineer_on_site_before_the_fix(
    customer_a: Organisation,
    server_a: Server,
    contact_a: Contact,
    field_engineer: User,
    dispatcher: User,
) -> None:
    from sasms.sla.clocks.replay import backfill
    from sasms.sla.models import SlaClock
    from sasms.sla.specs import pinned_specs

    opened = timezone.now() - datetime.timedelta(days=60)
    slow: list[Ticket] = []
    fast: list[Ticket] = []
    for n in range(12):
        ticket = ticket_services.create_ticket(
            actor=None,
            organisation=customer_a,
            requester=contact_a,
            server=server_a,
            title=f"Disk {n} failed",
            impact="1",
            urgency="1",
        )
        ticket_services.assign_ticket(actor=dispatcher, ticket=ticket, assignee=field_engineer)
        ticket_services.transition_ticket(actor=field_engineer, ticket=ticket, action="start")
        ticket_services.transition_ticket(
            actor=field_engineer,
            ticket=ticket,
            action="resolve",
            resolution_code="part_replaced",
            resolution_summary="Disk replaced",
        )
        took = datetime.timedelta(hours=30) if n < 10 else datetime.timedelta(minutes=50)
        (slow if n < 10 else fast).append(ticket)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=opened, resolved_at=opened + took)
        TicketEvent.objects.filter(ticket=ticket).update(created_at=opened)
        TicketEvent.objects.filter(ticket=ticket, data__to="resolved").update(created_at=opened + took)
    assert {t.service_kind for t in slow} == {"hardware_replacement"}

    demo.build_step(rng=random.Random(5), scale=1, progress=lambda *_: None, state={})
    visits = list(Visit.objects.select_related("ticket"))
    assert 6 <= len(visits) <= 10  # most had an engineer on site; some were fixed remotely
    assert not Visit.objects.filter(ticket__in=fast).exists()  # too fast for anyone to travel
    for visit in visits:
        ticket = visit.ticket
        assert visit.status == VisitStatus.CHECKED_OUT
        assert ticket.resolved_at is not None
        assert visit.checked_in_at is not None
        assert visit.checked_out_at is not None
        assert ticket.created_at < visit.created_at < visit.checked_in_at < visit.checked_out_at
        assert visit.checked_out_at < ticket.resolved_at
        assert visit.parts.get().occurred_at < visit.checked_out_at
    SlaClock.objects.all().delete()  # the clocks as the demo builds them: from the timelines
    with pinned_specs():
        backfill()
    visited = {visit.ticket_id for visit in visits}
    for clock in SlaClock.objects.filter(kind="onsite"):
        # On site before the fix meets the clock at the check-in; a remote fix stops it.
        assert clock.state == ("met" if clock.ticket_id in visited else "stopped")
