"""Alertmanager v4 payloads captured from a real Alertmanager 0.25 (the corpus's alertmanager/)."""

import json
from datetime import UTC, datetime

import pytest

from sasms.intake.alertmanager import parse_alertmanager
from sasms.intake.alerts import (
    AlertStatus,
    ServerRef,
    Severity,
    ValidationError,
    group_by_incident,
    parse_rfc3339,
)
from tests.corpus import CORPUS_DIR

pytestmark = pytest.mark.corpus

FIXTURES = CORPUS_DIR / "alertmanager"


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_single_critical_alert():
    note = parse_alertmanager(body("01-firing-single-critical.json"))
    assert note.version == "4"
    assert note.status is AlertStatus.FIRING
    assert note.receiver == "sasms-webhook"
    assert (
        note.group_key == '{}:{alertname="RedfishDriveHealthCritical", instance="bmc-srv-db-01.example.com"}'
    )
    assert note.common_labels["serial_number"] == "JS05NP0896"
    assert note.external_url == "http://127.0.0.1:9093"
    assert note.truncated_alerts == 0
    [alert] = note.alerts
    assert alert.name == "RedfishDriveHealthCritical"
    assert alert.severity is Severity.CRITICAL
    assert alert.fingerprint == "e6c04a9be9124070"
    assert alert.starts_at == datetime(2026, 11, 22, 12, 8, 13, tzinfo=UTC)
    assert alert.ends_at is None  # Go's zero time
    assert "磁盘故障，请更换备件。" in alert.description
    assert alert.summary == "Drive 1I:3:3 on srv-db-01 is Critical (UnavailableOffline)"
    assert alert.component == "Drive 1I:3:3"
    assert alert.url.startswith("http://prometheus.example.com/graph?g0.expr=redfish_drive_health")
    assert alert.server_refs[:2] == (
        ServerRef("serial", "JS05NP0896"),
        ServerRef("bmc", "bmc-srv-db-01.example.com"),
    )
    assert alert.incident_key == "serial:JS05NP0896"


def test_grouped_alerts_share_one_incident():
    note = parse_alertmanager(body("02-firing-grouped-3-alerts.json"))
    assert [a.component for a in note.alerts] == ["Fan3", "PSU1", "PSU2"]
    assert len({a.fingerprint for a in note.alerts}) == 3
    assert {a.incident_key for a in note.alerts} == {"serial:GJG9NF512A000302"}
    assert list(group_by_incident(note.alerts)) == ["serial:GJG9NF512A000302"]
    assert all(a.severity is Severity.WARNING for a in note.alerts)
    assert note.common_annotations == {}


def test_nanosecond_starts_at():
    [alert] = parse_alertmanager(body("03-firing-amtool-added.json")).alerts
    assert alert.starts_at == datetime(2026, 11, 22, 12, 8, 27, 123968, tzinfo=UTC)
    assert alert.incident_key == "serial:QSBP74100021"
    assert alert.component == "DIMM_A1"


def test_resolved_matches_the_firing_alert():
    firing = parse_alertmanager(body("01-firing-single-critical.json")).alerts[0]
    note = parse_alertmanager(body("04-resolved-single.json"))
    assert note.status is AlertStatus.RESOLVED
    [resolved] = note.alerts
    assert resolved.status is AlertStatus.RESOLVED
    assert resolved.ends_at == datetime(2026, 11, 22, 12, 8, 34, tzinfo=UTC)
    assert resolved.fingerprint == firing.fingerprint
    assert resolved.occurrence_key == firing.occurrence_key
    assert resolved.incident_key == firing.incident_key


def test_partially_resolved_group():
    note = parse_alertmanager(body("05-firing-group-partially-resolved.json"))
    assert note.status is AlertStatus.FIRING
    assert [a.component for a in note.firing] == ["Fan3", "PSU1"]
    [psu2] = note.resolved
    assert psu2.component == "PSU2"
    assert psu2.fingerprint == "3751cb1b0544f0ec"
    assert psu2.ends_at == datetime(2026, 11, 22, 12, 8, 42, tzinfo=UTC)


def test_accepts_an_already_decoded_mapping():
    data = json.loads(body("01-firing-single-critical.json"))
    assert parse_alertmanager(data).alerts[0].fingerprint == "e6c04a9be9124070"


def paths(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e.path for e in exc.value.errors}


@pytest.mark.parametrize(
    ("raw", "path", "code"),
    [
        (b"{not json", "$", "invalid_json"),
        (b"\xff\xfe", "$", "invalid_encoding"),
        (b"[]", "$", "type"),
        (b'{"version": "4", "status": "firing", "groupKey": "k", "alerts": [], "x": NaN}', "$",
         "invalid_json"),
        (b"[" * 100_000 + b"]" * 100_000, "$", "too_deep"),
        (b'{"version": "3", "status": "firing", "groupKey": "k", "alerts": []}', "version", "value"),
        (b'{"version": "4", "status": "burning", "groupKey": "k", "alerts": []}', "status", "value"),
        (b'{"version": "4", "status": "firing", "alerts": []}', "groupKey", "required"),
        (b'{"version": "4", "status": "firing", "groupKey": "k", "alerts": {}}', "alerts", "type"),
        (b'{"version": "4", "status": "firing", "groupKey": "k", "truncatedAlerts": "0", "alerts": []}',
         "truncatedAlerts", "type"),
    ],
)  # fmt: skip
def test_bad_payloads_name_the_field(raw: bytes, path: str, code: str):
    with pytest.raises(ValidationError) as exc:
        parse_alertmanager(raw)
    assert (path, code) in {(e.path, e.code) for e in exc.value.errors}


def test_every_bad_alert_field_is_reported_with_its_path():
    data = json.loads(body("02-firing-grouped-3-alerts.json"))
    data["alerts"][0]["labels"]["severity"] = {"nested": True}
    data["alerts"][1]["startsAt"] = "yesterday"
    del data["alerts"][2]["status"]
    data["alerts"].append("not an object")
    data["alerts"].append({"status": "firing", "labels": {"job": "x"}, "startsAt": "2026-11-22T12:08:13Z"})
    with pytest.raises(ValidationError) as exc:
        parse_alertmanager(json.dumps(data))
    assert paths(exc) == {
        "alerts[0].labels.severity",
        "alerts[1].startsAt",
        "alerts[2].status",
        "alerts[3]",
        "alerts[4].labels.alertname",
    }
    assert exc.value.as_dict()[0]["code"] == "type"


def test_huge_body_is_refused_before_parsing():
    with pytest.raises(ValidationError) as exc:
        parse_alertmanager(b" " * 100 + body("01-firing-single-critical.json"), max_bytes=100)
    assert exc.value.errors[0].code == "too_large"


def test_too_many_alerts():
    data = json.loads(body("01-firing-single-critical.json"))
    data["alerts"] = data["alerts"] * 1001
    with pytest.raises(ValidationError) as exc:
        parse_alertmanager(data)
    assert exc.value.errors[0].code == "too_many"


def test_missing_fingerprint_gets_a_stable_one():
    data = json.loads(body("01-firing-single-critical.json"))
    del data["alerts"][0]["fingerprint"]
    first = parse_alertmanager(data).alerts[0].fingerprint
    assert first == parse_alertmanager(data).alerts[0].fingerprint
    assert len(first) == 16


def test_rfc3339_variants():
    assert parse_rfc3339("0001-01-01T00:00:00Z") is None
    assert parse_rfc3339("2026-11-22T20:08:13+08:00") == datetime(2026, 11, 22, 12, 8, 13, tzinfo=UTC)
    assert parse_rfc3339("2026-11-22T12:08:13.1Z") == datetime(2026, 11, 22, 12, 8, 13, 100000, tzinfo=UTC)
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_rfc3339("22/11/2026")
