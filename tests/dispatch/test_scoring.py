"""Score components and hard constraints of the recommendation for one request."""

import dataclasses
import datetime
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.utils import timezone

from sasms.accounts.roles import Role
from sasms.dispatch import factors as factor_registry
from sasms.dispatch import services
from sasms.dispatch.choices import AVAILABILITY, CERTIFICATION, FTFR, LOAD, SKILL, TRAVEL
from sasms.dispatch.engine.facts import TICKET_RELATED, facts_for
from sasms.dispatch.engine.pool import ftfr_table, load_pool
from sasms.dispatch.engine.recommend import Candidate, recommend
from sasms.dispatch.engine.scoring import score_matrix
from sasms.dispatch.factors import EngineerCandidate, ExternalFactor, FactorScore
from sasms.dispatch.geo import great_circle_km
from sasms.dispatch.models import EngineerProfile
from sasms.dispatch.selectors import current_settings
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import EventKind
from sasms.tickets.events import record_event
from sasms.tickets.models import Ticket
from tests.dispatch.conftest import BEIJING, HANGZHOU, SHANGHAI, SUZHOU, sh

pytestmark = pytest.mark.django_db


def factor(candidate: Candidate, key: str) -> Any:
    return next(f for f in candidate.factors if f.key == key)


def by_name(candidates: Sequence[Candidate], name: str) -> Candidate:
    return next(c for c in candidates if c.name == name)


def test_skill_level_ranks_the_expert_first(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket
) -> None:
    make_engineer("Novice", skills={("category", "hardware"): 1, ("component", "disk"): 1})
    make_engineer("Expert", skills={("category", "hardware"): 5, ("component", "disk"): 5})
    make_engineer("Network only", skills={("category", "network"): 5})
    result = recommend(ticket, settings=current_settings())
    assert next(c.name for c in result.ranked) == "Expert"
    assert factor(by_name(result.ranked, "Expert"), SKILL).score == pytest.approx(1.0)
    assert factor(by_name(result.ranked, "Novice"), SKILL).score == pytest.approx(0.2)
    network = factor(by_name(result.ranked, "Network only"), SKILL)
    assert network.score == 0.0
    assert "No rated skill" in str(network.reason)
    assert "Disk level 5" in str(factor(by_name(result.ranked, "Expert"), SKILL).reason)


def test_certification_valid_generic_expired_and_policy(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket
) -> None:
    make_engineer("Certified")
    generic = make_engineer("CompTIA", certified=False)
    services.add_certification(
        actor=None,
        profile=generic,
        name="CompTIA Server+",
        issuer="CompTIA",
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    lapsed = make_engineer("Lapsed", certified=False)
    dell = ticket.server.model.vendor  # type: ignore[union-attr]
    services.add_certification(
        actor=None,
        profile=lapsed,
        name="Dell PowerEdge Professional",
        vendor=dell,
        valid_until=datetime.date(2020, 1, 31),
    )
    result = recommend(ticket, settings=current_settings())  # hardware request: certification required
    assert factor(by_name(result.ranked, "Certified"), CERTIFICATION).score == 1.0
    assert [c.name for c in result.ranked] == ["Certified"]
    expired = by_name(result.excluded, "Lapsed")
    assert [r.code for r in expired.exclusions] == ["exclude.cert_expired"]
    assert "expired on 2020-01-31" in str(expired.exclusions[0])
    assert [r.code for r in by_name(result.excluded, "CompTIA").exclusions] == ["exclude.cert_missing"]

    settings = services.update_settings(actor=None, certification_policy="never")
    relaxed = recommend(ticket, settings=settings)
    assert not relaxed.excluded
    assert factor(by_name(relaxed.ranked, "CompTIA"), CERTIFICATION).score == 0.5
    assert factor(by_name(relaxed.ranked, "Lapsed"), CERTIFICATION).score == 0.0
    assert "expired on 2020-01-31" in str(factor(by_name(relaxed.ranked, "Lapsed"), CERTIFICATION).reason)


def test_travel_time_follows_distance_road_factor_and_speed(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket
) -> None:
    make_engineer("Near", SUZHOU)
    make_engineer("Far", HANGZHOU)
    settings = services.update_settings(
        actor=None, road_factor=1.5, average_speed_kmh=60.0, travel_half_minutes=600
    )
    result = recommend(ticket, settings=settings)
    near, far = by_name(result.ranked, "Near"), by_name(result.ranked, "Far")
    distance = great_circle_km(*SUZHOU, *SHANGHAI)
    assert near.distance_km == pytest.approx(distance, abs=0.1)
    assert near.travel_minutes == pytest.approx(distance * 1.5 / 60 * 60, abs=0.1)
    assert factor(near, TRAVEL).score == pytest.approx(1 / (1 + distance * 1.5 / 600), abs=1e-3)
    assert factor(near, TRAVEL).score > factor(far, TRAVEL).score
    assert near.rank < far.rank
    assert "from the home base Near" in str(factor(near, TRAVEL).reason)


def test_a_recent_check_in_replaces_the_home_base(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket, make_ticket: Callable[..., Ticket]
) -> None:
    profile = make_engineer("Roaming", BEIJING)
    elsewhere = make_ticket(title="Earlier visit")
    checked_in = timezone.now() - datetime.timedelta(hours=1)
    record_event(
        ticket=elsewhere,
        actor=profile.user,
        kind=EventKind.VISIT,
        data={
            "step": "checked_in",
            "latitude": SUZHOU[0],
            "longitude": SUZHOU[1],
            "occurred_at": checked_in.isoformat(),
        },
    )
    profile.refresh_from_db()
    assert profile.position_at == checked_in
    assert profile.position_ticket_id == elsewhere.pk
    candidate = recommend(ticket, settings=current_settings()).ranked[0]
    assert candidate.distance_km == pytest.approx(great_circle_km(*SUZHOU, *SHANGHAI), abs=0.1)
    assert "last check-in" in str(factor(candidate, TRAVEL).reason)
    # A check-in older than the policy allows is ignored: travel is from home again.
    services.update_settings(actor=None, position_max_age_hours=1)
    EngineerProfile.objects.filter(pk=profile.pk).update(
        position_at=timezone.now() - datetime.timedelta(hours=2)
    )
    candidate = recommend(ticket, settings=current_settings()).ranked[0]
    assert candidate.distance_km == pytest.approx(great_circle_km(*BEIJING, *SHANGHAI), abs=0.1)


def test_load_scores_and_capacity_excludes(
    make_engineer: Callable[..., EngineerProfile], make_ticket: Callable[..., Ticket], ticket: Ticket
) -> None:
    busy = make_engineer("Busy", capacity=2)
    half = make_engineer("Half", capacity=4)
    for profile, count in ((busy, 2), (half, 2)):
        for n in range(count):
            other = make_ticket(title=f"Other {n}")
            ticket_services.assign_ticket(actor=None, ticket=other, assignee=profile.user)
    result = recommend(ticket, settings=current_settings())
    assert factor(by_name(result.ranked, "Half"), LOAD).score == pytest.approx(0.5)
    assert "2 of 4 open requests" in str(factor(by_name(result.ranked, "Half"), LOAD).reason)
    excluded = by_name(result.excluded, "Busy")
    assert [r.code for r in excluded.exclusions] == ["exclude.capacity"]
    assert "2 of 2" in str(excluded.exclusions[0])


def _facts_with_deadline(ticket: Ticket, due: datetime.datetime, now: datetime.datetime) -> Any:
    settings = current_settings()
    loaded = Ticket.objects.select_related(*TICKET_RELATED).get(pk=ticket.pk)
    [fact] = facts_for([loaded], settings=settings, now=now)
    return dataclasses.replace(fact, due_at=due, onsite_due_at=None, arrival_due_at=None)


def test_shift_on_call_and_the_sla_window(
    make_engineer: Callable[..., EngineerProfile],
    cal_5x9: Any,
    ticket: Ticket,
    travel: Callable[[datetime.datetime], None],
) -> None:
    saturday_night = sh(2026, 3, 7, 22, 0)
    travel(saturday_night)
    make_engineer("Around the clock")
    office = make_engineer("Office hours", calendar=cal_5x9)
    standby = make_engineer("Standby", calendar=cal_5x9)
    services.add_on_call(
        actor=None, profile=standby, starts_on=datetime.date(2026, 3, 7), ends_on=datetime.date(2026, 3, 8)
    )
    settings = current_settings()
    pool = load_pool(settings=settings, now=saturday_night)
    ftfr = ftfr_table(window_days=365, now=saturday_night)

    def scored(due: datetime.datetime) -> Any:
        return score_matrix(
            [_facts_with_deadline(ticket, due, saturday_night)], pool, settings=settings, ftfr=ftfr
        )

    names = [str(p.user) for p in pool.profiles]
    office_j, standby_j, always_j = (
        names.index("Office hours"),
        names.index("Standby"),
        names.index("Around the clock"),
    )
    # Due Sunday noon: the office engineer's next shift (Monday 09:00) comes too late.
    matrix = scored(sh(2026, 3, 8, 12, 0))
    assert [r.code for r in matrix.exclusions(0, office_j)] == ["exclude.shift"]
    assert matrix.exclusions(0, standby_j) == []
    a = matrix.keys.index(AVAILABILITY)
    assert matrix.scores[a, 0, always_j] == 1.0
    assert matrix.scores[a, 0, standby_j] == pytest.approx(0.85)
    assert str(matrix.explain(0, standby_j)[a].reason) == "On call now"
    # Due Monday 18:00: the office engineer can start at 09:00, penalised but not excluded.
    matrix = scored(sh(2026, 3, 9, 18, 0))
    assert matrix.exclusions(0, office_j) == []
    assert 0.05 <= matrix.scores[a, 0, office_j] < 0.7
    assert "available from 03-09 09:00" in str(matrix.explain(0, office_j)[a].reason)
    assert office.pk


def test_first_time_fix_history_is_smoothed(
    make_engineer: Callable[..., EngineerProfile], make_ticket: Callable[..., Ticket], ticket: Ticket
) -> None:
    fixer = make_engineer("Fixer")
    make_engineer("Newcomer")
    for n in range(4):
        done = make_ticket(title=f"Fixed {n}")
        Ticket.objects.filter(pk=done.pk).update(
            assignee=fixer.user, status="closed", resolved_at=timezone.now(), first_time_fix=n < 3
        )
    result = recommend(ticket, settings=current_settings())
    history = factor(by_name(result.ranked, "Fixer"), FTFR)
    prior = 3 / 4
    assert history.score == pytest.approx((3 + 5 * prior) / (4 + 5))
    assert "3 of 4 fixed first time in Hardware (75 %)" in str(history.reason)
    newcomer = factor(by_name(result.ranked, "Newcomer"), FTFR)
    assert newcomer.score == pytest.approx(prior)
    assert "team rate 75 %" in str(newcomer.reason)


@pytest.fixture
def parts_factor() -> Iterator[list[int]]:
    calls: list[int] = []

    def score(ticket: Ticket, candidates: Sequence[EngineerCandidate]) -> dict[int, FactorScore]:
        calls.append(len(candidates))
        return {
            c.user_id: FactorScore(1.0 if c.latitude and c.latitude < 31 else 0.0, "stock near")
            for c in candidates
        }

    factor_registry.register_external_factor(ExternalFactor("test_parts", "Parts nearby", 4.0, score))
    yield calls
    factor_registry._EXTERNAL.pop("test_parts")


def test_external_factors_are_called_once_with_every_candidate(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket, parts_factor: list[int]
) -> None:
    make_engineer("Suzhou", SUZHOU)
    make_engineer("Hangzhou", HANGZHOU)
    result = recommend(ticket, settings=current_settings())
    assert parts_factor == [2]
    hangzhou = by_name(result.ranked, "Hangzhou")
    external = factor(hangzhou, "test_parts")
    assert (external.score, external.weight, str(external.reason)) == (1.0, 4.0, "stock near")
    assert result.ranked[0].name == "Hangzhou"  # parts outweigh the longer drive
    services.update_settings(actor=None, external_weights={"test_parts": 0.0})
    assert recommend(ticket, settings=current_settings()).ranked[0].name == "Suzhou"


def test_one_recommendation_costs_the_same_queries_for_many_engineers(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket, django_assert_max_num_queries: Any
) -> None:
    settings = current_settings()
    for n in range(3):
        make_engineer(f"Few {n}")
    recommend(ticket, settings=settings)  # warms the calendar cache
    with django_assert_max_num_queries(20) as few:
        small = recommend(ticket, settings=settings)
    for n in range(40):
        profile = make_engineer(f"Many {n}", SUZHOU, role=Role.ENGINEER)
        services.add_on_call(
            actor=None, profile=profile, starts_on=timezone.localdate(), ends_on=timezone.localdate()
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = recommend(ticket, settings=settings)
    assert len(small.ranked) == 3
    assert len(large.ranked) == 43
