"""The request-volume forecast: weekly pattern recovered, back-test error, fallbacks."""

import random

import pytest

from sasms.reports import forecasting


def _weekly_series(weeks: int, *, weekday: float, weekend: float, seed: int = 7) -> list[float]:
    """Monday first: five busy days and a quiet weekend, with Poisson-like noise."""
    rng = random.Random(seed)
    series = []
    for _week in range(weeks):
        for day in range(7):
            mean = weekday if day < 5 else weekend
            series.append(float(max(0, round(rng.gauss(mean, mean**0.5)))))
    return series


def test_holt_winters_recovers_the_weekday_weekend_ratio() -> None:
    series = _weekly_series(20, weekday=20, weekend=5)
    result = forecasting.forecast_daily(series, 28)
    assert result.method == forecasting.HOLT_WINTERS
    assert len(result.values) == 28
    weekdays = [v for i, v in enumerate(result.values) if i % 7 < 5]
    weekends = [v for i, v in enumerate(result.values) if i % 7 >= 5]
    ratio = (sum(weekdays) / len(weekdays)) / (sum(weekends) / len(weekends))
    assert ratio == pytest.approx(4.0, rel=0.2)
    # And the level: a week is 5 × 20 + 2 × 5 = 110 requests.
    assert forecasting.weekly_totals(result.values)[0] == pytest.approx(110, rel=0.1)


def test_weekday_profile_follows_the_pattern() -> None:
    result = forecasting.forecast_daily(_weekly_series(20, weekday=20, weekend=5), 14)
    profile = forecasting.weekday_profile(result.values, first_weekday=0)
    assert sum(profile) == pytest.approx(1.0, abs=0.001)
    assert all(p > 0.14 for p in profile[:5])
    assert all(p < 0.07 for p in profile[5:])


def test_short_history_falls_back_to_seasonal_naive() -> None:
    # Two weeks only (fewer than four): same weekday as last week, averaged over the weeks there are.
    series = [10, 10, 10, 10, 10, 2, 2, 12, 12, 12, 12, 12, 4, 4]
    result = forecasting.forecast_daily(series, 9)
    assert result.method == forecasting.SEASONAL_NAIVE
    assert result.values == [11, 11, 11, 11, 11, 3, 3, 11, 11]


def test_all_zero_and_empty_histories_forecast_zero() -> None:
    zero = forecasting.forecast_daily([0.0] * 120, 14)
    assert zero.method == forecasting.SEASONAL_NAIVE
    assert zero.values == [0.0] * 14
    empty = forecasting.forecast_daily([], 7)
    assert empty.values == [0.0] * 7


def test_a_few_days_of_history_use_their_mean() -> None:
    assert forecasting.seasonal_naive([3, 5], 3) == [4, 4, 4]


def test_error_measures_on_a_hand_made_series() -> None:
    # |10-12| + |20-15| + |0-3| = 10 over 3 weeks → MAE 3.333; WAPE 10 / 30 = 33.33 %.
    mae, wape = forecasting.error_measures([10, 20, 0], [12, 15, 3])
    assert mae == pytest.approx(10 / 3, abs=0.001)
    assert wape == pytest.approx(33.33, abs=0.01)
    assert forecasting.error_measures([0, 0], [1, 1]) == (1.0, None)  # nothing happened: no WAPE


def test_backtest_holds_out_the_last_weeks_and_compares_weekly_totals() -> None:
    # Three weeks of one request a day, then two held-out weeks of two a day. The training part is
    # short, so the seasonal naive forecast predicts 7 per week; actual is 14 per week.
    series = [1.0] * 21 + [2.0] * 14
    test = forecasting.backtest(series, 14)
    assert test is not None
    assert test.method == forecasting.SEASONAL_NAIVE
    assert test.actual == [14.0, 14.0]
    assert test.predicted == [7.0, 7.0]
    assert test.mae == 7.0
    assert test.wape == 50.0


def test_backtest_needs_some_training_history() -> None:
    assert forecasting.backtest([1.0] * 60, 56) is None


def test_backtest_of_a_clean_pattern_is_accurate() -> None:
    series = _weekly_series(30, weekday=30, weekend=6, seed=3)
    test = forecasting.backtest(series, 56)
    assert test is not None
    assert test.method == forecasting.HOLT_WINTERS
    assert len(test.actual) == 8
    assert test.wape is not None
    assert test.wape < 10
