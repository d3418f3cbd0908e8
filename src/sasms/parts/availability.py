"""Where a part can come from: stock by depot, alternatives, and the depot that meets the SLA.

All reads; each function answers for many parts or depots with one or two queries.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import F, Q, Sum

from sasms.parts.choices import AREA_PART_KINDS, USABLE_CONDITIONS
from sasms.parts.geo import delivery_eta, distance_km
from sasms.parts.models import Depot, Part, StockBalance, Substitute
from sasms.tickets.models import Ticket

Position = tuple[float, float]


def available_by_depot(
    part_ids: Iterable[int], *, minimum: int = 1, conditions: Sequence[str] = USABLE_CONDITIONS
) -> dict[tuple[int, int], int]:
    """``{(part id, depot id): units not reserved}`` in ``conditions`` (by default every usable one)
    at active depots, ``minimum`` or more."""
    rows = (
        StockBalance.objects.filter(
            part_id__in=list(part_ids), condition__in=list(conditions), depot__is_active=True
        )
        .values("part_id", "depot_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
        .filter(free__gte=minimum)
    )
    return {(r["part_id"], r["depot_id"]): int(r["free"]) for r in rows}


def site_position(ticket: Ticket) -> Position | None:
    """Where the request's server stands (a room without a position takes its data centre's)."""
    server = ticket.server
    site = server.site if server is not None else None
    for place in (site, site.parent if site is not None else None):
        if place is not None and place.latitude is not None and place.longitude is not None:
            return float(place.latitude), float(place.longitude)
    return None


def depot_position(depot: Depot) -> Position:
    return float(depot.latitude), float(depot.longitude)


def km_between(a: Position | None, b: Position | None) -> float | None:
    if a is None or b is None:
        return None
    return distance_km(a[0], a[1], b[0], b[1])


@dataclass(frozen=True)
class Alternative:
    """Somewhere else the request could be served from: another depot, or a substitute part."""

    part_number: str
    depot_code: str
    depot_name: str
    available: int
    substitute: bool
    distance_km: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "part_number": self.part_number,
            "depot": self.depot_code,
            "depot_name": self.depot_name,
            "available": self.available,
            "substitute": self.substitute,
            "distance_km": round(self.distance_km, 1) if self.distance_km is not None else None,
        }


def alternatives(
    *,
    part: Part,
    exclude_depot: Depot | None = None,
    near: Position | None = None,
    limit: int = 6,
    conditions: Sequence[str] = USABLE_CONDITIONS,
) -> list[Alternative]:
    """Other depots with ``part``, then depots with its substitutes; nearest first."""
    substitute_ids = list(Substitute.objects.filter(part=part).values_list("substitute_id", flat=True))
    free = available_by_depot([part.pk, *substitute_ids], conditions=conditions)
    if exclude_depot is not None:
        free.pop((part.pk, exclude_depot.pk), None)
    if not free:
        return []
    depots = Depot.objects.in_bulk({depot_id for _p, depot_id in free})
    parts = Part.objects.in_bulk({part_id for part_id, _d in free})
    found = [
        Alternative(
            part_number=parts[part_id].part_number,
            depot_code=depots[depot_id].code,
            depot_name=depots[depot_id].name,
            available=units,
            substitute=part_id != part.pk,
            distance_km=km_between(near, depot_position(depots[depot_id])),
        )
        for (part_id, depot_id), units in free.items()
    ]
    far = float("inf")
    found.sort(
        key=lambda a: (a.substitute, a.distance_km if a.distance_km is not None else far, -a.available)
    )
    return found[:limit]


@dataclass(frozen=True)
class DepotOption:
    depot: Depot
    available: int
    distance_km: float | None
    eta: datetime.datetime
    meets_sla: bool | None  # None: no SLA deadline to meet

    @property
    def enough(self) -> bool:
        return self.available > 0


def depot_options(
    *,
    part_ids: Sequence[int],
    site: Position | None,
    due: datetime.datetime | None,
    now: datetime.datetime,
    conditions: Sequence[str] = USABLE_CONDITIONS,
) -> dict[int, list[DepotOption]]:
    """Per part, the depots holding it: those that meet the SLA first, then the nearest."""
    free = available_by_depot(part_ids, conditions=conditions)
    depots = Depot.objects.in_bulk({depot_id for _p, depot_id in free})
    options: dict[int, list[DepotOption]] = {part_id: [] for part_id in part_ids}
    for (part_id, depot_id), units in free.items():
        depot = depots[depot_id]
        km = km_between(site, depot_position(depot))
        eta = delivery_eta(tier=depot.service_tier, km=km, now=now)
        options[part_id].append(
            DepotOption(depot, units, km, eta, None if due is None or site is None else eta <= due)
        )
    far = float("inf")
    for found in options.values():
        found.sort(
            key=lambda o: (o.meets_sla is False, o.distance_km if o.distance_km is not None else far, o.eta)
        )
    return options


def nearest_depot(site: Position | None) -> Depot | None:
    """The active depot closest to ``site`` (where a transfer for a request should go)."""
    depots = list(Depot.objects.filter(is_active=True))
    if not depots:
        return None
    if site is None:
        return None
    return min(depots, key=lambda d: km_between(site, depot_position(d)) or 0.0)


def suggested_parts(ticket: Ticket, *, limit: int = 8) -> list[Part]:
    """Parts that likely fix the request: the failed area's parts that fit the server's model,
    those already fitted in the server first."""
    kinds = AREA_PART_KINDS.get(ticket.component or "")
    server = ticket.server
    if not kinds or server is None:
        return []
    fitted = {
        (number or "").upper()
        for number in server.components.filter(removed_at__isnull=True, kind__in=kinds).values_list(
            "part_number", flat=True
        )
    }
    parts = list(
        Part.objects.filter(is_active=True, kind__in=kinds)
        .filter(Q(compatible_models=server.model_id) | Q(part_number__in=fitted))
        .select_related("vendor")
        .distinct()
        .order_by("part_number")[:50]
    )
    parts.sort(key=lambda p: (p.part_number not in fitted, kinds.index(p.kind), p.part_number))
    return parts[:limit]
