"""Dashboard figures in Chinese read as counts: "Opened" is the number opened (新建), not a date."""

import json
import re
from collections.abc import Callable

import pytest
from django.test import Client

from sasms.accounts.models import User
from tests.analytics.dash_fixtures import DashWorld, dash_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def card_label(html: str, key: str) -> str:
    match = re.search(rf'data-testid="card-{key}">\s*<div[^>]*>\s*<div[^>]*>([^<]*)<', html)
    assert match, f"no card {key}"
    return match.group(1).strip()


def test_opened_is_a_count_on_the_chinese_dashboard(
    dash_world: DashWorld, client_for: Callable[[User], Client]
) -> None:
    dash_world.manager.language = "zh-hans"
    dash_world.manager.save(update_fields=["language"])
    client = client_for(dash_world.manager)

    html = client.get("/analytics/manager/").content.decode()

    assert card_label(html, "created") == "新建"
    assert card_label(html, "resolved") == "已解决"
    volume = re.search(r'<script id="chart-volume" type="application/json">(.*?)</script>', html, re.S)
    assert volume
    labels = [dataset["label"] for dataset in json.loads(volume.group(1))["data"]["datasets"]]
    assert labels == ["新建", "已解决"]
    assert "发起时间" not in html


def test_the_drill_down_names_the_figure_and_dates_its_columns(
    dash_world: DashWorld, client_for: Callable[[User], Client]
) -> None:
    dash_world.manager.language = "zh-hans"
    dash_world.manager.save(update_fields=["language"])
    client = client_for(dash_world.manager)

    html = client.get("/analytics/requests/?metric=created&period=30d").content.decode()

    assert re.search(r'data-testid="drilldown-description"><span[^>]*>新建</span>', html)
    assert re.search(r"<th[^>]*>\s*解决时间", html)  # the resolved_at column, not the state 已解决
