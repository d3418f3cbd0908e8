"""Due-time computations per second: 5×9 with China's holidays against 7×24, in the same run.

The cost of business time is the gap between the two: 7×24 is plain addition (minus outages),
5×9 walks the days around weekends, holidays and make-up workdays and skips regular weeks. Also
times ``business_time_between`` and long durations (months of business time), and a cold spec
(its day cache empty, as right after a calendar edit) against a warm one.

    .venv/bin/python bench/sla_calendar_bench.py

Pure arithmetic: no database. Set BENCH_N to change the number of computations per figure.
"""

import datetime
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import chinese_calendar  # type: ignore[import-untyped]

from sasms.sla.calendar_math import CalendarSpec, add_business_time, business_time_between
from sasms.sla.presets import PRESET_HOURS

N = int(os.environ.get("BENCH_N", "50000"))
ROUNDS = 5
SH = datetime.timezone(datetime.timedelta(hours=8))
START = datetime.datetime(2024, 1, 1, tzinfo=SH)
SPAN_MINUTES = 3 * 365 * 24 * 60


def spec_5x9() -> CalendarSpec:
    return CalendarSpec.build(
        tz="Asia/Shanghai",
        weekly=PRESET_HOURS["5x9"],
        holidays=chinese_calendar.holidays,
        workdays=list(chinese_calendar.workdays),
    )


def spec_7x24() -> CalendarSpec:
    return CalendarSpec.build(tz="Asia/Shanghai", weekly=PRESET_HOURS["7x24"], is_24x7=True)


def _best(work: Callable[[], None]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def rates(count: int, *cases: tuple[str, Callable[[], None]]) -> list[float]:
    """Best-of-rounds rate of each case; the cases take turns so machine load hits them alike."""
    best = [float("inf")] * len(cases)
    for _round in range(ROUNDS):
        for index, (_label, work) in enumerate(cases):
            best[index] = min(best[index], _best(work))
    result = []
    for (label, _work), seconds in zip(cases, best, strict=True):
        per_second = count / seconds
        print(f"  {label:<58} {per_second:>12,.0f} /s   ({seconds * 1e6 / count:6.2f} µs each)")
        result.append(per_second)
    return result


def main() -> None:
    rng = random.Random(5)
    starts = [START + datetime.timedelta(minutes=rng.randrange(SPAN_MINUTES)) for _ in range(N)]
    # SLA-sized durations: 15 minutes to three 5×9 business days.
    short = [datetime.timedelta(minutes=rng.randrange(15, 3 * 9 * 60)) for _ in range(N)]
    # Months of business time: 20 to 120 business days.
    long = [datetime.timedelta(hours=9 * rng.randrange(20, 120)) for _ in range(N // 10)]
    ends = [s + datetime.timedelta(minutes=rng.randrange(0, 30 * 24 * 60)) for s in starts]
    business, around = spec_5x9(), spec_7x24()
    python = sys.version.split()[0]
    print(f"sla calendar bench: {N:,} computations per figure, best of {ROUNDS} rounds, Python {python}")

    def adds(spec: CalendarSpec, durations: list[datetime.timedelta]) -> Callable[[], None]:
        def run() -> None:
            for start, duration in zip(starts, durations, strict=False):
                add_business_time(spec, start, duration)

        return run

    def betweens(spec: CalendarSpec) -> Callable[[], None]:
        def run() -> None:
            for start, end in zip(starts, ends, strict=True):
                business_time_between(spec, start, end)

        return run

    def cold_adds() -> None:
        for start, duration in zip(starts[: N // 10], short, strict=False):
            add_business_time(spec_5x9(), start, duration)

    holidays = "5×9 + China holidays/make-up days"
    print("add_business_time, 15 min – 3 business days:")
    r_5x9, r_7x24 = rates(
        N, (f"{holidays} (warm spec)", adds(business, short)), ("7×24", adds(around, short))
    )
    print("add_business_time, 20 – 120 business days:")
    l_5x9, l_7x24 = rates(len(long), (holidays, adds(business, long)), ("7×24", adds(around, long)))
    print("business_time_between, t2 - t1 up to 30 days:")
    b_5x9, b_7x24 = rates(N, (holidays, betweens(business)), ("7×24", betweens(around)))
    print("cold spec (rebuilt per computation, day cache empty), short durations:")
    (c_5x9,) = rates(N // 10, (f"{holidays}, spec built each time", cold_adds))
    print("summary (7×24 ÷ 5×9: the cost of business time):")
    for label, fast, slow in (
        ("due time, short", r_7x24, r_5x9),
        ("due time, long", l_7x24, l_5x9),
        ("business time between", b_7x24, b_5x9),
    ):
        print(f"  {label:<24} {fast / slow:5.1f}×")
    print(f"  cold 5×9 spec costs {r_5x9 / c_5x9:5.1f}× a warm one (build + day cache fill)")
    agreement = statistics.mean(
        business_time_between(business, s, add_business_time(business, s, d)) == d
        for s, d in zip(starts[:2000], short, strict=False)
    )
    print(f"  self-check: add-then-measure returns the duration in {agreement:.0%} of 2 000 samples")


if __name__ == "__main__":
    main()
