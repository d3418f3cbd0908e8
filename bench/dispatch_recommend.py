"""Recommendation latency for one request against 500 engineers (median, p95, queries).

    .venv/bin/python bench/dispatch_recommend.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_dispatch_bench \\
        .venv/bin/python bench/dispatch_recommend.py

Creates a throwaway database (SQLite file by default; a PostgreSQL database is dropped and created),
generates 500 engineers with skills, certifications, shifts on the seeded calendars and on-call
duties, 4 000 resolved requests for the first-time-fix history and 1 000 open assigned ones for
the load, then times ``recommend()`` for requests made through ``create_ticket`` (with SLA
clocks). Next to it, in the same run: the same scoring with the engineers' data already in memory
(the arithmetic alone), and one plain query reading the 500 profiles (the database's floor).
``BENCH_ENGINEERS`` and ``BENCH_RUNS`` change the size; ``BENCH_KEEP=1`` keeps the database.
"""

import os
import time

from benchkit import summary
from dispatch_data import drop, generate, setup_django, tickets

ENGINEERS = int(os.environ.get("BENCH_ENGINEERS", "500"))
RUNS = int(os.environ.get("BENCH_RUNS", "40"))


def main() -> None:
    url = setup_django()
    try:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from sasms.dispatch.engine.facts import TICKET_RELATED, facts_for
        from sasms.dispatch.engine.pool import ftfr_table, load_pool
        from sasms.dispatch.engine.recommend import recommend
        from sasms.dispatch.engine.scoring import score_matrix
        from sasms.dispatch.factors import external_factors
        from sasms.dispatch.models import EngineerProfile
        from sasms.dispatch.selectors import current_settings
        from sasms.tickets.models import Ticket

        started = time.perf_counter()
        data = generate(engineers=ENGINEERS, history=4000, open_assigned=1000)
        requests = tickets(data, 20)
        print(
            f"{ENGINEERS} engineers, 5 000 history requests, 20 open requests generated in "
            f"{time.perf_counter() - started:.1f} s; {RUNS} timed runs per figure\n",
            flush=True,
        )
        settings = current_settings()
        recommend(requests[0], settings=settings)  # warm caches (calendar specs)

        full = []
        for n in range(RUNS):
            ticket = requests[n % len(requests)]
            began = time.perf_counter()
            result = recommend(ticket, settings=settings)
            full.append((time.perf_counter() - began) * 1000)
        with CaptureQueriesContext(connection) as queries:
            result = recommend(requests[0], settings=settings)
        print(
            f"recommend() one request, {ENGINEERS} engineers       {summary(full)}   "
            f"{len(queries.captured_queries)} queries, "
            f"{len(result.ranked)} eligible / {len(result.excluded)} excluded"
        )

        pool = load_pool(settings=settings)
        loaded = [Ticket.objects.select_related(*TICKET_RELATED).get(pk=t.pk) for t in requests]
        ftfr = ftfr_table(window_days=settings.ftfr_window_days, now=pool.now)
        arithmetic = []
        for n in range(RUNS):
            facts = facts_for([loaded[n % len(loaded)]], settings=settings, now=pool.now)
            began = time.perf_counter()
            matrix = score_matrix(facts, pool, settings=settings, ftfr=ftfr, external=external_factors())
            for j in range(len(pool)):
                matrix.explain(0, j)
                matrix.exclusions(0, j)
            arithmetic.append((time.perf_counter() - began) * 1000)
        print(f"  of which scoring + explanations (data in memory)  {summary(arithmetic)}")
        loading = []
        for _ in range(RUNS):
            began = time.perf_counter()
            load_pool(settings=settings)
            loading.append((time.perf_counter() - began) * 1000)
        print(f"  of which loading the engineers (pool)             {summary(loading)}")
        floor = []
        for _ in range(RUNS):
            began = time.perf_counter()
            list(
                EngineerProfile.objects.values_list(
                    "id", "user_id", "home_latitude", "home_longitude", "max_concurrent"
                )
            )
            floor.append((time.perf_counter() - began) * 1000)
        print(f"reference: one plain query for {ENGINEERS} profile rows   {summary(floor)}")
    finally:
        drop(url)


if __name__ == "__main__":
    main()
