"""Index adapters: the database-specific half of search, behind one small interface.

Both take the same pre-tokenised columns and the same scoped queryset and answer ranked rows; all
the rest (tokenizing, scoping, snippets) is shared, so the two databases find the same documents.

* PostgreSQL: a stored ``tsvector`` column (title terms weight A, body terms weight D) with a GIN
  index, both created by migration ``core.0003_search``; ranked by ``ts_rank_cd``.
* SQLite: an external-content FTS5 table over the token columns, kept in step by triggers created
  by the same migration; ranked by ``bm25`` with the title weighted ten times the body.

A later migration that changes ``core_searchdocument`` on SQLite rebuilds the table, which drops its
triggers: such a migration must create them again (see ``SQLITE_CREATE`` in ``0003_search``).
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import EmptyResultSet, FullResultSet, ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from sasms.core.search.models import SearchDocument

#
# The queries. ``<scope>`` is replaced by the ORM-compiled WHERE condition of the actor's scope; every
# value (the match, the scope's own values, limit and offset) is a bound parameter.
#
# ts_rank_cd normalisation 1 divides by 1 + log(length), so long documents do not win on bulk.
# The row's type, id and title come with the ranking, so a caller that needs no snippets reads
# nothing else.
POSTGRES_SQL = (
    "SELECT core_searchdocument.id, ts_rank_cd(core_searchdocument.search_vector, q, 1) AS score, "
    "core_searchdocument.object_type, core_searchdocument.object_id, core_searchdocument.title "
    "FROM core_searchdocument, to_tsquery('simple', %s) AS q "
    "WHERE core_searchdocument.search_vector @@ q AND (<scope>) "
    "ORDER BY score DESC, core_searchdocument.id LIMIT %s OFFSET %s"
)
# bm25() is lower for better matches; negated so that both backends sort by score descending. Its
# column weights (title 10, body 1) match PostgreSQL's default A:D weights of 1.0:0.1.
SQLITE_SQL = (
    "SELECT core_searchdocument.id, -bm25(core_searchdocument_fts, 10.0, 1.0) AS score, "
    "core_searchdocument.object_type, core_searchdocument.object_id, core_searchdocument.title "
    "FROM core_searchdocument_fts JOIN core_searchdocument "
    "ON core_searchdocument.id = core_searchdocument_fts.rowid "
    "WHERE core_searchdocument_fts MATCH %s AND (<scope>) "
    "ORDER BY score DESC, core_searchdocument.id LIMIT %s OFFSET %s"
)


@dataclass(frozen=True)
class RankedId:
    id: int
    score: float
    object_type: str = ""
    object_id: str = ""
    title: str = ""


class SearchBackend(Protocol):
    vendor: str

    def ranked(
        self, scope: "QuerySet[SearchDocument]", match: str, *, limit: int, offset: int
    ) -> list[RankedId]:
        """Ids of the documents in ``scope`` matching the backend query ``match``, best first."""
        ...


def _scope_condition(
    scope: "QuerySet[SearchDocument]", connection: BaseDatabaseWrapper
) -> tuple[str, list[Any]]:
    """The WHERE condition of ``scope`` as SQL over the unaliased ``core_searchdocument`` table.

    Raises ``EmptyResultSet`` when the scope can match nothing (``.none()``).
    """
    query = scope.query
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(query.where)
    except FullResultSet:  # no condition at all: staff who see every organisation
        return "1 = 1", []
    return (sql or "1 = 1"), list(params)


class PostgresBackend:
    vendor = "postgresql"

    def ranked(
        self, scope: "QuerySet[SearchDocument]", match: str, *, limit: int, offset: int
    ) -> list[RankedId]:
        connection = connections[scope.db]
        try:
            condition, params = _scope_condition(scope, connection)
        except EmptyResultSet:
            return []
        sql = POSTGRES_SQL.replace("<scope>", condition)
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, *params, limit, offset])
            return [RankedId(int(r[0]), float(r[1]), r[2], r[3], r[4]) for r in cursor.fetchall()]


class SqliteBackend:
    vendor = "sqlite"

    def ranked(
        self, scope: "QuerySet[SearchDocument]", match: str, *, limit: int, offset: int
    ) -> list[RankedId]:
        connection = connections[scope.db]
        try:
            condition, params = _scope_condition(scope, connection)
        except EmptyResultSet:
            return []
        sql = SQLITE_SQL.replace("<scope>", condition)
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, *params, limit, offset])
            return [RankedId(int(r[0]), float(r[1]), r[2], r[3], r[4]) for r in cursor.fetchall()]


_BACKENDS: dict[str, SearchBackend] = {"postgresql": PostgresBackend(), "sqlite": SqliteBackend()}


def backend_for(vendor: str) -> SearchBackend:
    try:
        return _BACKENDS[vendor]
    except KeyError:
        raise ImproperlyConfigured(f"Search has no backend for the {vendor!r} database.") from None
