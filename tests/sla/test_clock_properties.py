"""Property-based tests of the clock engine: pauses never lose or double-count business time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasms.sla import specs
from sasms.sla.clocks.engine import Clock
from sasms.sla.models import BusinessCalendar, ClockState

SH = ZoneInfo("Asia/Shanghai")
# Across the 2026 Spring Festival (holidays and make-up workdays) and ordinary weeks.
ORIGIN = datetime.datetime(2026, 2, 9, 8, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


def _minutes(values: list[int]) -> list[datetime.datetime]:
    return [ORIGIN + datetime.timedelta(minutes=v) for v in sorted(set(values))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moments=st.lists(st.integers(min_value=0, max_value=40 * 24 * 60), min_size=2, max_size=12),
    target=st.integers(min_value=1, max_value=5000),
)
def test_pauses_subtract_exactly_their_business_time(moments: list[int], target: int) -> None:
    calendar_id = BusinessCalendar.objects.get(code="cn-5x9").pk
    times = _minutes(moments)
    start, *toggles = times
    end = toggles.pop() if len(toggles) % 2 else start + datetime.timedelta(days=45)
    clock = Clock(kind="resolution", calendar_id=calendar_id, target_minutes=target, started_at=start)
    clock.begin(start)
    paused_time = datetime.timedelta(0)
    previous_used = datetime.timedelta(0)
    for index, moment in enumerate(toggles):
        used = clock.used_at(moment)
        assert used >= previous_used  # monotonic
        previous_used = used
        if index % 2 == 0:
            clock.pause(moment, "waiting")
            pause_start = moment
        else:
            clock.resume(moment, "answered")
            paused_time += specs.business_time(calendar_id=calendar_id, start=pause_start, end=moment)
    whole = specs.business_time(calendar_id=calendar_id, start=start, end=end)
    assert clock.used_at(end) == whole - paused_time
    if clock.state == ClockState.RUNNING and clock.due_at is not None and clock.breached_at is None:
        # The due time is exactly when the target is used up.
        assert clock.used_at(clock.due_at) == clock.target
