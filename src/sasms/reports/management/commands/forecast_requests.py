"""``sasms forecast_requests``: compute and store the request-volume forecast of every category."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sasms.core.context import Origin, acting_from
from sasms.reports.forecasts import compute_request_forecasts
from sasms.reports.models import RequestForecast


class Command(BaseCommand):
    help = (
        "Forecast the requests of the next 8 weeks per category (Holt-Winters with weekly "
        "seasonality, seasonal naive for short histories) and back-test each on its last 8 weeks."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_from(Origin(channel="cli")):
            run = compute_request_forecasts()
        if options["quiet"]:
            return
        self.stdout.write(
            f"{run.categories} categories, {run.history_days} days of history from {run.first_week}"
        )
        for row in RequestForecast.objects.order_by("category"):
            total = sum(float(w["count"]) for w in row.forecast)
            mae = "—" if row.backtest_mae is None else f"{row.backtest_mae:.2f}"
            wape = "—" if row.backtest_wape is None else f"{row.backtest_wape:.1f} %"
            self.stdout.write(
                f"{row.category:<12} {row.method:<15} next 8 weeks {total:8.1f}  "
                f"back-test MAE {mae}/week  WAPE {wape}"
            )
