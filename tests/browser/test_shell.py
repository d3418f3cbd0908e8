"""The page shell in a real browser: sign-in, navigation per role, language, errors, lists, phones."""

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, override
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Role, capabilities_of
from sasms.core.navigation import MENU, section_rank
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAV_LINKS = "[data-testid=main-nav] a[data-nav-item]"


def expected_menu(role: str, language: str = "en") -> list[str]:
    """What ``menu_for`` shows this role: reachable items it may use, first label per URL,
    top-level entries first and then section by section."""
    capabilities = capabilities_of(role)
    labels: list[tuple[int, str]] = []
    seen: set[str] = set()
    with override(language):
        for item in MENU:
            if item.capability is not None and item.capability not in capabilities:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            if url in seen:
                continue
            seen.add(url)
            labels.append((section_rank(item.section), str(item.label)))
    return [label for _rank, label in sorted(labels, key=lambda ranked: ranked[0])]


def nav_labels(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(NAV_LINKS).all_inner_texts()]


def in_chinese(message: str) -> str:
    with override("zh-hans"):
        return gettext(message)


# --- Navigation per role -------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_its_navigation(
    page: Page, live_server, make_user: Callable[..., User], role: Role
) -> None:
    user = make_user(role, language="en")
    sign_in(page, live_server, user.email, PASSWORD)

    # A customer's home is the portal.
    home = "/portal/" if role in (Role.CUSTOMER, Role.CUSTOMER_ADMIN) else "/"
    assert page.url == f"{live_server.url}{home}"
    expect(page.locator("[data-testid=user-menu]")).to_contain_text(user.full_name)
    expected = expected_menu(role)
    assert expected[0] == "Home"
    assert nav_labels(page) == expected
    # Every link in the menu opens a page the role may see (no 403/404 behind a visible link).
    for href in page.locator(NAV_LINKS).evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        if href.startswith("/api/docs"):
            continue  # Swagger UI, outside the page shell
        response = page.request.get(f"{live_server.url}{href}")
        assert response.status == 200, href


def test_a_service_managers_pages_fit_the_bar_in_drop_down_sections(
    page: Page, live_server, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.SERVICE_MANAGER, language="en")
    sign_in(page, live_server, user.email, PASSWORD)
    entries = page.locator("[data-testid=main-nav] > li")
    assert len(expected_menu(Role.SERVICE_MANAGER)) > 20
    assert entries.count() <= 6  # Home and the sections
    for index in range(entries.count()):
        assert entries.nth(index).bounding_box()["y"] < 60  # type: ignore[index]  # one row, no wrapping
    reports = page.get_by_test_id("nav-section-reports")
    sla = page.locator(NAV_LINKS, has_text="SLA attainment")
    expect(sla).to_be_hidden()
    reports.click()
    expect(sla).to_be_visible()
    with page.expect_navigation():
        sla.click()
    assert page.url == f"{live_server.url}/sla/attainment/"
    # On a page of a section, the section itself shows as the current place.
    expect(page.get_by_test_id("nav-section-reports")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.get_by_test_id("nav-section-admin")).not_to_have_class(re.compile(r"\bactive\b"))


def test_every_menu_icon_has_a_glyph(page: Page, live_server, make_user: Callable[..., User]) -> None:
    user = make_user(Role.ADMINISTRATOR, language="en")  # sees the most menu items
    sign_in(page, live_server, user.email, PASSWORD)
    missing = page.locator("[data-testid=main-nav] i.bi").evaluate_all(
        """icons => icons
            .filter(i => ['none', 'normal', ''].includes(getComputedStyle(i, '::before').content))
            .map(i => i.className)"""
    )
    assert missing == [], f"icon classes with no glyph in the icon font: {missing}"


# --- Language switch -----------------------------------------------------------------------------


def switch_language(page: Page, to: str) -> None:
    button = page.locator(f"[data-testid=language-switch] button[value={to}]")
    with page.expect_navigation():
        button.click()


def test_language_switch_signed_out_uses_a_cookie(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    heading = page.locator("h1")
    expect(heading).to_have_text("Sign in to SASMS")

    switch_language(page, "zh-hans")
    assert page.url == f"{live_server.url}/accounts/login/"
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(heading).to_have_text(in_chinese("Sign in to SASMS"))
    expect(page.locator("[data-testid=language-switch] button")).to_have_text("English")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["sasms_language"] == "zh-hans"
    # The choice persists: the next page is Chinese too, and text comes out of a catalogue.
    page.goto(f"{live_server.url}/accounts/password-reset/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("[data-testid=login-submit]")  # empty form: the required-field messages
    required = in_chinese("This field is required.")
    assert required != "This field is required."
    expect(page.locator(".invalid-feedback").first).to_have_text(required)

    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Sign in to SASMS")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_language_switch_signed_in_updates_the_profile(
    page: Page, live_server, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.AGENT, language="en")
    sign_in(page, live_server, user.email, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{live_server.url}/organisations/")

    switch_language(page, "zh-hans")
    assert page.url == f"{live_server.url}/organisations/"  # stays on the page it was used on
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert nav_labels(page) == expected_menu(Role.AGENT, "zh-hans")
    # Persists on the next page; a form error comes out of the Chinese catalogue.
    page.goto(f"{live_server.url}/accounts/password/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    required = in_chinese("This field is required.")
    assert required != "This field is required."
    expect(page.locator(".invalid-feedback").first).to_have_text(required)

    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    user.refresh_from_db()
    assert user.language == "en"
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert nav_labels(page) == expected_menu(Role.AGENT)


# --- Signing in and out --------------------------------------------------------------------------


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(
    page: Page, live_server, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.AGENT, language="en")
    sign_in(page, live_server, user.email, "not-the-password")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    expect(page.locator("[data-testid=form-errors]")).to_have_text(
        "The e-mail address or password is not correct."
    )
    expect(page.locator("#id_username")).to_have_value(user.email)
    expect(page.locator("[data-testid=main-nav]")).to_have_count(0)
    expect(page.locator("[data-testid=lockout]")).to_have_count(0)


def test_five_wrong_passwords_lock_the_account(
    page: Page, live_server, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.CUSTOMER, language="en")
    for _attempt in range(5):
        sign_in(page, live_server, user.email, "wrong-password")
        assert page.url.startswith(f"{live_server.url}/accounts/login/")
    expect(page.locator("[data-testid=lockout]")).to_be_visible()

    sign_in(page, live_server, user.email, PASSWORD)
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    expect(page.locator("[data-testid=lockout]")).to_have_text(
        "Too many failed sign-in attempts. The account is locked for a while; try again later."
    )
    expect(page.locator("[data-testid=main-nav]")).to_have_count(0)
    page.goto(f"{live_server.url}/")  # still signed out
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


def test_sign_out(page: Page, live_server, make_user: Callable[..., User]) -> None:
    user = make_user(Role.DISPATCHER, language="en")
    sign_in(page, live_server, user.email, PASSWORD)
    expect(page.locator("[data-testid=main-nav]")).to_be_visible()

    page.click("[data-testid=user-menu]")
    with page.expect_navigation():
        page.click("[data-testid=logout]")
    assert page.url == f"{live_server.url}/accounts/login/"
    expect(page.locator("main")).to_contain_text("You have signed out.")
    expect(page.locator("[data-testid=main-nav]")).to_have_count(0)
    page.goto(f"{live_server.url}/organisations/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/?next=/organisations/")


# --- Access control ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/audit/", "/users/", "/organisations/"])
def test_customer_gets_the_403_page_on_staff_pages(
    page: Page, live_server, make_user: Callable[..., User], path: str
) -> None:
    user = make_user(Role.CUSTOMER, language="en")
    sign_in(page, live_server, user.email, PASSWORD)
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    assert response.status == 403
    error = page.locator("[data-testid=error-page]")
    expect(error).to_contain_text("403")
    expect(error).to_contain_text("You do not have permission")
    expect(page.locator("[data-testid=main-nav]")).to_be_visible()  # still inside the shell


def test_customer_cannot_open_another_organisation(
    page: Page, live_server, make_user: Callable[..., User], customer_a, customer_b
) -> None:
    user = make_user(Role.CUSTOMER, organisation=customer_a, language="en")
    sign_in(page, live_server, user.email, PASSWORD)
    own = page.goto(f"{live_server.url}/organisations/{customer_a.pk}/")
    assert own is not None
    assert own.status == 200
    expect(page.locator("main")).to_contain_text(customer_a.name)

    other = page.goto(f"{live_server.url}/organisations/{customer_b.pk}/")
    assert other is not None
    assert other.status == 404
    expect(page.locator("[data-testid=error-page]")).to_contain_text("404")
    expect(page.locator("main")).not_to_contain_text(customer_b.name)


# --- Phones --------------------------------------------------------------------------------------


def test_phone_navigation_is_behind_the_toggler(
    phone_page: Page, live_server, make_user: Callable[..., User]
) -> None:
    page = phone_page
    user = make_user(Role.SERVICE_MANAGER, language="en")
    sign_in(page, live_server, user.email, PASSWORD)
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    links = page.locator(NAV_LINKS)
    assert links.count() == len(expected_menu(Role.SERVICE_MANAGER))
    for index in range(links.count()):
        expect(links.nth(index)).to_be_hidden()

    toggler.click()
    for entry in page.locator("[data-testid=main-nav] > li").all():
        section = entry.locator("[data-bs-toggle=dropdown]")
        if section.count():
            section.scroll_into_view_if_needed()
            section.click()  # opens in place inside the panel, closing the previous one
        # A long menu scrolls inside the opened panel: every item can be reached with the thumb.
        for link in entry.locator("a[data-nav-item]").all():
            link.scroll_into_view_if_needed()
            expect(link).to_be_visible()
            expect(link).to_be_in_viewport()
    expect(page.locator("[data-testid=language-switch]")).to_be_visible()

    administration = page.get_by_test_id("nav-section-admin")
    if administration.get_attribute("aria-expanded") != "true":  # the walk above may have left it open
        administration.click()
    with page.expect_navigation():
        page.locator(NAV_LINKS, has_text="Organisations").click()
    assert page.url == f"{live_server.url}/organisations/"
    expect(page.locator(NAV_LINKS).first).to_be_hidden()  # closed again on the new page


def test_nothing_overflows_sideways_on_a_phone(
    phone_page: Page, live_server, make_user: Callable[..., User]
) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    user = make_user(Role.ADMINISTRATOR, language="en")
    sign_in(page, live_server, user.email, PASSWORD)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


# --- Lists ---------------------------------------------------------------------------------------


@pytest.fixture
def many_organisations(provider, customer_a, customer_b) -> list[str]:
    """30 more customers: 33 organisations in all, two pages of 25."""
    names = [f"Northwind {n:02d} 北风" for n in range(1, 31)]
    Organisation.objects.bulk_create(
        Organisation(name=name, code=f"northwind-{n:02d}", kind=OrganisationKind.CUSTOMER, city="Hangzhou")
        for n, name in enumerate(names, start=1)
    )
    return names


def search(page: Page, text: str) -> None:
    """Type into the search box as a person would (the filter listens to key-ups)."""
    box = page.locator("input[type=search][name=q]")
    box.fill("")
    box.press_sequentially(text)


def rows(page: Page):
    return page.locator("[data-testid=list-table] tbody tr")


def test_list_filters_with_htmx_and_paginates(
    page: Page, live_server, make_user: Callable[..., User], many_organisations: list[str]
) -> None:
    admin = make_user(Role.ADMINISTRATOR, language="en")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/organisations/")
    expect(rows(page)).to_have_count(25)
    expect(page.locator("#list-table")).to_contain_text("33 rows")
    page.evaluate("window.__sasmsSamePage = true")  # lost on any full navigation

    # Typing in the search box filters as you type, without leaving the page.
    search(page, "Customer B")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Customer B 乙医院")
    expect(page).to_have_url(re.compile(r"/organisations/\?q=Customer(\+|%20)B(&|$)"))
    search(page, "no such organisation")
    expect(page.locator("[data-testid=empty-state]")).to_contain_text("No organisations match these filters.")
    search(page, "")
    expect(rows(page)).to_have_count(25)

    # Pagination swaps the table in place.
    page.locator("#list-table .pagination a", has_text="Next").click()
    expect(rows(page)).to_have_count(8)
    expect(page).to_have_url(re.compile(r"/organisations/\?(.*&)?page=2$"))
    expect(page.locator("#list-table .pagination .active")).to_have_text("2")

    # A new search from page 2 starts again at its first page, and the address names it once.
    search(page, "Northwind")
    expect(page.locator("#list-table")).to_contain_text("30 rows")
    expect(page.locator("#list-table .pagination .active")).to_have_text("1")
    expect(rows(page)).to_have_count(25)
    query = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
    assert query.get("q") == ["Northwind"], page.url
    assert "page" not in query, page.url

    assert page.evaluate("window.__sasmsSamePage") is True
    assert page.title().startswith("Organisations")


def test_csv_export_downloads_the_rows(
    page: Page, live_server, make_user: Callable[..., User], many_organisations: list[str], tmp_path: Path
) -> None:
    admin = make_user(Role.ADMINISTRATOR, language="en")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/organisations/")
    with page.expect_download() as info:
        page.click("[data-testid=export-csv]")
    download = info.value
    assert download.suggested_filename.startswith("organisations-")
    assert download.suggested_filename.endswith(".csv")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    table = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert table[0][:4] == ["Name", "Code", "Kind", "City"]
    names = {row[0] for row in table[1:]}
    assert set(many_organisations) <= names  # all 33, not just the first page
    assert {"Provider Co", "Customer A 甲银行", "Customer B 乙医院"} <= names
    assert len(table) == 1 + 33


def test_csv_export_after_an_htmx_filter_exports_the_filtered_rows(
    page: Page, live_server, make_user: Callable[..., User], many_organisations: list[str], tmp_path: Path
) -> None:
    admin = make_user(Role.ADMINISTRATOR, language="en")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/organisations/")
    search(page, "Customer B")
    expect(rows(page)).to_have_count(1)
    with page.expect_download() as info:
        page.click("[data-testid=export-csv]")
    target = tmp_path / "export.csv"
    info.value.save_as(target)
    table = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [row[0] for row in table[1:]] == ["Customer B 乙医院"]


def test_back_after_opening_a_row_from_a_filtered_list_shows_the_whole_page(
    page: Page, live_server, make_user: Callable[..., User], customer_b
) -> None:
    admin = make_user(Role.ADMINISTRATOR, language="en")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/organisations/")
    search(page, "Customer B")
    expect(rows(page)).to_have_count(1)
    # The search pushes its address after the rows are swapped in: wait for it, so that the
    # navigation awaited below is the click's and not that history entry.
    expect(page).to_have_url(re.compile(r"/organisations/\?q=Customer"))
    detail = f"{live_server.url}/organisations/{customer_b.pk}/"
    with page.expect_navigation(url=detail):
        rows(page).first.locator("a").click()
    assert page.url == detail

    page.go_back()
    expect(page).to_have_url(re.compile(r"/organisations/\?"))
    # The page shell, not the bare table fragment the search fetched for the same address.
    expect(page.locator("[data-testid=main-nav]")).to_be_visible()
    expect(page.locator("input[type=search][name=q]")).to_have_value("Customer B")
    expect(rows(page)).to_have_count(1)
    assert page.title().startswith("Organisations")
