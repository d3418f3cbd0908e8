"""Reads of spare-parts data. Staff read everything; anyone else (customers) reads nothing."""

import datetime
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.core.errors import NotFound
from sasms.parts.access import Actor, is_reader
from sasms.parts.choices import (
    OPEN_RMA_STATUSES,
    USABLE_CONDITIONS,
    MovementKind,
    ReturnStatus,
    TransferStatus,
)
from sasms.parts.models import (
    DefectiveReturn,
    Depot,
    Forecast,
    Movement,
    Part,
    Problem,
    Reservation,
    RmaCase,
    SerialUnit,
    StockBalance,
    StockPolicy,
    Transfer,
)
from sasms.tickets.models import Ticket

USABLE = Q(condition__in=USABLE_CONDITIONS)


def _scoped(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset if is_reader(actor) else queryset.none()


def _one(queryset: QuerySet[Any], actor: Actor, **lookup: Any) -> Any:
    try:
        return _scoped(queryset, actor).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


# --- Catalogue and depots -------------------------------------------------------------------------


def parts_visible_to(*, actor: Actor) -> QuerySet[Part]:
    usable = Q(balances__condition__in=USABLE_CONDITIONS)
    queryset = Part.objects.select_related("vendor").annotate(
        on_hand=Coalesce(Sum("balances__on_hand", filter=usable), 0),
        reserved_total=Coalesce(Sum("balances__reserved", filter=usable), 0),
    )
    return _scoped(queryset.annotate(available=F("on_hand") - F("reserved_total")), actor)


def access_part(*, actor: Actor, part_id: Any) -> Part:
    part: Part = _one(Part.objects.select_related("vendor"), actor, pk=part_id)
    return part


def part_by_number(*, actor: Actor, part_number: str) -> Part:
    part: Part = _one(
        Part.objects.select_related("vendor"), actor, part_number__iexact=str(part_number).strip()
    )
    return part


def depots_visible_to(*, actor: Actor) -> QuerySet[Depot]:
    usable = Q(balances__condition__in=USABLE_CONDITIONS)
    queryset = Depot.objects.annotate(
        usable_units=Coalesce(Sum("balances__on_hand", filter=usable), 0),
        defective_units=Coalesce(Sum("balances__on_hand", filter=Q(balances__condition="defective")), 0),
    )
    return _scoped(queryset, actor)


def access_depot(*, actor: Actor, depot_id: Any) -> Depot:
    depot: Depot = _one(Depot.objects.all(), actor, pk=depot_id)
    return depot


def depot_by_code(*, actor: Actor, code: str) -> Depot:
    depot: Depot = _one(Depot.objects.all(), actor, code__iexact=str(code).strip())
    return depot


# --- Stock and the ledger -------------------------------------------------------------------------


def balances_visible_to(*, actor: Actor) -> QuerySet[StockBalance]:
    return _scoped(StockBalance.objects.select_related("part", "part__vendor", "depot"), actor)


def movements_visible_to(*, actor: Actor) -> QuerySet[Movement]:
    queryset = Movement.objects.select_related("part", "depot", "ticket", "other_depot", "rma")
    return _scoped(queryset, actor)


def access_movement(*, actor: Actor, movement_id: Any) -> Movement:
    movement: Movement = _one(movements_visible_to(actor=actor), actor, pk=movement_id)
    return movement


def units_visible_to(*, actor: Actor) -> QuerySet[SerialUnit]:
    return _scoped(SerialUnit.objects.select_related("part", "depot", "server"), actor)


# --- Flows ----------------------------------------------------------------------------------------


def reservations_visible_to(*, actor: Actor) -> QuerySet[Reservation]:
    return _scoped(Reservation.objects.select_related("ticket", "part", "depot", "created_by"), actor)


def access_reservation(*, actor: Actor, reservation_id: Any) -> Reservation:
    reservation: Reservation = _one(reservations_visible_to(actor=actor), actor, pk=reservation_id)
    return reservation


def reservations_of(ticket: Ticket) -> list[Reservation]:
    return list(
        Reservation.objects.filter(ticket=ticket)
        .select_related("part", "depot")
        .order_by("-created_at", "-id")
    )


def transfers_visible_to(*, actor: Actor) -> QuerySet[Transfer]:
    return _scoped(Transfer.objects.select_related("part", "from_depot", "to_depot", "ticket"), actor)


def access_transfer(*, actor: Actor, transfer_id: Any) -> Transfer:
    transfer: Transfer = _one(transfers_visible_to(actor=actor), actor, pk=transfer_id)
    return transfer


def returns_visible_to(*, actor: Actor) -> QuerySet[DefectiveReturn]:
    return _scoped(DefectiveReturn.objects.select_related("ticket", "part", "depot", "server"), actor)


def access_return(*, actor: Actor, return_id: Any) -> DefectiveReturn:
    item: DefectiveReturn = _one(returns_visible_to(actor=actor), actor, pk=return_id)
    return item


def rma_cases_visible_to(*, actor: Actor) -> QuerySet[RmaCase]:
    return _scoped(
        RmaCase.objects.select_related("vendor", "part", "depot", "defective_return__ticket"), actor
    )


def access_rma(*, actor: Actor, rma_id: Any) -> RmaCase:
    case: RmaCase = _one(rma_cases_visible_to(actor=actor), actor, pk=rma_id)
    return case


def problems_visible_to(*, actor: Actor) -> QuerySet[Problem]:
    return _scoped(Problem.objects.select_related("ticket", "resolved_by"), actor)


def access_problem(*, actor: Actor, problem_id: Any) -> Problem:
    problem: Problem = _one(problems_visible_to(actor=actor), actor, pk=problem_id)
    return problem


def open_problem_count() -> int:
    return Problem.objects.filter(resolved_at__isnull=True).count()


# --- Planning and reports -------------------------------------------------------------------------


def _free_at(part: str, depot: str) -> Any:
    rows = (
        StockBalance.objects.filter(USABLE, part=OuterRef(part), depot=OuterRef(depot))
        .values("part")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
        .values("free")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def policies_visible_to(*, actor: Actor) -> QuerySet[StockPolicy]:
    """Min/max policies with today's free stock, inbound transfers and the purchase suggestion."""
    inbound = (
        Transfer.objects.filter(
            part=OuterRef("part"),
            to_depot=OuterRef("depot"),
            status__in=[TransferStatus.REQUESTED, TransferStatus.SHIPPED],
        )
        .values("part")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    queryset = (
        StockPolicy.objects.select_related("part", "depot")
        .annotate(
            available=_free_at("part", "depot"),
            inbound=Coalesce(Subquery(inbound, output_field=IntegerField()), 0),
        )
        .annotate(
            suggested=Greatest(F("max_quantity") - F("available") - F("inbound"), Value(0)),
        )
    )
    return _scoped(queryset, actor)


def purchase_suggestions(*, actor: Actor) -> QuerySet[StockPolicy]:
    return policies_visible_to(actor=actor).filter(Q(available__lte=F("min_quantity")) & Q(suggested__gt=0))


def forecasts_visible_to(*, actor: Actor) -> QuerySet[Forecast]:
    return _scoped(Forecast.objects.select_related("part", "depot"), actor)


def stock_report(*, actor: Actor, now: datetime.datetime | None = None) -> QuerySet[StockBalance]:
    """Usable stock rows with units issued in the last 12 months, turnover and last issue."""
    since = (now or timezone.now()) - datetime.timedelta(days=365)
    issues = Movement.objects.filter(kind=MovementKind.ISSUE, part=OuterRef("part"), depot=OuterRef("depot"))
    issued = (
        issues.filter(occurred_at__gte=since, condition=OuterRef("condition"))
        .values("part")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    last = issues.order_by("-occurred_at").values("occurred_at")[:1]
    return (
        balances_visible_to(actor=actor)
        .filter(USABLE, on_hand__gt=0)
        .annotate(
            issued_12m=Coalesce(Subquery(issued, output_field=IntegerField()), 0),
            last_issue=Subquery(last, output_field=DateTimeField()),
            stock_value=ExpressionWrapper(
                F("on_hand") * F("part__unit_cost"),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
        )
        .order_by("issued_12m", "-on_hand", "pk")
    )


def rma_ageing(*, actor: Actor) -> QuerySet[RmaCase]:
    return rma_cases_visible_to(actor=actor).filter(status__in=OPEN_RMA_STATUSES).order_by("created_at", "id")


def vendor_turnaround(*, actor: Actor) -> dict[int, dict[str, Any]]:
    """Per vendor: cases, open cases, and days from shipping to back in stock (mean, slowest)."""
    stats: dict[int, dict[str, Any]] = {}
    if not is_reader(actor):
        return stats
    counts = RmaCase.objects.values("vendor_id").annotate(
        cases=Count("id"), open_cases=Count("id", filter=Q(status__in=OPEN_RMA_STATUSES))
    )
    for row in counts:
        stats[row["vendor_id"]] = {
            "cases": row["cases"],
            "open": row["open_cases"],
            "done": 0,
            "mean": None,
            "max": None,
        }
    done = RmaCase.objects.filter(shipped_at__isnull=False, back_in_stock_at__isnull=False).values_list(
        "vendor_id", "shipped_at", "back_in_stock_at"
    )
    days: dict[int, list[float]] = {}
    for vendor_id, shipped, back in done:
        if shipped is None or back is None:
            continue
        days.setdefault(vendor_id, []).append((back - shipped) / datetime.timedelta(days=1))
    for vendor_id, values in days.items():
        entry = stats.setdefault(vendor_id, {"cases": 0, "open": 0, "done": 0, "mean": None, "max": None})
        entry.update(done=len(values), mean=round(sum(values) / len(values), 1), max=round(max(values), 1))
    return stats


def overdue_returns(*, actor: Actor, today: datetime.date | None = None) -> QuerySet[DefectiveReturn]:
    day = today or timezone.localdate()
    return returns_visible_to(actor=actor).filter(status=ReturnStatus.EXPECTED, due_date__lt=day)
