"""What the benchmarks share: a scratch PostgreSQL database of their own, and timing.

Each benchmark creates its database from nothing and drops it afterwards, so the figures never
depend on what an earlier run left behind.
"""

import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import psycopg


def admin_dsn(url: str) -> tuple[str, str]:
    """The server's maintenance database (to create and drop from) and the scratch database's name."""
    parsed = urlparse(url)
    return parsed._replace(path="/postgres").geturl(), parsed.path.lstrip("/")


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    """Drop the database ``url`` names (ending its sessions) and, unless ``drop_only``, create it empty."""
    admin, name = admin_dsn(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds of ``runs`` calls, after one untimed call that warms caches and query plans."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def timed_queries(queries: list[str], run: Callable[[str], int], runs: int) -> tuple[list[float], float]:
    """Milliseconds of ``runs`` searches taking ``queries`` in turn (each run once untimed first),
    and the mean number of hits ``run`` reported."""
    for query in queries:
        run(query)
    samples: list[float] = []
    hits = 0
    for i in range(runs):
        query = queries[i % len(queries)]
        started = time.perf_counter()
        hits += run(query)
        samples.append((time.perf_counter() - started) * 1000)
    return samples, hits / runs


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def summary(samples: list[float], width: int = 8) -> str:
    return f"median {statistics.median(samples):{width}.2f} ms   p95 {p95(samples):{width}.2f} ms"
