"""``sasms telemetry replay|evaluate|downsample|demo``."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sasms.assets.models import Server
from sasms.telemetry import demo, services
from sasms.telemetry.replay import replay


class Command(BaseCommand):
    help = (
        "Telemetry: replay the prediction rules over stored history, evaluate them now, downsample, "
        "or write demo history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("replay", help="per rule: failures predicted, median lead time, false alarms")
        r.add_argument("--days", type=int, default=365, help="history to replay, ending now (default 365)")
        r.add_argument("--horizon", type=int, default=60, help="days an alarm may precede its failure (60)")
        sub.add_parser("evaluate", help="run the rules now and open proactive requests")
        sub.add_parser("downsample", help="fold raw samples into hourly, hourly into daily")
        d = sub.add_parser("demo", help="write demo history for servers without telemetry")
        d.add_argument("--servers", type=int, default=40)
        d.add_argument("--days", type=int, default=365)
        d.add_argument("--failure-scale", type=float, default=10.0)
        d.add_argument("--seed", type=int, default=22)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "replay":
            if not 1 <= options["days"] <= 3650 or not 1 <= options["horizon"] <= 365:
                raise CommandError("--days must be 1–3650 and --horizon 1–365")
            end = timezone.now()
            report = replay(
                start=end - datetime.timedelta(days=options["days"]), end=end, horizon_days=options["horizon"]
            )
            for line in report.lines():
                self.stdout.write(line)
        elif action == "evaluate":
            outcome = services.evaluate()
            self.stdout.write(
                f"{outcome.series} series, {outcome.findings} findings, "
                f"{len(outcome.opened)} requests opened, {outcome.already_open} already open"
            )
        elif action == "downsample":
            self.stdout.write(str(vars(services.downsample())))
        else:
            from sasms.telemetry.models import Series

            done = Series.objects.values("server_id")
            servers = list(Server.objects.exclude(pk__in=done).order_by("pk")[: options["servers"]])
            counts = demo.generate(
                servers, days=options["days"], seed=options["seed"], failure_scale=options["failure_scale"]
            )
            self.stdout.write(str(counts))
