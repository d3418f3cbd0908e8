"""Batch assignment of 1 000 requests to 300 engineers: run time and quality against two baselines.

    .venv/bin/python bench/dispatch_batch.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_dispatch_bench \\
        .venv/bin/python bench/dispatch_batch.py

Creates a throwaway database, generates 300 engineers (shifts on the seeded calendars, on-call
duties, skills, certifications — some lapsed — and 600 open requests already on them) and 1 000
open unassigned requests. Each request gets an on-site deadline by priority (P1 within 4 h, P2
within 8 h, P3 within 2 days, P4 none) so that urgency and breaches mean the same for all three
methods. On the same score matrix it runs:

* the min-cost assignment with capacities (``scipy.optimize.linear_sum_assignment`` over capacity
  slots, urgency-weighted) — what SASMS proposes;
* greedy nearest engineer: most urgent request first, to the nearest engineer who may take it and
  has room;
* round robin: requests in arrival order, engineers in turn, skipping only those at capacity.

For each: run time, requests assigned, total travel time, deadlines missed (a request with a
deadline that is left unassigned, or whose engineer can start and arrive only after it),
assignments breaking a hard constraint, load balance (standard deviation of open ÷ maximum over the
engineers afterwards) and the mean score. Also the time of ``create_proposal`` end to end (loading,
scoring, solving and writing the 1 000 explained rows). ``BENCH_REQUESTS``, ``BENCH_ENGINEERS``.
"""

import dataclasses
import datetime
import os
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from dispatch_data import COMPONENTS, drop, generate, setup_django

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000"))
ENGINEERS = int(os.environ.get("BENCH_ENGINEERS", "300"))
DEADLINE_HOURS = {"P1": (1.0, 4.0), "P2": (2.0, 8.0), "P3": (8.0, 48.0)}


def _bulk_requests(data: dict[str, Any], count: int) -> None:
    from django.utils import timezone

    from sasms.tickets.models import Ticket

    rng: random.Random = data["rng"]
    now = timezone.now()
    rows = [
        Ticket(
            number=f"SRB{n:011d}",
            organisation=data["customer"],
            server=rng.choice(data["servers"]),
            title=f"Fault {n}",
            category="hardware",
            component=rng.choice(COMPONENTS),
            service_kind="hardware_replacement",
            status="new",
            priority=rng.choices(["P1", "P2", "P3", "P4"], [10, 25, 45, 20])[0],
            created_at=now - datetime.timedelta(minutes=count - n),
            updated_at=now,
        )
        for n in range(count)
    ]
    Ticket.objects.bulk_create(rows, batch_size=2000)


def _planning_time() -> datetime.datetime:
    """Tuesday 10:30 of this week: the figures do not depend on the hour the benchmark runs at."""
    from django.utils import timezone

    local = timezone.localtime()
    monday = local.date() - datetime.timedelta(days=local.weekday())
    return datetime.datetime.combine(monday + datetime.timedelta(days=1), datetime.time(10, 30), local.tzinfo)


def main() -> None:
    url = setup_django()
    try:
        from sasms.dispatch.engine.facts import TICKET_RELATED, facts_for, urgency_of
        from sasms.dispatch.engine.optimise import Problem, greedy_nearest, quality, round_robin, solve
        from sasms.dispatch.engine.pool import ftfr_table, load_pool
        from sasms.dispatch.engine.scoring import score_matrix
        from sasms.dispatch.factors import external_factors
        from sasms.dispatch.selectors import current_settings
        from sasms.dispatch.services import create_proposal
        from sasms.tickets.models import Ticket

        started = time.perf_counter()
        data = generate(engineers=ENGINEERS, history=3000, open_assigned=600)
        _bulk_requests(data, REQUESTS)
        print(
            f"{ENGINEERS} engineers, {REQUESTS} open unassigned requests generated in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        settings = current_settings()
        now = _planning_time()
        rng = random.Random(5)
        print(f"planning at {now:%a %Y-%m-%d %H:%M} (Asia/Shanghai)\n")

        began = time.perf_counter()
        tickets = list(
            Ticket.objects.filter(status="new", assignee__isnull=True).select_related(*TICKET_RELATED)
        )
        pool = load_pool(settings=settings, now=now)
        facts = []
        for fact in facts_for(tickets, settings=settings, now=now):
            low_high = DEADLINE_HOURS.get(fact.ticket.priority)
            due = now + datetime.timedelta(hours=rng.uniform(*low_high)) if low_high else None
            urgency = urgency_of(fact.ticket.priority, due, now)
            facts.append(dataclasses.replace(fact, due_at=due, onsite_due_at=due, urgency=urgency))
        ftfr = ftfr_table(window_days=settings.ftfr_window_days, now=now)
        loading_s = time.perf_counter() - began
        began = time.perf_counter()
        own = score_matrix(facts, pool, settings=settings, ftfr=ftfr, external=[])
        own_s = time.perf_counter() - began
        began = time.perf_counter()
        matrix = score_matrix(facts, pool, settings=settings, ftfr=ftfr, external=external_factors())
        problem = Problem.from_matrix(matrix)
        scoring_s = time.perf_counter() - began
        keys = ", ".join(f.key for f in external_factors()) or "none"
        print(
            f"loading engineers, requests and history: {loading_s * 1000:8.1f} ms\n"
            f"scoring {REQUESTS} x {len(pool)} pairs, own factors: {own_s * 1000:8.1f} ms; "
            f"with the registered external factors ({keys}): {scoring_s * 1000:8.1f} ms\n"
            f"free places {int(problem.free.sum())}, feasible pairs {int(problem.feasible.sum())} "
            f"of {own.total.size}\n"
        )

        urgency_order = np.argsort(-problem.urgency, kind="stable").astype(np.int64)
        arrival_order = np.arange(len(facts), dtype=np.int64)
        methods: list[tuple[str, Callable[[], Any]]] = [
            ("min-cost assignment (SASMS)", lambda: solve(problem)),
            ("greedy nearest engineer", lambda: greedy_nearest(problem, matrix.distance, urgency_order)),
            ("round robin", lambda: round_robin(problem, arrival_order)),
        ]
        header = (
            f"{'method':<30}{'time ms':>9}{'assigned':>10}{'travel h':>10}{'missed':>8}"
            f"{'broken':>8}{'load sd':>9}{'score':>7}"
        )
        print(header)
        print("-" * len(header))
        results = {}
        for label, run in methods:
            began = time.perf_counter()
            result = run()
            elapsed = (time.perf_counter() - began) * 1000
            q = quality(matrix, problem, result)
            results[label] = q
            print(
                f"{label:<30}{elapsed:>9.1f}{q.assigned:>10}{q.travel_minutes / 60:>10.1f}{q.breaches:>8}"
                f"{q.infeasible:>8}{q.load_std:>9.3f}{q.mean_score:>7.3f}"
            )
        best = results["min-cost assignment (SASMS)"]
        for label in ("greedy nearest engineer", "round robin"):
            other = results[label]
            saved = 100 * (other.travel_minutes - best.travel_minutes) / max(other.travel_minutes, 1)
            print(
                f"\nagainst {label}: {other.breaches - best.breaches} deadline misses avoided, "
                f"travel {saved:+.0f} % saved, load sd {other.load_std:.3f} -> {best.load_std:.3f}"
            )

        began = time.perf_counter()
        proposal = create_proposal(actor=data["dispatcher"], limit=REQUESTS)
        rows = proposal.summary["requests"]
        print(
            f"\ncreate_proposal() end to end at the wall-clock time (load, score, solve, write {rows} "
            f"explained rows): {(time.perf_counter() - began) * 1000:.0f} ms; "
            f"solver {proposal.summary['solver_ms']:.0f} ms"
        )
    finally:
        drop(url)


if __name__ == "__main__":
    main()
