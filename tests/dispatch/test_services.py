"""Profiles, policy, one-click assignment, auto-dispatch and batch proposals through the services."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.dispatch import services
from sasms.dispatch.choices import ProposalStatus, RowOutcome
from sasms.dispatch.models import BatchProposal, DispatchSettings, EngineerProfile, ProposalRow
from sasms.dispatch.selectors import current_settings
from sasms.sla.models import BusinessCalendar
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind, Level
from sasms.tickets.events import record_event
from sasms.tickets.models import Ticket, TicketEvent
from tests.dispatch.conftest import HANGZHOU, SUZHOU

pytestmark = pytest.mark.django_db


# --- profiles ------------------------------------------------------------------------------------


def test_profile_validation_names_the_field(
    make_user: Callable[..., User], dispatcher: User, cal_7x24: BusinessCalendar, customer_user: User
) -> None:
    engineer = make_user(Role.FIELD_ENGINEER)
    with pytest.raises(ServiceError) as refused:
        services.create_profile(actor=dispatcher, user=engineer, calendar=cal_7x24, home_latitude=31.2)
    assert "home_longitude" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        services.create_profile(actor=dispatcher, user=engineer, calendar=cal_7x24, languages=["klingon"])
    assert "languages" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        services.create_profile(actor=dispatcher, user=engineer, calendar=cal_7x24, max_concurrent=0)
    assert "max_concurrent" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        services.create_profile(actor=dispatcher, user=customer_user, calendar=cal_7x24)
    assert "user" in refused.value.fields
    assert not EngineerProfile.objects.exists()
    profile = services.create_profile(
        actor=dispatcher, user=engineer, calendar=cal_7x24, languages=["zh", "en"]
    )
    assert AuditEntry.objects.filter(action="dispatch.profile.create", object_id=str(profile.pk)).exists()
    with pytest.raises(Conflict) as twice:
        services.create_profile(actor=dispatcher, user=engineer, calendar=cal_7x24)
    assert "user" in twice.value.fields


def test_only_dispatchers_write_profiles(
    make_user: Callable[..., User], agent: User, customer_user: User, cal_7x24: BusinessCalendar
) -> None:
    engineer = make_user(Role.FIELD_ENGINEER)
    with pytest.raises(PermissionDenied):
        services.create_profile(actor=agent, user=engineer, calendar=cal_7x24)
    with pytest.raises(NotFound):
        services.create_profile(actor=customer_user, user=engineer, calendar=cal_7x24)


def test_skills_are_set_removed_and_checked(
    make_engineer: Callable[..., EngineerProfile], dispatcher: User
) -> None:
    profile = make_engineer("Wu")
    with pytest.raises(ServiceError) as refused:
        services.set_skills(actor=dispatcher, profile=profile, levels={("component", "disk"): 9})
    assert "component_disk" in refused.value.fields
    with pytest.raises(ServiceError):
        services.set_skills(actor=dispatcher, profile=profile, levels={("component", "warp_drive"): 3})
    services.set_skills(
        actor=dispatcher, profile=profile, levels={("component", "disk"): 0, ("component", "memory"): 4}
    )
    assert {(s.kind, s.code, s.level) for s in profile.skills.all()} == {
        ("category", "hardware", 3),
        ("component", "memory", 4),
    }
    entry = AuditEntry.objects.filter(action="dispatch.profile.skills").latest("id")
    assert entry.changes["skills"][1] == {"category:hardware": 3, "component:memory": 4}


def test_certification_and_on_call_checks(
    make_engineer: Callable[..., EngineerProfile], dispatcher: User
) -> None:
    profile = make_engineer("Li", certified=False)
    with pytest.raises(ServiceError) as refused:
        services.add_certification(
            actor=dispatcher, profile=profile, name="Server+", valid_until=timezone.localdate()
        )
    assert "issuer" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        services.add_certification(
            actor=dispatcher,
            profile=profile,
            name="Server+",
            issuer="CompTIA",
            issued_on=datetime.date(2025, 1, 2),
            valid_until=datetime.date(2025, 1, 1),
        )
    assert "valid_until" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        services.add_on_call(
            actor=dispatcher,
            profile=profile,
            starts_on=datetime.date(2026, 1, 5),
            ends_on=datetime.date(2026, 1, 4),
        )
    assert "ends_on" in refused.value.fields
    assert not profile.certifications.exists()
    assert not profile.on_call.exists()


# --- policy ---------------------------------------------------------------------------------------


def test_policy_is_edited_by_service_managers_and_audited(dispatcher: User, manager: User) -> None:
    with pytest.raises(PermissionDenied):
        services.update_settings(actor=dispatcher, weight_travel=5.0)
    with pytest.raises(ServiceError) as refused:
        services.update_settings(actor=manager, road_factor=9.0, auto_dispatch_priorities=["P9"])
    assert set(refused.value.fields) == {"road_factor", "auto_dispatch_priorities"}
    assert not DispatchSettings.objects.exists()
    settings = services.update_settings(
        actor=manager, weight_travel=5.0, auto_dispatch_priorities=["P1", "P2"]
    )
    assert (settings.weight_travel, settings.version, settings.updated_by) == (5.0, 2, manager)
    entry = AuditEntry.objects.get(action="dispatch.settings.update")
    assert entry.changes["weight_travel"] == [2.5, 5.0]
    assert current_settings().auto_dispatch_priorities == ["P1", "P2"]


# --- one click ------------------------------------------------------------------------------------


def test_assign_recommended_records_the_explanation(
    make_engineer: Callable[..., EngineerProfile], dispatcher: User, ticket: Ticket
) -> None:
    best = make_engineer("Best", SUZHOU)
    ticket = services.assign_recommended(actor=dispatcher, ticket=ticket, engineer=best.user)
    assert ticket.assignee == best.user
    assert ticket.status == "assigned"
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.DISPATCH)
    assert event.data["mode"] == "recommendation"
    assert event.data["engineer_id"] == best.user_id
    assert {f["key"] for f in event.data["factors"]} >= {"skill", "travel", "load", "availability"}
    assert "Best" in event.body
    assert "Travel time" in event.body
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).count() == 1


def test_assign_recommended_refuses_stale_views_and_excluded_engineers(
    make_engineer: Callable[..., EngineerProfile], dispatcher: User, ticket: Ticket
) -> None:
    first, second = make_engineer("First"), make_engineer("Second")
    lapsed = make_engineer("Uncertified", certified=False)
    with pytest.raises(Conflict) as excluded:
        services.assign_recommended(actor=dispatcher, ticket=ticket, engineer=lapsed.user)
    assert "certification missing" in excluded.value.fields["engineer"][0]
    ticket_services.assign_ticket(actor=None, ticket=ticket, assignee=first.user)
    with pytest.raises(Conflict) as stale:  # the dispatcher saw it unassigned
        services.assign_recommended(actor=dispatcher, ticket=ticket, engineer=second.user)
    assert "Assigned meanwhile to First" in stale.value.message
    ticket.refresh_from_db()
    assert ticket.assignee == first.user
    services.assign_recommended(
        actor=dispatcher, ticket=ticket, engineer=second.user, expected_assignee_id=first.user_id
    )
    ticket.refresh_from_db()
    assert ticket.assignee == second.user


# --- auto-dispatch --------------------------------------------------------------------------------


def test_auto_dispatch_assigns_new_requests_of_chosen_priorities(
    make_engineer: Callable[..., EngineerProfile],
    make_ticket: Callable[..., Ticket],
    django_capture_on_commit_callbacks: Any,
) -> None:
    near = make_engineer("Near", SUZHOU)
    make_engineer("Far", HANGZHOU)
    services.update_settings(actor=None, auto_dispatch_priorities=["P1"])
    with django_capture_on_commit_callbacks(execute=True):
        urgent = make_ticket(title="Server down", impact=Level.HIGH, urgency=Level.HIGH)
        normal = make_ticket(title="Question", impact=Level.LOW, urgency=Level.LOW)
    urgent.refresh_from_db()
    normal.refresh_from_db()
    assert urgent.priority == "P1"
    assert urgent.assignee == near.user
    assert urgent.status == "assigned"
    assert normal.assignee is None
    event = TicketEvent.objects.get(ticket=urgent, kind=EventKind.DISPATCH)
    assert event.actor is None
    assert event.data["mode"] == "auto"
    assert event.data["engineer_id"] == near.user_id
    assert event.data["factors"]
    assert not TicketEvent.objects.filter(ticket=normal, kind=EventKind.DISPATCH).exists()


def test_auto_dispatch_without_a_fitting_engineer_says_so_once(
    make_engineer: Callable[..., EngineerProfile],
    make_ticket: Callable[..., Ticket],
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_engineer("Uncertified", certified=False)
    services.update_settings(actor=None, auto_dispatch_priorities=["P1"])
    with django_capture_on_commit_callbacks(execute=True):
        urgent = make_ticket(impact=Level.HIGH, urgency=Level.HIGH)
    assert services.auto_dispatch(ticket_id=urgent.pk) is None  # the sweep tries again
    events = TicketEvent.objects.filter(ticket=urgent, kind=EventKind.DISPATCH)
    assert events.count() == 1
    assert events.get().data == {"mode": "auto", "engineer_id": None, "excluded": {"exclude.cert_missing": 1}}
    urgent.refresh_from_db()
    assert urgent.assignee is None


def test_auto_dispatch_leaves_a_request_taken_meanwhile(
    make_engineer: Callable[..., EngineerProfile], make_ticket: Callable[..., Ticket], agent: User
) -> None:
    make_engineer("Near", SUZHOU)
    services.update_settings(actor=None, auto_dispatch_priorities=["P1"])
    urgent = make_ticket(impact=Level.HIGH, urgency=Level.HIGH)
    ticket_services.assign_ticket(actor=agent, ticket=urgent, assignee=agent)
    assert services.auto_dispatch(ticket_id=urgent.pk) is None
    urgent.refresh_from_db()
    assert urgent.assignee == agent


# --- positions ------------------------------------------------------------------------------------


def test_a_late_synced_older_check_in_does_not_move_the_engineer_back(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket
) -> None:
    profile = make_engineer("Zhao")
    now = timezone.now()
    for lat, at in ((31.3, now), (30.1, now - datetime.timedelta(hours=3))):
        record_event(
            ticket=ticket,
            actor=None,
            kind=EventKind.VISIT,
            data={
                "step": "checked_in",
                "latitude": lat,
                "longitude": 120.6,
                "occurred_at": at.isoformat(),
                "engineer_id": profile.user_id,
            },
        )
    record_event(
        ticket=ticket, actor=profile.user, kind=EventKind.VISIT, data={"step": "checked_in", "latitude": None}
    )
    profile.refresh_from_db()
    assert float(profile.position_latitude or 0) == pytest.approx(31.3)
    assert profile.position_at == now


# --- batch ----------------------------------------------------------------------------------------


def test_proposal_then_apply_part_skips_what_changed(
    make_engineer: Callable[..., EngineerProfile],
    make_ticket: Callable[..., Ticket],
    dispatcher: User,
    agent: User,
) -> None:
    a = make_engineer("Suzhou A", SUZHOU, capacity=2)
    b = make_engineer("Hangzhou B", HANGZHOU, capacity=2)
    tickets = [make_ticket(title=f"Fault {n}") for n in range(5)]
    proposal = services.create_proposal(actor=dispatcher)
    rows = list(ProposalRow.objects.filter(proposal=proposal).order_by("position"))
    assert len(rows) == 5
    proposed = [r for r in rows if r.engineer_id]
    assert len(proposed) == 4  # two places each
    assert {r.engineer_id for r in proposed} == {a.user_id, b.user_id}
    assert all(r.factors and r.score is not None for r in proposed)
    [left] = [r for r in rows if r.engineer_id is None]
    assert left.reasons == [{"code": "decision.nobody_capacity", "params": {}}]
    assert proposal.summary["requests"] == 5
    assert proposal.summary["proposed"] == 4

    taken = proposed[0]
    ticket_services.assign_ticket(actor=agent, ticket=taken.ticket, assignee=agent)  # taken meanwhile
    chosen = [taken.pk, proposed[1].pk]
    result = services.apply_proposal(actor=dispatcher, proposal=proposal, row_ids=chosen)
    assert (result.applied, result.skipped, result.failed) == (1, 1, 0)
    taken.refresh_from_db()
    assert taken.outcome == RowOutcome.SKIPPED
    assert taken.outcome_note["code"] == "skip.assigned"
    assigned = Ticket.objects.get(pk=proposed[1].ticket_id)
    assert assigned.assignee_id == proposed[1].engineer_id
    event = TicketEvent.objects.get(ticket=assigned, kind=EventKind.DISPATCH)
    assert event.data["mode"] == "batch"
    assert event.data["proposal"] == proposal.pk
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PARTIAL
    assert Ticket.objects.get(pk=proposed[2].ticket_id).assignee is None  # not chosen, not touched

    again = services.apply_proposal(actor=dispatcher, proposal=proposal, row_ids=chosen)
    assert (again.applied, again.skipped) == (0, 0)  # already decided rows are left alone
    assert (
        TicketEvent.objects.filter(kind=EventKind.ASSIGNED, ticket_id__in=[t.pk for t in tickets]).count()
        == 2
    )
    rest = services.apply_proposal(actor=dispatcher, proposal=proposal)
    assert rest.applied == 2
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPLIED


def test_apply_refuses_rows_of_another_proposal_and_discarded_proposals(
    make_engineer: Callable[..., EngineerProfile], make_ticket: Callable[..., Ticket], dispatcher: User
) -> None:
    make_engineer("Only")
    make_ticket()
    first = services.create_proposal(actor=dispatcher)
    second = services.create_proposal(actor=dispatcher)
    first.refresh_from_db()
    assert first.status == ProposalStatus.DISCARDED  # a new proposal replaces the open one
    with pytest.raises(Conflict):
        services.apply_proposal(actor=dispatcher, proposal=first)
    foreign = ProposalRow.objects.filter(proposal=first).values_list("pk", flat=True)
    with pytest.raises(ServiceError) as refused:
        services.apply_proposal(actor=dispatcher, proposal=second, row_ids=list(foreign))
    assert "rows" in refused.value.fields
    with pytest.raises(ServiceError):
        services.apply_proposal(actor=dispatcher, proposal=second, row_ids=[])
    assert not Ticket.objects.filter(assignee__isnull=False).exists()
    assert BatchProposal.objects.count() == 2
