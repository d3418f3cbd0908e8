"""Dispatch proposes people who can get there: the trip counts against the deadline, a late engineer
never outranks one in time, and a maximum trip is a hard limit unless nobody is within it."""

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from sasms.accounts.models import User
from sasms.dispatch import services
from sasms.dispatch.choices import AVAILABILITY
from sasms.dispatch.engine.facts import TICKET_RELATED, facts_for
from sasms.dispatch.engine.pool import ftfr_table, load_pool
from sasms.dispatch.engine.ranking import rank_order
from sasms.dispatch.engine.recommend import Candidate, candidates_from, recommend
from sasms.dispatch.engine.scoring import ScoreMatrix, score_matrix
from sasms.dispatch.models import DispatchSettings, EngineerProfile, ProposalRow
from sasms.dispatch.selectors import current_settings
from sasms.tickets.models import Ticket
from tests.dispatch.conftest import BEIJING, HANGZHOU, SUZHOU

EXPERT = {("category", "hardware"): 5, ("component", "disk"): 5}
NOVICE = {("category", "hardware"): 1, ("component", "disk"): 1}


def _matrix(
    ticket: Ticket,
    settings: DispatchSettings,
    *,
    onsite_due: datetime.datetime | None = None,
    arrival_due: datetime.datetime | None = None,
) -> ScoreMatrix:
    now = timezone.now()
    loaded = Ticket.objects.select_related(*TICKET_RELATED).get(pk=ticket.pk)
    [fact] = facts_for([loaded], settings=settings, now=now)
    fact = dataclasses.replace(
        fact, due_at=onsite_due or arrival_due, onsite_due_at=onsite_due, arrival_due_at=arrival_due
    )
    pool = load_pool(settings=settings, now=now)
    return score_matrix([fact], pool, settings=settings, ftfr=ftfr_table(window_days=365, now=now))


def _by_name(candidates: list[Candidate], name: str) -> Candidate:
    return next(c for c in candidates if c.name == name)


def _skill_heavy(**changes: Any) -> DispatchSettings:
    """Skill outweighs everything, so only the arrival rule can put the novice first."""
    return services.update_settings(
        actor=None,
        weight_skill=10.0,
        weight_travel=0.0,
        weight_availability=0.1,
        weight_load=0.0,
        weight_ftfr=0.0,
        weight_certification=0.0,
        **changes,
    )


@pytest.mark.django_db
def test_availability_counts_the_trip_to_the_site(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket
) -> None:
    """Beijing is ~1 070 km from the Shanghai site (≈ 35 h on the road): not available in 24 h."""
    make_engineer("Beijing expert", BEIJING, skills=EXPERT)
    make_engineer("Suzhou novice", SUZHOU, skills=NOVICE)
    settings = _skill_heavy(max_travel_km=0)
    deadline = timezone.now() + datetime.timedelta(hours=24)
    matrix = _matrix(ticket, settings, arrival_due=deadline)
    ranked, excluded = candidates_from(matrix, 0)
    assert not excluded
    far, near = _by_name(ranked, "Beijing expert"), _by_name(ranked, "Suzhou novice")
    assert far.score > near.score  # the score alone prefers the expert …
    assert [c.name for c in ranked] == ["Suzhou novice", "Beijing expert"]  # … who cannot be there
    a = matrix.keys.index(AVAILABILITY)
    assert matrix.scores[a, 0, far.column] < 0.5
    assert matrix.scores[a, 0, near.column] == 1.0
    assert (far.in_time, near.in_time) == (False, True)
    assert far.arrival_at is not None
    assert far.arrival_at > deadline
    far_reason = str(next(f for f in far.factors if f.key == AVAILABILITY).reason)
    near_reason = str(next(f for f in near.factors if f.key == AVAILABILITY).reason)
    assert "after the deadline" in far_reason
    assert "on site about" in near_reason
    assert "before the deadline" in near_reason


@pytest.mark.django_db
def test_after_the_deadline_the_earliest_arrival_ranks_first(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket
) -> None:
    make_engineer("Beijing expert", BEIJING, skills=EXPERT)
    make_engineer("Hangzhou fair", HANGZHOU, skills={("category", "hardware"): 3})
    make_engineer("Suzhou novice", SUZHOU, skills=NOVICE)
    settings = _skill_heavy(max_travel_km=0)
    passed = timezone.now() - datetime.timedelta(hours=1)
    ranked, _excluded = candidates_from(_matrix(ticket, settings, onsite_due=passed), 0)
    assert [c.name for c in ranked] == ["Suzhou novice", "Hangzhou fair", "Beijing expert"]
    reason = str(next(f for f in ranked[0].factors if f.key == AVAILABILITY).reason)
    assert "has passed" in reason
    assert "on site at the earliest" in reason


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1),
            st.one_of(st.just(float("nan")), st.floats(min_value=0, max_value=1e6)),
        ),
        min_size=1,
        max_size=12,
    ),
    deadline=st.one_of(st.none(), st.floats(min_value=-1e5, max_value=1e6)),
)
def test_nobody_late_outranks_anybody_in_time(
    data: list[tuple[float, float]], deadline: float | None
) -> None:
    total = np.array([t for t, _a in data])
    arrival = np.array([a for _t, a in data])
    now = 0.0
    order = rank_order(total, arrival, deadline, now).tolist()
    assert sorted(order) == list(range(len(data)))
    if deadline is None:
        assert [total[j] for j in order] == sorted(total, reverse=True)
        return
    if deadline > now:
        in_time = [bool(arrival[j] <= deadline) for j in order]  # NaN compares False: not in time
        assert in_time == sorted(in_time, reverse=True)
        for group in (True, False):
            scores = [total[j] for j, ok in zip(order, in_time, strict=True) if ok is group]
            assert scores == sorted(scores, reverse=True)
    else:
        arrivals = [np.inf if np.isnan(arrival[j]) else arrival[j] for j in order]
        assert arrivals == sorted(arrivals)


@pytest.mark.django_db
def test_a_trip_beyond_the_limit_is_excluded_unless_nobody_is_within_it(
    make_engineer: Callable[..., EngineerProfile], ticket: Ticket
) -> None:
    make_engineer("Beijing expert", BEIJING, skills=EXPERT)
    make_engineer("Suzhou novice", SUZHOU, skills=NOVICE)
    settings = services.update_settings(actor=None, max_travel_km=500)
    result = recommend(ticket, settings=settings)
    assert [c.name for c in result.ranked] == ["Suzhou novice"]
    far = _by_name(result.excluded, "Beijing expert")
    assert [r.code for r in far.exclusions] == ["exclude.travel_km"]
    assert "beyond the limit of 500 km" in str(far.exclusions[0])
    assert not result.travel_relaxed
    # By time as well: Suzhou (~85 km) is about 2 h 20 min away at 40 km/h on 1.3× roads.
    settings = services.update_settings(actor=None, max_travel_km=0, max_travel_minutes=60)
    result = recommend(ticket, settings=settings)
    assert result.travel_relaxed
    assert {c.name for c in result.ranked} == {"Suzhou novice", "Beijing expert"}


@pytest.mark.django_db
def test_nobody_within_the_limit_proposes_the_farther_engineer_and_says_so(
    make_engineer: Callable[..., EngineerProfile],
    ticket: Ticket,
    dispatcher: User,
    client_for: Callable[[User], Client],
) -> None:
    make_engineer("Beijing expert", BEIJING, skills=EXPERT)
    services.update_settings(actor=None, max_travel_km=500)
    result = recommend(ticket, settings=current_settings())
    assert result.travel_relaxed
    assert [c.name for c in result.ranked] == ["Beijing expert"]
    for language in ("en", "zh-hans"):
        dispatcher.language = language
        dispatcher.save(update_fields=["language"])
        page = client_for(dispatcher).get(reverse("dispatch:recommendation_panel", args=[ticket.number]))
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="travel-relaxed"' in html
        assert 'data-testid="arrival"' in html
        if language == "en":
            assert "Nobody within the travel limit" in html


@pytest.mark.django_db
def test_batch_keeps_to_the_travel_limit_and_flags_the_exception(
    make_engineer: Callable[..., EngineerProfile],
    make_ticket: Callable[..., Ticket],
    dispatcher: User,
    client_for: Callable[[User], Client],
) -> None:
    near = make_engineer("Suzhou novice", SUZHOU, skills=NOVICE, capacity=1)
    far = make_engineer("Beijing expert", BEIJING, skills=EXPERT, capacity=5)
    tickets = [make_ticket(title=f"Fault {n}") for n in range(3)]
    services.update_settings(actor=None, max_travel_km=500)
    proposal = services.create_proposal(actor=dispatcher)
    rows = list(ProposalRow.objects.filter(proposal=proposal))
    assert len(rows) == len(tickets)
    assert [r.engineer_id for r in rows if r.engineer_id] == [near.user_id]  # one place, then nobody
    assert all(r.engineer_id != far.user_id for r in rows)
    assert proposal.summary["beyond_travel_limit"] == 0

    # Only the far engineer is left: every request goes to him, each row saying why.
    near.is_dispatchable = False
    near.save(update_fields=["is_dispatchable"])
    proposal = services.create_proposal(actor=dispatcher)
    rows = list(ProposalRow.objects.filter(proposal=proposal))
    assert {r.engineer_id for r in rows} == {far.user_id}
    assert all(r.reasons == [{"code": "decision.travel_relaxed", "params": {}}] for r in rows)
    assert proposal.summary["beyond_travel_limit"] == 3
    page = client_for(dispatcher).get(reverse("dispatch:proposal_detail", args=[proposal.pk]))
    html = page.content.decode()
    assert 'data-testid="beyond-travel-limit"' in html
    assert 'data-testid="row-warning"' in html
