"""Vendor differences the three mockups do not show, on a small in-memory tree (no network needed).

Trailing slashes, lower-case links, duplicate and broken drive links, error bodies with 200, a
next-page link that never advances, legacy Thermal/Power arrays with OEM bay numbers, odd casing of
health values, an OEM-only roll-up, undatable log entries, the log cursor and recovery.
"""

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from sasms.intake.redfish import ComponentKind, FaultKind, Health, LogCursor, RedfishError, poll

S = "/redfish/v1/Systems/sys1"
C = "/redfish/v1/Chassis/ch1"
ERROR_BODY = {"error": {"code": "Base.1.0.GeneralError", "message": "not found"}}


def tree() -> dict[str, Any]:
    return {
        "/redfish/v1": {
            "Systems": {"@odata.id": "/redfish/v1/Systems/"},
            "Chassis": {"@odata.id": "/redfish/v1/Chassis/"},
            "Managers": {"@odata.id": "/redfish/v1/Managers"},
        },
        "/redfish/v1/Systems": {"Members": [{"@odata.id": S + "/"}]},
        S: {
            "@odata.id": S + "/",
            "Id": "sys1",
            "Name": "Acme R1",
            "SerialNumber": "ACME0001",
            "Status": {"Health": "OK", "HealthRollup": "Critical"},
            "Storage": {"@odata.id": "/redfish/v1/systems/sys1/storage"},  # lower case, as iLO does
            "Memory": {"@odata.id": S + "/Memory"},
            "Processors": {"@odata.id": S + "/Processors"},  # 404
            "LogServices": {"@odata.id": S + "/LogServices"},
            "Oem": {
                "Acme": {
                    "AggregateHealthStatus": {
                        "Memory": {"Status": {"Health": "Critical"}},
                        "Network": {"Status": {"Health": "Warning"}},
                    }
                }
            },
        },
        S + "/Storage": {"Members": [{"@odata.id": S + "/Storage/RAID"}]},
        S + "/Storage/RAID": {
            "@odata.id": S + "/Storage/RAID",
            "StorageControllers": [{"MemberId": "0", "Name": "RAID controller", "FirmwareVersion": "5.1"}],
            "Drives": [{"@odata.id": S + "/Storage/RAID/Drives/D1"}] * 2
            + [{"@odata.id": S + "/Storage/RAID/Drives/D2"}],
        },
        S + "/Storage/RAID/Drives/D1": {
            "@odata.id": S + "/Storage/RAID/Drives/D1",
            "Name": "Disk 1",
            "SerialNumber": "S1",
            "FailurePredicted": True,
            "PhysicalLocation": {"PartLocation": {"ServiceLabel": "Slot 1"}},
            "Status": {"Health": "ok", "State": "Enabled"},
        },
        S + "/Storage/RAID/Drives/D2": ERROR_BODY,
        S + "/Memory": {
            "Members": [{"@odata.id": S + "/Memory/DIMM0"}],
            "Members@odata.nextLink": S + "/Memory?page=2",
        },
        S + "/Memory?page=2": {
            "Members": [{"@odata.id": S + "/Memory/DIMM0"}],
            "@odata.nextLink": S + "/Memory?page=2",
        },
        S + "/Memory/DIMM0": {"Id": "DIMM0", "DeviceLocator": "A0", "Status": {"Health": "CRITICAL"}},
        S + "/LogServices": {"Members": [{"@odata.id": S + "/LogServices/SEL"}]},
        S + "/LogServices/SEL": {
            "@odata.id": S + "/LogServices/SEL",
            "Entries": {"@odata.id": S + "/LogServices/SEL/Entries"},
        },
        S + "/LogServices/SEL/Entries": {
            "Members": [
                {
                    "@odata.id": S + "/LogServices/SEL/Entries/1",
                    "Id": "1",
                    "Severity": "Critical",
                    "Created": "2026-11-24T01:00:00Z",
                    "Message": "Disk 1 fault asserted",
                    "EntryType": "SEL",
                    "Links": {"OriginOfCondition": {"@odata.id": S + "/Storage/RAID/Drives/D1/"}},
                },
                {
                    "@odata.id": S + "/LogServices/SEL/Entries/2",
                    "Id": "2",
                    "Severity": "Warning",
                    "Created": "2026-11-24T01:00:00Z",
                    "Message": "Fan slow",
                },
                {
                    "@odata.id": S + "/LogServices/SEL/Entries/3",
                    "Id": "3",
                    "Severity": "Critical",
                    "Created": "not a date",
                    "Message": "CPU IERR",
                },
            ]
        },
        "/redfish/v1/Chassis": {"Members": [{"@odata.id": C}]},
        C: {
            "@odata.id": C,
            "Name": "Main chassis",
            "Thermal": {"@odata.id": C + "/Thermal"},
            "Power": {"@odata.id": C + "/Power/"},
        },
        C + "/Thermal": {
            "Temperatures": [
                {
                    "@odata.id": C + "/Thermal#/Temperatures/0",
                    "Name": "Inlet Temp",
                    "ReadingCelsius": 60,
                    "Status": {"Health": "Critical", "State": "Enabled"},
                },
            ],
            "Fans": [
                {"@odata.id": C + "/Thermal#/Fans/0", "FanName": "Fan A", "Status": {"Health": "OK"}},
                {"@odata.id": C + "/Thermal#/Fans/1", "FanName": "Fan B", "Status": {"State": "Absent"}},
            ],
        },
        C + "/Power": {
            "PowerSupplies": [
                {
                    "@odata.id": C + "/Power#PowerSupplies/0",
                    "MemberId": "0",
                    "Name": "PSU",
                    "SerialNumber": "P2",
                    "SparePartNumber": "SP-1",
                    "Oem": {"Acme": {"BayNumber": 2}},
                    "Status": {"Health": "Warning", "State": "Enabled"},
                },
            ]
        },
        "/redfish/v1/Managers": {"Members": []},
    }


class FakeTransport:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.requests: list[str] = []

    def get(self, path: str) -> tuple[int, Any]:
        self.requests.append(path)
        if path in self.data:
            return 200, copy.deepcopy(self.data[path])
        return 404, ERROR_BODY

    def close(self) -> None:
        return None


def test_vendor_quirks_inventory_and_faults():
    transport = FakeTransport(tree())
    result = poll(transport)
    faults = {
        f.component.uri if f.component else f.source_uri: f
        for f in result.faults
        if f.kind is not FaultKind.LOG
    }

    [drive] = result.components_of(ComponentKind.DRIVE)  # listed twice, once broken: one drive
    assert (drive.slot, drive.serial_number, drive.health) == ("Slot 1", "S1", Health.OK)
    predicted = faults[drive.uri]
    assert (predicted.kind, predicted.severity) == (FaultKind.PREDICTIVE, Health.WARNING)
    [controller] = result.components_of(ComponentKind.STORAGE_CONTROLLER)
    assert controller.firmware == "5.1"

    [dimm] = result.components_of(ComponentKind.MEMORY)
    assert dimm.health is Health.CRITICAL
    assert faults[dimm.uri].severity is Health.CRITICAL

    [psu] = result.components_of(ComponentKind.PSU)
    assert (psu.slot, psu.part_number, psu.uri) == ("2", "SP-1", C + "/Power#PowerSupplies/0")
    assert faults[psu.uri].kind is FaultKind.HEALTH

    assert [f.name for f in result.components_of(ComponentKind.FAN)] == ["Fan A"]
    inlet = faults[C + "/Thermal#/Temperatures/0"]
    assert inlet.component is not None
    assert inlet.component.kind is ComponentKind.SENSOR
    assert inlet.severity is Health.CRITICAL
    assert "60" in inlet.message

    # Memory is explained by the DIMM fault; the OEM network roll-up is not explained by anything:
    # one "cause not identified" fault that carries it as evidence.
    [rollup] = [f for f in result.faults if f.kind is FaultKind.ROLLUP]
    assert rollup.message == "Health degraded, cause not identified"
    assert [line for line in rollup.evidence if "Network" in line]
    assert not [line for line in rollup.evidence if "Memory" in line]

    codes = {(p.code, p.detail) for p in result.problems}
    assert ("missing_resource", S + "/Storage/RAID/Drives/D2") in codes
    assert ("missing_resource", S + "/Processors") in codes
    assert transport.requests.count(S + "/Memory?page=2") == 1  # the non-advancing page stops paging


def test_log_cursor_and_recovery():
    data = tree()
    first = poll(FakeTransport(data))
    logs = [f for f in first.faults if f.kind is FaultKind.LOG]
    # Warning entries count by default (an IML "Drive Failure" is rated Warning).
    assert sorted(f.message for f in logs) == ["CPU IERR", "Disk 1 fault asserted", "Fan slow"]
    disk_log = next(f for f in logs if f.message.startswith("Disk 1"))
    assert disk_log.component is not None
    assert disk_log.component.serial_number == "S1"  # OriginOfCondition, trailing slash and all
    mark = first.cursor.marks[S + "/LogServices/SEL"]
    assert mark.created == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert mark.entry_ids == ("1", "2")

    entries = data[S + "/LogServices/SEL/Entries"]["Members"]
    entries.append(
        {
            "@odata.id": S + "/LogServices/SEL/Entries/4",
            "Id": "4",
            "Severity": "Critical",
            "Created": "2026-11-24T01:00:00Z",
            "Message": "PSU failure",
        }
    )
    data[S + "/Memory/DIMM0"]["Status"]["Health"] = "OK"
    second = poll(FakeTransport(data), cursor=LogCursor.from_json(first.cursor.to_json()))
    assert [e.entry_id for e in second.new_log_entries] == ["4"]
    assert [f.message for f in second.faults if f.kind is FaultKind.LOG] == ["PSU failure"]
    recovered = second.recovered({f.key for f in first.faults})
    assert recovered == {f"health:{S}/Memory/DIMM0:"}


def test_cursor_since_ignores_history():
    result = poll(FakeTransport(tree()), cursor=LogCursor(since=datetime(2026, 11, 24, 2, 0, tzinfo=UTC)))
    assert result.new_log_entries == ()
    assert not [f for f in result.faults if f.kind is FaultKind.LOG]
    assert result.cursor.marks[S + "/LogServices/SEL"].created == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def test_critical_threshold_and_no_root():
    result = poll(FakeTransport(tree()), log_threshold=Health.CRITICAL)
    assert sorted(f.message for f in result.faults if f.kind is FaultKind.LOG) == [
        "CPU IERR",
        "Disk 1 fault asserted",
    ]
    # Per registry: the SEL's entries (no MessageId registry) count only when Critical.
    per_registry = poll(FakeTransport(tree()), log_thresholds={"SEL": "Critical"})
    assert "Fan slow" not in {f.message for f in per_registry.faults}
    with pytest.raises(RedfishError, match="service root"):
        poll(FakeTransport({}))


def test_oem_smart_storage_and_link_arrays():
    data = tree()
    data[S]["Oem"]["Hpe"] = {"Links": {"SmartStorage": {"@odata.id": S + "/SmartStorage/"}}}
    data[S]["PCIeDevices"] = [{"@odata.id": S + "/PCIeDevices/NIC1"}, {"@odata.id": S + "/PCIeDevices/NIC1"}]
    data[S + "/PCIeDevices/NIC1"] = {"Name": "Dual-port 25GbE adapter", "SerialNumber": "N1", "Status": {}}
    data[S + "/SmartStorage"] = {"ArrayControllers": {"@odata.id": S + "/SmartStorage/ArrayControllers/"}}
    data[S + "/SmartStorage/ArrayControllers"] = {
        "Members": [{"@odata.id": S + "/SmartStorage/ArrayControllers/0/"}]
    }
    data[S + "/SmartStorage/ArrayControllers/0"] = {
        "@odata.id": S + "/SmartStorage/ArrayControllers/0/",
        "Model": "HPE Smart Array P408i-a SR Gen10",
        "SerialNumber": "PEYHB0ARHBN1XX",
        "FirmwareVersion": {"Current": {"VersionString": "3.53"}},
        "Location": "Slot 0",
        "Status": {"Health": "OK", "State": "Enabled"},
        "Links": {"PhysicalDrives": {"@odata.id": S + "/SmartStorage/ArrayControllers/0/DiskDrives/"}},
    }
    data[S + "/SmartStorage/ArrayControllers/0/DiskDrives"] = {
        "Members": [{"@odata.id": S + "/SmartStorage/ArrayControllers/0/DiskDrives/3/"}]
    }
    data[S + "/SmartStorage/ArrayControllers/0/DiskDrives/3"] = {
        "@odata.id": S + "/SmartStorage/ArrayControllers/0/DiskDrives/3/",
        "Location": "1I:3:3",
        "Model": "MM1000GFJTE",
        "SerialNumber": "JS05NP0896",
        "FirmwareVersion": {"Current": {"VersionString": "HPG3"}},
        "DiskDriveStatusReasons": ["PredictiveFailure"],
        "Status": {"Health": "Warning", "State": "Enabled"},
    }
    result = poll(FakeTransport(data))
    hpe_drive = next(d for d in result.components_of(ComponentKind.DRIVE) if d.serial_number == "JS05NP0896")
    assert (hpe_drive.slot, hpe_drive.firmware, hpe_drive.model) == ("1I:3:3", "HPG3", "MM1000GFJTE")
    assert hpe_drive.uri == S + "/SmartStorage/ArrayControllers/0/DiskDrives/3"
    fault = next(f for f in result.faults if f.component == hpe_drive)
    assert (fault.kind, fault.severity) == (FaultKind.PREDICTIVE, Health.WARNING)
    controllers = {c.serial_number: c for c in result.components_of(ComponentKind.STORAGE_CONTROLLER)}
    assert controllers["PEYHB0ARHBN1XX"].firmware == "3.53"
    assert controllers["PEYHB0ARHBN1XX"].slot == "Slot 0"
    [nic] = result.components_of(ComponentKind.NIC)  # a PCIe device that is a network adapter
    assert nic.serial_number == "N1"


def test_undatable_entries_are_new_only_once():
    data = tree()
    for entry in data[S + "/LogServices/SEL/Entries"]["Members"]:
        entry["Created"] = "0000-00-00T00:00:00Z"
    first = poll(FakeTransport(data))
    assert len(first.new_log_entries) == 3
    second = poll(FakeTransport(data), cursor=LogCursor.from_json(first.cursor.to_json()))
    assert second.new_log_entries == ()
