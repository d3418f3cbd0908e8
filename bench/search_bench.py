"""Search at 50 000 bilingual fault descriptions, on PostgreSQL and on SQLite, against a LIKE scan.

For each database it creates a scratch database, migrates it, indexes ``BENCH_DOCS`` generated
fault descriptions (Chinese, English and mixed, with part numbers and error codes) through
``index_documents`` (documents/s), then times ``search()`` — the full service path: tokenizing,
tenant scoping, ranking, snippets — for Chinese, English and part-number queries, as a
service-desk agent (sees everything) and as a customer user (own organisation plus public). In the
same run it times the naive peer on the same rows: every query word as ``ILIKE '%word%'`` (``LIKE``
on SQLite, which is case-insensitive for ASCII there) over title or body, 20 rows, unranked.
Queries/s, median and p95 latency, and the average number of hits per query are printed, and
before that the tokenizer's own speed (documents/s, MB/s, µs per query).

    .venv/bin/python bench/search_bench.py

``BENCH_PG_URL`` (default postgres://postgres@127.0.0.1:5432/sasms_search_bench) names the scratch
PostgreSQL database and ``BENCH_SQLITE_PATH`` (default /tmp/sasms_search_bench.sqlite3) the SQLite
file; both are created and dropped by the script. ``BENCH_DOCS`` and ``BENCH_RUNS`` shrink the run,
``BENCH_ONLY=postgresql|sqlite`` measures one database, ``BENCH_KEEP=1`` keeps the databases.
Each database is measured in a child process of its own, because Django binds one default database
per process.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchkit import p95, recreate_database, timed_queries

DOCS = int(os.environ.get("BENCH_DOCS", "50000"))
RUNS = int(os.environ.get("BENCH_RUNS", "200"))
CUSTOMERS = 20
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/sasms_search_bench")
SQLITE_PATH = os.environ.get("BENCH_SQLITE_PATH", "/tmp/sasms_search_bench.sqlite3")
ONLY = os.environ.get("BENCH_ONLY", "")  # "postgresql" or "sqlite": measure one database only
KEEP = bool(os.environ.get("BENCH_KEEP"))  # keep both databases afterwards, for profiling

VENDORS = ["戴尔 PowerEdge R740", "HPE ProLiant DL380 Gen10", "浪潮 NF5280M6", "华为 FusionServer 2288H V5"]
COMPONENTS = ["硬盘", "电源模块", "内存", "主板", "风扇", "阵列卡", "网卡", "背板", "BMC", "CPU"]
SYMPTOMS = [
    "出现故障告警",
    "指示灯橙色闪烁",
    "不识别",
    "温度过高",
    "转速异常",
    "频繁掉线",
    "报错",
    "无法开机",
]
ACTIONS = ["更换后恢复正常", "重新插拔后恢复", "升级固件后解决", "已安排工程师上门", "等待备件到货"]
ENGLISH = [
    "RAID controller battery learn cycle failed",
    "power supply redundancy lost after input voltage drop",
    "correctable memory errors exceeded the threshold",
    "fan speed below the critical threshold",
    "disk predictive failure reported by the controller",
    "network link down on port 2 after firmware update",
    "BMC not responding to ping, web console unreachable",
    "system board voltage out of range during boot",
]
QUERIES = {
    "chinese": ["硬盘故障", "电源模块报错", "内存不识别", "风扇转速异常", "阵列卡告警", "主板无法开机"],
    "english": [
        "raid controller battery",
        "power supply redundancy",
        "memory errors",
        "fan speed",
        "link down",
    ],
}


def _part_number(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPRTVWXY"
    if rng.random() < 0.5:
        return "".join(rng.choices(alphabet, k=5)) + "-A0" + str(rng.randint(0, 9))
    return f"{rng.randint(100000, 999999)}-B21"


def _documents(rng: random.Random, count: int) -> Iterator[tuple[str, str, str]]:
    for n in range(count):
        component, symptom = rng.choice(COMPONENTS), rng.choice(SYMPTOMS)
        part = _part_number(rng)
        code = rng.choice([f"0x{rng.randint(0, 0xFFFF):04X}", f"E{rng.randint(1000, 9999)}"])
        title = f"{rng.choice(VENDORS)} {component}{symptom}"
        if rng.random() < 0.4:
            title = f"{ENGLISH[n % len(ENGLISH)]} ({code})"
        body = (
            f"客户反馈{rng.choice(VENDORS)}服务器{component}{symptom}，错误码 {code}，"
            f"PSU{rng.randint(1, 2)} 状态正常。{rng.choice(ENGLISH)}. 备件 {part}，{rng.choice(ACTIONS)}。"
        )
        yield title, body, part


def _timed(queries: list[str], run: Callable[[str], int]) -> dict[str, float]:
    samples, hits = timed_queries(queries, run, RUNS)
    return {
        "qps": len(samples) / (sum(samples) / 1000),
        "p50": statistics.median(samples),
        "p95": p95(samples),
        "hits": hits,
    }


def _child() -> None:
    """Runs inside the child process, on the database DATABASE_URL names; prints one JSON line."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sasms.accounts import services as account_services
    from sasms.accounts.models import OrganisationKind
    from sasms.accounts.roles import Role
    from sasms.core.search.models import Audience
    from sasms.core.search.services import IndexEntry, index_documents, search

    call_command("migrate", verbosity=0)
    provider = account_services.create_organisation(
        actor=None, name="Provider", code="provider", kind=OrganisationKind.PROVIDER
    )
    customers = [
        account_services.create_organisation(
            actor=None, name=f"Customer {n}", code=f"cust-{n}", kind=OrganisationKind.CUSTOMER
        )
        for n in range(CUSTOMERS)
    ]
    agent = account_services.create_user(
        actor=None, email="agent@example.com", full_name="Agent", organisation=provider, role=Role.AGENT
    )
    customer = account_services.create_user(
        actor=None, email="c@example.com", full_name="Customer", organisation=customers[0], role=Role.CUSTOMER
    )

    rng = random.Random(2026)
    parts: list[str] = []
    entries: list[IndexEntry] = []
    for n, (title, body, part) in enumerate(_documents(rng, DOCS)):
        if n % 97 == 0:
            parts.append(part)
        organisation = None if rng.random() < 0.2 else rng.choice(customers).pk
        audience = Audience.CUSTOMER if rng.random() < 0.7 else Audience.INTERNAL
        entries.append(IndexEntry("bench.fault", n, title, body, organisation, audience))
    started = time.perf_counter()
    index_documents(entries, batch_size=1000)
    index_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE core_searchdocument")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    queries = {**QUERIES, "part/code": [*parts[:20], "0x8002", "E1234", "PSU1"]}
    like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"

    def fts(actor: Any) -> Callable[[str], int]:
        return lambda q: len(search(actor=actor, query=q, limit=20))

    def naive(q: str) -> int:
        words = q.split()
        where = " AND ".join([f"(title {like} %s OR body {like} %s)"] * len(words))
        params: list[Any] = []
        for word in words:
            params += [f"%{word}%", f"%{word}%"]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, title, body FROM core_searchdocument WHERE {where} ORDER BY id LIMIT 20", params
            )
            return len(cursor.fetchall())

    results: dict[str, Any] = {"vendor": connection.vendor, "index_docs_per_s": DOCS / index_seconds}
    for category, category_queries in queries.items():
        results[category] = {
            "search (agent)": _timed(category_queries, fts(agent)),
            "search (customer)": _timed(category_queries, fts(customer)),
            f"{like} scan": _timed(category_queries, naive),
        }
    print("RESULT " + json.dumps(results))


def _run_child(database_url: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "sasms.settings",
        "SASMS_LOG_LEVEL": "WARNING",
        "BENCH_CHILD": "1",
    }
    done = subprocess.run(
        [sys.executable, __file__], env=env, capture_output=True, text=True, check=False, timeout=3000
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line.removeprefix("RESULT ")))
    raise SystemExit(f"benchmark child failed:\n{done.stdout}\n{done.stderr}")


def _print(results: dict[str, Any]) -> None:
    print(f"\n== {results['vendor']}: {DOCS} documents, indexed at {results['index_docs_per_s']:,.0f} docs/s")
    print(f"{'queries':<10} {'method':<18} {'q/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'hits/q':>7}")
    for category in ("chinese", "english", "part/code"):
        for method, figures in results[category].items():
            print(
                f"{category:<10} {method:<18} {figures['qps']:>9.1f} {figures['p50']:>9.2f} "
                f"{figures['p95']:>9.2f} {figures['hits']:>7.1f}"
            )


def _tokenizer_speed() -> None:
    """The tokenizer alone, no database: what indexing and every query pay before SQL."""
    from sasms.core.search.tokenizer import query_terms, tokenize

    texts = [f"{title} {body}" for title, body, _part in _documents(random.Random(7), min(DOCS, 20000))]
    started = time.perf_counter()
    tokens = sum(len(tokenize(text)) for text in texts)
    seconds = time.perf_counter() - started
    megabytes = sum(len(text.encode()) for text in texts) / 1e6
    queries = [q for qs in QUERIES.values() for q in qs] * 200
    started = time.perf_counter()
    for query in queries:
        query_terms(query)
    per_query = (time.perf_counter() - started) / len(queries) * 1e6
    print(
        f"tokenizer: {len(texts) / seconds:,.0f} documents/s ({megabytes / seconds:.1f} MB/s UTF-8, "
        f"{tokens / len(texts):.0f} tokens each); query_terms {per_query:.1f} µs per query"
    )


def main() -> int:
    _tokenizer_speed()

    sqlite = Path(SQLITE_PATH)
    recreate_database(PG_URL)
    try:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
        print(f"{DOCS} documents, {RUNS} timed queries a row; search() answers 20 ranked hits with snippets")
        if ONLY in ("", "postgresql"):
            _print(_run_child(PG_URL))
        if ONLY in ("", "sqlite"):
            _print(_run_child(f"sqlite:///{sqlite}"))
    finally:
        if not KEEP:
            recreate_database(PG_URL, drop_only=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    if os.environ.get("BENCH_CHILD"):
        _child()
        sys.exit(0)
    sys.exit(main())
