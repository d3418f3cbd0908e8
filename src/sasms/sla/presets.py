"""Coverage presets and the public-holiday seed, shared by the data migration and the services.

Functions here take the model classes as arguments so that the data migration can pass its
historical models; the services pass the real ones.

5×10 is Mon–Fri 08:30–18:30: the 5×9 day widened by half an hour at both ends, the common
reading in Chinese service contracts (extended coverage around the office day).
"""

import datetime
from typing import Any

import chinese_calendar  # type: ignore[import-untyped]

from sasms.sla.calendar_math import DAY_MINUTES, Interval

WEEKDAYS_ONLY = (0, 1, 2, 3, 4)

PRESET_HOURS: dict[str, dict[int, tuple[Interval, ...]]] = {
    "5x9": dict.fromkeys(WEEKDAYS_ONLY, ((9 * 60, 18 * 60),)),
    "5x10": dict.fromkeys(WEEKDAYS_ONLY, ((8 * 60 + 30, 18 * 60 + 30),)),
    "5x12": dict.fromkeys(WEEKDAYS_ONLY, ((8 * 60, 20 * 60),)),
    "7x24": dict.fromkeys(range(7), ((0, DAY_MINUTES),)),
}

SEEDED_CALENDARS: tuple[dict[str, Any], ...] = (
    {"code": "cn-5x9", "name": "5×9 中国工作日 China business days 09:00–18:00", "coverage": "5x9"},
    {"code": "cn-5x10", "name": "5×10 中国工作日 China business days 08:30–18:30", "coverage": "5x10"},
    {"code": "cn-5x12", "name": "5×12 中国工作日 China business days 08:00–20:00", "coverage": "5x12"},
    {"code": "7x24", "name": "7×24 全天候 Around the clock", "coverage": "7x24"},
)

_HOLIDAY_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


def preset_for(weekly: dict[int, tuple[Interval, ...]]) -> str:
    """The preset these weekly hours match, or ``custom``."""
    normalised = {day: tuple(hours) for day, hours in weekly.items() if hours}
    for preset, hours in PRESET_HOURS.items():
        if normalised == hours:
            return preset
    return "custom"


def public_holidays_cn() -> list[tuple[datetime.date, str, str]]:
    """``(date, kind, name)`` for every holiday and make-up workday the package knows."""
    rows: list[tuple[datetime.date, str, str]] = []
    for day, english in chinese_calendar.holidays.items():
        rows.append((day, "holiday", f"{_HOLIDAY_NAMES.get(english, english)} {english}"))
    for day, english in chinese_calendar.workdays.items():
        rows.append((day, "workday", f"{_HOLIDAY_NAMES.get(english, english)}调休 {english} make-up day"))
    return sorted(rows)


def seed_years() -> tuple[int, int]:
    days = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return min(days).year, max(days).year


def replace_seeded_days(
    special_day_model: Any, calendar_id: int, *, skip_years: frozenset[int] = frozenset()
) -> tuple[int, int]:
    """Replace one calendar's seeded holidays and make-up days; hand-entered ones win on conflict.

    Provisional days of the years the package knows give way to its data. ``skip_years`` are
    years whose official schedule was imported: neither seeded nor touched.
    Returns ``(removed, added)``. One delete and one bulk insert, whatever the number of years.
    """
    first, last = seed_years()
    seeded = special_day_model.objects.filter(
        calendar_id=calendar_id, source="seed", kind__in=["holiday", "workday"]
    )
    for year in skip_years:
        seeded = seeded.exclude(date__year=year)
    removed, _details = seeded.delete()
    special_day_model.objects.filter(
        calendar_id=calendar_id,
        source="provisional",
        date__gte=datetime.date(first, 1, 1),
        date__lte=datetime.date(last, 12, 31),
    ).exclude(date__year__in=skip_years).delete()
    taken = set(
        special_day_model.objects.filter(
            calendar_id=calendar_id, kind__in=["holiday", "workday"]
        ).values_list("date", flat=True)
    )
    rows = [
        special_day_model(calendar_id=calendar_id, date=day, kind=kind, name=name[:120], source="seed")
        for day, kind, name in public_holidays_cn()
        if day not in taken and day.year not in skip_years
    ]
    special_day_model.objects.bulk_create(rows, batch_size=1000)
    return removed, len(rows)


def seed_calendars(calendar_model: Any, interval_model: Any, special_day_model: Any) -> None:
    """Create the four preset calendars in Asia/Shanghai (idempotent by code)."""
    for entry in SEEDED_CALENDARS:
        coverage = entry["coverage"]
        calendar, created = calendar_model.objects.get_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "time_zone": "Asia/Shanghai",
                "coverage": coverage,
                "is_24x7": coverage == "7x24",
                "holiday_region": "" if coverage == "7x24" else "cn",
            },
        )
        if not created:
            continue
        interval_model.objects.bulk_create(
            interval_model(calendar_id=calendar.pk, weekday=day, start_minute=start, end_minute=end)
            for day, hours in PRESET_HOURS[coverage].items()
            for start, end in hours
        )
        if calendar.holiday_region == "cn":
            replace_seeded_days(special_day_model, calendar.pk)
