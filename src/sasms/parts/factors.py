"""The "parts" factor of engineer recommendations: can the engineer pick the part up on the way?

A request with a part reserved scores each engineer by the distance to the reserving depot;
otherwise by the distance to the nearest depot holding any part that fits the request (its failed
component area and server model). Two queries for all candidates together.
"""

from collections.abc import Sequence

from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.dispatch.factors import EngineerCandidate, ExternalFactor, FactorScore, register_external_factor
from sasms.parts.choices import AREA_PART_KINDS, USABLE_CONDITIONS, ReservationStatus
from sasms.parts.geo import distance_km
from sasms.parts.models import Reservation, StockBalance
from sasms.tickets.models import Ticket

NEAR_KM = 25.0
FAR_KM = 300.0


def _score(km: float) -> float:
    if km <= NEAR_KM:
        return 1.0
    return max(0.0, 1.0 - (km - NEAR_KM) / (FAR_KM - NEAR_KM))


def _sources(ticket: Ticket) -> tuple[list[tuple[str, str, float, float]], bool]:
    """``(part number, depot name, lat, lon)`` to pick up from, and whether they are reserved."""
    reserved = list(
        Reservation.objects.filter(ticket_id=ticket.pk, status=ReservationStatus.RESERVED).values_list(
            "part__part_number", "depot__name", "depot__latitude", "depot__longitude"
        )
    )
    if reserved:
        return [(p, d, float(lat), float(lon)) for p, d, lat, lon in reserved], True
    kinds = AREA_PART_KINDS.get(ticket.component or "")
    if not kinds or ticket.server_id is None:
        return [], False
    rows = (
        StockBalance.objects.filter(
            Q(on_hand__gt=F("reserved")),
            condition__in=USABLE_CONDITIONS,
            depot__is_active=True,
            part__is_active=True,
            part__kind__in=kinds,
            part__compatible_models__servers=ticket.server_id,
        )
        .values_list("part__part_number", "depot__name", "depot__latitude", "depot__longitude")
        .distinct()
    )
    return [(p, d, float(lat), float(lon)) for p, d, lat, lon in rows], False


def parts_score(ticket: Ticket, candidates: Sequence[EngineerCandidate]) -> dict[int, FactorScore]:
    kinds = AREA_PART_KINDS.get(ticket.component or "")
    sources, reserved = _sources(ticket)
    if not sources:
        if not reserved and (not kinds or ticket.server_id is None):
            return {c.user_id: FactorScore(1.0, _("No spare part needed.")) for c in candidates}
        return {c.user_id: FactorScore(0.0, _("No depot has a fitting part in stock.")) for c in candidates}
    scores: dict[int, FactorScore] = {}
    for candidate in candidates:
        if candidate.latitude is None or candidate.longitude is None:
            scores[candidate.user_id] = FactorScore(0.5, _("Engineer position unknown."))
            continue
        best = min(
            sources, key=lambda s: distance_km(candidate.latitude, candidate.longitude, s[2], s[3]) or 0.0
        )
        km = distance_km(candidate.latitude, candidate.longitude, best[2], best[3]) or 0.0
        template = (
            _("Reserved %(part)s at %(depot)s, %(km).0f km away.")
            if reserved
            else _("%(part)s in stock at %(depot)s, %(km).0f km away.")
        )
        scores[candidate.user_id] = FactorScore(
            round(_score(km), 3), template % {"part": best[0], "depot": best[1], "km": km}
        )
    return scores


def register() -> None:
    register_external_factor(
        ExternalFactor(
            key="parts",
            label=gettext_lazy("Spare parts nearby"),
            default_weight=0.15,
            score=parts_score,
        )
    )
