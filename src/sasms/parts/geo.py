"""Distances and delivery times between depots, sites and engineers.

Road distance is the great-circle distance times a detour factor; a 4-hour depot picks and sends
at once by car, a next-business-day depot hands the part to a courier that delivers at noon of the
next working day (weekends skipped; public holidays are the SLA calendar's business, not ours).
"""

import datetime
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

from sasms.core.geo import great_circle_km
from sasms.parts.choices import ServiceTier

ROAD_FACTOR = 1.3
ROAD_SPEED_KMH = 60.0
PICK_MINUTES = 30
NBD_DELIVERY_HOUR = 12
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")

Number = float | Decimal | None


def distance_km(lat1: Number, lon1: Number, lat2: Number, lon2: Number) -> float | None:
    """Great-circle distance in km, or ``None`` when a position is unknown."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    return great_circle_km(lat1, lon1, lat2, lon2)


def travel_minutes(km: float) -> int:
    """Driving time for ``km`` of great-circle distance."""
    return math.ceil(km * ROAD_FACTOR / ROAD_SPEED_KMH * 60)


def _next_working_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def delivery_eta(*, tier: str, km: float | None, now: datetime.datetime) -> datetime.datetime:
    """When a part sent from a depot of ``tier`` now reaches a place ``km`` away."""
    driving = datetime.timedelta(minutes=PICK_MINUTES + travel_minutes(km or 0.0))
    if tier == ServiceTier.FOUR_HOUR:
        return now + driving
    local = now.astimezone(LOCAL_ZONE)
    day = _next_working_day(local.date())
    noon = datetime.datetime.combine(day, datetime.time(NBD_DELIVERY_HOUR), tzinfo=LOCAL_ZONE)
    return max(noon, now + driving).astimezone(datetime.UTC)
