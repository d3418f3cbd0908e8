"""Planning: low-stock alerts against min/max policies, and demand forecasts per part and depot."""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth, Upper
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.assets.models import Component, Site
from sasms.core.outbox import enqueue_email
from sasms.parts.availability import depot_position, km_between
from sasms.parts.choices import USABLE_CONDITIONS, ForecastMethod, MovementKind
from sasms.parts.forecast import backtest, croston
from sasms.parts.models import Depot, Forecast, Movement, Part, StockBalance, StockPolicy

logger = logging.getLogger(__name__)
HISTORY_MONTHS = 24


def usable_available(part: Part, depot: Depot) -> int:
    total = StockBalance.objects.filter(part=part, depot=depot, condition__in=USABLE_CONDITIONS).aggregate(
        free=Sum(F("on_hand") - F("reserved"))
    )["free"]
    return int(total or 0)


def check_low_stock(*, part: Part, depot: Depot) -> bool:
    """Open (and announce once) or close the low-stock alert of ``part`` at ``depot``; in the
    caller's transaction, after its movement. Returns whether an alert is open."""
    policy = StockPolicy.objects.select_for_update().filter(part=part, depot=depot).first()
    if policy is None:
        return False
    available = usable_available(part, depot)
    if available <= policy.min_quantity and not policy.alert_open:
        policy.alert_open = True
        policy.alert_count += 1
        policy.save(update_fields=["alert_open", "alert_count"])
        _announce(policy, part, depot, available)
    elif available > policy.min_quantity and policy.alert_open:
        policy.alert_open = False
        policy.save(update_fields=["alert_open"])
    return policy.alert_open


def _announce(policy: StockPolicy, part: Part, depot: Depot, available: int) -> None:
    recipients: dict[str, str] = {
        u.email.lower(): u.language or settings.LANGUAGE_CODE
        for u in User.objects.filter(role=Role.PARTS_CLERK, is_active=True, is_machine=False)
    }
    if depot.email:
        recipients.setdefault(depot.email.lower(), settings.LANGUAGE_CODE)
    for address, language in sorted(recipients.items()):
        with translation.override(language):
            values = {
                "part": part.part_number,
                "depot": depot.name,
                "available": available,
                "min": policy.min_quantity,
                "max": policy.max_quantity,
            }
            subject = _("Low stock: %(part)s at %(depot)s") % values
            body = (
                _(
                    "%(part)s at %(depot)s: %(available)d available, minimum %(min)d. "
                    "Order or transfer up to the maximum of %(max)d."
                )
                % values
            )
        enqueue_email(
            to=[address],
            subject=subject,
            body=f"{body}\n\n{settings.SASMS_BASE_URL}/parts/planning/",
            idempotency_key=f"parts:low-stock:{policy.pk}:{policy.alert_count}:{address}",
        )


def sweep_low_stock() -> int:
    """Check every policy (an alert missed because a policy changed, or stock moved in bulk)."""
    opened = 0
    for policy_id in StockPolicy.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            policy = StockPolicy.objects.select_related("part", "depot").get(pk=policy_id)
            was_open = policy.alert_open
            if check_low_stock(part=policy.part, depot=policy.depot) and not was_open:
                opened += 1
    return opened


# --- Forecasts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastRun:
    rows: int
    months: int


def _month_starts(now: datetime.datetime, count: int) -> list[datetime.date]:
    local = timezone.localtime(now).date().replace(day=1)
    months = []
    year, month = local.year, local.month
    for _i in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(datetime.date(year, month, 1))
    return sorted(months)


def _history(
    start: datetime.datetime, end: datetime.datetime, index: dict[datetime.date, int]
) -> dict[tuple[int, int], list[float]]:
    rows = (
        Movement.objects.filter(kind=MovementKind.ISSUE, occurred_at__gte=start, occurred_at__lt=end)
        .annotate(month=TruncMonth("occurred_at"))
        .values("part_id", "depot_id", "month")
        .annotate(units=Sum("quantity"))
    )
    history: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0] * len(index))
    for row in rows:
        month = row["month"]
        day = month.date() if isinstance(month, datetime.datetime) else month
        position = index.get(day.replace(day=1))
        if position is not None:
            history[(row["part_id"], row["depot_id"])][position] += float(row["units"])
    return history


def _installed_near_depots(parts: dict[str, int], depots: list[Depot]) -> dict[tuple[int, int], int]:
    """Installed units of each catalogue part, counted at the depot nearest to their site."""
    if not depots:
        return {}
    sites = {
        pk: (float(lat), float(lon))
        for pk, lat, lon in Site.objects.values_list("pk", "latitude", "longitude")
        if lat is not None and lon is not None
    }
    nearest: dict[int, int] = {
        site_id: min(depots, key=lambda d: km_between(pos, depot_position(d)) or 0.0).pk
        for site_id, pos in sites.items()
    }
    rows = (
        Component.objects.filter(removed_at__isnull=True, server__site__isnull=False)
        .annotate(pn=Upper("part_number"))
        .filter(pn__in=list(parts))
        .values("server__site_id", "pn")
        .annotate(units=Count("id"))
    )
    installed: dict[tuple[int, int], int] = defaultdict(int)
    for row in rows:
        depot_id = nearest.get(row["server__site_id"])
        if depot_id is not None:
            installed[(parts[row["pn"]], depot_id)] += row["units"]
    return installed


@transaction.atomic
def compute_forecasts(*, now: datetime.datetime | None = None) -> ForecastRun:
    """Recompute every part × depot forecast from the last 24 months of issues and the installed base.

    SBA where the depot has a demand history (two or more months with demand); else the installed
    base near the depot times the part's failure rate per installed unit and month across all
    depots; else no demand.
    """
    now = now or timezone.now()
    months = _month_starts(now, HISTORY_MONTHS)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(months[0], datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        timezone.localtime(now).date().replace(day=1), datetime.time(), tzinfo=zone
    )
    history = _history(start, end, {m: i for i, m in enumerate(months)})
    depots = list(Depot.objects.filter(is_active=True))
    catalogue = {
        p.part_number.upper(): p.pk for p in Part.objects.filter(is_active=True).only("pk", "part_number")
    }
    installed = _installed_near_depots(catalogue, depots)
    demand_last_year: dict[int, float] = defaultdict(float)
    for (part_id, _depot_id), series in history.items():
        demand_last_year[part_id] += sum(series[-12:])
    installed_total: dict[int, int] = defaultdict(int)
    for (part_id, _depot_id), units in installed.items():
        installed_total[part_id] += units
    rows = []
    for key in sorted(set(history) | set(installed)):
        part_id, depot_id = key
        series = history.get(key, [0.0] * len(months))
        base = installed.get(key, 0)
        test = backtest(series)
        if sum(1 for v in series if v > 0) >= 2:
            method, rate = ForecastMethod.SBA, croston(series)
        elif base and installed_total[part_id] and demand_last_year[part_id]:
            method = ForecastMethod.INSTALLED_BASE
            rate = demand_last_year[part_id] / (installed_total[part_id] * 12) * base
        else:
            method, rate = ForecastMethod.NONE, 0.0
        rows.append(
            Forecast(
                part_id=part_id,
                depot_id=depot_id,
                method=method,
                per_month=round(rate, 4),
                history=series,
                installed_base=base,
                backtest_mae=round(test.mae, 4)
                if test.mae is not None and method == ForecastMethod.SBA
                else None,
                backtest_mase=round(test.mase, 4)
                if test.mase is not None and method == ForecastMethod.SBA
                else None,
                computed_at=now,
            )
        )
    Forecast.objects.all().delete()
    Forecast.objects.bulk_create(rows, batch_size=1000)
    return ForecastRun(rows=len(rows), months=len(months))
