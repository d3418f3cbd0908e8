"""Alert ingestion through the service with the captured Alertmanager payloads and built ones."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Server
from sasms.intake.actors import ROBOT_EMAIL
from sasms.intake.choices import AlertState, MinSeverity, SourceKind, TriageReason, TriageStatus
from sasms.intake.models import Alert, AlertSource, TriageItem
from sasms.intake.services.alerts import ingest_alerts, parse_payload
from sasms.intake.services.ticketing import auto_resolve_supported
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import Channel, ComponentArea, EventKind, Level, Priority, Status
from sasms.tickets.models import Ticket, TicketEvent
from tests.intake.conftest import alert_fixture

NOW = datetime(2026, 11, 22, 12, 9, tzinfo=UTC)


def deliver(source: AlertSource, body: bytes) -> dict[str, Any]:
    return ingest_alerts(source=source, alerts=parse_payload(source, body)).as_dict()


def am_payload(*alerts: dict[str, Any], status: str = "firing") -> bytes:
    return json.dumps(
        {
            "version": "4",
            "status": status,
            "receiver": "sasms",
            "groupKey": "{}:{}",
            "groupLabels": {},
            "commonLabels": {},
            "commonAnnotations": {},
            "externalURL": "http://am",
            "alerts": list(alerts),
        }
    ).encode()


def am_alert(
    name: str,
    *,
    serial: str = "JS05NP0896",
    status: str = "firing",
    severity: str = "critical",
    starts: str = "2026-11-22T12:00:00Z",
    ends: str = "0001-01-01T00:00:00Z",
    **labels: str,
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": name, "severity": severity, "serial_number": serial, **labels},
        "annotations": {"summary": f"{name} on {serial}"},
        "startsAt": starts,
        "endsAt": ends,
        "generatorURL": "http://prometheus/graph",
    }


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.mark.corpus
def test_critical_alert_opens_one_request_on_the_matched_server(
    am_source: tuple[AlertSource, str], covered_server: Server
):
    source, _token = am_source
    result = deliver(source, alert_fixture("01-firing-single-critical.json"))
    [number] = result["requests_opened"]
    ticket = Ticket.objects.get(number=number)
    assert (ticket.server, ticket.channel, ticket.component) == (
        covered_server,
        Channel.MONITORING,
        ComponentArea.DISK,
    )
    # Critical on a server under the base warranty: urgency high × impact medium → P2.
    assert (ticket.urgency, ticket.impact, ticket.priority) == (Level.HIGH, Level.MEDIUM, Priority.P2)
    assert ticket.title == "Drive 1I:3:3 on srv-db-01 is Critical (UnavailableOffline)"
    assert "磁盘故障" in ticket.description
    [alert] = Alert.objects.all()
    assert (alert.ticket, alert.status, alert.fingerprint, alert.receive_count) == (
        ticket,
        AlertState.FIRING,
        "e6c04a9be9124070",
        1,
    )
    again = deliver(source, alert_fixture("01-firing-single-critical.json"))
    assert (again["new"], again["duplicates"], again["requests_opened"]) == (0, 1, [])
    alert.refresh_from_db()
    assert alert.receive_count == 2
    assert Ticket.objects.count() == 1


@pytest.mark.corpus
def test_a_storm_on_one_server_is_one_request_listing_its_alerts(
    am_source: tuple[AlertSource, str], gpu_server: Server
):
    source, _token = am_source
    first = deliver(source, alert_fixture("02-firing-grouped-3-alerts.json"))
    [number] = first["requests_opened"]
    ticket = Ticket.objects.get(number=number)
    assert ticket.title.endswith("(and 2 more alerts)")
    later = deliver(
        source, am_payload(am_alert("HighTemperature", serial="GJG9NF512A000302", severity="warning"))
    )
    assert (later["requests_opened"], later["requests_updated"]) == ([], [number])
    assert Alert.objects.filter(ticket=ticket).count() == 4
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE)
    assert "HighTemperature" in note.body
    assert note.actor is not None
    assert note.actor.email == ROBOT_EMAIL


@pytest.mark.corpus
def test_partial_resolution_is_recorded_and_full_resolution_resolves_untouched_request(
    am_source: tuple[AlertSource, str], gpu_server: Server
):
    source, _token = am_source
    deliver(source, alert_fixture("02-firing-grouped-3-alerts.json"))
    ticket = Ticket.objects.get()
    partial = deliver(source, alert_fixture("05-firing-group-partially-resolved.json"))
    # 05 re-sends the group: Fan3 and PSU1 still firing, PSU2 resolved.
    assert (partial["duplicates"], partial["new"], partial["cleared"]) == (3, 0, 1)
    assert partial["requests_updated"] == [ticket.number]
    assert Alert.objects.filter(ticket=ticket, status=AlertState.FIRING).count() == 2
    clear_all = am_payload(
        *[
            {
                **am_alert("x"),
                "labels": a.labels,
                "startsAt": a.starts_at.isoformat().replace("+00:00", "Z"),
                "status": "resolved",
                "endsAt": "2026-11-22T12:08:59Z",
                "fingerprint": a.fingerprint,
            }
            for a in Alert.objects.filter(ticket=ticket, status=AlertState.FIRING)
        ],
        status="resolved",
    )
    result = deliver(source, clear_all)
    assert result["cleared"] == 2
    ticket.refresh_from_db()
    assert not Alert.objects.filter(ticket=ticket, status=AlertState.FIRING).exists()
    if auto_resolve_supported():
        assert result["auto_resolved"] == [ticket.number]
        assert ticket.status == Status.RESOLVED
    else:  # until the tickets app offers the system move "auto_resolve" (see the issue note)
        assert ticket.status == Status.NEW
        notes = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE).order_by("id")
        assert "it can be resolved" in notes.last().body  # type: ignore[union-attr]


@pytest.mark.corpus
def test_a_request_someone_worked_on_is_not_resolved_by_clearing(
    am_source: tuple[AlertSource, str], covered_server: Server, make_user: Any
):
    source, _token = am_source
    deliver(source, alert_fixture("01-firing-single-critical.json"))
    ticket = Ticket.objects.get()
    engineer = make_user("engineer")
    ticket_services.add_comment(actor=engineer, ticket=ticket, body="Looking at it", internal=True)
    result = deliver(source, alert_fixture("04-resolved-single.json"))
    assert (result["cleared"], result["auto_resolved"]) == (1, [])
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    alert = Alert.objects.get()
    assert (alert.status, alert.ends_at) == (
        AlertState.RESOLVED,
        datetime(2026, 11, 22, 12, 8, 34, tzinfo=UTC),
    )
    assert not TicketEvent.objects.filter(ticket=ticket, body__contains="it can be resolved").exists()


@pytest.mark.corpus
def test_correlation_window_ends_and_a_new_incident_opens_a_new_request(
    am_source: tuple[AlertSource, str], covered_server: Server, frozen: Any
):
    source, _token = am_source
    deliver(source, alert_fixture("01-firing-single-critical.json"))
    frozen.shift(timedelta(minutes=source.correlation_minutes + 1))
    result = deliver(source, am_payload(am_alert("PsuFailure", starts="2026-11-22T16:10:00Z")))
    assert len(result["requests_opened"]) == 1
    assert Ticket.objects.count() == 2


@pytest.mark.corpus
def test_unknown_device_goes_to_one_triage_item(am_source: tuple[AlertSource, str]):
    source, _token = am_source
    deliver(source, alert_fixture("03-firing-amtool-added.json"))
    deliver(source, am_payload(am_alert("MoreTrouble", serial="QSBP74100021", severity="warning")))
    item = TriageItem.objects.get()
    assert (item.reason, item.status, item.incident_key, item.source) == (
        TriageReason.UNKNOWN_DEVICE,
        TriageStatus.OPEN,
        "serial:QSBP74100021",
        source,
    )
    assert item.alerts.count() == 2
    assert not Ticket.objects.exists()


@pytest.mark.corpus
def test_source_organisation_scopes_server_matching(
    make_source: Any, covered_server: Server, customer_b: Organisation
):
    # A customer's own monitoring cannot open requests on another customer's server by naming it.
    source, _token = make_source(SourceKind.ALERTMANAGER, name="B's Prometheus", organisation=customer_b)
    deliver(source, alert_fixture("01-firing-single-critical.json"))
    assert not Ticket.objects.exists()
    assert TriageItem.objects.get().suggested_organisation == customer_b


def test_alerts_below_the_threshold_are_recorded_without_a_request(
    make_source: Any, covered_server: Server, admin_user: User
):
    source, _token = make_source(SourceKind.ALERTMANAGER, name="strict", min_severity=MinSeverity.CRITICAL)
    result = deliver(source, am_payload(am_alert("DiskSlow", severity="warning")))
    assert (result["new"], result["requests_opened"]) == (1, [])
    assert Alert.objects.get().ticket is None


def test_zabbix_problem_and_recovery(make_source: Any, covered_server: Server):
    source, _token = make_source(SourceKind.ZABBIX, name="Zabbix", time_zone="Asia/Shanghai")
    problem = {
        "event_id": "4711",
        "event_name": "Power supply PSU2 failed",
        "event_value": "1",
        "event_date": "2026.11.22",
        "event_time": "20:00:00",
        "event_nseverity": "4",
        "host_host": "srv-db-01",
        "host_name": "srv-db-01",
        "trigger_id": "99",
        "inventory_serialno_a": "{INVENTORY.SERIALNO.A}",
        "event_tags": '[{"tag":"component","value":"PSU2"}]',
    }
    opened = deliver(source, json.dumps(problem).encode())
    ticket = Ticket.objects.get(number=opened["requests_opened"][0])
    assert (ticket.server, ticket.component) == (covered_server, ComponentArea.PSU)
    assert Alert.objects.get().starts_at == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    recovery = {
        **problem,
        "event_value": "0",
        "event_recovery_date": "2026.11.22",
        "event_recovery_time": "20:05:00",
    }
    cleared = deliver(source, json.dumps(recovery).encode())
    assert cleared["cleared"] == 1
    assert Alert.objects.get().status == AlertState.RESOLVED


def test_generic_format_by_hostname(make_source: Any, covered_server: Server):
    source, _token = make_source(SourceKind.GENERIC, name="Home-made")
    body = {
        "version": "1",
        "alerts": [
            {
                "status": "firing",
                "title": "内存 ECC 错误",
                "severity": "严重",
                "started_at": "2026-11-22T11:00:00+08:00",
                "server": {"hostname": "srv-db-01"},
                "component": "DIMM_A1",
                "id": "mem-1",
            },
        ],
    }
    result = deliver(source, json.dumps(body).encode())
    ticket = Ticket.objects.get(number=result["requests_opened"][0])
    assert (ticket.server, ticket.component, ticket.urgency) == (
        covered_server,
        ComponentArea.MEMORY,
        Level.HIGH,
    )


@pytest.mark.corpus
def test_delivery_updates_the_source(am_source: tuple[AlertSource, str], covered_server: Server):
    source, _token = am_source
    deliver(source, alert_fixture("01-firing-single-critical.json"))
    source.refresh_from_db()
    assert source.last_received_at == timezone.now()
