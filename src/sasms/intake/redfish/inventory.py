"""Walk systems and chassis into :class:`Component` values, new schemas first, legacy as fallback.

Each reader accepts what DMTF schemas from 1.0 to 2024 and the big vendors actually serve: e.g.
power supplies from ``PowerSubsystem/PowerSupplies`` or, when a chassis has none, from the legacy
``Power`` resource's inline array; slots from ``Location.PartLocation`` or an OEM ``BayNumber``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
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
        chassis_type=text(resource.get("ChassisType")) if kind is ComponentKind.CHASSIS else "",
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
    # Absent bays that still report a fault (an empty PSU bay: "redundancy lost"): faults, not parts.
    empty_bays: list[tuple[Component, dict[str, Any]]] = field(default_factory=list)
    redundancy: list[tuple[str, str, Health]] = field(default_factory=list)  # (uri, group name, health)
    # A controller's or volume's health reflects its drives': parent uri → the drives it depends on.
    reflects: dict[str, list[str]] = field(default_factory=dict)

    def reflect(self, parent: str, children: Iterable[str]) -> None:
        self.reflects.setdefault(parent, []).extend(c for c in children if c and c != parent)

    def add(self, kind: ComponentKind, resource: dict[str, Any], uri: str, *slot_keys: str) -> None:
        built = component(kind, resource, uri, *slot_keys)
        if built.state.lower() == "absent":
            # An empty bay is not a part; but a BMC that rates the empty bay Warning is telling
            # that something is missing there (a pulled PSU: redundancy lost).
            if built.health.is_fault and not any(b.uri == uri for b, _r in self.empty_bays):
                bay = replace(built, kind=ComponentKind.EMPTY_BAY, name=f"{built.name} ({kind.value} bay)")
                self.empty_bays.append((bay, resource))
            return
        if kind not in _CONTAINER_KINDS and not _has_identity(built) and not _has_status(resource):
            return  # "nil" entries with neither identity nor status (empty PSU slots on some BMCs)
        self.components.setdefault(uri, built)
        self.resources.setdefault(uri, resource)

    def add_redundancy(self, items: Any, base: str) -> None:
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                health = Health.parse(dig(item, "Status", "Health"))
                name = text(item.get("Name")) or f"Redundancy {index}"
                self.redundancy.append((uri_of(item, f"{base}/{index}"), name, health))

    def add_members(
        self, kind: ComponentKind, items: Iterable[dict[str, Any]], base: str, *slot_keys: str
    ) -> None:
        for index, item in enumerate(items):
            self.add(kind, item, uri_of(item, f"{base}/{index}"), *slot_keys)

    def add_sensor(self, resource: dict[str, Any], uri: str) -> None:
        sensor = component(ComponentKind.SENSOR, resource, uri, "PhysicalContext")
        self.sensors.append((sensor, resource))


_CONTAINER_KINDS = frozenset({ComponentKind.SYSTEM, ComponentKind.CHASSIS, ComponentKind.BMC})
_NO_VALUE = {"", "nil", "null", "none", "n/a", "na", "unknown", "not available", "0"}


def _has_identity(part: Component) -> bool:
    values = (part.serial_number, part.model, part.part_number, part.firmware)
    return any(v.strip().lower() not in _NO_VALUE for v in values)


def _has_status(resource: dict[str, Any]) -> bool:
    status = resource.get("Status")
    return isinstance(status, dict) and any(text(status.get(k)) for k in ("Health", "State"))


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
        chassis=tuple(
            Reader.normalise(link["@odata.id"])
            for link in (dig(resource, "Links", "Chassis") or [])
            if isinstance(link, dict) and isinstance(link.get("@odata.id"), str)
        ),
    )


def _processor_kind(resource: dict[str, Any]) -> ComponentKind:
    kind = text(resource.get("ProcessorType")).lower()
    return ComponentKind.GPU if kind in ("gpu", "accelerator") else ComponentKind.CPU


_GPU_WORDS = re.compile(
    r"\b(gpu|display ?controller|vga|3d controller|processingaccelerator|accelerator|instinct|tesla|"
    r"radeon|quadro|geforce|nvidia [ahlvt]\d+)",
    re.I,
)
# The BMC's own VGA (HPE "Embedded Video Controller", ASPEED, Matrox) is not a GPU to record.
_ONBOARD_VIDEO = re.compile(r"embedded video|onboard video|integrated video|aspeed|matrox|\bilo\b", re.I)
_NIC_WORDS = re.compile(
    r"\b(network ?controller|network adapter|ethernet|nic|infiniband|fibre channel|connectx|hca|"
    r"\d+gbe|\d+ ?gb ?(sfp|qsfp)|ocp\d? )",
    re.I,
)


def device_kind(resource: dict[str, Any], reader: Reader | None = None) -> ComponentKind:
    """What a PCIe device is: a NIC, a GPU, a storage controller, or just a PCIe device."""
    classes = [
        text(resource.get(k)).lower()
        for k in ("DeviceType", "DeviceClass", "ClassDescription", "Name", "Model")
    ]
    code = resource.get("ClassCode")
    functions = dig(resource, "PCIeFunctions", "@odata.id") if reader else None
    if isinstance(functions, str) and reader is not None:
        for function in list(reader.members(reader.get(functions), limit=16)):
            classes.append(text(function.get("DeviceClass")).lower())
    joined = " ".join(classes)
    if (code in (3, 0x12) or _GPU_WORDS.search(joined)) and not _ONBOARD_VIDEO.search(joined):
        return ComponentKind.GPU
    if code == 2 or _NIC_WORDS.search(joined):
        return ComponentKind.NIC
    return ComponentKind.PCIE


def walk_system(reader: Reader, walk: Walk, system: dict[str, Any], uri: str) -> None:
    walk.add(ComponentKind.SYSTEM, system, uri)
    for index, processor in enumerate(reader.collection(system, "Processors")):
        walk.add(
            _processor_kind(processor), processor, uri_of(processor, f"{uri}/Processors/{index}"), "Socket"
        )
    walk.add_members(
        ComponentKind.MEMORY,
        reader.collection(system, "Memory"),
        f"{uri}/Memory",
        "DeviceLocator",
        "MemoryLocation",
    )
    storage_drives: list[Component] = []
    for storage in reader.collection(system, "Storage"):
        storage_drives.extend(_walk_storage(reader, walk, storage))
    for simple in reader.collection(system, "SimpleStorage"):
        base = uri_of(simple, uri)
        devices = simple.get("Devices")
        for index, device in enumerate(devices if isinstance(devices, list) else []):
            if isinstance(device, dict) and not _same_drive_listed(device, storage_drives):
                walk.add(ComponentKind.DRIVE, device, f"{base}#/Devices/{index}", "Name")
    for device in reader.collection(system, "PCIeDevices"):
        walk.add(device_kind(device, reader), device, uri_of(device, f"{uri}/PCIeDevices"))
    for adapter in reader.collection(system, "NetworkAdapters", "BaseNetworkAdapters"):
        walk.add(ComponentKind.NIC, adapter, uri_of(adapter, f"{uri}/NetworkAdapters"))
    _walk_oem_links(reader, walk, system, uri)


def _same_drive_listed(device: dict[str, Any], drives: list[Component]) -> bool:
    """A SimpleStorage device that the system's Storage already lists (by serial, else model+size)."""
    serial = text(device.get("SerialNumber")).upper()
    if serial:
        return any(d.serial_number.upper() == serial for d in drives)
    model, name = text(device.get("Model")), text(device.get("Name")).lower()
    return any((model and d.model == model) or (name and d.name.lower() == name) for d in drives)


def _walk_oem_links(reader: Reader, walk: Walk, system: dict[str, Any], uri: str) -> None:
    """HPE iLO 4/5 hang Smart Array storage, NICs and PCI devices off ``Oem.Hpe.Links``."""
    for links in oem_values(system, "Links"):
        if not isinstance(links, dict):
            continue
        smart = reader.link(links, "SmartStorage")
        _walk_smart_storage(reader, walk, smart)
        for adapter in reader.collection(links, "NetworkAdapters", "BaseNetworkAdapters"):
            walk.add(ComponentKind.NIC, adapter, uri_of(adapter, f"{uri}/BaseNetworkAdapters"))
        for device in reader.collection(links, "PCIDevices"):
            # Only the GPUs: the NICs and controllers among PCI functions are read from their own lists.
            if device_kind(device) is ComponentKind.GPU:
                walk.add(ComponentKind.GPU, device, uri_of(device, f"{uri}/PCIDevices"), "LocationString")


def _walk_smart_storage(reader: Reader, walk: Walk, smart: dict[str, Any] | None) -> None:
    if smart is None:
        return
    # iLO 5 puts the collections under Links; older firmware at the top level.
    holders = [h for h in (smart.get("Links"), smart) if isinstance(h, dict)]
    for holder in holders:
        for controller in reader.collection(holder, "ArrayControllers", "HostBusAdapters"):
            controller_uri = uri_of(controller, "")
            walk.add(ComponentKind.STORAGE_CONTROLLER, controller, controller_uri, "Location")
            links = controller.get("Links") if isinstance(controller.get("Links"), dict) else controller
            drive_uris: list[str] = []
            for drive in reader.collection(links, "PhysicalDrives"):
                reasons = drive.get("DiskDriveStatusReasons")
                if isinstance(reasons, list) and any("predict" in text(r).lower() for r in reasons):
                    drive = {**drive, "FailurePredicted": True}
                drive_uris.append(uri_of(drive, ""))
                walk.add(ComponentKind.DRIVE, drive, drive_uris[-1], "Location")
            walk.reflect(controller_uri, drive_uris)
            for volume in reader.collection(links, "LogicalDrives"):
                volume_uri = uri_of(volume, "")
                walk.add(ComponentKind.VOLUME, volume, volume_uri, "LogicalDriveName")
                data = [uri_of(d, "") for d in reader.collection(volume.get("Links"), "DataDrives")]
                walk.reflect(volume_uri, data or drive_uris)


def _walk_storage(reader: Reader, walk: Walk, storage: dict[str, Any]) -> list[Component]:
    base = uri_of(storage, "")
    listed: list[Component] = []
    controllers = storage.get("StorageControllers")
    if isinstance(controllers, list):
        members = [c for c in controllers if isinstance(c, dict)]
        controller_base = f"{base}#/StorageControllers"
    else:
        members = reader.collection(storage, "Controllers")
        controller_base = f"{base}/Controllers"
    walk.add_members(ComponentKind.STORAGE_CONTROLLER, members, controller_base)
    controller_uris = [uri_of(c, f"{controller_base}/{i}") for i, c in enumerate(members)]
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
            listed.append(component(ComponentKind.DRIVE, drive, uri_of(drive, target)))
    drive_uris = [d.uri for d in listed]
    for controller_uri in controller_uris:
        walk.reflect(controller_uri, drive_uris)
    for volume in reader.collection(storage, "Volumes"):
        volume_uri = uri_of(volume, f"{base}/Volumes")
        walk.add(ComponentKind.VOLUME, volume, volume_uri)
        linked = dig(volume, "Links", "Drives")
        data = (
            [Reader.normalise(d["@odata.id"]) for d in linked if isinstance(d, dict) and "@odata.id" in d]
            if isinstance(linked, list)
            else []
        )
        walk.reflect(volume_uri, data or drive_uris)
    return listed


def thermal_subsystem_of(reader: Reader, chassis: dict[str, Any]) -> dict[str, Any] | None:
    return reader.link(chassis, "ThermalSubsystem")


def walk_firmware(reader: Reader, walk: Walk, root: dict[str, Any]) -> None:
    """UpdateService/FirmwareInventory: every firmware image and its version (and its health)."""
    update = reader.link(root, "UpdateService")
    # Older BMCs (Intel) list firmware as SoftwareInventory; where both exist (HPE) the software
    # inventory holds the host's drivers and agents, which are not the server's firmware.
    items = reader.collection(update, "FirmwareInventory") or reader.collection(update, "SoftwareInventory")
    for item in items:
        version = text(item.get("Version"))
        if not version and not _has_status(item):
            continue
        item = {**item, "FirmwareVersion": version} if version else item
        walk.add(ComponentKind.FIRMWARE, item, uri_of(item, "/redfish/v1/UpdateService/FirmwareInventory"))


def walk_chassis(reader: Reader, walk: Walk, chassis: dict[str, Any], uri: str) -> None:
    walk.add(ComponentKind.CHASSIS, chassis, uri)
    power_subsystem = reader.link(chassis, "PowerSubsystem")
    supplies = reader.collection(power_subsystem, "PowerSupplies")
    legacy_power = reader.link(chassis, "Power") if not supplies else None
    if supplies:
        walk.add_members(ComponentKind.PSU, supplies, f"{uri}/PowerSubsystem/PowerSupplies")
    if legacy_power is None:
        legacy_power = reader.link(chassis, "Power")
    if legacy_power:
        for index, control in enumerate(legacy_power.get("PowerControl") or []):
            if isinstance(control, dict) and _has_status(control):
                walk.add_sensor(control, uri_of(control, f"{uri}/Power#/PowerControl/{index}"))
        walk.add_redundancy(legacy_power.get("Redundancy"), f"{uri}/Power#/Redundancy")
    for holder, key in (
        (power_subsystem, "PowerSupplyRedundancy"),
        (thermal_subsystem_of(reader, chassis), "FanRedundancy"),
    ):
        if holder:
            walk.add_redundancy(holder.get(key), f"{uri_of(holder, uri)}#/{key}")
    if not supplies and legacy_power:
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
    if legacy_thermal:
        walk.add_redundancy(legacy_thermal.get("Redundancy"), f"{uri}/Thermal#/Redundancy")
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
    for device in reader.collection(chassis, "PCIeDevices"):
        walk.add(device_kind(device, reader), device, uri_of(device, f"{uri}/PCIeDevices"))
    walk.add_members(
        ComponentKind.NIC, reader.collection(chassis, "NetworkAdapters"), f"{uri}/NetworkAdapters"
    )
    for drive in reader.collection(chassis, "Drives") + reader.collection(chassis.get("Links"), "Drives"):
        walk.add(ComponentKind.DRIVE, drive, uri_of(drive, f"{uri}/Drives"))
