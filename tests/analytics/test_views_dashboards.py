"""The role dashboards: who may open which, the figures they show, filters and table exports."""

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sasms.accounts.models import User
from tests.analytics.dash_fixtures import MARKER_B, DashWorld, dash_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def kpi(html: str, key: str) -> str:
    """The text of the KPI number ``key`` on a dashboard page."""
    match = re.search(rf'data-testid="kpi-{key}"[^>]*>([^<]*)<', html)
    assert match, f"no KPI {key}"
    return match.group(1).strip()


def kpi_link(html: str, key: str) -> str:
    match = re.search(rf'<a href="([^"]+)"[^>]*data-testid="kpi-{key}"', html)
    assert match, f"no link on KPI {key}"
    return match.group(1).replace("&amp;", "&")


# --- Landing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("manager", "analytics:manager"),
        ("dispatcher", "analytics:dispatcher"),
        ("engineer", "analytics:engineer"),
        ("customer_a", "analytics:customer"),
        ("customer_b", "analytics:customer"),
    ],
)
def test_landing_sends_each_role_to_its_dashboard(
    dash_world: DashWorld, client_for: ClientFor, who: str, target: str
) -> None:
    response = client_for(getattr(dash_world, who)).get("/analytics/?period=7d")
    assert response.status_code == 302
    assert response["Location"] == reverse(target) + "?period=7d"


def test_landing_refuses_a_role_without_dashboard(dash_world: DashWorld, client_for: ClientFor) -> None:
    assert client_for(dash_world.parts_clerk).get("/analytics/").status_code == 403


def test_anonymous_is_sent_to_sign_in(dash_world: DashWorld) -> None:
    for url in ("/analytics/", "/analytics/manager/", "/analytics/customer/", "/analytics/requests/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("manager", "/analytics/manager/", 200),
        ("manager", "/analytics/dispatch/", 200),
        ("dispatcher", "/analytics/dispatch/", 200),
        ("dispatcher", "/analytics/manager/", 200),  # dispatchers read reports too
        ("engineer", "/analytics/engineer/", 200),
        ("engineer", "/analytics/manager/", 403),
        ("engineer", "/analytics/dispatch/", 403),
        ("engineer", "/analytics/customer/", 403),
        ("customer_a", "/analytics/customer/", 200),
        ("customer_a", "/analytics/manager/", 403),  # a customer administrator reads reports, not this
        ("customer_a", "/analytics/engineer/", 403),
        ("customer_b", "/analytics/dispatch/", 403),
        ("parts_clerk", "/analytics/manager/", 403),
        ("parts_clerk", "/analytics/requests/", 403),
    ],
)
def test_role_access(dash_world: DashWorld, client_for: ClientFor, who: str, url: str, status: int) -> None:
    assert client_for(getattr(dash_world, who)).get(url).status_code == status


# --- Figures --------------------------------------------------------------------------------------


def test_manager_dashboard_shows_every_figure_chart_and_table(
    dash_world: DashWorld, client_for: ClientFor
) -> None:
    response = client_for(dash_world.manager).get("/analytics/manager/")
    assert response.status_code == 200
    html = response.content.decode()
    assert kpi(html, "created") == "5"
    assert kpi(html, "resolved") == "1"
    assert kpi(html, "backlog") == "4"
    assert kpi(html, "ftf") == "100.0 %"
    for key in ("mtta", "mttr", "sla", "repeat", "reopen", "csat", "cost"):
        assert f'data-testid="card-{key}"' in html
    for chart in ("volume", "sla", "ageing", "faults-vendor", "faults-model", "faults-component"):
        assert f'data-chart="chart-{chart}"' in html
        assert f'id="chart-{chart}"' in html
    for table in ("sla", "afr", "engineers", "vendor", "model", "component"):
        assert f'data-testid="table-{table}"' in html
    assert "Eve Engineer" in html  # the engineer workload table
    assert "PowerEdge R750" in html  # AFR and distributions
    assert reverse("sla:attainment") in html
    assert reverse("portal:survey_results") in html
    assert reverse("parts:stock_report") in html
    for report_page in ("reports:customer_report", "reports:subscription_list", "reports:forecasts"):
        assert reverse(report_page) in html


def test_manager_dashboard_speaks_chinese(dash_world: DashWorld, client_for: ClientFor) -> None:
    dash_world.manager.language = "zh-hans"
    dash_world.manager.save(update_fields=["language"])
    client = client_for(dash_world.manager)
    response = client.get("/analytics/manager/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_customer_filter_narrows_the_manager_figures(dash_world: DashWorld, client_for: ClientFor) -> None:
    html = client_for(dash_world.manager).get(f"/analytics/manager/?organisation={dash_world.b.pk}").content
    assert kpi(html.decode(), "created") == "2"
    assert kpi(html.decode(), "resolved") == "0"


def test_dispatcher_dashboard(dash_world: DashWorld, client_for: ClientFor) -> None:
    html = client_for(dash_world.dispatcher).get("/analytics/dispatch/").content.decode()
    assert kpi(html, "backlog") == "4"
    assert kpi(html, "unassigned") == "2"  # A's fan request and B's power request
    assert kpi(html, "created_today") == "1"
    assert kpi(html, "resolved_today") == "1"
    assert 'data-chart="chart-ageing"' in html
    assert "Eve Engineer" in html
    assert "Oscar Other" in html


def test_engineer_sees_their_own_figures(dash_world: DashWorld, client_for: ClientFor) -> None:
    html = client_for(dash_world.engineer).get("/analytics/engineer/").content.decode()
    assert kpi(html, "open_assigned") == "1"  # A's memory request
    assert kpi(html, "resolved") == "1"
    assert kpi(html, "ftf") == "100.0 %"
    other = client_for(dash_world.other_engineer).get("/analytics/engineer/").content.decode()
    assert kpi(other, "open_assigned") == "1"  # B's disk request
    assert kpi(other, "resolved") == "0"


def test_engineer_cannot_read_someone_elses_figures(dash_world: DashWorld, client_for: ClientFor) -> None:
    html = (
        client_for(dash_world.other_engineer)
        .get(f"/analytics/engineer/?engineer={dash_world.engineer.pk}")
        .content.decode()
    )
    assert kpi(html, "resolved") == "0"


def test_customer_sees_only_their_organisation(dash_world: DashWorld, client_for: ClientFor) -> None:
    client = client_for(dash_world.customer_a)
    for query in ("", f"?organisation={dash_world.b.pk}", f"?organisation={dash_world.b.pk}&period=90d"):
        response = client.get(f"/analytics/customer/{query}")
        assert response.status_code == 200
        html = response.content.decode()
        assert kpi(html, "created") == "3"
        assert kpi(html, "backlog") == "2"
        assert MARKER_B not in html
        assert "Customer B" not in html
        assert 'name="organisation"' not in html  # customers are not offered the customer filter
    b_html = client_for(dash_world.customer_b).get(f"/analytics/customer/?organisation={dash_world.a.pk}")
    assert kpi(b_html.content.decode(), "created") == "2"


# --- Filters --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=fortnight", "Period"),
        ("period=custom&start=2026-02-01&end=2026-01-01", "Until"),
        ("period=custom", "From"),
        ("period=custom&start=not-a-date&end=2026-01-01", "From"),
        ("period=custom&start=2020-01-01&end=2026-01-01", "From"),
        ("organisation=999999", "Customer"),
        ("organisation=abc", "Customer"),
        ("organisation=99999999999999999999", "Customer"),
        ("vendor=-1", "Vendor"),
        ("priority=P9", "Priority"),
        ("category=hardwarez", "Category"),
    ],
)
def test_bad_filter_input_is_a_form_error(
    dash_world: DashWorld, client_for: ClientFor, query: str, field: str
) -> None:
    response = client_for(dash_world.manager).get(f"/analytics/manager/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-errors"' in html
    assert f"<li>{field}: " in html
    assert 'data-testid="kpi-cards"' not in html


def test_default_period_is_shown_as_chosen(dash_world: DashWorld, client_for: ClientFor) -> None:
    html = client_for(dash_world.manager).get("/analytics/manager/").content.decode()
    assert '<option value="30d" selected>' in html


def test_presets_and_custom_periods(dash_world: DashWorld, client_for: ClientFor) -> None:
    client = client_for(dash_world.manager)
    for period in ("7d", "30d", "90d", "this_quarter", "last_quarter"):
        assert client.get(f"/analytics/manager/?period={period}").status_code == 200
    resolved_day = dash_world.resolved.created_at.astimezone().date()
    html = client.get(
        f"/analytics/manager/?period=custom&start={resolved_day}&end={resolved_day}"
    ).content.decode()
    assert 'data-testid="kpi-cards"' in html


def test_htmx_filter_change_returns_the_body_only(dash_world: DashWorld, client_for: ClientFor) -> None:
    response = client_for(dash_world.manager).get(
        f"/analytics/manager/?organisation={dash_world.a.pk}", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="dashboard-body"' in html
    assert kpi(html, "created") == "3"
    assert "HX-Request" in response["Vary"]


# --- Table exports --------------------------------------------------------------------------------


def _csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_tables_export_as_csv_and_xlsx_with_the_same_filters(
    dash_world: DashWorld, client_for: ClientFor
) -> None:
    client = client_for(dash_world.manager)
    response = client.get("/analytics/manager/?export=csv&table=component")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[0] == ["Component", "Faults"]
    assert sum(int(r[1]) for r in rows[1:]) == 5
    filtered = _csv_rows(
        client.get(f"/analytics/manager/?organisation={dash_world.b.pk}&export=csv&table=component")
    )
    assert sum(int(r[1]) for r in filtered[1:]) == 2
    for table in ("afr", "engineers", "sla", "vendor", "model"):
        xlsx = client.get(f"/analytics/manager/?export=xlsx&table={table}")
        assert xlsx.status_code == 200
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        assert sheet.max_row >= 1
    afr = load_workbook(io.BytesIO(client.get("/analytics/manager/?export=xlsx&table=afr").content)).active
    assert afr is not None
    values = list(afr.iter_rows(values_only=True))
    assert values[0][:3] == ("Model", "Vendor", "Faults")
    assert values[1][0] == "PowerEdge R750"
    assert values[1][2] == 5


def test_unknown_table_is_404(dash_world: DashWorld, client_for: ClientFor) -> None:
    assert client_for(dash_world.manager).get("/analytics/manager/?export=csv&table=nope").status_code == 404


def test_customer_exports_only_their_rows(dash_world: DashWorld, client_for: ClientFor) -> None:
    response = client_for(dash_world.customer_a).get(
        f"/analytics/customer/?organisation={dash_world.b.pk}&export=csv&table=component"
    )
    rows = _csv_rows(response)
    assert sum(int(r[1]) for r in rows[1:]) == 3


# --- Menu -----------------------------------------------------------------------------------------


def test_menu_entries(dash_world: DashWorld, client_for: ClientFor) -> None:
    manager_home = client_for(dash_world.manager).get("/analytics/manager/").content.decode()
    assert f'href="{reverse("analytics:home")}"' in manager_home
    customer_home = client_for(dash_world.customer_a).get("/analytics/customer/").content.decode()
    assert f'href="{reverse("analytics:customer")}"' in customer_home
    assert f'href="{reverse("analytics:home")}"' not in customer_home
