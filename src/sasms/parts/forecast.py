"""Intermittent-demand forecasting: Croston's method with the Syntetos–Boylan approximation (SBA).

Spare-part demand is mostly zero with an occasional failure; simple exponential smoothing chases
the zeros. Croston smooths the non-zero demand sizes (``z``) and the intervals between them
(``p``) separately and forecasts the rate ``z / p`` per period; SBA multiplies by ``1 - α/2`` to
remove Croston's known upward bias (Syntetos & Boylan, 2005).

The back-test is a rolling origin over the last ``holdout`` periods: fit on everything before a
period, forecast it, compare with what happened. MAE is in units per period; MASE scales it by the
in-sample error of the naive "same as last period" forecast (below 1: better than naive).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

DEFAULT_ALPHA = 0.1


def croston(demand: Sequence[float], *, alpha: float = DEFAULT_ALPHA, sba: bool = True) -> float:
    """Forecast demand per period after the series ``demand`` (oldest first)."""
    if not 0 < alpha <= 1:
        raise ValueError("alpha must be in (0, 1]")
    series = np.asarray(demand, dtype=float)
    if series.size == 0 or np.any(series < 0):
        if np.any(series < 0):
            raise ValueError("demand cannot be negative")
        return 0.0
    nonzero = np.flatnonzero(series > 0)
    if nonzero.size == 0:
        return 0.0
    first = int(nonzero[0])
    size = float(series[first])  # z: smoothed demand size
    interval = float(first + 1)  # p: smoothed interval, initialised with the wait for the first demand
    since = 1
    for value in series[first + 1 :]:
        if value > 0:
            size += alpha * (float(value) - size)
            interval += alpha * (since - interval)
            since = 1
        else:
            since += 1
    rate = size / interval
    return rate * (1 - alpha / 2) if sba else rate


@dataclass(frozen=True)
class Backtest:
    mae: float | None
    mase: float | None
    periods: int


def backtest(
    demand: Sequence[float], *, alpha: float = DEFAULT_ALPHA, holdout: int = 6, min_train: int = 6
) -> Backtest:
    series = [float(v) for v in demand]
    errors = []
    for t in range(max(len(series) - holdout, min_train), len(series)):
        errors.append(abs(series[t] - croston(series[:t], alpha=alpha)))
    if not errors:
        return Backtest(None, None, 0)
    mae = float(np.mean(errors))
    train = series[: len(series) - len(errors)]
    naive = [abs(b - a) for a, b in pairwise(train)]
    scale = float(np.mean(naive)) if naive else 0.0
    return Backtest(mae, mae / scale if scale > 0 else None, len(errors))
