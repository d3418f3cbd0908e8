"""Great-circle distance and the travel-time model (distance × road factor ÷ average speed)."""

import math

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088
FloatArray = npt.NDArray[np.float64]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance between two points in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_matrix_km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Distances between every point of the first set (rows) and of the second (columns).

    Unknown coordinates (NaN) give NaN distances.
    """
    p1 = np.radians(lat1)[:, None]
    p2 = np.radians(lat2)[None, :]
    dphi = p2 - p1
    dlambda = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlambda / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return result


def travel_minutes(distance_km: FloatArray | float, *, road_factor: float, speed_kmh: float) -> FloatArray:
    """Driving time for a great-circle distance: the road is ``road_factor`` times longer."""
    return np.asarray(distance_km, dtype=np.float64) * road_factor / max(speed_kmh, 1e-6) * 60.0
