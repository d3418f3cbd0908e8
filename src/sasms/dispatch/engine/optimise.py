"""Batch assignment: a min-cost assignment with capacities, and the two baselines it is measured by.

Each engineer ``j`` with ``free[j]`` places left becomes ``free[j]`` slot columns; slot ``k``
(the ``k``-th request added now) costs ``u_i × (1 − s_ij + k × step_ij + late_ij × LATE_COST)``
for request ``i``: the urgency-weighted shortfall of its score, growing with the load the engineer
already took on, plus a penalty when the engineer would reach the site after its SLA deadline.
Each request also has "leave unassigned" columns at ``u_i × UNASSIGNED_COST``, dearer than any
feasible slot, so a request stays unassigned only when nothing feasible is left — and then the
least urgent ones do. ``scipy.optimize.linear_sum_assignment`` solves the rectangular matrix exactly.
"""

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from sasms.dispatch.choices import LOAD
from sasms.dispatch.engine.scoring import ScoreMatrix

LATE_COST = 0.5
UNASSIGNED_COST = 1.6  # above the dearest feasible slot: 1 − 0 + LATE_COST (plus load steps)
INFEASIBLE = 1e9
MAX_MATRIX_CELLS = 40_000_000
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Problem:
    """A batch as plain arrays: ``n`` requests (rows) and ``m`` engineers (columns)."""

    urgency: FloatArray  # (n,)
    score: FloatArray  # (n, m) total score with the engineer's current load, 0..1
    step: FloatArray  # (n, m) score lost per request the engineer takes on in this batch
    feasible: BoolArray  # (n, m)
    free: IntArray  # (m,) places left before the engineer's maximum
    late: BoolArray | None = None  # (n, m) the engineer would arrive after the deadline

    @classmethod
    def from_matrix(cls, matrix: ScoreMatrix) -> "Problem":
        f_load = matrix.keys.index(LOAD)
        capacity = np.maximum(matrix.pool.capacity, 1).astype(np.float64)
        share = np.divide(
            np.full_like(matrix.weight_sum, matrix.weights[f_load]),
            matrix.weight_sum,
            out=np.zeros_like(matrix.weight_sum),
            where=matrix.weight_sum > 0,
        )
        return cls(
            urgency=np.array([f.urgency for f in matrix.facts], dtype=np.float64),
            score=matrix.total,
            step=share / capacity[None, :],
            feasible=(matrix.excluded & ~1) == 0,  # capacity is handled by the slots
            free=np.maximum(matrix.pool.capacity - matrix.pool.open_count, 0).astype(np.int64),
            late=matrix.late_minutes > 0,
        )


@dataclass(frozen=True)
class Assignment:
    engineer: IntArray  # (n,) engineer column or -1
    slot: IntArray  # (n,) the request's place in the engineer's new work (0 first)
    objective: float


def pair_cost(problem: Problem, i: int, j: int, k: int) -> float:
    late = LATE_COST if problem.late is not None and problem.late[i, j] else 0.0
    return float(problem.urgency[i] * (1.0 - problem.score[i, j] + k * problem.step[i, j] + late))


def objective(problem: Problem, engineer: IntArray) -> float:
    """The cost of a mapping, each engineer's requests in their cheapest order.

    The load step of slot ``k`` costs ``k × u_i × step_ij``, so the requests go in falling order of
    ``u_i × step_ij`` (by the rearrangement inequality): the most urgent first when steps are equal.
    """
    total = 0.0
    for j in set(engineer.tolist()) - {-1}:
        mine = sorted(
            np.flatnonzero(engineer == j).tolist(), key=lambda i: -problem.urgency[i] * problem.step[i, j]
        )
        total += sum(pair_cost(problem, i, j, k) for k, i in enumerate(mine))
    total += float(problem.urgency[engineer == -1].sum()) * UNASSIGNED_COST
    return total


def _slots(problem: Problem) -> tuple[IntArray, IntArray]:
    n = len(problem.urgency)
    usable = problem.feasible.any(axis=0)
    limit = np.minimum(problem.free, n)
    limit[~usable] = 0
    while limit.sum() * n > MAX_MATRIX_CELLS and limit.max() > 1:
        limit = np.minimum(limit, max(1, int(limit.max()) - 1))
    owners = np.repeat(np.arange(len(limit)), limit)
    ranks = np.concatenate([np.arange(c) for c in limit]) if len(limit) else np.zeros(0, dtype=np.int64)
    return owners.astype(np.int64), ranks.astype(np.int64)


def solve(problem: Problem) -> Assignment:
    """The exact optimum of the slot formulation."""
    n = len(problem.urgency)
    if n == 0:
        return Assignment(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0.0)
    owners, ranks = _slots(problem)
    u = problem.urgency[:, None]
    cost = u * (1.0 - problem.score[:, owners] + ranks[None, :] * problem.step[:, owners])
    if problem.late is not None:
        cost += u * np.where(problem.late[:, owners], LATE_COST, 0.0)
    cost = np.where(problem.feasible[:, owners], cost, INFEASIBLE)
    dummies = np.repeat(u * UNASSIGNED_COST, n, axis=1)
    rows, cols = linear_sum_assignment(np.hstack([cost, dummies]))
    engineer = np.full(n, -1, dtype=np.int64)
    slot = np.full(n, -1, dtype=np.int64)
    real = cols < len(owners)
    engineer[rows[real]] = owners[cols[real]]
    slot[rows[real]] = ranks[cols[real]]
    return Assignment(engineer, slot, objective(problem, engineer))


def greedy_nearest(problem: Problem, distance: FloatArray, order: IntArray) -> Assignment:
    """Each request in ``order`` to the nearest feasible engineer with a free place."""
    n = len(problem.urgency)
    free = problem.free.copy()
    engineer = np.full(n, -1, dtype=np.int64)
    slot = np.full(n, -1, dtype=np.int64)
    taken = np.zeros(len(free), dtype=np.int64)
    for i in order.tolist():
        candidates = np.flatnonzero(problem.feasible[i] & (free > 0))
        if not len(candidates):
            continue
        known = np.nan_to_num(distance[i, candidates], nan=math.inf)
        j = int(candidates[int(np.argmin(known))])
        engineer[i], slot[i] = j, taken[j]
        free[j] -= 1
        taken[j] += 1
    return Assignment(engineer, slot, objective(problem, engineer))


def round_robin(problem: Problem, order: IntArray) -> Assignment:
    """Engineers in turn, skipping those at their maximum; nothing else is looked at."""
    n, m = problem.score.shape
    free = problem.free.copy()
    engineer = np.full(n, -1, dtype=np.int64)
    slot = np.full(n, -1, dtype=np.int64)
    taken = np.zeros(m, dtype=np.int64)
    cursor = 0
    for i in order.tolist():
        for step in range(m):
            j = (cursor + step) % m
            if free[j] > 0:
                engineer[i], slot[i] = j, taken[j]
                free[j] -= 1
                taken[j] += 1
                cursor = j + 1
                break
    return Assignment(engineer, slot, objective(problem, engineer))


@dataclass(frozen=True)
class Quality:
    assigned: int
    unassigned: int
    travel_minutes: float
    breaches: int  # requests with a deadline that are unassigned or reached after it
    infeasible: int  # assignments that break a hard constraint
    load_std: float  # standard deviation of open/maximum over the engineers afterwards
    mean_score: float


def quality(matrix: ScoreMatrix, problem: Problem, result: Assignment) -> Quality:
    pool = matrix.pool
    now = pool.now.timestamp()
    travel = 0.0
    breaches = 0
    infeasible = 0
    scores = []
    added = np.zeros(len(pool), dtype=np.int64)
    for i, fact in enumerate(matrix.facts):
        j = int(result.engineer[i])
        due = fact.onsite_due_at or fact.due_at
        if j < 0:
            breaches += due is not None
            continue
        added[j] += 1
        minutes = float(np.nan_to_num(matrix.travel[i, j], nan=0.0))
        travel += minutes
        scores.append(float(matrix.total[i, j]))
        infeasible += not problem.feasible[i, j]
        start = max(float(pool.available_from[j]), now)
        arrival = start + minutes * 60 if fact.onsite_due_at is not None else start
        if due is not None and arrival > due.timestamp():
            breaches += 1
    ratio = (pool.open_count + added) / np.maximum(pool.capacity, 1)
    return Quality(
        assigned=int((result.engineer >= 0).sum()),
        unassigned=int((result.engineer < 0).sum()),
        travel_minutes=travel,
        breaches=breaches,
        infeasible=infeasible,
        load_std=float(np.std(ratio)) if len(ratio) else 0.0,
        mean_score=float(np.mean(scores)) if scores else 0.0,
    )
