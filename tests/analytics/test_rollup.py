"""The rollups answer exactly what the direct computation answers, before and after incremental
refreshes, and an incremental refresh recomputes only what changed."""

import dataclasses
import datetime
import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.analytics import kpis, rollups
from sasms.analytics.kpis import KpiFilter
from sasms.analytics.models import KpiRollup, RefreshState, RequestFact
from sasms.analytics.refresh import refresh_full, refresh_incremental
from sasms.analytics.tasks import refresh_rollups
from sasms.assets.services import update_server
from sasms.sla.models import ClockEntry, ClockState, SlaClock
from sasms.tickets.choices import Category, ComponentArea, Status, TicketType
from sasms.tickets.models import Ticket
from tests.analytics.conftest import Fleet, add_clock, add_movement, add_survey, add_visit, make_request, sh

PERIOD = (datetime.date(2026, 2, 1), datetime.date(2026, 3, 31))


@pytest.fixture(autouse=True)
def _no_overlap(settings: Any) -> None:
    # Exact watermarks, so a test can count what one refresh recomputed.
    settings.SASMS_ANALYTICS_REFRESH_OVERLAP_SECONDS = 0


def _random_requests(fleet: Fleet, rng: random.Random, count: int) -> list[Ticket]:
    servers = [*fleet.servers.values(), None]
    engineers = [*fleet.engineers.values(), None]
    teams = [*fleet.teams.values(), None]
    made = []
    for _ in range(count):
        created = sh(2026, 1, 15, 8) + datetime.timedelta(minutes=rng.randrange(0, 85 * 24 * 60))
        responded = (
            created + datetime.timedelta(minutes=rng.randrange(1, 600)) if rng.random() < 0.8 else None
        )
        resolved = (
            created + datetime.timedelta(minutes=rng.randrange(60, 20 * 24 * 60))
            if responded and rng.random() < 0.7
            else None
        )
        server = rng.choice(servers)
        ticket = make_request(
            fleet,
            created=created,
            server=server,
            org=None if server else rng.choice([fleet.customer_a, fleet.customer_b]),
            team=rng.choice(teams),
            engineer=rng.choice(engineers),
            priority=rng.choice(["P1", "P2", "P3", "P4"]),
            type=rng.choice([TicketType.INCIDENT, TicketType.INCIDENT, TicketType.SERVICE_REQUEST]),
            category=rng.choice([Category.HARDWARE, Category.HARDWARE, Category.SOFTWARE]),
            component=rng.choice(["", ComponentArea.DISK, ComponentArea.PSU, ComponentArea.MEMORY]),
            responded=responded,
            resolved=resolved,
            status=rng.choice([Status.CANCELLED, Status.IN_PROGRESS, Status.NEW]) if not resolved else "",
            first_time_fix=rng.choice([True, False, None]) if resolved else None,
            reopen_count=rng.choice([0, 0, 1]),
            work_minutes=rng.randrange(0, 300) if resolved else 0,
        )
        if responded:
            add_clock(fleet, ticket, "response", consumed=rng.randrange(0, 200), breached=rng.random() < 0.2)
        if resolved and rng.random() < 0.8:
            add_clock(
                fleet, ticket, "resolution", consumed=rng.randrange(60, 3000), breached=rng.random() < 0.3
            )
        if rng.random() < 0.3:
            add_clock(
                fleet,
                ticket,
                "update",
                state=ClockState.RUNNING,
                cycle=rng.randrange(1, 5),
                cycles_missed=rng.randrange(0, 2),
            )
        if resolved and rng.random() < 0.5:
            scores = (rng.randrange(1, 6), rng.randrange(1, 6), rng.randrange(1, 6), rng.randrange(1, 6))
            add_survey(ticket, scores, resolved + datetime.timedelta(days=rng.randrange(0, 3)))
        if rng.random() < 0.3 and fleet.engineers:
            add_visit(
                ticket,
                rng.choice(list(fleet.engineers.values())),
                checked_in=created + datetime.timedelta(hours=3),
            )
        if rng.random() < 0.2:
            add_movement(fleet, ticket, "issue", rng.randrange(1, 3), f"{rng.randrange(100, 2000)}.50")
        made.append(ticket)
    return made


def _filters(fleet: Fleet) -> list[KpiFilter]:
    start, end = PERIOD
    march = datetime.date(2026, 3, 1)
    return [
        KpiFilter(start, end),
        KpiFilter(march, end),
        KpiFilter(datetime.date(2026, 2, 10), datetime.date(2026, 2, 10)),
        KpiFilter(start, end, organisation_id=fleet.customer_a.pk),
        KpiFilter(start, end, organisation_id=fleet.customer_b.pk, priority="P2"),
        KpiFilter(start, end, team_id=fleet.teams["north"].pk),
        KpiFilter(start, end, vendor_id=fleet.dell.pk),
        KpiFilter(march, end, model_id=fleet.dl380.pk, organisation_id=fleet.customer_a.pk),
        KpiFilter(start, end, engineer_id=fleet.engineers["li"].pk),
        KpiFilter(start, end, engineer_id=fleet.engineers["wang"].pk, organisation_id=fleet.customer_b.pk),
        KpiFilter(start, end, category=Category.SOFTWARE, team_id=fleet.teams["south"].pk, priority="P1"),
    ]


def _comparable(value: Any) -> Any:
    """Dataclasses as plain data, floats rounded (sums of per-request minutes vs exact durations)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _comparable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_comparable(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def _assert_rollup_equals_direct(fleet: Fleet) -> None:
    for kpi_filter in _filters(fleet):
        rollup = kpis.dashboard(kpi_filter, source="rollup")
        direct = kpis.dashboard(kpi_filter, source="direct")
        assert _comparable(rollup) == _comparable(direct), kpi_filter
        assert rollup.summary.cost_per_request == direct.summary.cost_per_request


def test_rollups_equal_direct_through_changes_and_rebuilds(fleet: Fleet) -> None:
    rng = random.Random(20260302)
    tickets = _random_requests(fleet, rng, 160)
    refresh_full()
    board = kpis.dashboard(KpiFilter(*PERIOD))
    assert board.summary.created > 50
    assert board.summary.resolved > 20
    assert board.summary.csat.count > 5
    _assert_rollup_equals_direct(fleet)

    # Change some: resolve, reopen, re-team, survey, breach, visit, part — then refresh.
    now = timezone.now()
    open_ones = [t for t in tickets if t.resolved_at is None and t.status != Status.CANCELLED]
    for ticket in open_ones[:5]:
        Ticket.objects.filter(pk=ticket.pk).update(
            status=Status.RESOLVED, resolution_code="fixed", resolved_at=sh(2026, 3, 20, 10),
            first_response_at=sh(2026, 3, 19, 9), first_time_fix=True, work_minutes=90, updated_at=now,
        )  # fmt: skip
    resolved = [t for t in tickets if t.resolved_at is not None]
    for ticket in resolved[:4]:
        Ticket.objects.filter(pk=ticket.pk).update(
            status=Status.IN_PROGRESS, resolved_at=None, reopen_count=2, first_time_fix=False, updated_at=now
        )
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[10:14]]).update(
        team=fleet.teams["south"], updated_at=now
    )
    unsurveyed = [t for t in resolved[4:] if not hasattr(t, "survey")]
    add_survey(unsurveyed[0], (1, 2, 1, 2), sh(2026, 3, 25, 9))
    clock = SlaClock.objects.filter(kind="response", breached_at__isnull=True).first()
    assert clock is not None
    SlaClock.objects.filter(pk=clock.pk).update(breached_at=clock.started_at)
    ClockEntry.objects.create(clock=clock, at=now, kind="breached", consumed_minutes=1, target_minutes=60)
    add_visit(tickets[20], fleet.engineers["zhao"], checked_in=sh(2026, 3, 3, 9))
    add_movement(fleet, tickets[21], "issue", 3, "99.99")
    new = _random_requests(fleet, rng, 20)

    result = refresh_incremental()
    assert not result.full
    assert result.facts >= 5 + 4 + 4 + 1 + 1 + 1 + 1 + 20 - 6  # some changes may hit the same request
    assert result.facts < len(tickets)  # not everything
    assert RequestFact.objects.count() == Ticket.objects.count() == len(tickets) + len(new)
    _assert_rollup_equals_direct(fleet)

    incremental_rows = Counter(KpiRollup.objects.values_list(*_ROLLUP_KEY))
    refresh_full()
    assert Counter(KpiRollup.objects.values_list(*_ROLLUP_KEY)) == incremental_rows
    _assert_rollup_equals_direct(fleet)


_ROLLUP_KEY = (
    "grouping",
    "day",
    "organisation_id",
    "team_id",
    "engineer_id",
    "model_id",
    "component",
    "created",
    "resolved",
    "csat_count",
    "sla_response_breached",
)


def test_an_incremental_refresh_recomputes_only_what_changed(
    fleet: Fleet, django_assert_max_num_queries: Callable[[int], Any]
) -> None:
    quiet = make_request(
        fleet, created=sh(2026, 3, 2, 10), resolved=sh(2026, 3, 3, 10), responded=sh(2026, 3, 2, 11)
    )
    busy = make_request(fleet, created=sh(2026, 3, 9, 10), server=fleet.servers["b1"], component="fan")
    first = refresh_incremental()  # never run before: a full rebuild
    assert (first.full, first.facts) == (True, 2)
    assert refresh_incremental().facts == 0  # nothing changed: nothing recomputed
    before = RequestFact.objects.get(pk=quiet.pk).refreshed_at

    Ticket.objects.filter(pk=busy.pk).update(
        status=Status.RESOLVED,
        resolution_code="fixed",
        resolved_at=sh(2026, 3, 12, 9),
        updated_at=timezone.now(),
    )
    with django_assert_max_num_queries(40):
        result = refresh_incremental()
    # One request; its days: created 9 March and (now) resolved and ended 12 March.
    assert (result.facts, result.days) == (1, 2)
    assert RequestFact.objects.get(pk=quiet.pk).refreshed_at == before
    assert set(KpiRollup.objects.values_list("day", flat=True)) == {
        datetime.date(2026, 3, d) for d in (2, 3, 9, 12)
    }
    assert kpis.summary(KpiFilter(datetime.date(2026, 3, 12), datetime.date(2026, 3, 12))).resolved == 1

    add_survey(busy, (4, 4, 4, 4), sh(2026, 3, 13, 9))  # a survey answered: found by its id
    assert (refresh_incremental().facts, RefreshState.objects.get().last_survey_response_id) == (
        1,
        busy.survey.response.pk,
    )


def test_a_new_request_makes_a_later_one_on_the_same_server_a_repeat(fleet: Fleet) -> None:
    later = make_request(
        fleet,
        created=sh(2026, 3, 20, 10),
        server=fleet.servers["a1"],
        component="disk",
        resolved=sh(2026, 3, 21, 10),
    )
    refresh_full()
    assert RequestFact.objects.get(pk=later.pk).repeat is False
    # Recorded late (back-dated): an earlier failure of the same disk within 30 days.
    make_request(fleet, created=sh(2026, 3, 1, 10), server=fleet.servers["a1"], component="disk")
    assert refresh_incremental().facts == 2
    assert RequestFact.objects.get(pk=later.pk).repeat is True
    assert (
        kpis.summary(
            KpiFilter(datetime.date(2026, 3, 21), datetime.date(2026, 3, 21))
        ).repeat_failure.numerator
        == 1
    )


def test_a_server_moved_to_another_model_moves_its_requests_in_the_rollups(
    fleet: Fleet, make_user: Callable[..., Any]
) -> None:
    server = fleet.servers["a1"]  # a Dell R750
    on_server = [
        make_request(fleet, created=sh(2026, 3, day, 10), server=server, component="disk") for day in (2, 9)
    ]
    elsewhere = make_request(fleet, created=sh(2026, 3, 4, 10), server=fleet.servers["b2"])
    refresh_full()
    march = KpiFilter(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert rollups.faults_by_model(march)[fleet.r750.pk] == 2

    # Entered with the wrong model; the asset manager corrects it to an HPE DL380.
    manager = make_user(Role.SERVICE_MANAGER)
    update_server(actor=manager, server=server, model=fleet.dl380)
    result = refresh_incremental()
    assert result.facts == len(on_server)  # the requests themselves did not change
    assert set(RequestFact.objects.filter(model_id=fleet.dl380.pk).values_list("ticket_id", flat=True)) == {
        *(t.pk for t in on_server),
        elsewhere.pk,
    }
    assert fleet.r750.pk not in rollups.faults_by_model(march)
    assert rollups.faults_by_model(march)[fleet.dl380.pk] == 3
    _assert_rollup_equals_direct(fleet)
    incremental_rows = Counter(KpiRollup.objects.values_list(*_ROLLUP_KEY, "vendor_id"))
    refresh_full()
    assert Counter(KpiRollup.objects.values_list(*_ROLLUP_KEY, "vendor_id")) == incremental_rows

    # Another edit of the server (its hostname) recomputes nothing.
    update_server(actor=manager, server=server, hostname="db-01")
    assert refresh_incremental().facts == 0


def test_a_service_request_cannot_be_deleted_in_the_admin(
    fleet: Fleet, client_for: Callable[[Any], Any]
) -> None:
    ticket = make_request(fleet, created=sh(2026, 3, 2, 10))
    admin_user = User.objects.create_superuser("root@example.com", "Admin-pass-2026!")
    client = client_for(admin_user)
    url = f"/django-admin/tickets/ticket/{ticket.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_the_dashboard_from_rollups_is_a_handful_of_queries_whatever_the_data(
    fleet: Fleet, django_assert_max_num_queries: Callable[[int], Any]
) -> None:
    _random_requests(fleet, random.Random(7), 120)
    refresh_full()
    for kpi_filter in _filters(fleet)[:4]:
        with django_assert_max_num_queries(14):
            kpis.dashboard(kpi_filter, source="rollup")


def test_command_task_and_demo_step(fleet: Fleet, capsys: pytest.CaptureFixture[str]) -> None:
    make_request(fleet, created=sh(2026, 3, 2, 10))
    call_command("analytics_refresh", "--full")
    assert "full rebuild: 1 requests recomputed" in capsys.readouterr().out
    make_request(fleet, created=sh(2026, 3, 3, 10))
    call_command("analytics_refresh")
    assert "incremental refresh: 1 requests recomputed, 1 days of rollups" in capsys.readouterr().out
    assert refresh_rollups()["facts"] == 0
    assert refresh_rollups(full=True)["facts"] == 2

    from sasms.analytics.demo import build_step

    state: dict[str, Any] = {}
    build_step(rng=random.Random(1), scale=1, progress=lambda *a: None, state=state)
    assert state["analytics"].facts == 2
    assert RequestFact.objects.count() == 2


def test_parts_turnover_is_the_parts_stock_report(fleet: Fleet, make_user: Callable[..., Any]) -> None:
    clerk = make_user("parts_clerk")
    assert list(kpis.parts_turnover(actor=clerk)) == []
    assert Decimal(0) == sum((row.stock_value for row in kpis.parts_turnover(actor=clerk)), Decimal(0))
