"""Valid JSON that no monitoring system should send: each is a 400 naming the field, never a 5xx.

Monitoring systems retry 5xx answers for ever; a payload that can never be stored must be refused
with the documented JSON error so it is dropped, and nothing is stored.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.assets.models import Server
from sasms.intake.choices import SourceKind
from sasms.intake.models import Alert, AlertSource
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db

FAR_FUTURE = "9999-12-31T23:59:59Z"
NUL = "\u0000"


def _alertmanager(alert: dict[str, Any] | None = None, **root: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "status": "firing",
        "labels": {"alertname": "DiskFailed", "severity": "critical", "serial": "JS05NP0896"},
        "annotations": {"summary": "Disk 3 failed"},
        "startsAt": "2025-01-06T09:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "fingerprint": "a1b2c3d4e5f60718",
        **(alert or {}),
    }
    return {
        "version": "4",
        "status": "firing",
        "receiver": "sasms",
        "groupKey": "{}:{}",
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://am.example",
        "alerts": [item],
        **root,
    }


def _generic(**alert: Any) -> dict[str, Any]:
    item = {
        "status": "firing",
        "title": "Disk 3 failed",
        "severity": "critical",
        "started_at": "2025-01-06T09:00:00Z",
        "id": "evt-1",
        "server": {"serial": "JS05NP0896"},
        **alert,
    }
    return {"version": "1", "alerts": [item]}


def _zabbix(**fields: Any) -> dict[str, Any]:
    return {
        "event_id": "1001",
        "event_name": "Disk 3 failed",
        "event_value": "1",
        "event_nseverity": "4",
        "event_date": "2025.01.06",
        "event_time": "09:00:00",
        "host_host": "srv-db-01",
        "inventory_serialno_a": "JS05NP0896",
        **fields,
    }


CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("am-nul-summary", SourceKind.ALERTMANAGER,
     _alertmanager({"annotations": {"summary": f"Disk{NUL}"}}), "alerts[0].annotations.summary"),
    ("am-nul-label", SourceKind.ALERTMANAGER,
     _alertmanager({"labels": {"alertname": f"Disk{NUL}Failed"}}), "alerts[0].labels.alertname"),
    ("am-nul-serial", SourceKind.ALERTMANAGER,
     _alertmanager({"labels": {"alertname": "X", "serial": f"JS05{NUL}"}}), "alerts[0].labels.serial"),
    ("am-nul-fingerprint", SourceKind.ALERTMANAGER,
     _alertmanager({"fingerprint": f"ab{NUL}"}), "alerts[0].fingerprint"),
    ("am-nul-receiver", SourceKind.ALERTMANAGER, _alertmanager(receiver=f"r{NUL}"), "receiver"),
    ("am-far-future", SourceKind.ALERTMANAGER, _alertmanager({"startsAt": FAR_FUTURE}), "alerts[0].startsAt"),
    ("am-far-future-end", SourceKind.ALERTMANAGER,
     _alertmanager({"status": "resolved", "endsAt": FAR_FUTURE}), "alerts[0].endsAt"),
    ("generic-nul-title", SourceKind.GENERIC, _generic(title=f"Disk{NUL}"), "alerts[0].title"),
    ("generic-nul-id", SourceKind.GENERIC, _generic(id=f"evt{NUL}"), "alerts[0].id"),
    ("generic-nul-serial", SourceKind.GENERIC,
     _generic(server={"serial": f"JS{NUL}"}), "alerts[0].server.serial"),
    ("generic-nul-label", SourceKind.GENERIC, _generic(labels={"rack": f"A{NUL}"}), "alerts[0].labels.rack"),
    ("generic-far-future", SourceKind.GENERIC, _generic(started_at=FAR_FUTURE), "alerts[0].started_at"),
    ("generic-year-one", SourceKind.GENERIC, _generic(started_at="0001-01-02T00:00:00Z"),
     "alerts[0].started_at"),
    ("zabbix-nul-name", SourceKind.ZABBIX, _zabbix(event_name=f"Disk{NUL}"), "event_name"),
    ("zabbix-nul-id", SourceKind.ZABBIX, _zabbix(event_id=f"10{NUL}"), "event_id"),
    ("zabbix-nul-serial", SourceKind.ZABBIX,
     _zabbix(inventory_serialno_a=f"JS{NUL}"), "inventory_serialno_a"),
    ("zabbix-far-future", SourceKind.ZABBIX, _zabbix(event_date="9999.12.31", event_time="23:59:59"),
     "event_date"),
    ("zabbix-far-future-stamp", SourceKind.ZABBIX,
     _zabbix(event_timestamp="253402300799"), "event_timestamp"),
    ("zabbix-nul-tag", SourceKind.ZABBIX,
     _zabbix(event_tags=json.dumps([{"tag": "rack", "value": f"A{NUL}"}])), "event_tags[0]"),
]  # fmt: skip


def _post(client: Client, source: AlertSource, token: str, body: bytes) -> Any:
    return client.post(
        reverse("intake:alert_webhook", args=[source.pk]),
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.mark.parametrize(("case", "kind", "payload", "field"), CASES, ids=[c[0] for c in CASES])
def test_hostile_alert_is_a_400_naming_the_field(
    client: Client,
    make_source: Callable[..., tuple[AlertSource, str]],
    covered_server: Server,
    case: str,
    kind: str,
    payload: dict[str, Any],
    field: str,
) -> None:
    source, token = make_source(kind, name=case)
    response = _post(client, source, token, json.dumps(payload).encode())
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert field in error["fields"], error
    assert not Alert.objects.exists()
    assert not Ticket.objects.exists()


def test_an_unpaired_surrogate_is_a_400(
    client: Client, make_source: Callable[..., tuple[AlertSource, str]], covered_server: Server
) -> None:
    source, token = make_source(SourceKind.GENERIC, name="surrogate")
    body = json.dumps(_generic(title="Disk SURROGATE")).replace("SURROGATE", "\\ud800").encode()
    response = _post(client, source, token, body)
    assert response.status_code == 400
    assert "alerts[0].title" in response.json()["error"]["fields"]
    assert not Alert.objects.exists()


def test_control_characters_other_than_nul_are_still_accepted(
    client: Client, make_source: Callable[..., tuple[AlertSource, str]], covered_server: Server
) -> None:
    # Monitoring text carries terminal colours now and then; exports drop them, intake keeps the alert.
    source, token = make_source(SourceKind.GENERIC, name="colours")
    response = _post(client, source, token, json.dumps(_generic(title="Disk \x1b[31mfailed")).encode())
    assert response.status_code == 200, response.content
    assert Alert.objects.count() == 1
