"""Search quality on our own labelled queries (``data/search_eval.tsv``) over the demo articles.

Each labelled query names the demo topics (:mod:`sasms.knowledge.demo_texts`) that answer it; both
language versions of a topic count as that topic. Measured on the knowledge search as the search
page runs it, for an agent:

* MRR — the mean of 1 / rank of the first relevant topic in the first ten (0 when none);
* recall@5 — the mean share of a query's relevant topics among the first five.

Steps, each adding to the one before: the literal index ("before"), the search dictionary, the
single-character rule with the any-word fallback, learned re-ranking ("after").
"""

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Role
from sasms.core.search import synonyms
from sasms.core.search.services import retokenize_documents
from sasms.core.search.tokenizer import drop_single_han
from sasms.knowledge import rerank
from sasms.knowledge.demo_texts import CATEGORIES, TOPICS
from sasms.knowledge.models import Article, ArticleStatus, Category
from sasms.knowledge.search import index_articles, search_articles

EVAL_FILE = Path(__file__).resolve().parent / "data" / "search_eval.tsv"
RANK_DEPTH = 10
RECALL_AT = 5


@dataclass(frozen=True)
class Step:
    name: str
    dictionary: bool
    single_chars_dropped: bool
    learned: bool


STEPS = [
    Step("before (literal words)", False, False, False),
    Step("+ search dictionary", True, False, False),
    Step("+ single characters dropped, any-word fallback", True, True, False),
    Step("+ learned re-ranking (after)", True, True, True),
]


@dataclass(frozen=True)
class Result:
    step: str
    queries: int
    mrr: float
    recall: float


def labelled_queries(path: Path = EVAL_FILE) -> list[tuple[str, set[str]]]:
    pairs: list[tuple[str, set[str]]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            query, _, keys = line.rstrip("\n").partition("\t")
            pairs.append((query.strip(), {k.strip() for k in keys.split(",") if k.strip()}))
    return pairs


def _titles() -> dict[str, str]:
    titles: dict[str, str] = {}
    for key, *_rest, zh, en in TOPICS:
        titles[zh[0]] = key
        titles[en[0]] = key
    return titles


def build_knowledge_base() -> User:
    """The demo topics as published articles (both languages) and an agent to search as."""
    provider = Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("pk").first()
    if provider is None:
        provider = Organisation.objects.create(name="Search evaluation", code="search-eval", kind="provider")
    agent = User.objects.create(
        email="search-eval@example.invalid",
        full_name="Search evaluation",
        organisation=provider,
        role=Role.AGENT,
    )
    categories = {c.code: c for c in Category.objects.all()}
    for code, name, position in CATEGORIES:
        if code not in categories:
            categories[code] = Category.objects.create(name=name, code=code, position=position)
    from sasms.knowledge import services

    ids: list[int] = []
    for _key, component, category, _vendors, _models, tags, audience, zh, en in TOPICS:
        for language, (title, body) in (("zh-hans", zh), ("en", en)):
            article = services.create_article(
                actor=None,
                title=title,
                body=body,
                audience=audience,
                language=language,
                category=categories[category],
                component=component,
                tags=list(tags),
            )
            # Published directly: the review workflow is not what is measured here.
            Article.objects.filter(pk=article.pk).update(
                status=ArticleStatus.PUBLISHED,
                live_version=article.current_version,
                updated_at=timezone.now(),
            )
            ids.append(article.pk)
    index_articles(ids)
    return agent


@contextlib.contextmanager
def _step(step: Step) -> Iterator[None]:
    tokens = (synonyms.enabled.set(step.dictionary), drop_single_han.set(step.single_chars_dropped))
    try:
        for _progress in retokenize_documents():
            pass
        rerank.forget()
        yield
    finally:
        synonyms.enabled.reset(tokens[0])
        drop_single_han.reset(tokens[1])


def measure(agent: User, step: Step, queries: list[tuple[str, set[str]]]) -> Result:
    titles = _titles()
    reciprocal = 0.0
    recall = 0.0
    with _step(step):
        for query, relevant in queries:
            hits = search_articles(
                actor=agent,
                query=query,
                learned=step.learned,
                broaden=step.single_chars_dropped,
            )
            ranked: list[str] = []
            for hit in hits:
                key = titles.get(hit.article.title, "")
                if key and key not in ranked:
                    ranked.append(key)
            first = next((i for i, key in enumerate(ranked[:RANK_DEPTH]) if key in relevant), None)
            reciprocal += 0.0 if first is None else 1.0 / (first + 1)
            recall += len(relevant & set(ranked[:RECALL_AT])) / len(relevant)
    count = len(queries)
    return Result(step.name, count, reciprocal / count, recall / count)


@dataclass(frozen=True)
class Timing:
    requests: int
    median_ms: float
    worst_ms: float
    queries_per_request: float


def time_suggestions(agent: User, queries: list[tuple[str, set[str]]]) -> Timing:
    """The suggestion panel's work for each labelled query, as typed: a bench, not a test."""
    from sasms.knowledge.suggest import suggestions_for

    suggestions_for(actor=agent, text="warm up", requests=False)  # fits the similarity model
    durations: list[float] = []
    with CaptureQueriesContext(connection) as captured:
        for query, _relevant in queries:
            started = time.perf_counter()
            suggestions_for(actor=agent, text=query)
            durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    return Timing(
        len(durations), durations[len(durations) // 2], durations[-1], len(captured) / max(1, len(durations))
    )


def evaluate(queries: list[tuple[str, set[str]]] | None = None) -> tuple[list[Result], Timing]:
    """Every step on a throw-away copy of the demo knowledge base; nothing is kept."""
    queries = queries if queries is not None else labelled_queries()
    results: list[Result] = []
    with transaction.atomic():
        agent = build_knowledge_base()
        for step in STEPS:
            results.append(measure(agent, step, queries))
        timing = time_suggestions(agent, queries)
        transaction.set_rollback(True)
    rerank.forget()
    # The index's documents were re-tokenised inside the rolled-back transaction: nothing to redo.
    return results, timing
