"""Every prediction rule through the live evaluation: a request when the part degrades, none when
healthy, one per part and rule, thresholds per kind and model."""

import datetime

import pytest

from sasms.telemetry import services
from sasms.telemetry.choices import Metric, ProactiveStatus, Rule, SeriesKind
from sasms.telemetry.models import ProactiveRequest
from sasms.tickets.choices import Channel, TicketType
from sasms.tickets.models import Ticket
from tests.telemetry.conftest import NOW

pytestmark = pytest.mark.django_db


def _evaluate() -> services.Evaluation:
    return services.evaluate(now=NOW)


def test_device_flagged_failure_opens_a_request_with_evidence(server_a, history):
    series = history(
        server_a, kind=SeriesKind.DRIVE, metric=Metric.FAILURE_PREDICTED, values=[0] * 20 + [1, 1, 1]
    )
    outcome = _evaluate()
    [row] = outcome.opened
    assert (row.series, row.rule, row.observed_value) == (series, Rule.PREDICTED_FAILURE, 1.0)
    ticket = row.ticket
    assert ticket is not None
    assert (ticket.channel, ticket.type, ticket.server, ticket.component) == (
        Channel.MONITORING,
        TicketType.PREVENTIVE,
        server_a,
        "disk",
    )
    assert row.evidence["detail"]["flagged_since"].startswith("2026-11-28")
    assert len(row.evidence["points"]) == 23
    assert "Part 1" in ticket.title


def test_healthy_parts_open_nothing(server_a, history):
    history(server_a, kind=SeriesKind.DRIVE, metric=Metric.FAILURE_PREDICTED, values=[0] * 30)
    history(
        server_a,
        kind=SeriesKind.DRIVE,
        metric=Metric.MEDIA_LIFE_LEFT,
        values=[80 - i * 0.01 for i in range(30)],
        label="SSD",
    )
    history(
        server_a, kind=SeriesKind.MEMORY, metric=Metric.CORRECTABLE_ERRORS, values=[3] * 30, label="DIMM A1"
    )
    history(
        server_a, kind=SeriesKind.CHASSIS, metric=Metric.PSU_REDUNDANT, values=[1] * 30, label="PSU group"
    )
    outcome = _evaluate()
    assert outcome.series == 4
    assert outcome.opened == []
    assert not ProactiveRequest.objects.exists()


def test_media_life_under_threshold_projects_the_date(server_a, history):
    # 0.5 % a day: 12 % now, 9.5 % five days later is under the 10 % default.
    values = [24 - 0.5 * i for i in range(30)]
    history(server_a, kind=SeriesKind.DRIVE, metric=Metric.MEDIA_LIFE_LEFT, values=values, label="SSD 0")
    [row] = _evaluate().opened
    assert row.rule == Rule.MEDIA_LIFE
    assert row.observed_value == pytest.approx(9.5)
    assert row.evidence["detail"]["per_day"] == pytest.approx(-0.5, abs=1e-3)
    # 9.5 % left at 0.5 %/day: zero in 19 days.
    assert row.evidence["detail"]["projected_zero"] == (NOW + datetime.timedelta(days=19)).date().isoformat()


def test_correctable_rate_must_rise_past_the_threshold(server_a, history):
    # A steady 20 errors a day for a month: above 10/day, but not rising: no request.
    history(
        server_a,
        kind=SeriesKind.MEMORY,
        metric=Metric.CORRECTABLE_ERRORS,
        values=[20 * i for i in range(30)],
        label="DIMM A1",
    )
    assert _evaluate().opened == []
    # A DIMM going bad: a few errors, then the count climbs.
    climbing = [0] * 16 + [2 * i for i in range(7)] + [12 + 30 * i for i in range(7)]
    history(
        server_a, kind=SeriesKind.MEMORY, metric=Metric.CORRECTABLE_ERRORS, values=climbing, label="DIMM B2"
    )
    [row] = _evaluate().opened
    assert row.series.label == "DIMM B2"
    assert row.rule == Rule.CORRECTABLE_RATE
    assert row.evidence["detail"]["per_day"] > row.evidence["detail"]["previous_per_day"]


def test_fan_slower_than_the_same_models_peers(make_server, customer_a, server_a, history):
    others = [make_server(customer_a) for _ in range(3)]
    for server in (server_a, *others):
        history(
            server,
            kind=SeriesKind.FAN,
            metric=Metric.FAN_RPM,
            values=[9000] * 24,
            label="Fan 3",
            step=datetime.timedelta(hours=1),
        )
    slow = make_server(customer_a)
    history(
        slow,
        kind=SeriesKind.FAN,
        metric=Metric.FAN_RPM,
        values=[6500] * 24,
        label="Fan 3",
        step=datetime.timedelta(hours=1),
    )
    [row] = _evaluate().opened
    assert row.server == slow
    assert row.rule == Rule.FAN_PEERS
    assert row.evidence["detail"]["peer_median"] == 9000.0


def test_fan_without_enough_peers_is_not_judged(make_server, customer_a, server_a, history):
    history(
        server_a,
        kind=SeriesKind.FAN,
        metric=Metric.FAN_RPM,
        values=[9000] * 24,
        label="Fan 1",
        step=datetime.timedelta(hours=1),
    )
    history(
        make_server(customer_a),
        kind=SeriesKind.FAN,
        metric=Metric.FAN_RPM,
        values=[3000] * 24,
        label="Fan 1",
        step=datetime.timedelta(hours=1),
    )
    assert _evaluate().opened == []


def test_psu_out_of_redundancy(server_a, history):
    history(
        server_a,
        kind=SeriesKind.CHASSIS,
        metric=Metric.PSU_REDUNDANT,
        values=[1] * 10 + [0],
        label="PSU group",
    )
    [row] = _evaluate().opened
    assert row.rule == Rule.PSU_REDUNDANCY
    assert row.ticket is not None
    assert row.ticket.component == "psu"


def test_one_open_request_per_part_and_rule(server_a, history):
    history(server_a, kind=SeriesKind.DRIVE, metric=Metric.FAILURE_PREDICTED, values=[1] * 5)
    assert len(_evaluate().opened) == 1
    again = _evaluate()
    assert again.opened == []
    assert again.already_open == 1
    assert ProactiveRequest.objects.count() == 1
    # Once the request is closed, a part still flagged opens a new one.
    row = ProactiveRequest.objects.get()
    assert row.ticket_id is not None
    Ticket.objects.filter(pk=row.ticket_id).update(status="closed")
    assert len(_evaluate().opened) == 1
    assert ProactiveRequest.objects.get(pk=row.pk).status == ProactiveStatus.CLOSED


def test_threshold_per_model_wins_over_kind(server_a, history, admin_user):
    history(
        server_a,
        kind=SeriesKind.DRIVE,
        metric=Metric.MEDIA_LIFE_LEFT,
        values=[15.0] * 10,
        label="SSD A",
        part_model="PM1733",
    )
    history(
        server_a,
        kind=SeriesKind.DRIVE,
        metric=Metric.MEDIA_LIFE_LEFT,
        values=[15.0] * 10,
        label="SSD B",
        part_model="OTHER",
    )
    assert _evaluate().opened == []  # 15 % is above the 10 % default
    services.save_threshold(
        actor=admin_user, rule=Rule.MEDIA_LIFE, kind=SeriesKind.DRIVE, value=5, window_days=30
    )
    services.save_threshold(
        actor=admin_user,
        rule=Rule.MEDIA_LIFE,
        kind=SeriesKind.DRIVE,
        part_model="PM1733",
        value=20,
        window_days=30,
    )
    [row] = _evaluate().opened
    assert row.series.label == "SSD A"
    assert row.threshold_value == 20


def test_disabled_threshold_silences_the_rule(server_a, history, admin_user):
    history(server_a, kind=SeriesKind.DRIVE, metric=Metric.FAILURE_PREDICTED, values=[1] * 3)
    services.save_threshold(
        actor=admin_user,
        rule=Rule.PREDICTED_FAILURE,
        kind=SeriesKind.DRIVE,
        value=1,
        window_days=1,
        enabled=False,
    )
    assert _evaluate().opened == []


def test_stale_readings_say_nothing_about_now(server_a, history):
    history(
        server_a,
        kind=SeriesKind.DRIVE,
        metric=Metric.FAILURE_PREDICTED,
        values=[1] * 3,
        end=NOW - datetime.timedelta(days=5),
    )
    assert _evaluate().opened == []
