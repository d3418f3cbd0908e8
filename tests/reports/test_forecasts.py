"""The stored request forecast: computed from the request table, shown on its page, and the command."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import Vendor
from sasms.parts.models import Depot, Forecast, Part
from sasms.reports.forecasts import compute_request_forecasts
from sasms.reports.models import RequestForecast
from sasms.tickets.choices import Category, Status, TicketType
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 11, 25)  # a Wednesday: history ends on Sunday 11-22
FIRST = datetime.date(2026, 9, 14)  # a Monday, ten weeks before 11-23


def _history(org: Organisation) -> None:
    """Ten weeks of hardware requests, three on each weekday and none at weekends, opened at
    23:30 local time (so a UTC day would put them on the wrong date); two software requests."""
    rows = []
    day = FIRST
    while day < datetime.date(2026, 11, 23):
        if day.weekday() < 5:
            for n in range(3):
                rows.append((day, Category.HARDWARE, n))
        day += datetime.timedelta(days=1)
    rows += [
        (datetime.date(2026, 11, 2), Category.SOFTWARE, 0),
        (datetime.date(2026, 11, 9), Category.SOFTWARE, 0),
    ]
    Ticket.objects.bulk_create(
        Ticket(
            number=f"SR-F-{index:05d}",
            organisation=org,
            title="Forecast history",
            service_kind="hardware_replacement",
            type=TicketType.INCIDENT,
            category=category,
            status=Status.NEW,
            created_at=datetime.datetime.combine(day, datetime.time(23, 30 - n), tzinfo=SH),
            updated_at=datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=SH),
        )
        for index, (day, category, n) in enumerate(rows)
    )


def test_forecast_rows_from_the_request_table(customer_a: Organisation) -> None:
    _history(customer_a)
    run = compute_request_forecasts(today=TODAY)
    assert run.first_week == FIRST
    assert run.history_days == 70
    assert set(RequestForecast.objects.values_list("category", flat=True)) == set(Category.values)
    hardware = RequestForecast.objects.get(category=Category.HARDWARE)
    assert hardware.method == "holt_winters"
    assert [w["count"] for w in hardware.history] == [15.0] * 10
    assert hardware.history[0]["week"] == "2026-09-14"
    assert [w["week"] for w in hardware.forecast][:2] == ["2026-11-23", "2026-11-30"]
    assert len(hardware.forecast) == 8
    assert all(w["count"] == pytest.approx(15, abs=1.5) for w in hardware.forecast)
    assert hardware.weekday_profile[5] < 0.02
    assert hardware.weekday_profile[0] == pytest.approx(0.2, abs=0.02)
    # Back-test: fit on the first 2 weeks (seasonal naive: 15 a week), actual 15 a week → no error.
    assert hardware.backtest_method == "seasonal_naive"
    assert hardware.backtest_mae == 0
    assert hardware.backtest_wape == 0
    assert next(w["week"] for w in hardware.backtest_weeks) == "2026-09-28"
    software = RequestForecast.objects.get(category=Category.SOFTWARE)
    assert software.method == "seasonal_naive"  # two requests are too few to fit a season
    # Held out: 2 requests in 8 weeks; the first two weeks had none, so every week is forecast 0.
    assert software.backtest_mae == 0.25
    assert software.backtest_wape == 100.0
    network = RequestForecast.objects.get(category=Category.NETWORK)
    assert [w["count"] for w in network.forecast] == [0.0] * 8
    assert network.backtest_wape is None  # no network request at all: WAPE is undefined


def test_recomputing_replaces_the_rows(customer_a: Organisation) -> None:
    _history(customer_a)
    compute_request_forecasts(today=TODAY)
    compute_request_forecasts(today=TODAY)
    assert RequestForecast.objects.count() == len(Category.values)


def test_empty_database_gives_zero_forecasts(db: None) -> None:
    compute_request_forecasts(today=TODAY)
    assert all(row.method == "seasonal_naive" for row in RequestForecast.objects.all())
    assert all(w["count"] == 0 for row in RequestForecast.objects.all() for w in row.forecast)


def test_command_prints_each_category(customer_a: Organisation) -> None:
    _history(customer_a)
    out = StringIO()
    call_command("forecast_requests", stdout=out)
    text = out.getvalue()
    assert "hardware" in text
    assert "back-test MAE" in text
    assert RequestForecast.objects.count() == len(Category.values)


def test_page_shows_charts_errors_and_parts(
    customer_a: Organisation, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    _history(customer_a)
    compute_request_forecasts(today=TODAY)
    vendor = Vendor.objects.create(name="Dell", code="dell")
    part = Part.objects.create(part_number="DISK-4T", description="4 TB disk", kind="disk", vendor=vendor)
    depot = Depot.objects.create(
        code="sh",
        name="Shanghai depot",
        city="Shanghai",
        latitude=Decimal("31.2"),
        longitude=Decimal("121.5"),
    )
    Forecast.objects.create(
        part=part, depot=depot, method="sba", per_month=2.5, backtest_mae=0.75, backtest_mase=0.8
    )
    manager = make_user(Role.SERVICE_MANAGER, language="en")
    html = client_for(manager).get("/reports/forecasts/").content.decode()
    assert 'data-chart="forecast-chart-hardware"' in html
    assert 'id="forecast-chart-hardware" type="application/json"' in html
    assert "chart.umd.min.js" in html
    assert "sasms/charts.js" in html
    assert 'data-testid="forecast-row-software"' in html
    assert "DISK-4T" in html
    assert "Shanghai depot" in html
    assert "0.75" in html
    assert "0.80" in html
    assert "/parts/forecasts/" in html


def test_page_is_for_staff_readers_only(
    make_user: Callable[..., User], customer_a: Organisation, client_for: Callable[[User], Client]
) -> None:
    admin_a = make_user(Role.CUSTOMER_ADMIN, organisation=customer_a, language="en")
    assert client_for(admin_a).get("/reports/forecasts/").status_code == 404
    assert client_for(make_user(Role.AGENT, language="en")).get("/reports/forecasts/").status_code == 403
    assert client_for(make_user(Role.DISPATCHER, language="en")).get("/reports/forecasts/").status_code == 200
