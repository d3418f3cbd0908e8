"""Pages and API: the server page's telemetry panel, the evidence on the request, thresholds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.roles import Role
from sasms.telemetry import services
from sasms.telemetry.choices import Metric, Rule, SeriesKind
from sasms.telemetry.models import Threshold

pytestmark = pytest.mark.django_db


def test_server_page_loads_the_panel_and_the_panel_charts(server_a, history, client_for, agent):
    now = timezone.now()
    for label in ("Fan 1", "Fan 2"):
        history(
            server_a,
            kind=SeriesKind.FAN,
            metric=Metric.FAN_RPM,
            values=[9000, 9100, 9050],
            label=label,
            step=datetime.timedelta(hours=1),
            end=now,
        )
    history(
        server_a,
        kind=SeriesKind.SENSOR,
        metric=Metric.TEMPERATURE,
        values=[21.0] * 5,
        label="Inlet",
        step=datetime.timedelta(hours=1),
        end=now,
    )
    client = client_for(agent)
    page = client.get(reverse("assets:server_detail", args=[server_a.pk]))
    assert reverse("telemetry:server_panel", args=[server_a.pk]) in page.content.decode()
    with CaptureQueriesContext(connection) as queries:
        panel = client.get(reverse("telemetry:server_panel", args=[server_a.pk]), HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    body = panel.content.decode()
    assert f"telemetry-{server_a.pk}-fan_rpm" in body
    assert f"telemetry-{server_a.pk}-temperature" in body
    assert "Fan 2" in body
    # Session and user, the server, its series, raw and rolled-up points, open proactive requests.
    assert len(queries) <= 9


def test_panel_of_another_customers_server_is_not_found(server_a, make_user, customer_b, client_for):
    stranger = make_user(Role.CUSTOMER, organisation=customer_b)
    response = client_for(stranger).get(reverse("telemetry:server_panel", args=[server_a.pk]))
    assert response.status_code == 404


def test_empty_panel_says_so(server_a, client_for, agent):
    body = client_for(agent).get(reverse("telemetry:server_panel", args=[server_a.pk])).content.decode()
    assert "telemetry-empty" in body


def test_request_page_shows_the_evidence(server_a, history, client_for, agent):
    history(
        server_a,
        kind=SeriesKind.DRIVE,
        metric=Metric.FAILURE_PREDICTED,
        values=[0, 0, 1],
        label="Bay 4",
        end=timezone.now(),
    )
    [row] = services.evaluate().opened
    assert row.ticket is not None
    body = client_for(agent).get(reverse("tickets:detail", args=[row.ticket.number])).content.decode()
    assert 'data-testid="telemetry-evidence"' in body
    assert "Bay 4" in body
    assert f'id="evidence-{row.pk}"' in body
    listing = client_for(agent).get(reverse("telemetry:proactive_list")).content.decode()
    assert row.ticket.number in listing


def test_threshold_page_edits_and_refuses_bad_input(client_for, admin_user, agent):
    client = client_for(admin_user)
    url = reverse("telemetry:threshold_create")
    bad = client.post(
        url,
        {"rule": Rule.MEDIA_LIFE, "kind": SeriesKind.FAN, "value": "5", "window_days": "30", "enabled": "on"},
    )
    assert bad.status_code == 200
    assert "This rule does not read this kind of part." in bad.content.decode()
    assert not Threshold.objects.exists()
    ok = client.post(
        url,
        {
            "rule": Rule.MEDIA_LIFE,
            "kind": SeriesKind.DRIVE,
            "part_model": "PM1733",
            "value": "15",
            "window_days": "30",
            "enabled": "on",
        },
    )
    assert ok.status_code == 302
    row = Threshold.objects.get()
    assert (row.value, row.part_model, row.updated_by) == (15.0, "PM1733", admin_user)
    edit = client.post(
        reverse("telemetry:threshold_edit", args=[row.pk]),
        {
            "rule": Rule.MEDIA_LIFE,
            "kind": SeriesKind.DRIVE,
            "part_model": "PM1733",
            "value": "12",
            "window_days": "14",
        },
    )
    assert edit.status_code == 302
    row.refresh_from_db()
    assert (row.value, row.window_days, row.enabled) == (12.0, 14, False)
    # An agent reads the thresholds but may not change them.
    assert client_for(agent).get(reverse("telemetry:threshold_list")).status_code == 200
    assert client_for(agent).post(url, {"rule": Rule.MEDIA_LIFE}).status_code == 403


def test_threshold_api(api_for, admin_user, agent):
    api = api_for(admin_user)
    url = "/api/v1/telemetry/thresholds/"
    bad = api.post(
        url, {"rule": Rule.CORRECTABLE_RATE, "kind": SeriesKind.MEMORY, "value": -1}, format="json"
    )
    assert bad.status_code == 400
    assert "value" in str(bad.json())
    created = api.post(
        url,
        {"rule": Rule.CORRECTABLE_RATE, "kind": SeriesKind.MEMORY, "value": 25, "window_days": 3},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    twice = api.post(
        url, {"rule": Rule.CORRECTABLE_RATE, "kind": SeriesKind.MEMORY, "value": 30}, format="json"
    )
    assert twice.status_code == 400
    assert "part_model" in str(twice.json())
    changed = api.put(
        f"{url}{pk}/",
        {"rule": Rule.CORRECTABLE_RATE, "kind": SeriesKind.MEMORY, "value": 40, "window_days": 3},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["value"] == 40
    assert (
        api_for(agent)
        .post(url, {"rule": Rule.CORRECTABLE_RATE, "kind": SeriesKind.MEMORY, "value": 1}, format="json")
        .status_code
        == 403
    )
    assert api_for(agent).get(url).json()["count"] == 1
