"""The ranked engineers for one request, each with the score of every factor and why."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.utils import timezone

from sasms.dispatch.engine.facts import TICKET_RELATED, facts_for
from sasms.dispatch.engine.pool import EngineerPool, ftfr_table, load_pool
from sasms.dispatch.engine.reasons import Reason
from sasms.dispatch.engine.scoring import FactorExplanation, ScoreMatrix, score_matrix
from sasms.dispatch.factors import external_factors
from sasms.dispatch.models import DispatchSettings, EngineerProfile
from sasms.tickets.models import Ticket


@dataclass
class Candidate:
    """One engineer for the request; the words of each factor are built when first read."""

    rank: int
    profile: EngineerProfile
    score: int  # 0..100
    exclusions: list[Reason]
    distance_km: float | None
    travel_minutes: float | None
    open_count: int
    capacity: int
    on_shift: bool
    on_call: bool
    matrix: ScoreMatrix = field(repr=False, compare=False)
    arrival_at: datetime.datetime | None = None  # earliest on site
    in_time: bool | None = None  # before the arrival deadline (None: no deadline)
    row: int = 0
    column: int = 0

    @cached_property
    def factors(self) -> list[FactorExplanation]:
        return self.matrix.explain(self.row, self.column)

    @property
    def user_id(self) -> int:
        return self.profile.user_id

    @property
    def name(self) -> str:
        return str(self.profile.user)

    @property
    def eligible(self) -> bool:
        return not self.exclusions

    def as_json(self) -> dict[str, object]:
        return {
            "engineer_id": self.user_id,
            "engineer": self.name,
            "score": self.score,
            "factors": [f.as_json() for f in self.factors],
            "exclusions": [r.as_json() for r in self.exclusions],
            "travel_minutes": self.travel_minutes,
            "distance_km": self.distance_km,
            "arrival_at": self.arrival_at.isoformat() if self.arrival_at is not None else None,
            "in_time": self.in_time,
        }


@dataclass(frozen=True)
class Recommendation:
    ticket: Ticket
    computed_at: datetime.datetime
    due_at: datetime.datetime | None
    due_clock: str
    ranked: list[Candidate]  # eligible engineers, best first
    excluded: list[Candidate]  # engineers a hard constraint rules out, best first
    arrival_due_at: datetime.datetime | None = None
    # Nobody within the travel limit could take the request, so the limit gave way.
    travel_relaxed: bool = False

    @property
    def best(self) -> Candidate | None:
        return self.ranked[0] if self.ranked else None

    def candidate(self, user_id: int) -> Candidate | None:
        return next((c for c in [*self.ranked, *self.excluded] if c.user_id == user_id), None)


def _float(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 1)


def candidates_from(matrix: ScoreMatrix, i: int) -> tuple[list[Candidate], list[Candidate]]:
    pool: EngineerPool = matrix.pool
    order = matrix.order(i)
    deadline = matrix.arrival_deadline[i] if matrix.arrival_deadline else None
    ranked: list[Candidate] = []
    excluded: list[Candidate] = []
    for j in order.tolist():
        exclusions = matrix.exclusions(i, j) if matrix.excluded[i, j] else []
        target = excluded if exclusions else ranked
        target.append(
            Candidate(
                rank=len(target) + 1,
                profile=pool.profiles[j],
                score=round(float(matrix.total[i, j]) * 100),
                exclusions=exclusions,
                distance_km=_float(matrix.distance[i, j]),
                travel_minutes=_float(matrix.travel[i, j]),
                open_count=int(pool.open_count[j]),
                capacity=int(pool.capacity[j]),
                on_shift=bool(pool.on_shift[j]),
                on_call=bool(pool.on_call[j]),
                matrix=matrix,
                arrival_at=(arrival := matrix.arrival_at(i, j)),
                in_time=None if deadline is None else arrival is not None and arrival <= deadline,
                row=i,
                column=j,
            )
        )
    return ranked, excluded


def recommend(
    ticket: Ticket, *, settings: DispatchSettings, now: datetime.datetime | None = None
) -> Recommendation:
    """Score every dispatchable engineer for ``ticket`` in a fixed number of queries."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_related(*TICKET_RELATED).get(pk=ticket.pk)
    pool = load_pool(settings=settings, now=now)
    facts = facts_for([ticket], settings=settings, now=now)
    ftfr = ftfr_table(window_days=settings.ftfr_window_days, now=now, categories={ticket.category})
    matrix = score_matrix(facts, pool, settings=settings, ftfr=ftfr, external=external_factors())
    ranked, excluded = candidates_from(matrix, 0)
    return Recommendation(
        ticket=ticket,
        computed_at=now,
        due_at=facts[0].due_at,
        due_clock=facts[0].due_clock,
        ranked=ranked,
        excluded=excluded,
        arrival_due_at=matrix.arrival_deadline[0],
        travel_relaxed=matrix.travel_relaxed[0],
    )
