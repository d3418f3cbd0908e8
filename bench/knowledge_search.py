"""Knowledge search at 20 000 articles: the service path against the raw full-text query, same data.

For each database (PostgreSQL, then SQLite) a child process creates a scratch database, migrates
it and writes ``BENCH_ARTICLES`` bilingual articles (built from the demo's topics, each with its own
server model, part number and error code; 85 % published, a fifth of those internal) with bulk
inserts, then indexes them through ``index_articles`` (articles/s). It then times, per query group
(Chinese without spaces, English, part numbers / error codes, very common English words):

* ``search_articles`` as the knowledge page runs it — tokenizing, tenant/audience scoping, the
  kernel's ranking of up to 200 candidates, the visibility re-check of the articles, snippets — for a
  service-desk agent (editor: drafts too) and a customer user (published, customer-visible only);
* ``search_articles`` with 20 candidates (what a first page or the suggestion box needs);
* the raw database full-text query on the same index: PostgreSQL ``to_tsquery`` + ``@@`` +
  ``ts_rank_cd`` over the GIN-indexed column, or SQLite FTS5 ``MATCH`` + ``bm25``, top 20, with the
  query string prepared beforehand — the database's own limit for this data.

Median and p95 latency in ms and hits per query are printed.

    .venv/bin/python bench/knowledge_search.py

``BENCH_PG_URL`` (default postgres://postgres@127.0.0.1:5432/sasms_knowledge_bench) and
``BENCH_SQLITE_PATH`` (default /tmp/sasms_knowledge_bench.sqlite3) name the scratch databases,
created and dropped by the script. ``BENCH_ARTICLES`` and ``BENCH_RUNS`` shrink the run,
``BENCH_ONLY=postgresql|sqlite`` measures one database, ``BENCH_KEEP=1`` keeps the databases.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchkit import p95, recreate_database, timed_queries

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "20000"))
RUNS = int(os.environ.get("BENCH_RUNS", "100"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/sasms_knowledge_bench")
SQLITE_PATH = os.environ.get("BENCH_SQLITE_PATH", "/tmp/sasms_knowledge_bench.sqlite3")
ONLY = os.environ.get("BENCH_ONLY", "")
KEEP = bool(os.environ.get("BENCH_KEEP"))
BATCH = 1000

MODELS = [
    ("Dell", "PowerEdge R740"),
    ("Dell", "PowerEdge R750"),
    ("HPE", "ProLiant DL380 Gen10"),
    ("Lenovo", "ThinkSystem SR650 V2"),
    ("Inspur", "NF5280M6"),
    ("Huawei", "FusionServer 2288H V5"),
]
EXTRA_ZH = [
    "客户机房温度偏高，已建议调整空调。",
    "更换后观察 72 小时未再复现。",
    "现场工程师已携带备件上门。",
    "同批次设备建议安排巡检。",
    "日志已上传到服务请求附件。",
]
EXTRA_EN = [
    "The customer's room was running warm; cooling was adjusted.",
    "No recurrence during 72 hours of monitoring after the replacement.",
    "The field engineer brought the spare part on site.",
    "Servers of the same batch should get a health check.",
    "Logs were attached to the service request.",
]
QUERIES = {
    "chinese": ["硬盘故障", "电源冗余丢失", "内存错误", "阵列降级", "管理口无法登录", "固件升级失败"],
    "english": [
        "power supply redundancy",
        "memory errors threshold",
        "virtual disk degraded",
        "firmware update fails",
        "fan speed",
    ],
    "part/code": ["PSU0003", "MEM0701", "871246-B21", "0x8002", "PDR1016"],
    "common": ["the server", "replace", "error", "disk"],
}


def _code(rng: random.Random) -> str:
    return rng.choice(
        [f"E{rng.randint(1000, 9999)}", f"0x{rng.randint(0, 0xFFFF):04X}", f"SEL{rng.randint(100, 999)}"]
    )


def _part(rng: random.Random) -> str:
    return f"{rng.randint(100000, 999999)}-B21"


def _timed(queries: list[str], run: Callable[[str], int]) -> dict[str, float]:
    samples, hits = timed_queries(queries, run, RUNS)
    return {"p50": statistics.median(samples), "p95": p95(samples), "hits": hits}


def _child() -> None:
    """Runs in the child process on the database DATABASE_URL names; prints one JSON line."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from sasms.accounts import services as account_services
    from sasms.accounts.models import OrganisationKind
    from sasms.accounts.roles import Role
    from sasms.assets import services as asset_services
    from sasms.core.search.models import Audience
    from sasms.core.search.tokenizer import to_query
    from sasms.knowledge.demo_texts import TOPICS
    from sasms.knowledge.models import Article, ArticleStatus, ArticleVersion
    from sasms.knowledge.search import LIVE_DOCUMENT, index_articles, search_articles

    call_command("migrate", verbosity=0)
    provider = account_services.create_organisation(
        actor=None, name="Provider", code="provider", kind=OrganisationKind.PROVIDER
    )
    customer_org = account_services.create_organisation(
        actor=None, name="Customer", code="customer", kind=OrganisationKind.CUSTOMER
    )
    agent = account_services.create_user(
        actor=None, email="agent@example.com", full_name="Agent", organisation=provider, role=Role.AGENT
    )
    customer = account_services.create_user(
        actor=None, email="c@example.com", full_name="Customer", organisation=customer_org, role=Role.CUSTOMER
    )
    vendors: dict[str, Any] = {}
    models = []
    for vendor_name, model_name in MODELS:
        if vendor_name not in vendors:
            vendors[vendor_name] = asset_services.create_vendor(
                actor=None, name=vendor_name, code=vendor_name.lower()
            )
        models.append(
            asset_services.create_server_model(actor=None, vendor=vendors[vendor_name], name=model_name)
        )

    rng = random.Random(2026)
    now = timezone.now()
    started = time.perf_counter()
    ids: list[int] = []
    with transaction.atomic():
        for start in range(0, ARTICLES, BATCH):
            rows: list[tuple[Article, str]] = []
            for n in range(start, min(start + BATCH, ARTICLES)):
                topic = TOPICS[n % len(TOPICS)]
                chinese = (n // len(TOPICS)) % 2 == 0
                title, body = topic[7] if chinese else topic[8]
                vendor_name, model_name = rng.choice(MODELS)
                code, part = _code(rng), _part(rng)
                extra = rng.choice(EXTRA_ZH if chinese else EXTRA_EN)
                model_label = f"{vendor_name} {model_name}"
                title = f"{title}（{model_label}）" if chinese else f"{title} ({model_label})"
                body = f"{body}\n\n{extra} {code} · {part}"
                published = rng.random() < 0.85
                audience = topic[6] if rng.random() < 0.8 else Audience.INTERNAL
                article = Article(
                    title=title,
                    audience=audience,
                    language="zh-hans" if chinese else "en",
                    component=topic[1],
                    status=ArticleStatus.PUBLISHED if published else ArticleStatus.DRAFT,
                    published_at=now if published else None,
                    created_at=now,
                    updated_at=now,
                )
                rows.append((article, body))
            created = Article.objects.bulk_create([a for a, _ in rows])
            versions = ArticleVersion.objects.bulk_create(
                ArticleVersion(
                    article=a,
                    number=1,
                    title=a.title,
                    body=body,
                    audience=a.audience,
                    published_at=a.published_at,
                    created_at=now,
                    updated_at=now,
                )
                for a, (_, body) in zip(created, rows, strict=True)
            )
            for article, version in zip(created, versions, strict=True):
                article.current_version = version
                article.live_version = version if article.status == ArticleStatus.PUBLISHED else None
            Article.objects.bulk_update(created, ["current_version", "live_version"])
            Article.server_models.through.objects.bulk_create(
                Article.server_models.through(article_id=a.pk, servermodel_id=rng.choice(models).pk)
                for a in created
            )
            ids.extend(a.pk for a in created)
    write_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        index_articles(ids, batch_size=BATCH)
    index_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        analyse = "VACUUM ANALYZE core_searchdocument" if connection.vendor == "postgresql" else "ANALYZE"
        cursor.execute(analyse)

    vendor = connection.vendor
    if vendor == "postgresql":
        raw_sql = (
            "SELECT d.id, ts_rank_cd(d.search_vector, q, 1) AS score "
            "FROM core_searchdocument d, to_tsquery('simple', %s) AS q "
            "WHERE d.search_vector @@ q AND d.object_type = %s ORDER BY score DESC, d.id LIMIT 20"
        )
    else:
        raw_sql = (
            "SELECT d.id, -bm25(core_searchdocument_fts, 10.0, 1.0) AS score "
            "FROM core_searchdocument_fts JOIN core_searchdocument d ON d.id = core_searchdocument_fts.rowid "
            "WHERE core_searchdocument_fts MATCH %s AND d.object_type = %s ORDER BY score DESC, d.id LIMIT 20"
        )
    prepared = {q: to_query(q, vendor=vendor) for group in QUERIES.values() for q in group}

    def raw(query: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, [prepared[query], LIVE_DOCUMENT])
            return len(cursor.fetchall())

    def service(actor: Any, candidates: int = 200) -> Callable[[str], int]:
        return lambda q: len(search_articles(actor=actor, query=q, candidates=candidates)[:20])

    results: dict[str, Any] = {
        "vendor": vendor,
        "write_per_s": ARTICLES / write_seconds,
        "index_per_s": ARTICLES / index_seconds,
    }
    for group, queries in QUERIES.items():
        results[group] = {
            "search_articles, agent": _timed(queries, service(agent)),
            "search_articles, customer": _timed(queries, service(customer)),
            "… 20 candidates, customer": _timed(queries, service(customer, 20)),
            "raw full-text, top 20": _timed(queries, raw),
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
        [sys.executable, __file__], env=env, capture_output=True, text=True, check=False, timeout=3600
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line.removeprefix("RESULT ")))
    raise SystemExit(f"benchmark child failed:\n{done.stdout}\n{done.stderr}")


def _print(results: dict[str, Any]) -> None:
    print(
        f"\n== {results['vendor']}: {ARTICLES} articles, written at {results['write_per_s']:,.0f}/s, "
        f"indexed at {results['index_per_s']:,.0f}/s"
    )
    print(f"{'queries':<10} {'method':<28} {'p50 ms':>8} {'p95 ms':>8} {'hits/q':>7}")
    for group in QUERIES:
        for method, figures in results[group].items():
            print(
                f"{group:<10} {method:<28} {figures['p50']:>8.2f} {figures['p95']:>8.2f} "
                f"{figures['hits']:>7.1f}"
            )


def main() -> int:
    sqlite = Path(SQLITE_PATH)
    recreate_database(PG_URL)
    try:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
        print(f"{ARTICLES} articles, {RUNS} timed queries a row (the queries of a group in turn)")
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
