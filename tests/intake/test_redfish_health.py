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
    # Node2's CPU0 package-power read error was corrected; Node0's, with the same text, never was.
    power = [f for f in ex4252.faults if "CPU0 Package Power" in f.message]
    assert [f.log_entry.origin_uri for f in power if f.log_entry] == [
        "/redfish/v1/Chassis/Node0/Sensors/CPU02ReportedPower"
    ]


def test_a_registry_threshold_is_configurable():
    default = read(MOCKUPS / "hpe-cray-ex420")
    assert [f for f in default.faults if f.kind is FaultKind.LOG]
    strict = poll(MockupFiles(MOCKUPS / "hpe-cray-ex420"), log_thresholds={"ResourceEvent": "Critical"})
    assert not [f for f in strict.faults if f.kind is FaultKind.LOG]
    silenced = poll(MockupFiles(MOCKUPS / "hpe-cray-cmm"), log_thresholds={"CrayAlerts": "never"})
    assert silenced.faults == ()


SMART = "/redfish/v1/Systems/1/SmartStorage/ArrayControllers"


def smart_array(root: Path) -> None:
    """Fill the DL325's (empty) Smart Storage with one controller the way iLO 5 lays it out: the
    collections are reached through the controller's ``Links``, and the drive is non-authentic."""
    edit(
        root, SMART, lambda d: d.update(Members=[{"@odata.id": f"{SMART}/0/"}], **{"Members@odata.count": 1})
    )
    write(
        root,
        f"{SMART}/0",
        {
            "@odata.type": "#HpeSmartStorageArrayController.v2_3_0.HpeSmartStorageArrayController",
            "Id": "0",
            "Location": "Slot 0",
            "LocationFormat": "PCISlot",
            "Model": "HPE Smart Array P408i-a SR Gen10",
            "SerialNumber": "PEYHB0ARH9Z5AA",
            "FirmwareVersion": {"Current": {"VersionString": "1.98"}},
            "Status": {"Health": "Warning", "State": "Enabled"},
            "Links": {
                "LogicalDrives": {"@odata.id": f"{SMART}/0/LogicalDrives/"},
                "PhysicalDrives": {"@odata.id": f"{SMART}/0/DiskDrives/"},
            },
        },
    )
    write(
        root,
        f"{SMART}/0/DiskDrives",
        {"Members": [{"@odata.id": f"{SMART}/0/DiskDrives/{n}/"} for n in (0, 1)]},
    )
    for n, (serial, health, reasons) in enumerate(
        [("9XG7BDSE", "Warning", ["NonAuthenticDrive"]), ("9XG7BDSF", "OK", ["None"])]
    ):
        write(
            root,
            f"{SMART}/0/DiskDrives/{n}",
            {
                "Id": str(n),
                "Location": f"1I:1:{n + 1}",
                "LocationFormat": "ControllerPort:Box:Bay",
                "Model": "MM1000GBKAL",
                "SerialNumber": serial,
                "FirmwareVersion": {"Current": {"VersionString": "HPGC"}},
                "DiskDriveStatusReasons": reasons,
                "Status": {"Health": health, "State": "Enabled"},
            },
        )
    write(root, f"{SMART}/0/LogicalDrives", {"Members": [{"@odata.id": f"{SMART}/0/LogicalDrives/1/"}]})
    write(
        root,
        f"{SMART}/0/LogicalDrives/1",
        {
            "Id": "1",
            "LogicalDriveName": "LD1",
            "Raid": "1",
            "Status": {"Health": "Warning", "State": "Enabled"},
            "Links": {"DataDrives": {"@odata.id": f"{SMART}/0/LogicalDrives/1/DataDrives/"}},
        },
    )
    write(
        root,
        f"{SMART}/0/LogicalDrives/1/DataDrives",
        {"Members": [{"@odata.id": f"{SMART}/0/DiskDrives/{n}/"} for n in (0, 1)]},
    )


def test_hpe_smart_storage_is_read_through_its_links(tmp_path: Path):
    root = copy_of(HPE, tmp_path)
    smart_array(root)
    result = read(root)
    [controller] = result.components_of(ComponentKind.STORAGE_CONTROLLER)
    assert (controller.model, controller.firmware, controller.slot) == (
        "HPE Smart Array P408i-a SR Gen10",
        "1.98",
        "Slot 0",
    )
    drives = {d.serial_number: d for d in result.components_of(ComponentKind.DRIVE)}
    assert set(drives) == {"9XG7BDSE", "9XG7BDSF"}
    assert drives["9XG7BDSE"].slot == "1I:1:1"
    [volume] = result.components_of(ComponentKind.VOLUME)
    assert volume.slot == "LD1"
    # Drive, its logical drive and its controller are all Warning: one incident, the drive's.
    storage = [f for f in result.faults if f.component and f.component.uri.startswith(SMART)]
    assert len(storage) == 3
    assert {f.incident for f in storage} == {"part:9XG7BDSE"}
    drive_fault = next(f for f in storage if f.component and f.component.kind is ComponentKind.DRIVE)
    assert "NonAuthenticDrive" in drive_fault.message
    assert len(incidents(result)) == 4  # + the two adapters and the IML's power warnings


def test_a_drive_in_storage_and_simple_storage_is_recorded_once(tmp_path: Path):
    root = copy_of("dmtf-public-rackmount1", tmp_path)
    system = "/redfish/v1/Systems/437XR1138R2"
    edit(root, system, lambda d: d.update(Storage={"@odata.id": f"{system}/Storage"}))
    write(root, f"{system}/Storage", {"Members": [{"@odata.id": f"{system}/Storage/1"}]})
    write(
        root,
        f"{system}/Storage/1",
        {
            "Id": "1",
            "Name": "Local storage",
            "Drives": [{"@odata.id": f"{system}/Storage/1/Drives/Bay2"}],
            "Status": {"Health": "OK", "HealthRollup": "Warning", "State": "Enabled"},
        },
    )
    write(
        root,
        f"{system}/Storage/1/Drives/Bay2",
        {
            "Id": "Bay2",
            "Name": "SATA Bay 2",
            "Model": "ST1000NM0033",
            "SerialNumber": "Z1W0LD8T",
            "Status": {"Health": "Warning", "State": "Enabled"},
        },
    )
    result = read(root)
    drives = result.components_of(ComponentKind.DRIVE)
    assert sorted(d.name for d in drives) == ["SATA Bay 1", "SATA Bay 2"]
    [bay2] = [d for d in drives if d.name == "SATA Bay 2"]
    assert bay2.serial_number == "Z1W0LD8T"  # the richer Storage record wins
    drive_faults = [f for f in result.faults if f.component and f.component.kind is ComponentKind.DRIVE]
    assert len(drive_faults) == 1


def test_nics_gpus_controllers_and_firmware_are_inventory():
    tower = read(MOCKUPS / "dmtf-public-tower")
    assert sorted(g.model for g in tower.components_of(ComponentKind.GPU)) == ["Nvidia(R) TU102"] * 2
    assert {n.uri for n in tower.components_of(ComponentKind.NIC)} == {
        "/redfish/v1/Chassis/Tower/PCIeDevices/IntegratedNIC",  # a PCIe device whose function is a NIC
        "/redfish/v1/Chassis/Tower/NetworkAdapters/NIC1",
    }
    assert len(tower.components_of(ComponentKind.STORAGE_CONTROLLER)) == 5
    assert {f.firmware for f in tower.components_of(ComponentKind.FIRMWARE)}
    hpe = read(MOCKUPS / HPE)
    nics = hpe.components_of(ComponentKind.NIC)
    assert {n.serial_number for n in nics} == {"REE1950F79864", "REE1939F35261"}
    assert not hpe.components_of(ComponentKind.GPU)  # the iLO's embedded video is not a GPU
    ex235a = read(MOCKUPS / "hpe-cray-ex235a")
    gpus = ex235a.components_of(ComponentKind.GPU)
    assert len(gpus) == 8
    assert all("MI200" in g.model for g in gpus)
    bios = next(f for f in ex235a.components_of(ComponentKind.FIRMWARE) if f.name == "Node0.BIOS")
    assert bios.firmware
