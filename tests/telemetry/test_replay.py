"""The replay's figures on a small generated history, and on a hand-made one where every figure
is known."""

import datetime

import pytest
from django.core.management import call_command

from sasms.assets.models import Component, ComponentKind
from sasms.telemetry import demo
from sasms.telemetry.choices import Metric, Rule, SeriesKind
from sasms.telemetry.models import Series
from sasms.telemetry.replay import replay
from tests.telemetry.conftest import NOW

pytestmark = pytest.mark.django_db
START = NOW - datetime.timedelta(days=120)


def test_known_history_gives_known_figures(server_a, history, make_server, customer_a):
    failing = Component.objects.create(server=server_a, kind=ComponentKind.DISK, slot="Bay 1")
    failing.removed_at = NOW - datetime.timedelta(days=20)
    failing.save()
    # Flagged 10 days before it failed: predicted with a 10-day lead.
    flags = [0.0] * 90 + [1.0] * 10
    series = history(
        server_a,
        kind=SeriesKind.DRIVE,
        metric=Metric.FAILURE_PREDICTED,
        values=flags,
        end=NOW - datetime.timedelta(days=21),
    )
    Series.objects.filter(pk=series.pk).update(component=failing)
    # Another server's healthy drive raises the flag and never fails: one false alarm.
    other = make_server(customer_a)
    history(other, kind=SeriesKind.DRIVE, metric=Metric.FAILURE_PREDICTED, values=[0.0] * 100 + [1.0] * 20)
    # A DIMM that fails with no warning.
    silent = Component.objects.create(server=other, kind=ComponentKind.DIMM, slot="A1")
    silent.removed_at = NOW - datetime.timedelta(days=5)
    silent.save()

    report = replay(start=START, end=NOW, horizon_days=60)
    assert (report.servers, report.failures, report.predicted_by_any) == (2, 2, 1)
    assert report.unwarned_share == 50.0
    flagged = next(r for r in report.rules if r.rule == Rule.PREDICTED_FAILURE)
    assert (flagged.failures, flagged.predicted, flagged.alarms, flagged.false_alarms) == (2, 1, 2, 1)
    assert flagged.median_lead_days == pytest.approx(10, abs=1)
    # One false alarm among 2 servers over 120 days (3.94 months): 1000 × 1 / 2 / 3.94.
    assert flagged.false_per_1000_server_months == pytest.approx(126.8, abs=0.5)
    memory = next(r for r in report.rules if r.rule == Rule.CORRECTABLE_RATE)
    assert (memory.failures, memory.predicted, memory.alarms) == (1, 0, 0)


def test_replay_of_a_generated_fleet(make_server, customer_a, capsys):
    servers = [make_server(customer_a) for _ in range(12)]
    counts = demo.generate(servers, days=120, seed=7, failure_scale=15.0, now=NOW)
    assert counts["servers"] == 12
    assert counts["failures"] > 0
    report = replay(start=START, end=NOW, horizon_days=60)
    assert report.servers == 12
    assert report.failures == counts["failures"]
    by_rule = {r.rule: r for r in report.rules}
    # Every rule reports; what the flags catch is what they caught, no more than there were.
    for row in report.rules:
        assert 0 <= row.predicted <= row.failures
        assert row.false_alarms <= row.alarms
        if row.predicted:
            assert row.median_lead_days is not None
            assert row.median_lead_days >= 0
    # A PSU failure drops redundancy at the failure itself: the rule reports, but never in advance.
    lead = by_rule[Rule.PSU_REDUNDANCY].median_lead_days
    assert lead is None or lead <= 1
    assert report.predicted_by_any <= report.failures
    call_command("telemetry", "replay", "--days", "120")
    out = capsys.readouterr().out
    assert "failures" in out
    assert "Device predicts its failure" in out
