"""Building ``RequestFact`` rows from the operational tables, a chunk of requests at a time."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

from django.db import connection
from django.db.models import F
from django.utils import timezone

from sasms.analytics import definitions as d
from sasms.analytics.models import RequestFact
from sasms.feedback.models import SurveyResponse
from sasms.field.models import Visit
from sasms.parts.choices import MovementKind
from sasms.parts.models import Movement
from sasms.sla.models import ClockKind, ClockState, SlaClock
from sasms.tickets.models import Ticket

T = TypeVar("T")
CHUNK = 5000
_TICKET_FIELDS = (
    "id",
    "organisation_id",
    "team_id",
    "assignee_id",
    "server_id",
    "priority",
    "category",
    "component",
    "type",
    "status",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "first_time_fix",
    "reopen_count",
    "work_minutes",
)


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _minutes(later: datetime.datetime | None, earlier: datetime.datetime) -> float | None:
    return None if later is None else (later - earlier).total_seconds() / 60


def rebuild_facts(ticket_ids: list[int]) -> tuple[list[RequestFact], list[RequestFact]]:
    """Recompute the facts of ``ticket_ids`` (deleting those of vanished requests); returns the
    facts as they were and as they are now, for the rollup deltas."""
    old: list[RequestFact] = []
    new: list[RequestFact] = []
    for chunk in chunked(ticket_ids):
        old.extend(RequestFact.objects.filter(ticket_id__in=chunk))
        RequestFact.objects.filter(ticket_id__in=chunk).delete()
        facts = _build(chunk)
        RequestFact.objects.bulk_create(facts, batch_size=2000)
        new.extend(facts)
    return old, new


def insert_all_facts() -> int:
    """Facts of every request, into an empty fact table (the full rebuild)."""
    if connection.vendor == "postgresql":
        from sasms.analytics.facts_sql import insert_all_facts_sql

        return insert_all_facts_sql()
    count = 0
    ids = Ticket.objects.order_by("id").values_list("id", flat=True)
    for chunk in chunked(ids.iterator(chunk_size=CHUNK)):
        facts = _build(chunk)
        RequestFact.objects.bulk_create(facts, batch_size=2000)
        count += len(facts)
    return count


def _build(chunk: list[int]) -> list[RequestFact]:
    tickets = (
        Ticket.objects.filter(id__in=chunk)
        .annotate(is_repeat=d.repeat_exists(), vendor=F("server__vendor_id"), model=F("server__model_id"))
        .values(*_TICKET_FIELDS, "is_repeat", "vendor", "model")
    )
    clocks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for clock in SlaClock.objects.filter(ticket_id__in=chunk).values(
        "ticket_id", "kind", "state", "breached_at", "consumed_minutes", "cycle", "cycles_missed"
    ):
        clocks[clock["ticket_id"]].append(dict(clock))
    surveys: dict[int, dict[str, Any]] = {
        row["ticket_id"]: dict(row)
        for row in SurveyResponse.objects.filter(ticket_id__in=chunk).values(
            "ticket_id", "average", "created_at"
        )
    }
    parts: dict[int, Decimal] = defaultdict(Decimal)
    for movement in Movement.objects.filter(
        ticket_id__in=chunk, kind__in=(MovementKind.ISSUE, MovementKind.RETURN_GOOD)
    ).values("ticket_id", "kind", "quantity", "unit_cost"):
        sign = 1 if movement["kind"] == MovementKind.ISSUE else -1
        parts[movement["ticket_id"]] += sign * movement["quantity"] * movement["unit_cost"]
    visits: dict[int, int] = defaultdict(int)
    for ticket_id in Visit.objects.filter(ticket_id__in=chunk, checked_in_at__isnull=False).values_list(
        "ticket_id", flat=True
    ):
        visits[ticket_id] += 1
    now = timezone.now()
    return [
        _fact(t, clocks[t["id"]], surveys.get(t["id"]), parts[t["id"]], visits[t["id"]], now) for t in tickets
    ]


def _fact(
    t: dict[str, Any],
    clocks: list[dict[str, Any]],
    survey: dict[str, Any] | None,
    parts_cost: Decimal,
    visits: int,
    now: datetime.datetime,
) -> RequestFact:
    created_at: datetime.datetime = t["created_at"]
    created_day = timezone.localtime(created_at, d.local_zone()).date()
    fact = RequestFact(
        ticket_id=t["id"],
        organisation_id=t["organisation_id"],
        team_id=t["team_id"],
        engineer_id=t["assignee_id"],
        vendor_id=t["vendor"],
        model_id=t["model"],
        priority=t["priority"],
        category=t["category"],
        component=t["component"],
        is_fault=d.is_fault(t["type"], t["category"], t["server_id"]),
        created_day=created_day,
        responded_day=d.local_day(t["first_response_at"]),
        resolved_day=d.local_day(t["resolved_at"]),
        ended_day=d.local_day(d.ended_at(t["status"], t["resolved_at"], t["closed_at"], t["updated_at"])),
        response_minutes=_minutes(t["first_response_at"], created_at),
        resolve_minutes=_minutes(t["resolved_at"], created_at),
        first_time_fix=t["first_time_fix"],
        repeat=t["is_repeat"],
        reopened=t["reopen_count"] > 0,
        work_minutes=t["work_minutes"],
        visits=visits,
        parts_cost=parts_cost.quantize(Decimal("0.01")),
        refreshed_at=now,
    )
    if survey is not None:
        fact.csat_day = d.local_day(survey["created_at"])
        fact.csat_score = float(survey["average"])
    for clock in clocks:
        met, breached = d.clock_outcome(
            clock["kind"],
            clock["state"],
            clock["breached_at"] is not None,
            clock["cycle"],
            clock["cycles_missed"],
        )
        setattr(fact, f"sla_{clock['kind']}_met", met)
        setattr(fact, f"sla_{clock['kind']}_breached", breached)
        # Business time is the SLA clock's own measure: business minutes on the request's
        # calendar, pauses (waiting for the customer) excluded; only a met clock has a final value.
        if (
            clock["state"] == ClockState.MET
            and clock["kind"] == ClockKind.RESPONSE
            and t["first_response_at"]
        ):
            fact.response_business_minutes = clock["consumed_minutes"]
        if clock["state"] == ClockState.MET and clock["kind"] == ClockKind.RESOLUTION and t["resolved_at"]:
            fact.resolve_business_minutes = clock["consumed_minutes"]
    return fact
