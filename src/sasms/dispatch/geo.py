"""Great-circle distance and the travel-time model (distance × road factor ÷ average speed)."""

import numpy as np

# The distances themselves are the kernel's (one Earth radius everywhere); re-exported for the
# dispatch engine and board.
from sasms.core.geo import FloatArray, distance_matrix_km, great_circle_km

__all__ = ["FloatArray", "distance_matrix_km", "great_circle_km", "travel_minutes"]


def travel_minutes(distance_km: FloatArray | float, *, road_factor: float, speed_kmh: float) -> FloatArray:
    """Driving time for a great-circle distance: the road is ``road_factor`` times longer."""
    return np.asarray(distance_km, dtype=np.float64) * road_factor / max(speed_kmh, 1e-6) * 60.0
