"""Zabbix and generic JSON alerts, and server identification from labels."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sasms.intake.alerts import AlertStatus, ServerRef, Severity, ValidationError, server_refs_from_labels
from sasms.intake.generic_alerts import parse_generic
from sasms.intake.zabbix import parse_zabbix

ZABBIX_PROBLEM = {
    "event_id": "80412",
    "event_name": "Power supply PSU2 failed on srv-gpu-07",
    "event_value": "1",
    "event_severity": "High",
    "event_nseverity": "4",
    "event_date": "2026.11.24",
    "event_time": "09:30:05",
    "event_tags": '[{"tag":"component","value":"PSU2"},{"tag":"scope","value":"availability"}]',
    "event_opdata": "PSU2 status: Critical",
    "host_host": "srv-gpu-07",
    "host_name": "GPU server 07",
    "host_ip": "10.20.30.47",
    "inventory_serialno_a": "gjg9nf512a000302",
    "inventory_asset_tag": "{INVENTORY.ASSET.TAG}",
    "trigger_id": "23015",
    "zabbix_url": "https://zabbix.example.com/",
}


def test_zabbix_problem():
    alert = parse_zabbix(json.dumps(ZABBIX_PROBLEM), default_timezone=ZoneInfo("Asia/Shanghai"))
    assert alert.source == "zabbix"
    assert alert.status is AlertStatus.FIRING
    assert alert.severity is Severity.CRITICAL
    assert alert.starts_at == datetime(2026, 11, 24, 1, 30, 5, tzinfo=UTC)
    assert alert.ends_at is None
    assert alert.component == "PSU2"
    assert alert.description == "PSU2 status: Critical"
    assert alert.url == "https://zabbix.example.com/tr_events.php?triggerid=23015&eventid=80412"
    assert alert.incident_key == "serial:GJG9NF512A000302"
    # The unexpanded {INVENTORY.ASSET.TAG} macro is no identifier.
    assert [r.kind for r in alert.server_refs] == ["serial", "hostname", "ip"]
    assert alert.labels["scope"] == "availability"


def test_zabbix_recovery_matches_the_problem():
    problem = parse_zabbix(ZABBIX_PROBLEM)
    recovery = parse_zabbix(
        {
            **ZABBIX_PROBLEM,
            "event_value": "0",
            "event_recovery_id": "80419",
            "event_recovery_date": "2026.11.24",
            "event_recovery_time": "10:02:00",
            "event_timezone": "+08:00",
        }
    )
    assert recovery.status is AlertStatus.RESOLVED
    assert recovery.fingerprint == problem.fingerprint
    assert recovery.ends_at == datetime(2026, 11, 24, 2, 2, tzinfo=UTC)
    assert recovery.annotations["recovery_id"] == "80419"
    status_only = parse_zabbix({**ZABBIX_PROBLEM, "event_value": None, "event_status": "RESOLVED"})
    assert status_only.status is AlertStatus.RESOLVED


def test_zabbix_timestamp_and_numeric_values():
    alert = parse_zabbix(
        {**ZABBIX_PROBLEM, "event_timestamp": 1795000000, "event_nseverity": 2, "event_value": 1}
    )
    assert alert.starts_at == datetime.fromtimestamp(1795000000, tz=UTC)
    assert alert.severity is Severity.WARNING


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"event_id": None}, "event_id"),
        ({"event_name": "{EVENT.NAME}"}, "event_name"),
        ({"event_value": "2"}, "event_value"),
        ({"event_date": "24/11/2026"}, "event_date"),
        ({"event_date": None}, "event_date"),
        ({"event_timezone": "Mars/Olympus"}, "event_timezone"),
        ({"event_tags": "not json"}, "event_tags"),
        ({"event_tags": '[{"value": "x"}]'}, "event_tags[0]"),
        ({"event_timestamp": "soon"}, "event_timestamp"),
    ],
)
def test_zabbix_bad_fields(change: dict[str, object], path: str):
    with pytest.raises(ValidationError) as exc:
        parse_zabbix({**ZABBIX_PROBLEM, **change})
    assert path in {e.path for e in exc.value.errors}


def test_zabbix_bad_bodies():
    for raw in (b"", b"[1]", b'"x"', b"{" * 10):
        with pytest.raises(ValidationError):
            parse_zabbix(raw)


GENERIC = {
    "version": "1",
    "source": "nagios-dc2",
    "alerts": [
        {
            "id": "chk-4711",
            "status": "firing",
            "title": "RAID degraded",
            "severity": "严重",
            "description": "阵列降级，1 块硬盘离线",
            "started_at": "2026-11-24T09:30:00+08:00",
            "component": "Drive Bay 3",
            "server": {"serial": "mxq019020b", "hostname": "SRV-DB-01.example.com"},
            "labels": {"dc": "dc2"},
            "url": "https://nagios.example.com/x",
        },
        {
            "status": "resolved",
            "title": "Fan 2 slow",
            "started_at": "2026-11-24T01:00:00Z",
            "ended_at": "2026-11-24T01:10:00Z",
            "labels": {"instance": "10.0.0.5:9100"},
        },
    ],
}


def test_generic_format():
    first, second = parse_generic(json.dumps(GENERIC, ensure_ascii=False).encode())
    assert first.source == "nagios-dc2"
    assert first.fingerprint == "chk-4711"
    assert first.severity is Severity.CRITICAL
    assert first.starts_at == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    assert first.server_refs == (
        ServerRef("serial", "MXQ019020B"),
        ServerRef("hostname", "srv-db-01.example.com"),
    )
    assert first.component == "Drive Bay 3"
    assert second.status is AlertStatus.RESOLVED
    assert second.ends_at == datetime(2026, 11, 24, 1, 10, tzinfo=UTC)
    assert second.severity is Severity.UNKNOWN
    assert second.incident_key == "ip:10.0.0.5"
    assert len(second.fingerprint) == 16


def test_generic_errors_have_paths():
    bad = json.loads(json.dumps(GENERIC))
    bad["alerts"][0]["server"]["rack"] = "A1"
    bad["alerts"][1]["started_at"] = 5
    del bad["alerts"][1]["title"]
    with pytest.raises(ValidationError) as exc:
        parse_generic(bad)
    assert {e.path for e in exc.value.errors} == {
        "alerts[0].server.rack",
        "alerts[1].started_at",
        "alerts[1].title",
    }
    with pytest.raises(ValidationError) as exc:
        parse_generic({"version": "2", "alerts": []})
    assert exc.value.errors[0].path == "version"


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"instance": "bmc-srv-db-01.example.com:443", "job": "node"},
         [("bmc", "bmc-srv-db-01.example.com")]),
        ({"instance": "srv-db-01:9100", "job": "node"}, [("hostname", "srv-db-01")]),
        ({"instance": "10.1.2.3:9290", "job": "redfish"}, [("bmc", "10.1.2.3")]),
        ({"instance": "[fd00::5]:9100"}, [("ip", "fd00::5")]),
        ({"Serial-Number": " abc123 ", "AssetTag": "at-9"}, [("serial", "ABC123"), ("asset_tag", "AT-9")]),
        ({"host": "https://srv-x.example.com/metrics", "bmc_ip": "10.9.9.9"},
         [("bmc", "10.9.9.9"), ("hostname", "srv-x.example.com")]),
        ({"serial": "N/A", "hostname": "unknown"}, []),
    ],
)  # fmt: skip
def test_server_refs_from_labels(labels: dict[str, str], expected: list[tuple[str, str]]):
    assert [(r.kind, r.value) for r in server_refs_from_labels(labels)] == expected
