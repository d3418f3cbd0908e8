"""When a subscription's report is due and which period it covers (local dates, site time zone).

A period is a calendar week (Monday to Sunday), month or quarter. A report is due at
``RUN_HOUR`` on the first day after its period ends, and covers the last complete period before
the day the job runs; periods missed while the job was not running are not sent afterwards.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from sasms.reports.models import Frequency

RUN_HOUR = 6


@dataclass(frozen=True)
class ReportWindow:
    start: datetime.date
    end: datetime.date  # inclusive


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def current_period_start(frequency: str, day: datetime.date) -> datetime.date:
    if frequency == Frequency.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if frequency == Frequency.MONTHLY:
        return _month_start(day)
    if frequency == Frequency.QUARTERLY:
        return _quarter_start(day)
    raise ValueError(f"unknown frequency {frequency!r}")


def next_period_start(frequency: str, day: datetime.date) -> datetime.date:
    start = current_period_start(frequency, day)
    if frequency == Frequency.WEEKLY:
        return start + datetime.timedelta(days=7)
    return _add_months(start, 1 if frequency == Frequency.MONTHLY else 3)


def previous_period(frequency: str, day: datetime.date) -> ReportWindow:
    """The last complete period before ``day``."""
    end = current_period_start(frequency, day) - datetime.timedelta(days=1)
    return ReportWindow(current_period_start(frequency, end), end)


def next_run_after(frequency: str, moment: datetime.datetime) -> datetime.datetime:
    """``RUN_HOUR`` o'clock on the first day of the period after the one ``moment`` falls in."""
    day = next_period_start(frequency, timezone.localdate(moment))
    naive = datetime.datetime.combine(day, datetime.time(RUN_HOUR))
    return timezone.make_aware(naive, timezone.get_current_timezone())
