"""The drill-down list: every number's link lists exactly the requests it counted, scoped."""

import csv
import io
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sasms.accounts.models import User
from tests.analytics.dash_fixtures import MARKER_B, DashWorld, dash_world_fixture  # noqa: F401
from tests.analytics.test_views_dashboards import kpi, kpi_link

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def row_count(html: str) -> int:
    if 'data-testid="empty-state"' in html:
        return 0
    match = re.search(r"(\d+) rows?", html)
    assert match, "no row count"
    return int(match.group(1))


@pytest.mark.parametrize("key", ["created", "resolved", "backlog", "sla", "ftf", "repeat", "reopen", "csat"])
def test_manager_number_links_list_as_many_requests_as_shown(
    dash_world: DashWorld, client_for: ClientFor, key: str
) -> None:
    client = client_for(dash_world.manager)
    html = client.get("/analytics/manager/").content.decode()
    link = kpi_link(html, key)
    assert link.startswith(reverse("analytics:requests"))
    listing = client.get(link)
    assert listing.status_code == 200
    shown = kpi(html, key)
    expected = {"created": 5, "resolved": 1, "backlog": 4}
    if key in expected:
        assert shown == str(expected[key])
        assert row_count(listing.content.decode()) == expected[key]


def test_every_drill_link_on_the_page_answers(dash_world: DashWorld, client_for: ClientFor) -> None:
    client = client_for(dash_world.manager)
    html = client.get("/analytics/manager/").content.decode()
    links = {m.replace("&amp;", "&") for m in re.findall(r'href="(/analytics/requests/\?[^"]+)"', html)}
    assert len(links) > 10
    for link in links:
        assert client.get(link).status_code == 200, link


def test_rows_link_to_the_request_page(dash_world: DashWorld, client_for: ClientFor) -> None:
    client = client_for(dash_world.manager)
    html = client.get("/analytics/requests/?metric=resolved&period=30d").content.decode()
    assert f'href="{reverse("tickets:detail", args=[dash_world.resolved.number])}"' in html
    assert row_count(html) == 1


def test_fault_groups_and_ageing_buckets(dash_world: DashWorld, client_for: ClientFor) -> None:
    client = client_for(dash_world.manager)
    base = "/analytics/requests/?period=30d"
    assert row_count(client.get(f"{base}&metric=faults").content.decode()) == 5
    assert row_count(client.get(f"{base}&metric=faults&bucket=component:disk").content.decode()) == 2
    assert (
        row_count(client.get(f"{base}&metric=faults&bucket=model:{dash_world.model.pk}").content.decode())
        == 5
    )
    assert (
        row_count(client.get(f"{base}&metric=faults&bucket=vendor:{dash_world.vendor.pk}").content.decode())
        == 5
    )
    ageing = [
        row_count(client.get(f"{base}&metric=backlog&bucket={b}").content.decode())
        for b in ("lt1d", "1to3d", "3to7d", "7to30d", "gt30d")
    ]
    assert sum(ageing) == 4
    assert ageing[0] == 1  # the memory request opened today


def test_customer_drilldown_stays_in_their_organisation(dash_world: DashWorld, client_for: ClientFor) -> None:
    client = client_for(dash_world.customer_a)
    html = client.get("/analytics/customer/").content.decode()
    link = kpi_link(html, "created")
    listing = client.get(f"{link}&organisation={dash_world.b.pk}").content.decode()
    assert row_count(listing) == 3
    assert MARKER_B not in listing
    assert f'href="{reverse("portal:request_detail", args=[dash_world.resolved.number])}"' in listing
    assert f'href="{reverse("tickets:detail", args=[dash_world.resolved.number])}"' not in listing
    export = client.get(f"/analytics/requests/?metric=created&organisation={dash_world.b.pk}&export=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert MARKER_B not in text
    assert len(list(csv.reader(io.StringIO(text)))) == 1 + 3


def test_engineer_drilldown_is_their_own(dash_world: DashWorld, client_for: ClientFor) -> None:
    client = client_for(dash_world.other_engineer)
    html = client.get(
        f"/analytics/requests/?metric=resolved&engineer={dash_world.engineer.pk}"
    ).content.decode()
    assert row_count(html) == 0


def test_drilldown_exports(dash_world: DashWorld, client_for: ClientFor) -> None:
    client = client_for(dash_world.manager)
    response = client.get("/analytics/requests/?metric=backlog&period=30d&export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "SR number"
    assert len(rows) == 1 + 4
    xlsx = client.get("/analytics/requests/?metric=backlog&period=30d&export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.max_row == 1 + 4


@pytest.mark.parametrize(
    "query",
    [
        "metric=nonsense",
        "metric=backlog&bucket=eons",
        "metric=faults&bucket=model:abc",
        "metric=created&bucket=lt1d",
        "metric=sla_breached&kind=warp",
        "metric=created&period=custom&start=2026-13-01&end=2026-01-01",
        "metric=created&engineer=99999999999999",
    ],
)
def test_bad_drilldown_input_is_a_form_error(
    dash_world: DashWorld, client_for: ClientFor, query: str
) -> None:
    response = client_for(dash_world.manager).get(f"/analytics/requests/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-errors"' in html
    assert row_count(html) == 0
