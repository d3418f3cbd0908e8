"""What the benchmarks share: a scratch PostgreSQL database of their own, and timing.

Each benchmark creates its database from nothing and drops it afterwards, so the figures never
depend on what an earlier run left behind.
"""

import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator
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


@contextlib.contextmanager
def django_on_scratch_database(default_url: str, *, keep: bool, test_client: bool = False) -> Iterator[str]:
    """Django on a fresh, migrated PostgreSQL database (``DATABASE_URL``, else ``default_url``),
    dropped afterwards unless ``keep``. Passwords hash fast and mail stays in memory, so set-up
    costs do not count; ``test_client`` also prepares Django's test client (its host name, plain
    static file names)."""
    url = os.environ.get("DATABASE_URL", default_url)
    if not url.startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL (a scratch database the script may drop).")
        raise SystemExit(2)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasms.settings")
    os.environ.setdefault("SASMS_LOG_LEVEL", "WARNING")
    recreate_database(url)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        if test_client:
            from django.test.utils import setup_test_environment

            setup_test_environment()
            settings.STORAGES = {
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        call_command("migrate", verbosity=0)
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            recreate_database(url, drop_only=True)


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
