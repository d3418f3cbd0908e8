"""The batch solver against brute force on small cases, and the two baselines' rules."""

import itertools
import random

import numpy as np
import pytest

from sasms.dispatch.engine.optimise import Problem, greedy_nearest, objective, round_robin, solve


def random_problem(rng: random.Random, n: int, m: int) -> Problem:
    return Problem(
        urgency=np.array([rng.choice([1.0, 2.0, 3.0, 4.0]) * rng.uniform(1, 3) for _ in range(n)]),
        score=np.array([[rng.uniform(0.05, 0.95) for _ in range(m)] for _ in range(n)]),
        step=np.array([[rng.uniform(0.0, 0.2) for _ in range(m)] for _ in range(n)]),
        feasible=np.array([[rng.random() < 0.8 for _ in range(m)] for _ in range(n)]),
        free=np.array([rng.randint(0, 2) for _ in range(m)], dtype=np.int64),
        late=np.array([[rng.random() < 0.2 for _ in range(m)] for _ in range(n)]),
    )


def brute_force(problem: Problem) -> float:
    """Every way to put the requests into the engineers' free places (or none), by permutation."""
    n = len(problem.urgency)
    places = [j for j, free in enumerate(problem.free.tolist()) for _ in range(free)] + [-1] * n
    best = float("inf")
    for chosen in set(itertools.permutations(places, n)):
        engineer = np.array(chosen, dtype=np.int64)
        if any(j >= 0 and not problem.feasible[i, j] for i, j in enumerate(chosen)):
            continue
        best = min(best, objective(problem, engineer))
    return best


def check_valid(problem: Problem, engineer: np.ndarray, *, feasible_only: bool = True) -> None:
    for j, free in enumerate(problem.free.tolist()):
        assert int((engineer == j).sum()) <= free
    if feasible_only:
        assert all(problem.feasible[i, j] for i, j in enumerate(engineer.tolist()) if j >= 0)


@pytest.mark.parametrize("seed", range(80))
def test_solver_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    problem = random_problem(rng, n=rng.randint(1, 5), m=rng.randint(1, 3))
    result = solve(problem)
    check_valid(problem, result.engineer)
    assert result.objective == pytest.approx(brute_force(problem), rel=1e-9, abs=1e-9)


def test_each_engineer_serves_the_most_urgent_first() -> None:
    problem = Problem(
        urgency=np.array([1.0, 4.0]),
        score=np.array([[0.9], [0.9]]),
        step=np.array([[0.1], [0.1]]),
        feasible=np.ones((2, 1), dtype=bool),
        free=np.array([2]),
    )
    result = solve(problem)
    assert result.engineer.tolist() == [0, 0]
    assert result.slot.tolist() == [1, 0]


def test_short_capacity_leaves_the_least_urgent_unassigned() -> None:
    problem = Problem(
        urgency=np.array([1.0, 8.0, 3.0]),
        score=np.full((3, 1), 0.5),
        step=np.zeros((3, 1)),
        feasible=np.ones((3, 1), dtype=bool),
        free=np.array([2]),
    )
    assert solve(problem).engineer.tolist() == [-1, 0, 0]


def test_infeasible_pairs_are_never_chosen() -> None:
    problem = Problem(
        urgency=np.array([2.0, 2.0]),
        score=np.array([[0.99, 0.1], [0.99, 0.1]]),
        step=np.zeros((2, 2)),
        feasible=np.array([[False, True], [False, False]]),
        free=np.array([5, 5]),
    )
    assert solve(problem).engineer.tolist() == [1, -1]


def test_baselines_respect_capacity_and_their_own_rules() -> None:
    rng = random.Random(7)
    problem = random_problem(rng, n=12, m=4)
    distance = np.array([[rng.uniform(1, 300) for _ in range(4)] for _ in range(12)])
    order = np.arange(12, dtype=np.int64)
    greedy = greedy_nearest(problem, distance, order)
    check_valid(problem, greedy.engineer)
    first = int(
        np.flatnonzero(problem.feasible[0] & (problem.free > 0))[
            np.argmin(distance[0][problem.feasible[0] & (problem.free > 0)])
        ]
    )
    assert greedy.engineer[0] == first
    rr = round_robin(problem, order)
    check_valid(problem, rr.engineer, feasible_only=False)
    assert int((rr.engineer >= 0).sum()) == min(12, int(problem.free.sum()))
    assert solve(problem).objective <= greedy.objective + 1e-9  # greedy is feasible; the optimum beats it
