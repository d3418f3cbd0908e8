"""Recording a poll's readings and downsampling with age (raw → hourly → daily)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasms.telemetry import selectors, services
from sasms.telemetry.choices import Metric, Resolution, SeriesKind
from sasms.telemetry.extract import Reading
from sasms.telemetry.models import Rollup, Sample, Series
from tests.telemetry.conftest import NOW

pytestmark = pytest.mark.django_db


def readings(fan_rpm: float) -> list[Reading]:
    return [
        Reading("/redfish/v1/Chassis/1/Thermal#Fans/0", "fan", "Fan 1", "", "fan_rpm", fan_rpm),
        Reading("/redfish/v1/Chassis/1/Thermal#Temperatures/0", "sensor", "Inlet", "", "temperature", 21.5),
        Reading(
            "/redfish/v1/Systems/1/Storage/1/Drives/0", "drive", "Bay 0", "PM1733", "media_life_left", 97.0
        ),
    ]


def test_record_poll_keeps_one_narrow_row_per_part_metric_and_time(server_a):
    assert services.record_poll(server_a, readings(9000), at=NOW) == 3
    assert Series.objects.filter(server=server_a).count() == 3
    # The steady state: the server's series and one insert.
    with CaptureQueriesContext(connection) as queries:
        assert services.record_poll(server_a, readings(8900), at=NOW + datetime.timedelta(minutes=10)) == 3
    assert len(queries) == 2
    fan = Series.objects.get(metric=Metric.FAN_RPM)
    assert list(Sample.objects.filter(series=fan).order_by("at").values_list("value", flat=True)) == [
        9000,
        8900,
    ]
    # The same poll delivered twice keeps one reading.
    services.record_poll(server_a, readings(8900), at=NOW + datetime.timedelta(minutes=10))
    assert Sample.objects.count() == 6


def test_downsampling_folds_raw_into_hours_and_hours_into_days(server_a, history, settings):
    settings.SASMS_TELEMETRY_RAW_DAYS = 7
    settings.SASMS_TELEMETRY_HOURLY_DAYS = 90
    step = datetime.timedelta(minutes=30)
    # 100 days of readings every 30 minutes: 1, 2, 3, … so means are easy to check.
    count = 100 * 48
    series = history(
        server_a,
        kind=SeriesKind.SENSOR,
        metric=Metric.TEMPERATURE,
        values=[float(i) for i in range(count)],
        step=step,
    )
    result = services.downsample(now=NOW)
    raw_left = Sample.objects.filter(series=series)
    assert result.raw_folded > 0
    assert result.hourly_folded > 0
    assert min(raw_left.values_list("at", flat=True)) >= NOW - datetime.timedelta(days=7, hours=1)
    hours = Rollup.objects.filter(series=series, resolution=Resolution.HOUR).order_by("at")
    days = Rollup.objects.filter(series=series, resolution=Resolution.DAY).order_by("at")
    assert hours.exists()
    assert days.exists()
    first_hour = hours.first()
    assert first_hour is not None
    assert first_hour.count == 2
    assert first_hour.high - first_hour.low == 1
    assert first_hour.mean == pytest.approx((first_hour.low + first_hour.high) / 2)
    assert min(hours.values_list("at", flat=True)) >= NOW - datetime.timedelta(days=91)
    full_day = days[1]
    assert full_day.count == 48
    assert full_day.mean == pytest.approx((full_day.low + full_day.high) / 2)
    # Nothing is lost: every reading is counted exactly once across the three resolutions.
    total = (
        raw_left.count()
        + sum(hours.values_list("count", flat=True))
        + sum(days.values_list("count", flat=True))
    )
    assert total == count
    # A second run has nothing left to fold.
    again = services.downsample(now=NOW)
    assert (again.raw_folded, again.hourly_folded) == (0, 0)
    # Reading the series back joins the resolutions without overlap, in time order.
    points = selectors.series_points([series.pk], since=NOW - datetime.timedelta(days=200))[series.pk]
    times = [t for t, _v in points]
    assert times == sorted(times)
    assert len(times) == len(set(times))
    assert len(points) == raw_left.count() + hours.count() + days.count()


def test_late_reading_is_folded_into_an_existing_hour(server_a, history):
    series = history(
        server_a,
        kind=SeriesKind.SENSOR,
        metric=Metric.TEMPERATURE,
        values=[10.0, 20.0],
        step=datetime.timedelta(minutes=20),
        end=NOW - datetime.timedelta(days=10) + datetime.timedelta(minutes=30),
    )
    services.downsample(now=NOW)
    Sample.objects.create(
        series=series, at=NOW - datetime.timedelta(days=10) + datetime.timedelta(minutes=25), value=60.0
    )
    services.downsample(now=NOW)
    [hour] = Rollup.objects.filter(series=series, resolution=Resolution.HOUR)
    assert (hour.count, hour.low, hour.high) == (3, 10.0, 60.0)
    assert hour.mean == pytest.approx(30.0)
