"""The dashboards in a real browser: charts drawn, no console errors, filters by htmx, drill-down."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from sasms.accounts.models import Organisation, User
from tests.analytics.dash_fixtures import MARKER_B, build_world
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_console(page: Page) -> list[str]:
    problems: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if str(message.location.get("url", "")).endswith("/favicon.ico"):
            return  # the browser asks for a site icon the project does not serve
        if message.type in ("error", "warning") or "Content Security Policy" in message.text:
            problems.append(f"{message.type}: {message.text}")

    page.on("console", record)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    return problems


def _wait_for_every_chart(page: Page) -> int:
    """Every chart canvas of the page has been drawn (a locator wait: the page's CSP forbids the
    string evaluation that polling ``wait_for_function`` needs)."""
    expect(page.locator("canvas[data-chart]").first).to_be_attached()
    charts = page.locator("canvas[data-chart]").count()
    expect(page.locator('canvas[data-chart-drawn="1"]')).to_have_count(charts)
    return charts


def _charts_drawn(page: Page) -> list[str]:
    """The keys of the canvases that hold a Chart.js chart with data."""
    result: list[str] = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-chart]'))
              .filter(c => c.sasmsChart && c.sasmsChart.data.datasets.length > 0)
              .map(c => c.dataset.chart)"""
    )
    return result


def test_manager_dashboard_draws_charts_filters_and_drills_down(
    page: Page,
    live_server: Any,
    make_user: Callable[..., User],
    customer_a: Organisation,
    customer_b: Organisation,
) -> None:
    world = build_world(make_user, customer_a, customer_b)
    problems = _watch_console(page)
    sign_in(page, live_server, world.manager.email, PASSWORD)
    page.goto(f"{live_server.url}/analytics/")
    expect(page).to_have_url(re.compile(r"/analytics/manager/$"))
    expect(page.get_by_test_id("kpi-created")).to_have_text("5")
    assert _wait_for_every_chart(page) >= 6
    drawn = _charts_drawn(page)
    for key in ("volume", "sla", "ageing", "faults-vendor", "faults-model", "faults-component"):
        assert f"chart-{key}" in drawn
    # A filter change reloads the figures without leaving the page; the charts are drawn again.
    page.wait_for_load_state("networkidle")
    page.select_option("#id_organisation", str(world.b.pk))
    expect(page.get_by_test_id("kpi-created")).to_have_text("2")
    expect(page).to_have_url(re.compile(rf"organisation={world.b.pk}"))
    assert _wait_for_every_chart(page) >= 6
    # Click the number: the requests behind it.
    page.get_by_test_id("kpi-created").click()
    expect(page).to_have_url(re.compile(r"/analytics/requests/\?metric=created"))
    table = page.get_by_test_id("list-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text(MARKER_B)
    assert problems == []


def test_customer_dashboard_draws_their_charts_only(
    page: Page,
    live_server: Any,
    make_user: Callable[..., User],
    customer_a: Organisation,
    customer_b: Organisation,
) -> None:
    world = build_world(make_user, customer_a, customer_b)
    problems = _watch_console(page)
    sign_in(page, live_server, world.customer_a.email, PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="Analytics").click()
    expect(page).to_have_url(re.compile(r"/analytics/customer/$"))
    expect(page.get_by_test_id("kpi-created")).to_have_text("3")
    assert _wait_for_every_chart(page) >= 5
    assert "chart-volume" in _charts_drawn(page)
    assert MARKER_B not in page.content()
    # The backlog number drills down to the customer's own open requests, linked to the portal.
    page.get_by_test_id("kpi-backlog").click()
    table = page.get_by_test_id("list-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    first = table.locator("tbody tr a").first
    expect(first).to_have_attribute("href", re.compile(r"^/portal/requests/SR\d+/$"))
    assert problems == []
