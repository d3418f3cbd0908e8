"""Creating and working requests through the services: numbering, entitlement, priority, timeline."""

import datetime
import re
from collections.abc import Callable

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, Organisation, Team, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry, OutboxMessage
from sasms.tickets import selectors, services
from sasms.tickets.choices import Status, TimeAndMaterials
from sasms.tickets.models import ChecklistItem, DailyCounter, Ticket, TicketEvent, TicketLink
from sasms.tickets.priority import DEFAULT_PRIORITY_MATRIX, priority_for
from sasms.tickets.sop import SOP_STEPS

pytestmark = pytest.mark.django_db


def test_create_numbers_snapshots_and_records(ticket: Ticket, contact_a: Contact) -> None:
    day = timezone.localdate(ticket.created_at)
    assert re.fullmatch(rf"SR{day:%Y%m%d}\d{{5}}", ticket.number)
    if connection.vendor == "sqlite":  # gap-free counter; PostgreSQL's day sequence may skip numbers
        assert ticket.number.endswith("00001")
    assert ticket.entitled is True
    assert ticket.entitlement["source"] == "warranty"
    assert ticket.time_and_materials == ""
    assert ticket.priority == "P3"  # medium × medium
    assert ticket.service_kind == "hardware_replacement"
    codes = list(ChecklistItem.objects.filter(ticket=ticket).values_list("code", flat=True))
    assert codes == list(SOP_STEPS["hardware_replacement"])
    created = TicketEvent.objects.get(ticket=ticket)
    assert created.kind == "created"
    assert created.public
    assert AuditEntry.objects.filter(action="ticket.create", object_id=str(ticket.pk)).count() == 1
    outbox = OutboxMessage.objects.get(topic="email")
    assert outbox.payload["to"] == [contact_a.email]
    assert ticket.number in outbox.payload["subject"]


def test_each_notification_is_in_its_readers_language(
    make_ticket: Callable[..., Ticket], engineer: User, make_user: Callable[..., User], contact_a: Contact
) -> None:
    chinese_engineer = make_user(Role.ENGINEER, language="zh-hans")
    with translation.override("en"):  # an English-speaking agent at work
        ticket = make_ticket()
        services.add_comment(
            actor=engineer, ticket=ticket, body=f"Please check @{chinese_engineer.email}", internal=True
        )
    # The requester is a contact without an account: the site's default language (Chinese).
    received = OutboxMessage.objects.get(payload__to=[contact_a.email])
    with translation.override("zh-hans"):
        expected = _("[%(number)s] We have received your request: %(title)s") % {
            "number": ticket.number,
            "title": ticket.title,
        }
    assert received.payload["subject"] == expected
    assert "We have received" not in received.payload["subject"]
    mention = OutboxMessage.objects.get(payload__to=[chinese_engineer.email])
    assert "mentioned you" not in mention.payload["subject"]
    with translation.override("zh-hans"):
        assert mention.payload["subject"] == _("[%(number)s] %(name)s mentioned you") % {
            "number": ticket.number,
            "name": engineer.full_name,
        }
    with translation.override("zh-hans"):  # a Chinese-speaking dispatcher assigns an English engineer
        services.assign_ticket(actor=None, ticket=ticket, assignee=engineer)
    assigned = OutboxMessage.objects.get(payload__to=[engineer.email])
    assert assigned.payload["subject"].startswith(f"[{ticket.number}] Assigned to you:")


def test_numbers_follow_the_local_day(make_ticket: Callable[..., Ticket]) -> None:
    first = make_ticket()
    second = make_ticket()
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1
    # 2026-01-01T16:30Z is already 2 January in Asia/Shanghai.
    late = make_ticket(created_at=datetime.datetime(2026, 1, 1, 16, 30, tzinfo=datetime.UTC))
    assert late.number.startswith("SR20260102")
    if connection.vendor == "sqlite":
        assert late.number == "SR2026010200001"
        assert DailyCounter.objects.get(day=datetime.date(2026, 1, 2)).value == 1


def test_entitlement_snapshot_is_kept_when_coverage_changes(ticket: Ticket, server_a: Server) -> None:
    Server.objects.filter(pk=server_a.pk).update(
        warranty_end=timezone.localdate() - datetime.timedelta(days=1)
    )
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.entitled
    assert fresh.entitlement["source"] == "warranty"


def test_not_entitled_is_flagged_for_time_and_materials(
    make_ticket: Callable[..., Ticket], server_a_expired: Server, agent: User
) -> None:
    ticket = make_ticket(server=server_a_expired)
    assert not ticket.entitled
    assert ticket.time_and_materials == TimeAndMaterials.PENDING
    assert ticket.entitlement["reason"] == "warranty_ended"
    ticket = services.decide_time_and_materials(
        actor=agent, ticket=ticket, decision="accepted", confirmed=True
    )
    assert ticket.time_and_materials == "accepted"
    with pytest.raises(ServiceError):
        services.decide_time_and_materials(actor=agent, ticket=ticket, decision="maybe")


def test_priority_matrix_default_and_override(settings: object) -> None:
    assert priority_for(impact="1", urgency="1") == "P1"
    assert priority_for(impact="3", urgency="3") == "P4"
    assert len(DEFAULT_PRIORITY_MATRIX) == 9
    settings.SASMS_PRIORITY_MATRIX = {"33": "P3", "11": "P9"}  # type: ignore[attr-defined]
    assert priority_for(impact="3", urgency="3") == "P3"
    assert priority_for(impact="1", urgency="1") == "P1"  # invalid override ignored
    with pytest.raises(ValueError):
        priority_for(impact="4", urgency="1")


def test_create_refuses_bad_input_and_foreign_rows(
    customer_a: Organisation, customer_b: Organisation, server_b: Server, customer_user: User
) -> None:
    with pytest.raises(ServiceError) as bad:
        services.create_ticket(actor=None, organisation=customer_a, title=" ", channel="fax", impact="9")
    assert set(bad.value.fields) == {"title", "channel", "impact"}
    with pytest.raises(ServiceError) as foreign:
        services.create_ticket(actor=None, organisation=customer_a, server=server_b, title="x")
    assert "server" in foreign.value.fields
    with pytest.raises(PermissionDenied):
        services.create_ticket(actor=customer_user, organisation=customer_b, title="x")
    assert Ticket.objects.count() == 0
    assert not DailyCounter.objects.filter(value__gt=0).exists()  # the number went back with the rollback


def test_customer_creates_for_own_organisation(customer_user: User, customer_a: Organisation) -> None:
    ticket = services.create_ticket(
        actor=customer_user,
        organisation=customer_a,
        title="How do I update BIOS?",
        type="consultation",
        channel="portal",
    )
    assert ticket.service_kind == "consultation"
    assert not ticket.watchers.exists()


def test_find_server_by_serial_hostname_or_tag(
    server_a: Server, server_b: Server, agent: User, customer_a: Organisation
) -> None:
    for value in ("cn7a1234", "DB01.A.EXAMPLE", "a-0001"):
        assert selectors.find_server(actor=agent, organisation=customer_a, identifier=value) == [server_a]
    assert selectors.find_server(actor=agent, organisation=customer_a, identifier="XYZ9876") == []


def test_assign_escalate_priority_and_permissions(
    ticket: Ticket, agent: User, engineer: User, dispatcher: User, team: Team
) -> None:
    with pytest.raises(PermissionDenied):
        services.assign_ticket(actor=agent, ticket=ticket, assignee=engineer)
    ticket = services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    assert ticket.status == Status.ASSIGNED
    ticket = services.assign_ticket(actor=dispatcher, ticket=ticket, assignee=engineer, team=team)
    assert (ticket.assignee, ticket.team, ticket.status) == (engineer, team, Status.ASSIGNED)
    assert engineer in ticket.watchers.all()
    with pytest.raises(ServiceError):
        services.change_tier(actor=engineer, ticket=ticket, tier=2, reason="")
    ticket = services.change_tier(actor=engineer, ticket=ticket, tier=3, reason="Needs storage expert")
    assert ticket.tier == 3
    ticket = services.change_tier(actor=engineer, ticket=ticket, tier=2, reason="Back to T2")
    tiers = list(
        TicketEvent.objects.filter(ticket=ticket, kind="tier").values_list("data__direction", flat=True)
    )
    assert tiers == ["escalate", "de-escalate"]
    ticket = services.change_priority(actor=engineer, ticket=ticket, impact="1", urgency="1")
    assert ticket.priority == "P1"
    assert AuditEntry.objects.filter(object_id=str(ticket.pk), action__startswith="ticket.").count() >= 6


def test_resolve_computes_first_time_fix_and_reopen_clears_it(
    ticket: Ticket, agent: User, customer_user: User
) -> None:
    ticket = services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    ticket = services.transition_ticket(actor=agent, ticket=ticket, action="start")
    ticket = services.transition_ticket(
        actor=agent,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="Replaced disk",
        root_cause="Worn disk",
        five_whys=["a", "", "b"],
        work_minutes=45,
    )
    assert ticket.first_time_fix is True
    assert ticket.five_whys == ["a", "b"]
    assert ticket.work_minutes == 45
    ticket = services.transition_ticket(
        actor=customer_user, ticket=ticket, action="reopen", reason="Still amber"
    )
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.reopen_count == 1
    assert ticket.first_time_fix is False
    ticket = services.transition_ticket(
        actor=agent,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="Reseated",
    )
    assert ticket.first_time_fix is False
    ticket = services.transition_ticket(actor=customer_user, ticket=ticket, action="close")
    assert ticket.status == Status.CLOSED
    assert ticket.customer_confirmed_at is not None


def test_waiting_for_parts_is_not_a_first_time_fix(ticket: Ticket, agent: User) -> None:
    ticket = services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    for action in ("start", "wait_parts", "resume"):
        ticket = services.transition_ticket(actor=agent, ticket=ticket, action=action)
    ticket = services.transition_ticket(
        actor=agent, ticket=ticket, action="resolve", resolution_code="part_replaced", resolution_summary="ok"
    )
    assert ticket.first_time_fix is False


def test_auto_close_after_n_days(make_ticket: Callable[..., Ticket], agent: User, settings: object) -> None:
    settings.SASMS_TICKET_AUTO_CLOSE_DAYS = 3  # type: ignore[attr-defined]
    old, recent = make_ticket(), make_ticket()
    for t in (old, recent):
        t = services.assign_ticket(actor=agent, ticket=t, assignee=agent)
        t = services.transition_ticket(actor=agent, ticket=t, action="start")
        services.transition_ticket(
            actor=agent, ticket=t, action="resolve", resolution_code="advice_given", resolution_summary="ok"
        )
    Ticket.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - datetime.timedelta(days=4))
    assert services.auto_close_resolved() == 1
    assert Ticket.objects.get(pk=old.pk).status == Status.CLOSED
    assert Ticket.objects.get(pk=recent.pk).status == Status.RESOLVED
    closing = TicketEvent.objects.filter(ticket=old, kind="status").last()
    assert closing is not None
    assert closing.actor is None
    assert closing.actor_label == "system"
    from sasms.tickets.tasks import auto_close_resolved

    assert auto_close_resolved.apply().get() == 0


def test_beat_schedule_has_the_auto_close_job() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["tickets-auto-close"]
    assert entry["task"] == "sasms.tickets.tasks.auto_close_resolved"


def test_replies_notes_and_mentions(ticket: Ticket, agent: User, engineer: User, customer_user: User) -> None:
    OutboxMessage.objects.all().delete()
    note = services.add_comment(
        actor=agent, ticket=ticket, body=f"@{engineer.email} please check the SEL", internal=True
    )
    assert note.kind == "note"
    assert not note.public
    assert note.data["mentions"] == [engineer.pk]
    mentioned = OutboxMessage.objects.get(payload__to=[engineer.email])
    assert "mentioned you" in mentioned.payload["subject"]
    assert engineer in ticket.watchers.all()
    reply = services.add_comment(actor=agent, ticket=ticket, body="We are on it.")
    assert reply.public
    assert Ticket.objects.get(pk=ticket.pk).first_response_at is not None
    with pytest.raises(ServiceError):
        services.add_comment(actor=customer_user, ticket=ticket, body="secret", internal=True)
    services.add_comment(actor=customer_user, ticket=ticket, body="Thanks")
    visible = list(selectors.timeline_for(actor=customer_user, ticket=ticket).values_list("kind", flat=True))
    assert "note" not in visible
    assert visible.count("reply") == 2
    assert len(mail.outbox) >= 0  # delivery happens after commit, in the outbox worker


def test_links_merge_and_watchers(make_ticket: Callable[..., Ticket], agent: User, engineer: User) -> None:
    first, duplicate = make_ticket(), make_ticket(title="Same disk again")
    services.set_watching(actor=agent, ticket=duplicate, user=engineer, watching=True)
    link = services.link_tickets(actor=agent, source=first, target=duplicate, kind="related")
    assert link.kind == "related"
    with pytest.raises(Conflict):
        services.link_tickets(actor=agent, source=first, target=duplicate, kind="related")
    with pytest.raises(ServiceError):
        services.link_tickets(actor=agent, source=first, target=first, kind="related")
    services.merge_tickets(actor=agent, duplicate=duplicate, into=first)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CANCELLED
    assert duplicate.merged_into == first
    assert TicketLink.objects.filter(source=duplicate, target=first, kind="duplicate_of").exists()
    assert engineer in first.watchers.all()
    assert TicketEvent.objects.filter(ticket=first, kind="merged").exists()
    with pytest.raises(Conflict):
        services.merge_tickets(actor=agent, duplicate=duplicate, into=first)


def test_checklist_ticking(ticket: Ticket, engineer: User) -> None:
    item = ticket.checklist.first()
    assert item is not None
    done = services.set_checklist_item(actor=engineer, ticket=ticket, item_id=item.pk, done=True)
    assert done.done
    assert done.done_by == engineer
    assert str(done.label).startswith("Collect")


def test_bulk_update_is_all_or_nothing(
    make_ticket: Callable[..., Ticket], dispatcher: User, engineer: User
) -> None:
    tickets = [make_ticket() for _ in range(3)]
    assert services.bulk_update(actor=dispatcher, tickets=tickets, assignee=engineer) == 3
    assert services.bulk_update(actor=dispatcher, tickets=tickets, priority="P2") == 3
    assert set(Ticket.objects.values_list("priority", "assignee")) == {("P2", engineer.pk)}
    with pytest.raises(Conflict):
        services.bulk_update(actor=dispatcher, tickets=tickets, close=True)  # not resolved yet
    assert set(Ticket.objects.values_list("status", flat=True)) == {Status.ASSIGNED}


def test_create_query_count_is_bounded(make_ticket: Callable[..., Ticket]) -> None:
    make_ticket()
    with CaptureQueriesContext(connection) as ctx:
        make_ticket()
    assert len(ctx.captured_queries) <= 30


def test_customer_reply_ends_waiting_for_customer(ticket: Ticket, agent: User, customer_user: User) -> None:
    ticket = services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    ticket = services.transition_ticket(actor=agent, ticket=ticket, action="start")
    ticket = services.transition_ticket(actor=agent, ticket=ticket, action="wait_customer")
    services.add_comment(actor=agent, ticket=ticket, body="Please send the SEL log.")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING_CUSTOMER  # staff replies do not
    services.add_comment(actor=customer_user, ticket=ticket, body="Attached.")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    last = TicketEvent.objects.filter(ticket=ticket, kind="status").last()
    assert last is not None
    assert last.data["action"] == "customer_reply"


def test_first_response_is_the_first_public_staff_reply_as_on_the_response_clock(
    ticket: Ticket, agent: User, engineer: User
) -> None:
    """A status change or an internal note is not a response to the customer: the request's
    first-response time and its response clock are met by the same public staff reply."""
    from sasms.sla.models import ClockKind, ClockState, SlaClock

    services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    ticket = services.transition_ticket(
        actor=engineer, ticket=Ticket.objects.get(pk=ticket.pk), action="start"
    )
    services.add_comment(actor=engineer, ticket=ticket, body="Looking at the SEL", internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    response = SlaClock.objects.get(ticket=ticket, kind=ClockKind.RESPONSE)
    assert response.state == ClockState.RUNNING

    replied_at = timezone.now() + datetime.timedelta(minutes=5)
    with time_machine.travel(replied_at, tick=False):
        services.add_comment(actor=engineer, ticket=ticket, body="We are replacing the disk today.")
    ticket.refresh_from_db()
    response.refresh_from_db()
    assert ticket.first_response_at == replied_at
    assert response.state == ClockState.MET
    assert response.met_at == replied_at
