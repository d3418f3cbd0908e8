"""Request-volume forecasting on a daily series with weekly seasonality (pure functions).

The daily counts are fitted with additive Holt-Winters exponential smoothing (level + weekly
season of period 7, no trend: request volumes drift slowly and an extrapolated trend over eight
weeks does more harm than good). Short histories (fewer than four weeks), histories with almost
no requests, and fits that fail fall back to the seasonal naive forecast: each day repeats the
average of the same weekday over the last (up to four) weeks. Forecasts are never negative.

The back-test holds out the last ``horizon`` days, fits on everything before, forecasts them and
compares the weekly totals: MAE in requests per week, and WAPE = Σ|actual − forecast| / Σ actual
(a percentage of the volume; MAPE is not used because a category can have weeks with no request,
which makes a percentage error per week undefined).
"""

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SEASON = 7
MIN_HW_DAYS = 4 * SEASON
MIN_HW_TOTAL = 10.0
NAIVE_WEEKS = 4
HOLT_WINTERS = "holt_winters"
SEASONAL_NAIVE = "seasonal_naive"


@dataclass(frozen=True)
class DailyForecast:
    method: str
    values: list[float]  # one per day after the series


@dataclass(frozen=True)
class Backtest:
    method: str
    actual: list[float]  # weekly totals of the held-out days
    predicted: list[float]
    mae: float | None
    wape: float | None  # percent


def seasonal_naive(series: Sequence[float], horizon: int, *, weeks: int = NAIVE_WEEKS) -> list[float]:
    """Each future day = mean of the same weekday over the last ``weeks`` weeks (0 with no history)."""
    values = [float(v) for v in series]
    if not values:
        return [0.0] * horizon
    forecast = []
    n = len(values)
    for step in range(horizon):
        # Same weekday as day n + step: positions n + step - 7k for k = 1.. while inside the series.
        same = [values[i] for i in range(n + step - SEASON, -1, -SEASON) if i < n][:weeks]
        if not same:  # fewer than 7 days of history: the overall mean
            same = values
        forecast.append(max(0.0, sum(same) / len(same)))
    return forecast


def _holt_winters(values: np.ndarray, horizon: int) -> list[float] | None:
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", UserWarning)
            model = ExponentialSmoothing(
                values, trend=None, seasonal="add", seasonal_periods=SEASON, initialization_method="estimated"
            )
            fitted = model.fit(optimized=True)
            forecast = np.asarray(fitted.forecast(horizon), dtype=float)
    except (ValueError, np.linalg.LinAlgError, FloatingPointError):
        return None
    if forecast.shape != (horizon,) or not np.all(np.isfinite(forecast)):
        return None
    return [max(0.0, float(v)) for v in forecast]


def forecast_daily(series: Sequence[float], horizon: int) -> DailyForecast:
    """Forecast ``horizon`` days after ``series`` (daily counts, oldest first)."""
    values = np.asarray([float(v) for v in series], dtype=float)
    if values.size >= MIN_HW_DAYS and float(values.sum()) >= MIN_HW_TOTAL and float(values.std()) > 0:
        result = _holt_winters(values, horizon)
        if result is not None:
            return DailyForecast(HOLT_WINTERS, result)
    return DailyForecast(SEASONAL_NAIVE, seasonal_naive(values.tolist(), horizon))


def weekly_totals(daily: Sequence[float]) -> list[float]:
    """Sum consecutive blocks of seven days (a trailing partial block is dropped)."""
    return [float(sum(daily[i : i + SEASON])) for i in range(0, len(daily) - SEASON + 1, SEASON)]


def error_measures(actual: Sequence[float], predicted: Sequence[float]) -> tuple[float | None, float | None]:
    """(MAE, WAPE %) of ``predicted`` against ``actual``; WAPE is None when nothing happened."""
    if not actual or len(actual) != len(predicted):
        return None, None
    errors = [abs(a - p) for a, p in zip(actual, predicted, strict=True)]
    mae = sum(errors) / len(errors)
    volume = sum(abs(a) for a in actual)
    wape = 100 * sum(errors) / volume if volume > 0 else None
    return round(mae, 3), None if wape is None else round(wape, 2)


def backtest(series: Sequence[float], horizon: int) -> Backtest | None:
    """Fit on all but the last ``horizon`` days, forecast them, compare weekly totals."""
    values = [float(v) for v in series]
    if len(values) < horizon + SEASON:
        return None
    train, held_out = values[:-horizon], values[-horizon:]
    result = forecast_daily(train, horizon)
    actual, predicted = weekly_totals(held_out), weekly_totals(result.values)
    mae, wape = error_measures(actual, predicted)
    return Backtest(result.method, actual, [round(p, 2) for p in predicted], mae, wape)


def weekday_profile(daily: Sequence[float], first_weekday: int) -> list[float]:
    """The share of each weekday (Monday first) in ``daily``, whose first day is ``first_weekday``."""
    totals = [0.0] * SEASON
    for offset, value in enumerate(daily):
        totals[(first_weekday + offset) % SEASON] += float(value)
    whole = sum(totals)
    if whole <= 0 or not math.isfinite(whole):
        return [round(1 / SEASON, 4)] * SEASON
    return [round(t / whole, 4) for t in totals]
