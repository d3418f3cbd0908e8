"""The Redfish poller against three mockups of the corpus's redfish/, served over HTTP."""

import socket
from collections.abc import Iterator

import pytest

from sasms.intake.redfish import (
    ComponentKind,
    Fault,
    FaultKind,
    Health,
    LogCursor,
    PollResult,
    RedfishError,
    poll_bmc,
)
from tests.corpus import CORPUS_DIR
from tests.intake.redfish_server import serve_mockup

pytestmark = pytest.mark.corpus

MOCKUPS = CORPUS_DIR / "redfish"


@pytest.fixture(scope="module")
def dmtf() -> Iterator[tuple[str, PollResult]]:
    with serve_mockup(MOCKUPS / "dmtf-public-rackmount1") as (url, _log):
        yield url, poll_bmc(url, "admin", "admin")


@pytest.fixture(scope="module")
def hpe() -> Iterator[tuple[str, PollResult]]:
    with serve_mockup(MOCKUPS / "hpe-proliant-dl325-gen10plus") as (url, _log):
        yield url, poll_bmc(url, "admin", "admin", auth="basic")


@pytest.fixture(scope="module")
def intel() -> Iterator[tuple[str, PollResult]]:
    with serve_mockup(MOCKUPS / "intel-s2600bpb") as (url, _log):
        yield url, poll_bmc(url, "admin", "admin")


def by_uri(result: PollResult) -> dict[str, Fault]:
    return {f.component.uri if f.component else f.source_uri: f for f in result.faults}


# --- DMTF public-rackmount1 ------------------------------------------------------------------------
def test_dmtf_inventory(dmtf):
    _url, result = dmtf
    [system] = result.systems
    assert (system.serial_number, system.model, system.manufacturer) == ("437XR1138R2", "3500", "Contoso")
    assert system.health is Health.OK
    assert system.health_rollup is Health.WARNING
    [psu] = result.components_of(ComponentKind.PSU)  # new PowerSubsystem wins over the legacy Power copy
    assert (psu.slot, psu.model, psu.serial_number, psu.part_number) == (
        "PSU 1",
        "RKS-440DC",
        "3488247",
        "23456-133",
    )
    assert psu.firmware == "1.00"
    assert psu.failure_predicted
    drives = {d.name: d for d in result.components_of(ComponentKind.DRIVE)}
    assert set(drives) == {"SATA Bay 1", "SATA Bay 2"}  # bays 3–4 are Absent
    assert drives["SATA Bay 2"].health is Health.WARNING
    assert {c.slot for c in result.components_of(ComponentKind.CPU)} >= {"CPU 1"}
    assert len(result.components_of(ComponentKind.FAN)) == 4
    assert len(result.components_of(ComponentKind.MEMORY)) == 3
    [bmc] = result.components_of(ComponentKind.BMC)
    assert bmc.firmware == "1.45.455b66-rev4"


def test_dmtf_faults(dmtf):
    _url, result = dmtf
    faults = by_uri(result)
    psu = faults["/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay1"]
    assert psu.kind is FaultKind.PREDICTIVE
    assert psu.severity is Health.WARNING
    assert psu.message_id == "Power.1.0.PowerSupplyPredictiveFailure"
    assert psu.message == "Power supply 'PSU 1' has a predicted failure condition."
    assert psu.component is not None
    assert psu.component.serial_number == "3488247"
    sensor = faults["/redfish/v1/Chassis/1U/Sensors/CPU1Temp"]
    assert sensor.component is not None
    assert sensor.component.kind is ComponentKind.SENSOR
    assert sensor.message_id == "Sensor.1.0.ReadingAboveUpperCautionThreshold"
    assert "44" in sensor.message
    drive = faults["/redfish/v1/Systems/437XR1138R2/SimpleStorage/1#/Devices/1"]
    assert drive.kind is FaultKind.HEALTH
    assert drive.component is not None
    assert drive.component.name == "SATA Bay 2"
    logs = [f for f in result.faults if f.kind is FaultKind.LOG]
    assert sorted(f.log_entry.uri for f in logs) == [
        "/redfish/v1/Managers/BMC/LogServices/Log/Entries/1",
        "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries/1",
        "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries/2",
    ]
    assert all(f.severity is Health.CRITICAL for f in logs)
    assert {f.message for f in logs} == {"Temperature threshold exceeded", "System May be Melting"}
    sel = next(f for f in logs if f.log_entry.entry_type == "SEL")
    assert sel.log_entry.sensor_type == "Temperature"
    assert "Temperature threshold exceeded" in sel.log_entry.excerpt
    # Conditions on the system and in ServiceConditions point at faults already reported: no doubles.
    assert len(result.faults) == 6
    assert len({f.key for f in result.faults}) == 6
    # The entries collection advertises a next page the server cannot serve: noted, not fatal.
    assert "page_unavailable" in {p.code for p in result.problems}


def test_dmtf_second_poll_reports_no_old_log_entries(dmtf):
    url, first = dmtf
    cursor = LogCursor.from_json(first.cursor.to_json())
    assert cursor == first.cursor
    second = poll_bmc(url, "admin", "admin", cursor=cursor)
    assert not [f for f in second.faults if f.kind is FaultKind.LOG]
    assert second.new_log_entries == ()
    assert {f.key for f in second.faults} == {f.key for f in first.faults if f.kind is not FaultKind.LOG}
    assert second.recovered({f.key for f in first.faults}) == set()


# --- HPE ProLiant DL325 Gen10 Plus (iLO 5) -----------------------------------------------------------
def test_hpe_inventory(hpe):
    _url, result = hpe
    [system] = result.systems
    assert (system.serial_number, system.model, system.hostname) == (
        "MXQ019020B",
        "ProLiant DL325 Gen10 Plus",
        "ncn-m003",
    )
    assert result.service_root["Vendor"] == "HPE"
    psus = result.components_of(ComponentKind.PSU)
    assert [(p.slot, p.model, p.part_number) for p in psus] == [
        ("1", "865408-B21", "866729-001"),
        ("2", "865408-B21", "866729-001"),
    ]
    assert {p.serial_number for p in psus} == {"5WBXK0FLLDIKPU", "5WBXK0FLLDIKYK"}
    dimms = result.components_of(ComponentKind.MEMORY)
    assert len(dimms) == 4  # the other twelve slots are empty
    assert dimms[0].slot == "PROC 1 DIMM 1"
    assert (dimms[0].part_number, dimms[0].serial_number) == ("HMA82GR7CJR4N-XN", "438AD388")
    [cpu] = result.components_of(ComponentKind.CPU)
    assert "EPYC 7302P" in cpu.model
    [ilo] = result.components_of(ComponentKind.BMC)
    assert (ilo.model, ilo.firmware) == ("iLO 5", "iLO 5 v2.46")


def test_hpe_faults(hpe):
    _url, result = hpe
    nics = [f for f in result.faults if f.kind is FaultKind.HEALTH]
    # Each adapter is seen as an HPE base network adapter and as a PCIe device: one incident per serial.
    assert sorted(f.component.uri for f in nics) == [
        "/redfish/v1/Chassis/1/PCIeDevices/138",
        "/redfish/v1/Chassis/1/PCIeDevices/140",
        "/redfish/v1/Systems/1/BaseNetworkAdapters/1",
        "/redfish/v1/Systems/1/BaseNetworkAdapters/2",
    ]
    assert all(f.component.kind is ComponentKind.NIC for f in nics)
    assert {f.incident for f in nics} == {"part:REE1950F79864", "part:REE1939F35261"}
    assert all(f.severity is Health.WARNING for f in nics)
    # The OEM-only network roll-up is explained by those adapters: no roll-up fault.
    assert not [f for f in result.faults if f.kind is FaultKind.ROLLUP]
    logs = [f for f in result.faults if f.kind is FaultKind.LOG]
    link_failures = [f for f in logs if "Link Failure" in f.message]
    assert len(link_failures) == 17
    assert all(f.incident in {"part:REE1950F79864", "part:REE1939F35261"} for f in link_failures)
    # The four IML Caution entries (input power lost on PSU 1, then "not redundant") count: one incident.
    power = [f for f in logs if f not in link_failures]
    assert len(power) == 4
    assert all(f.severity is Health.WARNING for f in power)
    assert len({f.incident for f in power}) == 1
    # The security log (105 entries, many Warning "security state … at Risk") opens nothing.
    assert not [f for f in logs if f.log_entry is not None and f.log_entry.service_uri.endswith("/SL")]
    assert len({f.incident for f in result.faults}) == 3
    services = {e.service_uri for e in result.new_log_entries}
    assert services == {
        "/redfish/v1/Systems/1/LogServices/IML",
        "/redfish/v1/Systems/1/LogServices/SL",
        "/redfish/v1/Managers/1/LogServices/IEL",
    }
    iml = [e for e in result.new_log_entries if e.service_uri.endswith("/IML")]
    assert len(iml) == 143
    assert sum(e.severity is Health.WARNING for e in iml) == 4
    security = [e for e in result.new_log_entries if e.service_uri.endswith("/SL")]
    assert len(security) == 105
    assert any(e.created is None for e in security)  # 0000-00-00T00:00:00Z survives as "unknown"


# --- Intel S2600BPB ------------------------------------------------------------------------------------
def test_intel_is_a_healthy_baseline(intel):
    _url, result = intel
    assert result.faults == ()
    [system] = result.systems
    assert (system.serial_number, system.model) == ("QSBP74100021", "S2600BPB")
    assert len(result.components_of(ComponentKind.MEMORY)) == 6
    assert len(result.components_of(ComponentKind.CPU)) == 2
    assert {p.serial_number for p in result.components_of(ComponentKind.PSU)} == {
        "CNS2221A4AHAP0490",
        "CNS2221A4AH9R0616",
    }
    assert all(p.manufacturer == "SOLUM CO., LTD." for p in result.components_of(ComponentKind.PSU))
    assert len(result.components_of(ComponentKind.FAN)) == 6
    # The captured drive link answers with an error body; it is noted, not fatal.
    missing = {p.detail for p in result.problems if p.code == "missing_resource"}
    assert "/redfish/v1/Systems/QSBP74100021/Storage/1/Drives/HDD0" in missing
    sel = [e for e in result.new_log_entries if e.service_uri.endswith("/SEL")]
    assert len(sel) == 10
    assert all(e.entry_type == "SEL" and e.sensor_type == "Session Audit" for e in sel)
    redfish_log = [e for e in result.new_log_entries if e.service_uri.endswith("/RedfishLog")]
    assert len(redfish_log) == 10
    assert all(e.severity is Health.UNKNOWN for e in redfish_log)


def test_unreachable_bmc_raises_redfish_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(RedfishError):
        poll_bmc(f"http://127.0.0.1:{port}", "admin", "admin", timeout=1, max_retry=1)


def test_refused_login_raises_redfish_error():
    with (
        serve_mockup(MOCKUPS / "intel-s2600bpb", reject_login=True) as (url, log),
        pytest.raises(RedfishError, match="login refused"),
    ):
        poll_bmc(url, "admin", "wrong")
    assert "POST /redfish/v1/SessionService/Sessions" in log


def test_session_is_logged_out():
    with serve_mockup(MOCKUPS / "intel-s2600bpb") as (url, log):
        poll_bmc(url, "admin", "admin")
    assert log[-1] == "DELETE /redfish/v1/SessionService/Sessions/1"
