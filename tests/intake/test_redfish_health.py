"""The health model on real mockups (private copies where a test degrades something).

Faults come from leaf resources; a system, chassis or manager whose Health only reflects a part opens
nothing; a roll-up nobody explains is one "cause not identified" fault; log entries are read by
registry and meaning; one real fault is one incident.
"""

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sasms.intake.redfish import ComponentKind, FaultKind, Health, PollResult, poll
from tests.corpus import CORPUS_DIR
from tests.intake.redfish_server import MockupFiles

pytestmark = pytest.mark.corpus

MOCKUPS = CORPUS_DIR / "redfish"
HPE = "hpe-proliant-dl325-gen10plus"
INTEL = "intel-s2600bpb"
INTEL_POWER = "/redfish/v1/Chassis/RackMount/Baseboard/Power"


def copy_of(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(MOCKUPS / name, target)
    return target


def edit(root: Path, uri: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / uri.removeprefix("/redfish/v1").strip("/") / "index.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def write(root: Path, uri: str, data: dict[str, Any]) -> None:
    path = root / uri.removeprefix("/redfish/v1").strip("/") / "index.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"@odata.id": uri, **data}))


def read(root: Path) -> PollResult:
    return poll(MockupFiles(root))


def incidents(result: PollResult) -> set[str]:
    return {f.incident for f in result.faults}


def degrade(health: str = "Warning", rollup: str = "Warning") -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["Status"] = {**(data.get("Status") or {}), "Health": health, "HealthRollup": rollup}

    return change


def test_a_degraded_system_chassis_and_ilo_only_reflect_the_faulty_parts(tmp_path: Path):
    root = copy_of(HPE, tmp_path)
    for uri in ("/redfish/v1/Systems/1", "/redfish/v1/Chassis/1", "/redfish/v1/Managers/1"):
        edit(root, uri, degrade())
    result = read(root)
    kinds = {f.component.kind for f in result.faults if f.component is not None}
    assert not kinds & {ComponentKind.SYSTEM, ComponentKind.CHASSIS, ComponentKind.BMC}
    assert not [f for f in result.faults if f.kind is FaultKind.ROLLUP]
    assert len(incidents(result)) == 3  # the two adapters and the IML's power-supply warnings


def test_a_roll_up_nobody_explains_is_one_fault_with_its_evidence(tmp_path: Path):
    root = copy_of(INTEL, tmp_path)
    edit(root, "/redfish/v1/Systems/QSBP74100021", degrade("OK", "Warning"))
    edit(root, "/redfish/v1/Chassis/RackMount/Baseboard", degrade("Warning", "Warning"))
    result = read(root)
    [fault] = result.faults
    assert fault.kind is FaultKind.ROLLUP
    assert fault.message == "Health degraded, cause not identified"
    assert fault.incident == "rollup:/redfish/v1/Systems/QSBP74100021"
    assert any("QSBP74100021" in line and "HealthRollup Warning" in line for line in fault.evidence)
    assert any("Chassis/RackMount/Baseboard" in line for line in fault.evidence)


def test_a_degraded_bmc_with_nothing_else_wrong_is_a_bmc_fault(tmp_path: Path):
    root = copy_of(INTEL, tmp_path)
    edit(root, "/redfish/v1/Managers/BMC", degrade("Critical", "Critical"))
    [fault] = read(root).faults
    assert fault.component is not None
    assert fault.component.kind is ComponentKind.BMC
    assert fault.severity is Health.CRITICAL


def test_an_empty_psu_bay_rated_warning_and_a_critical_power_control_are_faults(tmp_path: Path):
    root = copy_of(INTEL, tmp_path)

    def pulled(data: dict[str, Any]) -> None:
        data["PowerSupplies"][1]["Status"] = {"State": "Absent", "Health": "Warning"}
        data["PowerControl"][0]["Status"] = {"State": "Enabled", "Health": "Critical"}

    edit(root, INTEL_POWER, pulled)
    result = read(root)
    assert len(result.components_of(ComponentKind.PSU)) == 1  # the empty bay is not a part
    bay = next(f for f in result.faults if f.component and f.component.kind is ComponentKind.EMPTY_BAY)
    assert bay.severity is Health.WARNING
    assert "bay empty" in bay.message
    control = next(f for f in result.faults if f.source_uri.endswith("#/PowerControl/0"))
    assert control.severity is Health.CRITICAL
    assert len(incidents(result)) == 2


def test_psu_entries_without_identity_or_status_are_not_parts(tmp_path: Path):
    root = copy_of(INTEL, tmp_path)

    def phantoms(data: dict[str, Any]) -> None:
        for index in (2, 3):
            data["PowerSupplies"].append(
                {"@odata.id": f"{INTEL_POWER}#/PowerSupplies/{index}", "MemberId": str(index), "Name": "nil"}
            )

    edit(root, INTEL_POWER, phantoms)
    result = read(root)
    assert len(result.components_of(ComponentKind.PSU)) == 2
    assert result.faults == ()


def test_security_and_audit_entries_never_become_hardware_faults(tmp_path: Path):
    root = copy_of(INTEL, tmp_path)
    entries = "/redfish/v1/Systems/QSBP74100021/LogServices/SEL/Entries"

    def critical(data: dict[str, Any]) -> None:
        for member in data["Members"]:
            member["Severity"] = "Critical"  # "Invalid Username or Password", sensor "Session Audit"

    edit(root, entries, critical)

    def privilege(data: dict[str, Any]) -> None:
        data["Members"].append(
            {
                "@odata.id": "/redfish/v1/Managers/BMC/LogServices/RedfishLog/Entries/99",
                "Id": "99",
                "Severity": "Critical",
                "Created": "2020-08-13T10:00:00+00:00",
                "MessageId": "OpenBMC.0.1.PrivilegeChanged",
                "Message": "The privilege of user operator was changed to Administrator.",
            }
        )

    edit(root, "/redfish/v1/Managers/BMC/LogServices/RedfishLog/Entries", privilege)
    result = read(root)
    assert result.faults == ()
    sel = [e for e in result.new_log_entries if e.service_uri.endswith("/SEL")]
    assert sel
    assert all(e.security for e in sel)


def test_a_cleared_log_entry_is_not_a_fault():
    # EX420: the CPU temperature read errors were corrected 4-5 s later; the NBM TSNS ADC ones never.
    result = read(MOCKUPS / "hpe-cray-ex420")
    logs = [f for f in result.faults if f.kind is FaultKind.LOG]
    assert len(logs) == 4
    assert all("NBM TSNS ADC" in f.message for f in logs)
    # CMM: four cabinet leaks, each cleared 20 s later; the 3.3 V standby fault was never cleared.
    cmm = read(MOCKUPS / "hpe-cray-cmm")
    assert [f.message_id for f in cmm.faults] == ["CrayAlerts.HardwareCriticalFaultDetected"]


def test_log_entries_describing_a_status_fault_join_its_incident():
    # rackmount1: the SEL's and the manager log's temperature entries point at the chassis's Thermal;
    # the chassis's one temperature fault is the CPU1 sensor: they are one incident.
    result = read(MOCKUPS / "dmtf-public-rackmount1")
    sensor = "/redfish/v1/Chassis/1U/Sensors/CPU1Temp"
    logs = [f for f in result.faults if f.kind is FaultKind.LOG]
    assert len(logs) == 3
    assert {f.incident for f in logs} == {sensor}
    assert len(incidents(result)) == 3  # PSU, drive, CPU temperature
    # EX4252: the nodes' VRM-mismatch conditions and their event-log entries are one incident per node.
    ex4252 = read(MOCKUPS / "hpe-cray-ex4252")
    vrm = [f for f in ex4252.faults if "VRM" in f.message]
    assert {f.incident for f in vrm} == {f"/redfish/v1/Systems/Node{n}" for n in range(4)}


def test_a_registry_threshold_is_configurable():
    default = read(MOCKUPS / "hpe-cray-ex420")
    assert [f for f in default.faults if f.kind is FaultKind.LOG]
    strict = poll(MockupFiles(MOCKUPS / "hpe-cray-ex420"), log_thresholds={"ResourceEvent": "Critical"})
    assert not [f for f in strict.faults if f.kind is FaultKind.LOG]
    silenced = poll(MockupFiles(MOCKUPS / "hpe-cray-cmm"), log_thresholds={"CrayAlerts": "never"})
    assert silenced.faults == ()
