"""The nightly request-volume forecast per category, stored in :class:`RequestForecast` rows.

The history is the daily count of requests opened per category (site time zone) from the first
request (at most ``HISTORY_WEEKS`` back) to the last Sunday before today; the forecast covers the
``HORIZON_WEEKS`` weeks from this Monday, each week a total of the daily forecast. Method and
error measure: :mod:`sasms.reports.forecasting`.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from sasms.reports import forecasting
from sasms.reports.models import RequestForecast
from sasms.tickets.choices import Category
from sasms.tickets.models import Ticket

HISTORY_WEEKS = 52
HORIZON_WEEKS = 8
SHOWN_HISTORY_WEEKS = 26


@dataclass(frozen=True)
class ForecastRun:
    categories: int
    history_days: int
    first_week: datetime.date


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), timezone.get_current_timezone()
    )


def daily_counts(start: datetime.date, end: datetime.date) -> dict[str, list[float]]:
    """Requests opened per category and local day from ``start`` to ``end`` (inclusive)."""
    days = (end - start).days + 1
    series = {value: [0.0] * days for value in Category.values}
    if days <= 0:
        return series
    rows = (
        Ticket.objects.filter(
            created_at__gte=_local_midnight(start),
            created_at__lt=_local_midnight(end + datetime.timedelta(days=1)),
        )
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("category", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        index = (row["day"] - start).days
        if row["category"] in series and 0 <= index < days:
            series[row["category"]][index] += row["n"]
    return series


def _weeks(first_monday: datetime.date, totals: list[float]) -> list[dict[str, object]]:
    return [
        {"week": (first_monday + datetime.timedelta(weeks=i)).isoformat(), "count": round(total, 2)}
        for i, total in enumerate(totals)
    ]


def compute_request_forecasts(*, today: datetime.date | None = None) -> ForecastRun:
    """Fit, back-test and store the forecast of every category (replacing the previous rows)."""
    today = today or timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    end = this_monday - datetime.timedelta(days=1)
    start = this_monday - datetime.timedelta(weeks=HISTORY_WEEKS)
    first = Ticket.objects.aggregate(first=Min("created_at"))["first"]
    if first is not None:
        first_day = timezone.localdate(first)
        start = max(start, first_day - datetime.timedelta(days=first_day.weekday()))
    start = min(start, this_monday)
    series = daily_counts(start, end)
    horizon = HORIZON_WEEKS * forecasting.SEASON
    now = timezone.now()
    with transaction.atomic():
        for category, daily in series.items():
            result = forecasting.forecast_daily(daily, horizon)
            test = forecasting.backtest(daily, horizon)
            history_weeks = forecasting.weekly_totals(daily)[-SHOWN_HISTORY_WEEKS:]
            shown_from = this_monday - datetime.timedelta(weeks=len(history_weeks))
            held_out_from = this_monday - datetime.timedelta(weeks=HORIZON_WEEKS)
            RequestForecast.objects.update_or_create(
                category=category,
                defaults={
                    "method": result.method,
                    "history": _weeks(shown_from, history_weeks),
                    "forecast": _weeks(this_monday, forecasting.weekly_totals(result.values)),
                    "weekday_profile": forecasting.weekday_profile(result.values, this_monday.weekday()),
                    "backtest_method": test.method if test else "",
                    "backtest_mae": test.mae if test else None,
                    "backtest_wape": test.wape if test else None,
                    "backtest_weeks": [
                        {"week": w["week"], "actual": a, "forecast": p}
                        for w, a, p in zip(
                            _weeks(held_out_from, test.actual), test.actual, test.predicted, strict=True
                        )
                    ]
                    if test
                    else [],
                    "computed_at": now,
                },
            )
        RequestForecast.objects.exclude(category__in=list(series)).delete()
    return ForecastRun(len(series), len(next(iter(series.values()), [])), start)
