"""The forecasts page in a real browser: every category's chart is drawn, with no console errors."""

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.reports.forecasts import compute_request_forecasts
from sasms.tickets.choices import Category, Status, TicketType
from sasms.tickets.models import Ticket
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")


def _history(org: Organisation) -> None:
    """Twelve weeks of requests: hardware on weekdays, software twice a week, network on Mondays."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday() + 7 * 12)
    rows = []
    for offset in range(7 * 12):
        day = start + datetime.timedelta(days=offset)
        weekday = day.weekday()
        rows += [(day, Category.HARDWARE)] * (4 if weekday < 5 else 1)
        rows += [(day, Category.SOFTWARE)] * (1 if weekday in (1, 3) else 0)
        rows += [(day, Category.NETWORK)] * (1 if weekday == 0 else 0)
    Ticket.objects.bulk_create(
        Ticket(
            number=f"SR-B-{index:05d}",
            organisation=org,
            title="History",
            service_kind="hardware_replacement",
            type=TicketType.INCIDENT,
            category=category,
            status=Status.NEW,
            created_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=SH),
            updated_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=SH),
        )
        for index, (day, category) in enumerate(rows)
    )


def test_forecasts_page_draws_a_chart_per_category(
    page: Page, live_server: Any, make_user: Callable[..., User], customer_a: Organisation
) -> None:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if str(message.location.get("url", "")).endswith("/favicon.ico"):
            return  # the browser asks for a site icon the project does not serve
        if message.type in ("error", "warning") or "Content Security Policy" in message.text:
            errors.append(f"{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    _history(customer_a)
    compute_request_forecasts()
    manager = make_user(Role.SERVICE_MANAGER, language="en")
    sign_in(page, live_server, manager.email, PASSWORD)
    page.goto(f"{live_server.url}/reports/forecasts/")
    expect(page.get_by_role("heading", name="Forecasts", exact=True)).to_be_visible()
    expect(page.get_by_test_id("forecast-errors")).to_contain_text("Hardware")
    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(len(Category.values))
    for category in Category.values:
        canvas = page.get_by_test_id(f"forecast-chart-{category}")
        expect(canvas).to_have_attribute("data-chart-drawn", "1")
        points = canvas.evaluate(
            "c => c.sasmsChart"
            " ? c.sasmsChart.data.datasets.map(d => d.data.filter(v => v !== null).length) : null"
        )
        assert points is not None, category
        history_points, forecast_points = points
        assert history_points == 12, category
        assert forecast_points == 9, category  # 8 weeks + the joining point
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => !!c.sasmsChart)"
    )
    assert drawn is True
    assert errors == []
