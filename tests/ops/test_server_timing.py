"""``Server-Timing`` on pages and API answers, and the per-view split of time on ``/metrics``."""

import re
from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from sasms.accounts.models import User
from sasms.ops.metrics import REQUEST_DB_TIME, REQUEST_RENDER_TIME

pytestmark = pytest.mark.django_db

TIMING = re.compile(
    r'^db;dur=(?P<db>[\d.]+);desc="(?P<queries>\d+) queries", '
    r"render;dur=(?P<render>[\d.]+), total;dur=(?P<total>[\d.]+)$"
)


def _timing(header: str) -> dict[str, float]:
    match = TIMING.match(header)
    assert match, header
    return {key: float(value) for key, value in match.groupdict().items()}


def test_a_page_tells_its_database_render_and_total_time(
    client_for: Callable[[User], Client], agent: User
) -> None:
    response = client_for(agent).get("/requests/queue/open/")
    assert response.status_code == 200
    timing = _timing(response["Server-Timing"])
    assert timing["queries"] >= 1
    assert timing["render"] > 0
    # The parts never overlap: queries run while rendering count as database time only.
    assert timing["db"] + timing["render"] <= timing["total"] + 0.2


def test_an_api_answer_carries_the_header_too(api_for: Callable[[User], APIClient], agent: User) -> None:
    response = api_for(agent).get("/api/v1/tickets/")
    assert response.status_code == 200
    timing = _timing(response["Server-Timing"])
    assert timing["queries"] >= 1
    assert timing["render"] == 0  # JSON, no template


def test_an_error_page_and_a_redirect_carry_it(client: Client) -> None:
    assert "total;dur=" in client.get("/no-such-page-at-all/")["Server-Timing"]
    assert "total;dur=" in client.get("/requests/queue/open/")["Server-Timing"]  # to the sign-in page


def test_metrics_split_each_view_into_database_and_render_time(
    client_for: Callable[[User], Client], agent: User
) -> None:
    db_before = REQUEST_DB_TIME.labels(view="tickets:queue", method="GET")._sum.get()
    render_before = REQUEST_RENDER_TIME.labels(view="tickets:queue", method="GET")._sum.get()
    client_for(agent).get("/requests/queue/open/")
    assert REQUEST_DB_TIME.labels(view="tickets:queue", method="GET")._sum.get() > db_before
    assert REQUEST_RENDER_TIME.labels(view="tickets:queue", method="GET")._sum.get() > render_before
    text = Client().get("/metrics").content.decode()
    assert 'sasms_http_request_db_seconds_count{method="GET",view="tickets:queue"}' in text
    assert 'sasms_http_request_render_seconds_bucket{le="0.001",method="GET",view="tickets:queue"}' in text
