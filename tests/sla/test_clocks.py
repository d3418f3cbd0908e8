"""SLA clocks on requests: start, meet, pause, resume, re-target, reopen, sweep, escalate, verify.

Times are Asia/Shanghai. The warranty server works to the basic-warranty product on the 5×9
China calendar (Mon–Fri 09:00–18:00, public holidays off); P1 there means: response 15 min,
dispatch 30 min, on site 540 min (next business day), resolution 780 min, an update every 30 min.
2026-03-02 is a Monday and a normal workday.
"""

import datetime
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.core.models import OutboxMessage
from sasms.sla.clocks.replay import verify
from sasms.sla.clocks.selectors import at_risk, breached, clock_views, with_time_to_breach
from sasms.sla.clocks.services import sweep
from sasms.sla.deadlines import deadlines_for, next_deadline_for
from sasms.sla.models import BusinessCalendar, ClockEntry, ClockState, EscalationPolicy, FiredStep, SlaClock
from sasms.tickets import services
from sasms.tickets.choices import EventKind, Level
from sasms.tickets.events import record_event
from sasms.tickets.models import Ticket, TicketEvent

SH = ZoneInfo("Asia/Shanghai")


def sh(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=SH)  # type: ignore[arg-type, misc]


@pytest.fixture
def travel() -> Iterator[Callable[[datetime.datetime], None]]:
    travellers: list[Any] = []

    def go(moment: datetime.datetime) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def warranty_server(customer_a: Organisation) -> Server:
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="PowerEdge R750")
    return asset_services.create_server(
        actor=None,
        model=model,
        serial="CN7WARR01",
        organisation=customer_a,
        warranty_start=datetime.date(2025, 1, 1),
        warranty_end=datetime.date(2028, 12, 31),
    )


@pytest.fixture
def requester(customer_a: Organisation) -> Contact:
    return Contact.objects.create(organisation=customer_a, name="李娜", email="li@a.example")


@pytest.fixture
def engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.ENGINEER, language="en")


@pytest.fixture
def dispatcher(make_user: Callable[..., User]) -> User:
    return make_user(Role.DISPATCHER, language="en")


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en")


@pytest.fixture
def open_p1(
    travel: Callable[[datetime.datetime], None],
    customer_a: Organisation,
    warranty_server: Server,
    requester: Contact,
) -> Callable[[datetime.datetime], Ticket]:
    def make(moment: datetime.datetime) -> Ticket:
        travel(moment)
        return services.create_ticket(
            actor=None,
            organisation=customer_a,
            server=warranty_server,
            requester=requester,
            title="PSU 2 failed, redundancy lost",
            impact=Level.HIGH,
            urgency=Level.HIGH,
        )

    return make


def clocks_of(ticket: Ticket) -> dict[str, SlaClock]:
    return {c.kind: c for c in SlaClock.objects.filter(ticket=ticket)}


def test_creation_starts_clocks_from_the_entitlement_on_business_time(
    open_p1: Callable[[datetime.datetime], Ticket],
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    clocks = clocks_of(ticket)
    assert set(clocks) == {"response", "dispatch", "onsite", "resolution"}
    assert clocks["response"].due_at == sh(2026, 3, 2, 10, 15)
    assert clocks["dispatch"].due_at == sh(2026, 3, 2, 10, 30)
    # 540 business minutes: 8 h left on Monday, 1 h on Tuesday morning.
    assert clocks["onsite"].due_at == sh(2026, 3, 3, 10, 0)
    assert clocks["resolution"].due_at == sh(2026, 3, 3, 14, 0)
    assert all(c.state == ClockState.RUNNING for c in clocks.values())
    assert clocks["response"].calendar.code == "cn-5x9"
    assert ClockEntry.objects.filter(clock__ticket=ticket, kind="started").count() == 4


def test_a_request_opened_on_friday_evening_is_due_on_monday_morning(
    open_p1: Callable[[datetime.datetime], Ticket],
) -> None:
    ticket = open_p1(sh(2026, 3, 6, 17, 50))
    assert clocks_of(ticket)["response"].due_at == sh(2026, 3, 9, 9, 5)


def test_public_staff_reply_meets_the_response_and_starts_the_update_cadence(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    engineer: User,
    customer_user: User,
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    travel(sh(2026, 3, 2, 10, 5))
    services.add_comment(actor=customer_user, ticket=ticket, body="Any news?")
    services.add_comment(actor=engineer, ticket=ticket, body="Checking the logs", internal=True)
    assert clocks_of(ticket)["response"].state == ClockState.RUNNING
    travel(sh(2026, 3, 2, 10, 10))
    services.add_comment(actor=engineer, ticket=ticket, body="We are on it.")
    clocks = clocks_of(ticket)
    assert clocks["response"].state == ClockState.MET
    assert clocks["response"].met_at == sh(2026, 3, 2, 10, 10)
    assert clocks["response"].breached_at is None
    assert clocks["update"].due_at == sh(2026, 3, 2, 10, 40)
    # The next update comes 40 minutes later: that cycle was missed, the next one starts.
    travel(sh(2026, 3, 2, 10, 50))
    services.add_comment(actor=engineer, ticket=ticket, body="Part ordered.")
    update = clocks_of(ticket)["update"]
    assert (update.cycle, update.cycles_missed, update.due_at) == (2, 1, sh(2026, 3, 2, 11, 20))


def test_assignment_meets_dispatch_and_check_in_meets_on_site_at_the_time_it_happened(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    engineer: User,
    dispatcher: User,
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    travel(sh(2026, 3, 2, 10, 20))
    services.assign_ticket(actor=dispatcher, ticket=ticket, assignee=engineer)
    travel(sh(2026, 3, 3, 11, 0))
    # Synchronised late from a phone that was offline: it counts when the engineer arrived.
    record_event(
        ticket=ticket,
        actor=engineer,
        kind=EventKind.VISIT,
        public=True,
        data={"step": "checked_in", "visit_id": 1, "occurred_at": sh(2026, 3, 3, 9, 40).isoformat()},
    )
    clocks = clocks_of(ticket)
    assert (clocks["dispatch"].state, clocks["dispatch"].met_at) == ("met", sh(2026, 3, 2, 10, 20))
    assert (clocks["onsite"].state, clocks["onsite"].met_at) == ("met", sh(2026, 3, 3, 9, 40))
    assert clocks["onsite"].breached_at is None


def test_a_remote_fix_stops_the_on_site_clock_and_nothing_breaches_afterwards(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    engineer: User,
    manager: User,
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    services.transition_ticket(actor=engineer, ticket=ticket, action="start")
    services.add_comment(actor=engineer, ticket=ticket, body="Looking at it remotely.")
    travel(sh(2026, 3, 2, 11, 0))
    services.transition_ticket(
        actor=engineer,
        ticket=ticket,
        action="resolve",
        resolution_code="configuration_changed",
        resolution_summary="PSU redundancy restored by re-seating it remotely (iDRAC).",
    )
    onsite = clocks_of(ticket)["onsite"]
    assert (onsite.state, onsite.breached_at, onsite.consumed_minutes) == (ClockState.STOPPED, None, 60)
    # Long after the on-site due time (Tuesday 10:00): no breach, no escalation of a resolved request.
    travel(sh(2026, 3, 4, 10, 0))
    result = sweep()
    assert result.breaches == 0
    assert not FiredStep.objects.filter(clock__ticket=ticket, clock__kind="onsite").exists()
    assert clocks_of(ticket)["onsite"].breached_at is None
    assert verify(ticket_ids=[ticket.pk]) == (1, [])


def test_a_breach_before_the_resolution_stays_on_the_record(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    engineer: User,
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    services.transition_ticket(actor=engineer, ticket=ticket, action="start")
    travel(sh(2026, 3, 3, 12, 0))  # nobody went on site by Tuesday 10:00
    services.transition_ticket(
        actor=engineer,
        ticket=ticket,
        action="resolve",
        resolution_code="configuration_changed",
        resolution_summary="Fixed remotely after all.",
    )
    onsite = clocks_of(ticket)["onsite"]
    assert (onsite.state, onsite.breached_at) == (ClockState.STOPPED, sh(2026, 3, 3, 10, 0))
    kinds = list(ClockEntry.objects.filter(clock=onsite).values_list("kind", flat=True))
    assert kinds == ["started", "breached", "stopped"]


def test_waiting_for_the_customer_pauses_resolution_and_the_due_time_moves(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    engineer: User,
    customer_user: User,
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    services.transition_ticket(actor=engineer, ticket=ticket, action="start")
    travel(sh(2026, 3, 2, 11, 0))
    services.transition_ticket(actor=engineer, ticket=ticket, action="wait_customer", reason="Need the logs")
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.state, resolution.due_at, resolution.consumed_minutes) == ("paused", None, 60)
    # Paused for the night and two business hours; the customer answers at 11:00 the next day.
    travel(sh(2026, 3, 3, 11, 0))
    services.add_comment(actor=customer_user, ticket=ticket, body="Logs attached")
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.state == ClockState.RUNNING
    # 720 business minutes were left: Tue 11:00–18:00 is 420, then 300 on Wednesday → 14:00.
    assert resolution.due_at == sh(2026, 3, 4, 14, 0)
    kinds = list(ClockEntry.objects.filter(clock=resolution).values_list("kind", flat=True))
    assert kinds == ["started", "paused", "resumed"]


def test_reopening_resumes_the_resolution_clock_instead_of_breaching(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    engineer: User,
    customer_user: User,
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    services.transition_ticket(actor=engineer, ticket=ticket, action="start")
    travel(sh(2026, 3, 2, 12, 0))
    services.transition_ticket(
        actor=engineer,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="New PSU",
    )
    assert clocks_of(ticket)["resolution"].state == ClockState.MET
    # Reopened three business days later: 120 minutes were used, 660 remain from the reopening.
    travel(sh(2026, 3, 5, 10, 0))
    services.transition_ticket(actor=customer_user, ticket=ticket, action="reopen", reason="Fails again")
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.state == ClockState.RUNNING
    assert resolution.breached_at is None
    assert resolution.met_at is None
    assert resolution.due_at == sh(2026, 3, 6, 12, 0)


def test_priority_change_re_targets_running_clocks(
    travel: Callable[[datetime.datetime], None],
    customer_a: Organisation,
    warranty_server: Server,
    engineer: User,
) -> None:
    travel(sh(2026, 3, 2, 10, 0))
    ticket = services.create_ticket(
        actor=None, organisation=customer_a, server=warranty_server, title="Slow disk"
    )
    assert ticket.priority == "P3"
    assert clocks_of(ticket)["resolution"].target_minutes == 3 * 540
    travel(sh(2026, 3, 2, 11, 0))
    services.change_priority(actor=engineer, ticket=ticket, priority="P1", reason="Production down")
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.target_minutes == 780
    assert resolution.due_at == sh(2026, 3, 3, 14, 0)
    entry = ClockEntry.objects.get(clock=resolution, kind="retargeted")
    version = BusinessCalendar.objects.get(pk=resolution.calendar_id).version
    assert entry.data == {"previous": 1620, "calendar_version": version}
    assert "P3 → P1" in entry.reason


def test_sweep_warns_then_escalates_each_step_once(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    engineer: User,
    dispatcher: User,
    manager: User,
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    services.assign_ticket(actor=dispatcher, ticket=ticket, assignee=engineer)
    travel(sh(2026, 3, 2, 10, 8))  # response at 53 %: the P1 policy's 50 % step
    first = sweep()
    assert first.steps_fired == 1
    assert sweep().steps_fired == 0  # nothing new: never twice
    travel(sh(2026, 3, 2, 10, 16))  # response breached (75 % and 100 % steps are due)
    result = sweep()
    assert result.breaches == 1
    assert result.steps_fired == 2
    ticket.refresh_from_db()
    assert ticket.tier == 2  # the breach step escalates a tier
    response = clocks_of(ticket)["response"]
    assert response.breached_at == sh(2026, 3, 2, 10, 15)
    assert FiredStep.objects.filter(clock=response).count() == 3
    sla_events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA)
    assert sla_events.count() == 3
    assert manager in ticket.watchers.all()  # escalated to management
    mails = [m for m in OutboxMessage.objects.all() if "SLA" in m.payload["subject"]]
    recipients = sorted(tuple(m.payload["to"]) for m in mails)
    assert (engineer.email,) in recipients
    assert (manager.email,) in recipients
    assert sweep().steps_fired == 0


def test_no_warning_fires_outside_the_clocks_business_time(
    open_p1: Callable[[datetime.datetime], Ticket], travel: Callable[[datetime.datetime], None]
) -> None:
    ticket = open_p1(sh(2026, 3, 6, 17, 50))  # Friday: the 50 % point is 17:57:30
    travel(sh(2026, 3, 6, 20, 0))
    result = sweep()
    assert (result.steps_fired, result.deferred) == (0, 1)
    response = clocks_of(ticket)["response"]
    assert response.next_check_at == sh(2026, 3, 9, 9, 0)
    travel(sh(2026, 3, 7, 3, 0))  # Saturday night: not even looked at
    assert sweep().examined == 0
    travel(sh(2026, 3, 9, 9, 0, 30))
    assert sweep().steps_fired == 1


def test_deadlines_and_risk_queues(
    open_p1: Callable[[datetime.datetime], Ticket], travel: Callable[[datetime.datetime], None]
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    deadlines = deadlines_for([ticket.pk])[ticket.pk]
    assert [d.clock for d in deadlines] == ["response", "dispatch", "onsite", "resolution"]
    assert next_deadline_for([ticket.pk])[ticket.pk].due_at == sh(2026, 3, 2, 10, 15)
    queryset = Ticket.objects.all()
    assert not at_risk(queryset).exists()
    travel(sh(2026, 3, 2, 10, 12))  # 80 % of the response target
    assert list(at_risk(queryset)) == [ticket]
    travel(sh(2026, 3, 2, 10, 20))
    sweep()
    assert list(breached(queryset)) == [ticket]
    annotated = with_time_to_breach(queryset).get()
    assert getattr(annotated, "next_due") == sh(2026, 3, 2, 10, 30)  # noqa: B009  # dispatch: the next not yet breached


def test_clock_panel_explains_the_percentage(
    open_p1: Callable[[datetime.datetime], Ticket], travel: Callable[[datetime.datetime], None]
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 17, 0))
    travel(sh(2026, 3, 3, 9, 30))  # one hour Monday + half an hour Tuesday of 780 minutes
    views = {v.clock.kind: v for v in clock_views(ticket)}
    resolution = views["resolution"]
    assert resolution.used_minutes == 90
    assert resolution.percent == 11
    assert resolution.remaining_minutes == 690
    assert views["response"].risk == "danger"


def test_verify_finds_nothing_after_real_work_and_pinpoints_tampering(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    engineer: User,
    customer_user: User,
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    services.transition_ticket(actor=engineer, ticket=ticket, action="start")
    travel(sh(2026, 3, 2, 10, 30))
    services.add_comment(actor=engineer, ticket=ticket, body="Looking")
    services.transition_ticket(actor=engineer, ticket=ticket, action="wait_customer", reason="Logs?")
    travel(sh(2026, 3, 3, 10, 0))
    services.add_comment(actor=customer_user, ticket=ticket, body="Here")
    services.change_priority(actor=engineer, ticket=ticket, priority="P2", reason="Workaround in place")
    travel(sh(2026, 3, 3, 15, 0))
    sweep()
    services.transition_ticket(
        actor=engineer,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="PSU",
    )
    travel(sh(2026, 3, 4, 9, 0))
    services.transition_ticket(actor=customer_user, ticket=ticket, action="reopen", reason="Again")
    travel(sh(2026, 3, 4, 9, 3))
    checked, differences = verify()
    assert (checked, differences) == (1, [])
    call_command("sla", "verify")
    SlaClock.objects.filter(ticket=ticket, kind="resolution").update(due_at=sh(2026, 3, 9, 9, 0))
    _, differences = verify()
    assert [(d.clock, d.field) for d in differences] == [("resolution", "due_at")]
    with pytest.raises(CommandError):
        call_command("sla", "verify")


def test_a_due_time_costs_no_query_per_day(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    customer_a: Organisation,
    warranty_server: Server,
    django_assert_max_num_queries: Any,
) -> None:
    open_p1(sh(2026, 3, 2, 10, 0))  # warms the caches
    travel(sh(2026, 3, 2, 11, 0))
    # P4 resolution is five business days away: far more days than the queries allowed.
    with django_assert_max_num_queries(40):
        services.create_ticket(
            actor=None,
            organisation=customer_a,
            server=warranty_server,
            title="Fan noise",
            impact=Level.LOW,
            urgency=Level.LOW,
        )


def test_queues_show_requests_at_risk_and_breached_sorted_by_time_to_breach(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    customer_a: Organisation,
    warranty_server: Server,
    client_for: Callable[[User], Any],
    agent: User,
) -> None:
    urgent = open_p1(sh(2026, 3, 2, 10, 0))
    travel(sh(2026, 3, 2, 10, 5))
    calm = services.create_ticket(
        actor=None, organisation=customer_a, server=warranty_server, title="Fan noise"
    )
    travel(sh(2026, 3, 2, 10, 13))
    client = client_for(agent)
    page = client.get("/requests/queue/at_risk/")
    assert page.status_code == 200
    assert [t.number for t in page.context["page"]] == [urgent.number]
    assert client.get("/requests/queue/breached/").context["page"].paginator.count == 0
    ordered = client.get("/requests/queue/all/?sort=next_due").context["page"]
    assert [t.number for t in ordered] == [urgent.number, calm.number]
    travel(sh(2026, 3, 2, 10, 20))
    sweep()
    breached_page = client.get("/requests/queue/breached/")
    assert [t.number for t in breached_page.context["page"]] == [urgent.number]
    export = client.get("/requests/queue/breached/?export=csv")
    assert export.status_code == 200


def test_clock_api_lists_only_visible_requests_clocks_with_their_ledger(
    open_p1: Callable[[datetime.datetime], Ticket],
    api_for: Callable[[User], Any],
    agent: User,
    customer_user: User,
    make_user: Callable[..., User],
    customer_b: Organisation,
) -> None:
    ticket = open_p1(sh(2026, 3, 2, 10, 0))
    staff = api_for(agent).get(f"/api/v1/sla/clocks/?number={ticket.number}&kind=response")
    assert staff.status_code == 200
    [clock] = staff.json()["results"]
    assert (clock["kind"], clock["status"], clock["calendar_code"]) == ("response", "running", "cn-5x9")
    assert [e["kind"] for e in clock["entries"]] == ["started"]
    own = api_for(customer_user).get("/api/v1/sla/clocks/")
    assert own.json()["count"] == 4
    other = api_for(make_user(Role.CUSTOMER, organisation=customer_b)).get("/api/v1/sla/clocks/")
    assert other.json()["count"] == 0
    assert api_for(customer_user).get("/api/v1/sla/escalation-policies/").json()["count"] == 0
    assert api_for(agent).get("/api/v1/sla/escalation-policies/").json()["count"] == 2


def test_breach_policy_can_raise_priority_and_return_the_request_to_dispatch(
    travel: Callable[[datetime.datetime], None],
    customer_a: Organisation,
    warranty_server: Server,
    engineer: User,
    manager: User,
) -> None:
    from sasms.sla import policies

    policies.save_policy(
        actor=manager,
        name="P3 strict",
        priorities=["P3"],
        around_the_clock=True,
        is_active=True,
        steps=[policies.StepInput("response", "1", ["raise_priority", "reassign"])],
    )
    travel(sh(2026, 3, 2, 10, 0))
    ticket = services.create_ticket(actor=None, organisation=customer_a, server=warranty_server, title="Slow")
    services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    assert clocks_of(ticket)["resolution"].target_minutes == 1620
    travel(sh(2026, 3, 5, 12, 0))  # 24 business hours later: the P3 response target is missed
    sweep()
    ticket.refresh_from_db()
    first = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA).order_by("id").first()
    assert first is not None
    assert (first.data["clock"], first.data["actions"]) == ("response", ["raise_priority", "reassign"])
    assert ticket.priority == "P2"
    assert ticket.assignee is None
    assert ticket.status == "new"
    # The priority change re-targeted the clocks still running to the P2 figures, under which
    # the resolution clock is breached too: the standard policy (P2) has escalated it as well.
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.target_minutes == 2 * 540
    assert resolution.breached_at is not None
    assert ticket.tier == 2


def test_an_around_the_clock_policy_fires_at_night(
    open_p1: Callable[[datetime.datetime], Ticket],
    travel: Callable[[datetime.datetime], None],
    manager: User,
) -> None:
    from sasms.sla import policies

    policy = EscalationPolicy.objects.get(priorities="P1")
    policies.save_policy(
        actor=manager,
        policy=policy,
        name=policy.name,
        priorities=["P1"],
        around_the_clock=True,
        is_active=True,
        steps=[policies.StepInput("", "0.5", ["notify_assignee"])],
    )
    open_p1(sh(2026, 3, 6, 17, 50))
    travel(sh(2026, 3, 6, 20, 0))
    assert sweep().steps_fired == 1
