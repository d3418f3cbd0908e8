"""Browser fixtures: Debian's chromium driven through Playwright's sync API against ``live_server``.

Playwright's sync API runs an event loop in the test thread, which makes Django refuse database
access from it ("You cannot call this from an async context"); the tests only touch the database
between browser steps, so the check is switched off for this package.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
# Assertions wait as long as actions: on a loaded CI machine (two test workers and chromium on two
# cores) a request that resolves, recomputes clocks and notifies can take more than the default 5 s.
expect.set_options(timeout=TIMEOUT_MS)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


# --- Browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _new_page(browser: Browser, **options: Any) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(locale="en-US", accept_downloads=True, **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh desktop browser context (no cookies) per test, English by default."""
    yield from _new_page(browser, viewport={"width": 1280, "height": 800})


@pytest.fixture
def phone_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    yield from _new_page(browser, **PHONE)


def sign_in(page: Page, live_server: Any, email: str, password: str) -> None:
    """Fill and submit the sign-in form; the caller asserts where it lands."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
