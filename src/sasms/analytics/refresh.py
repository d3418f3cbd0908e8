"""Keeping the facts and rollups current: incremental refresh from watermarks, and full rebuild.

The incremental refresh finds the requests whose measures may have changed since the last run —
new requests, requests updated, SLA clock ledger entries, survey answers, stock movements and
visits — recomputes their facts (and those of later requests on the same server whose
repeat-failure flag depends on a new or moved one), and adds the difference between the old and
the new facts to exactly the rollup rows they count in; rows left empty are deleted. It runs in one
transaction holding the lock on the ``RefreshState`` row, so two runs queue up and the second finds
nothing left to do; a fact is replaced, never added twice, so running again is harmless.
"""

import datetime
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, Max, OuterRef
from django.utils import timezone

from sasms.analytics import definitions as d
from sasms.analytics.facts import chunked, insert_all_facts, rebuild_facts
from sasms.analytics.models import KpiRollup, RefreshState, RequestFact
from sasms.feedback.models import SurveyResponse
from sasms.field.models import Visit
from sasms.parts.models import Movement
from sasms.sla.models import ClockEntry
from sasms.tickets.models import Ticket

DIMENSIONS = (
    "organisation_id",
    "team_id",
    "engineer_id",
    "vendor_id",
    "model_id",
    "priority",
    "category",
    "component",
)
# Groupings from smallest to largest; a query uses the first that holds every dimension it needs,
# and a rarer combination (say team + priority) sums the facts instead (``rollups``).
# ``model_id`` always travels with ``vendor_id`` (a model has one vendor), so it costs nothing.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "all": (),
    "org": ("organisation_id",),
    "team": ("team_id",),
    "vendor": ("vendor_id",),
    "model": ("vendor_id", "model_id"),
    "component": ("component",),
    "priority": ("priority",),
    "category": ("category",),
    "engineer": ("engineer_id",),
    "org_model": ("organisation_id", "vendor_id", "model_id"),
    "org_component": ("organisation_id", "component"),
}
_SLA_COLUMNS = tuple(f"sla_{kind}_{outcome}" for kind in d.SLA_KINDS for outcome in ("met", "breached"))
# Each event: the fact's day column that dates it, and what it adds to that day's rollup row.
# ``_contributions`` below says the same in Python, for the incremental deltas; the tests compare
# an incrementally refreshed rollup with a full rebuild, so the two cannot drift apart unseen.
_EVENTS: dict[str, tuple[str, dict[str, str]]] = {
    "created": (
        "created_day",
        {"created": "1", "faults": "CASE WHEN is_fault THEN 1 ELSE 0 END"} | {c: c for c in _SLA_COLUMNS},
    ),
    "ended": ("ended_day", {"ended": "1"}),
    "responded": (
        "responded_day",
        {
            "responded": "1",
            "response_minutes": "COALESCE(response_minutes, 0.0)",
            "response_business_count": "CASE WHEN response_business_minutes IS NULL THEN 0 ELSE 1 END",
            "response_business_minutes": "COALESCE(response_business_minutes, 0.0)",
        },
    ),
    "resolved": (
        "resolved_day",
        {
            "resolved": "1",
            "resolve_minutes": "COALESCE(resolve_minutes, 0.0)",
            "resolve_business_count": "CASE WHEN resolve_business_minutes IS NULL THEN 0 ELSE 1 END",
            "resolve_business_minutes": "COALESCE(resolve_business_minutes, 0.0)",
            "ftf_known": "CASE WHEN first_time_fix IS NULL THEN 0 ELSE 1 END",
            "ftf_yes": "CASE WHEN first_time_fix THEN 1 ELSE 0 END",
            "repeats": 'CASE WHEN "repeat" THEN 1 ELSE 0 END',
            "reopened": "CASE WHEN reopened THEN 1 ELSE 0 END",
            "work_minutes": "work_minutes",
            "visits": "visits",
            "parts_cost": "parts_cost",
        },
    ),
    "csat": (
        "csat_day",
        {
            "csat_count": "1",
            "csat_total": "csat_score",
            "csat_satisfied": f"CASE WHEN csat_score >= {d.SATISFIED_SCORE} THEN 1 ELSE 0 END",
        },
    ),
}
MEASURES: tuple[str, ...] = tuple(dict.fromkeys(m for _day, cols in _EVENTS.values() for m in cols))
_COUNTS = ("created", "ended", "responded", "resolved", "csat_count")  # one per event: all 0 = empty cell
_FLOAT_MEASURES = {m for m in MEASURES if m.endswith("_minutes") and m != "work_minutes"} | {"csat_total"}
_NULL_KEY = "~"  # a dimension outside the grouping, in the cell key ("" is a real value)


@dataclass
class RefreshResult:
    facts: int  # requests whose facts were recomputed
    days: int  # distinct days whose rollup rows changed
    rollup_rows: int  # rollup rows written (full) or cells changed (incremental)
    seconds: float
    full: bool = False


def _zero(measure: str) -> str:
    if measure in _FLOAT_MEASURES:
        return "0.0"
    if measure == "parts_cost":
        return "CAST(0 AS NUMERIC)"
    return "0"


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def events_sql(where: str = "") -> str:
    """A UNION ALL with one row per (fact, event): its day, dimensions and measure contributions.

    ``where`` (SQL on fact columns, may hold ``%s``) is added to every branch, so its parameters
    repeat ``len(EVENT_COUNT)`` times. Plain SQL that SQLite and PostgreSQL both run, built only
    from this module's constant names (values travel as parameters), hence the S608 exemptions.
    """
    branches = []
    for day_column, contributions in _EVENTS.values():
        condition = f"{day_column} IS NOT NULL" + (
            f" AND {where.replace('{day}', day_column)}" if where else ""
        )
        measures = ", ".join(f"{contributions.get(m, _zero(m))} AS {_quoted(m)}" for m in MEASURES)
        branches.append(
            f"SELECT {day_column} AS day, {', '.join(DIMENSIONS)}, {measures} "  # noqa: S608
            f"FROM {RequestFact._meta.db_table} WHERE {condition}"
        )
    return " UNION ALL ".join(branches)


EVENT_COUNT = len(_EVENTS)


def _key_sql(grouping: str) -> str:
    dims = GROUPINGS[grouping]
    parts = [f"'{grouping}'", "CAST(day AS TEXT)"]
    parts += [f"COALESCE(CAST({dim} AS TEXT), '')" if dim in dims else f"'{_NULL_KEY}'" for dim in DIMENSIONS]
    return " || '|' || ".join(parts)


def cell_key(grouping: str, day: datetime.date, values: dict[str, Any]) -> str:
    """The cell key in Python; equal to ``_key_sql`` on both databases."""
    dims = GROUPINGS[grouping]
    parts = [grouping, day.isoformat()]
    parts += [
        ("" if values[dim] is None else str(values[dim])) if dim in dims else _NULL_KEY for dim in DIMENSIONS
    ]
    return "|".join(parts)


def _insert_sql(grouping: str) -> str:
    """INSERT … SELECT of every row of one grouping (the full rebuild)."""
    dims = GROUPINGS[grouping]
    selected_dims = ", ".join(dim if dim in dims else "NULL" for dim in DIMENSIONS)
    sums = ", ".join(f"SUM({_quoted(m)})" for m in MEASURES)
    columns = ", ".join(_quoted(c) for c in ("key", "grouping", "day", *DIMENSIONS, *MEASURES))
    return (
        f"INSERT INTO {KpiRollup._meta.db_table} ({columns}) "  # noqa: S608
        f"SELECT {_key_sql(grouping)}, %s, day, {selected_dims}, {sums} FROM ({events_sql()}) AS events "
        f"GROUP BY {', '.join(('day', *dims))}"
    )


def _contributions(fact: RequestFact) -> list[tuple[datetime.date, dict[str, Any]]]:
    """What one fact adds to the rollup rows, per day (``_EVENTS`` in Python)."""
    added: list[tuple[datetime.date, dict[str, Any]]] = [
        (
            fact.created_day,
            {"created": 1, "faults": int(fact.is_fault)} | {c: getattr(fact, c) for c in _SLA_COLUMNS},
        )
    ]
    if fact.ended_day is not None:
        added.append((fact.ended_day, {"ended": 1}))
    if fact.responded_day is not None:
        business = fact.response_business_minutes
        added.append(
            (
                fact.responded_day,
                {
                    "responded": 1,
                    "response_minutes": fact.response_minutes or 0.0,
                    "response_business_count": 0 if business is None else 1,
                    "response_business_minutes": business or 0.0,
                },
            )
        )
    if fact.resolved_day is not None:
        business = fact.resolve_business_minutes
        added.append(
            (
                fact.resolved_day,
                {
                    "resolved": 1,
                    "resolve_minutes": fact.resolve_minutes or 0.0,
                    "resolve_business_count": 0 if business is None else 1,
                    "resolve_business_minutes": business or 0.0,
                    "ftf_known": 0 if fact.first_time_fix is None else 1,
                    "ftf_yes": 1 if fact.first_time_fix else 0,
                    "repeats": int(fact.repeat),
                    "reopened": int(fact.reopened),
                    "work_minutes": fact.work_minutes,
                    "visits": fact.visits,
                    "parts_cost": Decimal(fact.parts_cost),
                },
            )
        )
    if fact.csat_day is not None and fact.csat_score is not None:
        added.append(
            (
                fact.csat_day,
                {
                    "csat_count": 1,
                    "csat_total": fact.csat_score,
                    "csat_satisfied": int(fact.csat_score >= d.SATISFIED_SCORE),
                },
            )
        )
    return added


def rollup_deltas(old: list[RequestFact], new: list[RequestFact]) -> dict[str, dict[str, Any]]:
    """Per cell key: the grouping, day, dimensions and measure changes from ``old`` to ``new``."""
    cells: dict[str, dict[str, Any]] = {}
    for sign, facts in ((-1, old), (1, new)):
        for fact in facts:
            values = {dim: getattr(fact, dim) for dim in DIMENSIONS}
            for day, measures in _contributions(fact):
                for grouping, dims in GROUPINGS.items():
                    key = cell_key(grouping, day, values)
                    cell = cells.get(key)
                    if cell is None:
                        cell = cells[key] = {
                            "grouping": grouping,
                            "day": day,
                            "dims": {dim: values[dim] if dim in dims else None for dim in DIMENSIONS},
                            "measures": dict.fromkeys(MEASURES, 0),
                        }
                    for name, value in measures.items():
                        cell["measures"][name] += sign * value
    return cells


def _apply_deltas(cells: dict[str, dict[str, Any]]) -> int:
    """Add the deltas to their rows (creating missing ones), then drop rows left empty."""
    changed = {
        key: cell for key, cell in cells.items() if any(value != 0 for value in cell["measures"].values())
    }
    if not changed:
        return 0
    table = KpiRollup._meta.db_table
    columns = ("key", "grouping", "day", *DIMENSIONS, *MEASURES)
    additions = ", ".join(f"{_quoted(m)} = {table}.{_quoted(m)} + excluded.{_quoted(m)}" for m in MEASURES)
    sql = (
        f"INSERT INTO {table} ({', '.join(_quoted(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({_quoted('key')}) DO UPDATE SET {additions}"
    )
    rows = [
        [key, cell["grouping"], cell["day"], *(cell["dims"][dim] for dim in DIMENSIONS)]
        + [cell["measures"][m] for m in MEASURES]
        for key, cell in changed.items()
    ]
    with connection.cursor() as cursor:
        for batch in chunked(rows, 1000):
            cursor.executemany(sql, batch)
    empty = {f"{name}": 0 for name in _COUNTS}
    for keys in chunked(sorted(changed), 500):
        KpiRollup.objects.filter(key__in=keys, **empty).delete()
    return len(changed)


def _rebuild_all_rollups() -> int:
    KpiRollup.objects.all().delete()
    written = 0
    with connection.cursor() as cursor:
        for grouping in GROUPINGS:
            cursor.execute(_insert_sql(grouping), [grouping])
            written += cursor.rowcount
    return written


def _locked_state() -> RefreshState:
    RefreshState.objects.get_or_create(pk=1)
    return RefreshState.objects.select_for_update().get(pk=1)


def _overlap() -> datetime.timedelta:
    # Rows updated by a transaction that committed after the last run but stamped before it would
    # be missed; looking back a little catches them (recomputing a fact twice is harmless).
    return datetime.timedelta(seconds=getattr(settings, "SASMS_ANALYTICS_REFRESH_OVERLAP_SECONDS", 120))


def _repeat_neighbours(ticket_ids: set[int]) -> set[int]:
    """Later requests whose repeat-failure flag may depend on ``ticket_ids``: on the same server,
    about the same component, opened within 30 days after one of them."""
    found: set[int] = set()
    window_start = ExpressionWrapper(OuterRef("created_at") - d.REPEAT_WINDOW, output_field=DateTimeField())
    for chunk in chunked(sorted(ticket_ids)):
        earlier = Ticket.objects.filter(
            id__in=chunk,
            server_id=OuterRef("server_id"),
            component=OuterRef("component"),
            created_at__lt=OuterRef("created_at"),
            created_at__gte=window_start,
        )
        servers = Ticket.objects.filter(id__in=chunk, server__isnull=False).exclude(component="")
        found.update(
            Ticket.objects.filter(server_id__in=servers.values("server_id"))
            .exclude(component="")
            .filter(Exists(earlier))
            .values_list("id", flat=True)
        )
    return found - ticket_ids


def _moved(old: list[RequestFact], new: list[RequestFact]) -> set[int]:
    """Requests that are new, or whose component, server model or creation day changed: only
    these can change another request's repeat flag (resolving, rating… cannot)."""
    before = {fact.ticket_id: (fact.component, fact.model_id, fact.created_day) for fact in old}
    return {
        fact.ticket_id
        for fact in new
        if before.get(fact.ticket_id) != (fact.component, fact.model_id, fact.created_day)
    }


def _remodelled(since: datetime.datetime) -> list[int]:
    """Requests whose server moved to another model (an edit or an import) since ``since``: their
    facts still count the old model and vendor, and the request itself did not change."""
    return list(
        RequestFact.objects.filter(ticket__server__updated_at__gte=since)
        .exclude(model_id=F("ticket__server__model_id"))
        .values_list("ticket_id", flat=True)
    )


def refresh_incremental() -> RefreshResult:
    """Bring the facts and rollups up to date with everything changed since the last run."""
    started = time.perf_counter()
    with transaction.atomic():
        state = _locked_state()
        if state.last_full_at is None:
            result = _full_locked(state)
            result.seconds = round(time.perf_counter() - started, 3)
            return result
        now = timezone.now()
        changed: set[int] = set()
        since = state.tickets_updated_at - _overlap() if state.tickets_updated_at else None
        tickets = Ticket.objects.all() if since is None else Ticket.objects.filter(updated_at__gte=since)
        changed.update(tickets.values_list("id", flat=True))
        if since is not None:
            changed.update(_remodelled(since))
        last_ticket = Ticket.objects.aggregate(last=Max("id"))["last"] or 0
        changed.update(
            Ticket.objects.filter(id__gt=state.last_ticket_id, id__lte=last_ticket).values_list(
                "id", flat=True
            )
        )
        visits_since = state.visits_updated_at - _overlap() if state.visits_updated_at else None
        visits = (
            Visit.objects.all()
            if visits_since is None
            else Visit.objects.filter(updated_at__gte=visits_since)
        )
        changed.update(visits.values_list("ticket_id", flat=True))
        last_entry = ClockEntry.objects.aggregate(last=Max("id"))["last"] or 0
        changed.update(
            ClockEntry.objects.filter(id__gt=state.last_clock_entry_id, id__lte=last_entry).values_list(
                "clock__ticket_id", flat=True
            )
        )
        last_survey = SurveyResponse.objects.aggregate(last=Max("id"))["last"] or 0
        changed.update(
            SurveyResponse.objects.filter(
                id__gt=state.last_survey_response_id, id__lte=last_survey
            ).values_list("ticket_id", flat=True)
        )
        last_movement = Movement.objects.aggregate(last=Max("id"))["last"] or 0
        changed.update(
            Movement.objects.filter(
                id__gt=state.last_movement_id, id__lte=last_movement, ticket__isnull=False
            ).values_list("ticket_id", flat=True)
        )
        old, new = rebuild_facts(sorted(changed))
        neighbours = _repeat_neighbours(_moved(old, new)) - changed
        if neighbours:
            more_old, more_new = rebuild_facts(sorted(neighbours))
            old, new = old + more_old, new + more_new
            changed |= neighbours
        deltas = rollup_deltas(old, new)
        written = _apply_deltas(deltas)
        days = {cell["day"] for cell in deltas.values()}
        state.tickets_updated_at = state.visits_updated_at = now
        state.last_ticket_id, state.last_clock_entry_id = last_ticket, last_entry
        state.last_survey_response_id = last_survey
        state.last_movement_id, state.last_run_at = last_movement, now
        state.save()
    return RefreshResult(len(changed), len(days), written, round(time.perf_counter() - started, 3))


def refresh_full() -> RefreshResult:
    """Rebuild every fact and rollup row from scratch (after a rate or definition change, nightly)."""
    started = time.perf_counter()
    with transaction.atomic():
        result = _full_locked(_locked_state())
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _full_locked(state: RefreshState) -> RefreshResult:
    now = timezone.now()
    # Watermarks first: whatever changes while we rebuild is picked up by the next run.
    last_ticket = Ticket.objects.aggregate(last=Max("id"))["last"] or 0
    last_entry = ClockEntry.objects.aggregate(last=Max("id"))["last"] or 0
    last_survey = SurveyResponse.objects.aggregate(last=Max("id"))["last"] or 0
    last_movement = Movement.objects.aggregate(last=Max("id"))["last"] or 0
    RequestFact.objects.all().delete()
    facts = insert_all_facts()
    written = _rebuild_all_rollups()
    days = KpiRollup.objects.filter(grouping="all").count()
    state.tickets_updated_at = state.visits_updated_at = now
    state.last_ticket_id, state.last_clock_entry_id = last_ticket, last_entry
    state.last_survey_response_id = last_survey
    state.last_movement_id, state.last_run_at, state.last_full_at = last_movement, now, now
    state.save()
    return RefreshResult(facts, days, written, 0.0, full=True)
