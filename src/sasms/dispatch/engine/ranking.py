"""The order of the engineers for one request: who can be there in time first, then the score.

The score weighs many things against each other; reaching the site before the SLA deadline is not
one of them to trade. So the ranking is lexicographic: engineers who can arrive before the
deadline come before those who cannot (or whose arrival is unknown), whatever their scores; once
the deadline has passed, the earliest arrival comes first. The score orders each group, and the
column index breaks ties so that the order is stable.
"""

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def arrival_tier(arrival: FloatArray, deadline: float | None, now: float) -> FloatArray:
    """The first sort key of each engineer (lower ranks first).

    ``arrival`` is each engineer's earliest arrival (epoch seconds, NaN when unknown);
    ``deadline`` the request's arrival deadline (epoch seconds) or ``None``.
    """
    m = len(arrival)
    if deadline is None:
        return np.zeros(m)
    if deadline <= now:
        return np.where(np.isnan(arrival), np.inf, arrival)
    on_time = np.nan_to_num(arrival, nan=np.inf) <= deadline
    return np.where(on_time, 0.0, 1.0)


def rank_order(total: FloatArray, arrival: FloatArray, deadline: float | None, now: float) -> IntArray:
    """Column indices of one request's engineers, best first."""
    tier = arrival_tier(arrival, deadline, now)
    order: IntArray = np.lexsort((np.arange(len(total)), -np.asarray(total, dtype=np.float64), tier)).astype(
        np.int64
    )
    return order
