"""Great-circle distances: the one place SASMS measures how far apart two points on Earth are.

Dispatch (engineer to site), parts (depot to site) and field service (check-in position to site)
all measure with the haversine formula on a sphere of the mean Earth radius (IUGG, 6371.0088 km),
so the same two points are the same distance apart on every page. Road distance and driving time
are each caller's own model on top of this.
"""

import math
from decimal import Decimal

import numpy as np
import numpy.typing as npt

# The IUGG mean radius: the sphere that best fits the ellipsoid for distances in any direction.
EARTH_RADIUS_KM = 6371.0088
EARTH_RADIUS_M = EARTH_RADIUS_KM * 1000

FloatArray = npt.NDArray[np.float64]
Coordinate = float | Decimal


def great_circle_km(lat1: Coordinate, lon1: Coordinate, lat2: Coordinate, lon2: Coordinate) -> float:
    """Haversine distance between two points, in kilometres (degrees in, Decimal or float)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi, dlambda = phi2 - phi1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    # min(): rounding can push ``a`` a hair above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def great_circle_m(lat1: Coordinate, lon1: Coordinate, lat2: Coordinate, lon2: Coordinate) -> float:
    """The same distance in metres."""
    return great_circle_km(lat1, lon1, lat2, lon2) * 1000


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
