"""Walk systems and chassis into :class:`Component` values, new schemas first, legacy as fallback.

Each reader accepts what DMTF schemas from 1.0 to 2024 and the big vendors actually serve: e.g.
power supplies from ``PowerSubsystem/PowerSupplies`` or, when a chassis has none, from the legacy
``Power`` resource's inline array; slots from ``Location.PartLocation`` or an OEM ``BayNumber``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sasms.intake.redfish.fetch import Reader
from sasms.intake.redfish.model import Component, ComponentKind, Health, SystemInfo

PREDICTIVE_MARKERS = ("predictivefailure", "predictedfailure", "failurepredicted")


def text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def dig(resource: Any, *path: str) -> Any:
    node = resource
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def oem_values(resource: dict[str, Any], key: str) -> Iterable[Any]:
    """``Oem.<AnyVendor>.<key>``: vendors hide slots and firmware in their own block."""
    oem = resource.get("Oem")
    if isinstance(oem, dict):
        for block in oem.values():
            if isinstance(block, dict) and key in block:
                yield block[key]


def conditions(resource: dict[str, Any]) -> list[dict[str, Any]]:
    found = dig(resource, "Status", "Conditions")
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def is_predictive(resource: dict[str, Any]) -> bool:
    if resource.get("FailurePredicted") is True or resource.get("PredictedMediaLifeLeftPercent") == 0:
        return True
    return any(
        marker in text(c.get("MessageId")).lower().replace(".", "")
        for c in conditions(resource)
        for marker in PREDICTIVE_MARKERS
    )


def _firmware(resource: dict[str, Any]) -> str:
    candidates = (
        resource.get("FirmwareVersion"),
        resource.get("Firmware"),
        resource.get("Revision"),
        dig(resource, "ProcessorId", "MicrocodeInfo"),
    )
    for value in candidates:
        if isinstance(value, dict):  # HPE: {"Current": {"VersionString": "…"}}
            value = dig(value, "Current", "VersionString")
        if text(value):
            return text(value)
    return next((text(v) for v in oem_values(resource, "FirmwareVersion") if text(v)), "")


def _slot(resource: dict[str, Any], *keys: str) -> str:
    for location_key in ("Location", "PhysicalLocation"):
        label = dig(resource, location_key, "PartLocation", "ServiceLabel")
        if text(label):
            return text(label)
        info = dig(resource, location_key, "Info")
        if text(info):
            return text(info)
    for key in keys:
        value = resource.get(key)
        if isinstance(value, dict):  # MemoryLocation {"Socket": 1, "Slot": 3}
            value = " ".join(f"{k} {v}" for k, v in value.items() if k in ("Socket", "Slot") and text(v))
        if text(value):
            return text(value)
    location = resource.get("Location")
    if text(location):  # HPE OEM resources write a plain string ("PCI-E Slot 1", "1I:3:3")
        return text(location)
    for key in ("BayNumber", "SlotNumber", "DeviceLocator"):
        found = next((text(v) for v in oem_values(resource, key) if text(v)), "")
        if found:
            return found
    return text(resource.get("MemberId")) or text(resource.get("Id"))


def component(kind: ComponentKind, resource: dict[str, Any], uri: str, *slot_keys: str) -> Component:
    part = text(resource.get("PartNumber")) or text(resource.get("SparePartNumber"))
    part = (
        part
        or text(resource.get("ProductPartNumber"))
        or next((text(v) for v in oem_values(resource, "PartNumber") if text(v)), "")
    )
    return Component(
        kind=kind,
        name=text(resource.get("Name")) or text(resource.get("FanName")) or text(resource.get("Id")) or uri,
        uri=uri,
        slot=_slot(resource, *slot_keys),
        manufacturer=text(resource.get("Manufacturer")),
        model=text(resource.get("Model")),
        part_number=part,
        serial_number=text(resource.get("SerialNumber")),
        firmware=_firmware(resource),
        health=Health.parse(dig(resource, "Status", "Health")),
        state=text(dig(resource, "Status", "State")),
        failure_predicted=is_predictive(resource),
    )


def uri_of(resource: dict[str, Any], fallback: str) -> str:
    """The member's own ``@odata.id`` (trailing slash dropped, ``#fragment`` kept), else ``fallback``."""
    value = resource.get("@odata.id")
    if not isinstance(value, str) or not value:
        return fallback
    base, sep, fragment = value.partition("#")
    return Reader.normalise(base) + (f"#{fragment}" if sep else "")


@dataclass
class Walk:
    """Accumulates components (by URI, so a part linked twice is listed once) and raw resources."""

    components: dict[str, Component] = field(default_factory=dict)
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    sensors: list[tuple[Component, dict[str, Any]]] = field(default_factory=list)

    def add(self, kind: ComponentKind, resource: dict[str, Any], uri: str, *slot_keys: str) -> None:
        if text(dig(resource, "Status", "State")).lower() == "absent":
            return  # an empty bay is not a part; it cannot fail either
        built = component(kind, resource, uri, *slot_keys)
        self.components.setdefault(uri, built)
        self.resources.setdefault(uri, resource)

    def add_members(
        self, kind: ComponentKind, items: Iterable[dict[str, Any]], base: str, *slot_keys: str
    ) -> None:
        for index, item in enumerate(items):
            self.add(kind, item, uri_of(item, f"{base}/{index}"), *slot_keys)

    def add_sensor(self, resource: dict[str, Any], uri: str) -> None:
        sensor = component(ComponentKind.SENSOR, resource, uri, "PhysicalContext")
        self.sensors.append((sensor, resource))


def system_info(resource: dict[str, Any], uri: str) -> SystemInfo:
    return SystemInfo(
        uri=uri,
        manufacturer=text(resource.get("Manufacturer")),
        model=text(resource.get("Model")),
        serial_number=text(resource.get("SerialNumber")),
        sku=text(resource.get("SKU")),
        uuid=text(resource.get("UUID")),
        hostname=text(resource.get("HostName")),
        bios_version=text(resource.get("BiosVersion")),
        power_state=text(resource.get("PowerState")),
        health=Health.parse(dig(resource, "Status", "Health")),
        health_rollup=Health.parse(dig(resource, "Status", "HealthRollup")),
    )


def walk_system(reader: Reader, walk: Walk, system: dict[str, Any], uri: str) -> None:
    walk.add(ComponentKind.SYSTEM, system, uri)
    walk.add_members(
        ComponentKind.CPU, reader.collection(system, "Processors"), f"{uri}/Processors", "Socket"
    )
    walk.add_members(
        ComponentKind.MEMORY,
        reader.collection(system, "Memory"),
        f"{uri}/Memory",
        "DeviceLocator",
        "MemoryLocation",
    )
    for storage in reader.collection(system, "Storage"):
        _walk_storage(reader, walk, storage)
    for simple in reader.collection(system, "SimpleStorage"):
        base = uri_of(simple, uri)
        devices = simple.get("Devices")
        for index, device in enumerate(devices if isinstance(devices, list) else []):
            if isinstance(device, dict):
                walk.add(ComponentKind.DRIVE, device, f"{base}#/Devices/{index}", "Name")
    walk.add_members(ComponentKind.PCIE, reader.collection(system, "PCIeDevices"), f"{uri}/PCIeDevices")
    _walk_oem_storage(reader, walk, system)


def _walk_oem_storage(reader: Reader, walk: Walk, system: dict[str, Any]) -> None:
    """HPE Smart Array drives live only under ``Oem.Hpe.Links.SmartStorage`` on iLO 4/5."""
    for links in oem_values(system, "Links"):
        if not isinstance(links, dict):
            continue
        smart = reader.link(links, "SmartStorage")
        for controller in reader.collection(smart, "ArrayControllers"):
            walk.add(ComponentKind.STORAGE_CONTROLLER, controller, uri_of(controller, ""))
            for drive in reader.collection(controller.get("Links"), "PhysicalDrives"):
                reasons = drive.get("DiskDriveStatusReasons")
                if isinstance(reasons, list) and any("predict" in text(r).lower() for r in reasons):
                    drive = {**drive, "FailurePredicted": True}
                walk.add(ComponentKind.DRIVE, drive, uri_of(drive, ""))


def _walk_storage(reader: Reader, walk: Walk, storage: dict[str, Any]) -> None:
    base = uri_of(storage, "")
    controllers = storage.get("StorageControllers")
    if isinstance(controllers, list):
        walk.add_members(
            ComponentKind.STORAGE_CONTROLLER,
            [c for c in controllers if isinstance(c, dict)],
            f"{base}#/StorageControllers",
        )
    else:
        walk.add_members(
            ComponentKind.STORAGE_CONTROLLER, reader.collection(storage, "Controllers"), f"{base}/Controllers"
        )
    drives = storage.get("Drives")
    seen: set[str] = set()
    for link in drives if isinstance(drives, list) else []:
        target = link.get("@odata.id") if isinstance(link, dict) else None
        if not isinstance(target, str) or target in seen:
            continue  # some BMCs repeat the same drive link once per bay
        seen.add(target)
        drive = reader.get(target)
        if drive is not None:
            walk.add(ComponentKind.DRIVE, drive, uri_of(drive, target))


def walk_chassis(reader: Reader, walk: Walk, chassis: dict[str, Any], uri: str) -> None:
    walk.add(ComponentKind.CHASSIS, chassis, uri)
    power_subsystem = reader.link(chassis, "PowerSubsystem")
    supplies = reader.collection(power_subsystem, "PowerSupplies")
    legacy_power = reader.link(chassis, "Power") if not supplies else None
    if supplies:
        walk.add_members(ComponentKind.PSU, supplies, f"{uri}/PowerSubsystem/PowerSupplies")
    elif legacy_power:
        items = legacy_power.get("PowerSupplies")
        walk.add_members(
            ComponentKind.PSU,
            [p for p in items if isinstance(p, dict)] if isinstance(items, list) else [],
            f"{uri_of(legacy_power, uri + '/Power')}#/PowerSupplies",
        )
    thermal_subsystem = reader.link(chassis, "ThermalSubsystem")
    fans = reader.collection(thermal_subsystem, "Fans")
    sensors = reader.collection(chassis, "Sensors")
    legacy_thermal = reader.link(chassis, "Thermal") if not fans or not sensors else None
    if fans:
        walk.add_members(ComponentKind.FAN, fans, f"{uri}/ThermalSubsystem/Fans")
    elif legacy_thermal:
        items = legacy_thermal.get("Fans")
        walk.add_members(
            ComponentKind.FAN,
            [f for f in items if isinstance(f, dict)] if isinstance(items, list) else [],
            f"{uri_of(legacy_thermal, uri + '/Thermal')}#/Fans",
            "Name",
            "FanName",
        )
    if sensors:
        for sensor in sensors:
            walk.add_sensor(sensor, uri_of(sensor, uri))
    else:
        legacy = [
            item
            for resource, key in ((legacy_thermal, "Temperatures"), (legacy_power, "Voltages"))
            if resource and isinstance(resource.get(key), list)
            for item in resource[key]
            if isinstance(item, dict)
        ]
        for index, item in enumerate(legacy):
            walk.add_sensor(item, uri_of(item, f"{uri}#/sensors/{index}"))
    walk.add_members(ComponentKind.PCIE, reader.collection(chassis, "PCIeDevices"), f"{uri}/PCIeDevices")
    walk.add_members(
        ComponentKind.NIC, reader.collection(chassis, "NetworkAdapters"), f"{uri}/NetworkAdapters"
    )
    for drive in reader.collection(chassis, "Drives") + reader.collection(chassis.get("Links"), "Drives"):
        walk.add(ComponentKind.DRIVE, drive, uri_of(drive, f"{uri}/Drives"))
