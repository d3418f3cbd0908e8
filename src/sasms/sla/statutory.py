"""Provisional public holidays of mainland China, computed from the statutory list.

The State Council announces each year's schedule (holiday ranges and make-up workdays, 调休)
late in the year before. Until then — and for any year the ``chinese-calendar`` package does not
know — SASMS uses the statutory list of 全国年节及纪念日放假办法 as amended in 2024:

* 元旦 1 day (1 January); 春节 4 days from 除夕 (the day before lunar 1/1); 清明 1 day (the
  Qingming solar term); 劳动节 2 days (1–2 May); 端午 1 day (lunar 5/5); 中秋 1 day (lunar 8/15);
  国庆 3 days (1–3 October).
* Article 3: a statutory day that falls on a Saturday or Sunday is made up on a working day
  (补假). Here that is the next weekday not already off; a day that two holidays share (中秋 on
  1–3 October) is made up the same way, since each statutory day is owed once.

Make-up workdays are not computed: they are a choice of each year's announcement. Lunar dates and
the solar term come from ``lunar-python`` (6tail), which computes them for any year.
"""

import datetime
from dataclasses import dataclass

from lunar_python import Lunar  # type: ignore[import-untyped]

FIRST_YEAR = 1901
LAST_YEAR = 2099


ENGLISH = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "国庆节": "National Day",
}


@dataclass(frozen=True)
class StatutoryDay:
    date: datetime.date
    name: str


def _solar(lunar: object) -> datetime.date:
    solar = lunar.getSolar()  # type: ignore[attr-defined]
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_new_years_eve(year: int) -> datetime.date:
    """除夕: the day before lunar 1/1 of the lunar year that begins in ``year``."""
    return _solar(Lunar.fromYmd(year, 1, 1)) - datetime.timedelta(days=1)


def qingming(year: int) -> datetime.date:
    solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    day = datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())
    if day.year != year or day.month != 4:  # the table is the lunar year's; 清明 is always in April
        raise ValueError(f"no Qingming in April {year}: {day}")
    return day


def lunar_day(year: int, month: int, day: int) -> datetime.date:
    return _solar(Lunar.fromYmd(year, month, day))


def statutory_days(year: int) -> list[tuple[datetime.date, str]]:
    """The statutory days off of ``year`` as ``(date, festival)``, in the order of the list."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"statutory holidays are computed for {FIRST_YEAR}–{LAST_YEAR}, not {year}")
    eve = lunar_new_years_eve(year)
    days = [(datetime.date(year, 1, 1), "元旦")]
    days += [(eve + datetime.timedelta(days=n), "春节") for n in range(4)]
    days.append((qingming(year), "清明节"))
    days += [(datetime.date(year, 5, 1), "劳动节"), (datetime.date(year, 5, 2), "劳动节")]
    days.append((lunar_day(year, 5, 5), "端午节"))
    days.append((lunar_day(year, 8, 15), "中秋节"))
    days += [(datetime.date(year, 10, day), "国庆节") for day in (1, 2, 3)]
    return days


def provisional_holidays(year: int) -> list[StatutoryDay]:
    """Every day off of ``year`` by the statutory list, with substitute days (补假), by date.

    Days fall in ``year`` only: 除夕 is never before 20 January and a substitute is at most a few
    days after its holiday, so nothing spills into the next year.
    """
    owed = statutory_days(year)
    off: dict[datetime.date, str] = {}
    substitutes: list[str] = []
    for day, festival in owed:
        if day in off:
            substitutes.append(festival)  # shared with another holiday: owed once more
            continue
        off[day] = f"{festival}（暂定）{ENGLISH[festival]} (provisional)"
        if day.weekday() >= 5:
            substitutes.append(festival)
    # A substitute follows the holiday it makes up for: fill them in festival order.
    for festival in substitutes:
        last = max(day for day, name in off.items() if name.startswith((f"{festival}（", f"{festival}补")))
        cursor = last + datetime.timedelta(days=1)
        while cursor.weekday() >= 5 or cursor in off:
            cursor += datetime.timedelta(days=1)
        off[cursor] = f"{festival}补假（暂定）{ENGLISH[festival]} substitute day (provisional)"
    return [StatutoryDay(day, name) for day, name in sorted(off.items())]
