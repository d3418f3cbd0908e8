"""Faults from a walked tree: component health, predictive failure, conditions, roll-ups, new log entries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sasms.intake.alerts import parse_rfc3339
from sasms.intake.redfish.fetch import Reader
from sasms.intake.redfish.inventory import (
    PREDICTIVE_MARKERS,
    Walk,
    component,
    conditions,
    dig,
    oem_values,
    text,
)
from sasms.intake.redfish.logs import (
    DEFAULT_THRESHOLDS,
    cleared,
    is_security,
    oem_message_id,
    reaches_threshold,
    registry_of,
)
from sasms.intake.redfish.model import (
    Component,
    ComponentKind,
    Fault,
    FaultKind,
    Health,
    LogCursor,
    LogEntry,
    LogMark,
)

ROOT_URI = "/redfish/v1"
_PLACEHOLDER_SERIALS = frozenset(
    {
        "n/a",
        "na",
        "none",
        "null",
        "nil",
        "unknown",
        "not available",
        "not specified",
        "to be filled by o.e.m.",
    }
)
READ_ONCE = datetime(1, 1, 1, tzinfo=UTC)  # mark of a service read once that had no dated entry
_SEVERITY_RANK = {Health.OK: 0, Health.UNKNOWN: 0, Health.WARNING: 1, Health.CRITICAL: 2}
# @odata.type fragment → component kind, for a condition's origin that was not walked as a part.
_TYPE_KINDS = {
    "sensor": ComponentKind.SENSOR,
    "powersupply": ComponentKind.PSU,
    "fan": ComponentKind.FAN,
    "drive": ComponentKind.DRIVE,
    "memory": ComponentKind.MEMORY,
    "processor": ComponentKind.CPU,
    "pciedevice": ComponentKind.PCIE,
    "networkadapter": ComponentKind.NIC,
    "storage": ComponentKind.STORAGE_CONTROLLER,
    "chassis": ComponentKind.CHASSIS,
    "computersystem": ComponentKind.SYSTEM,
}
# OEM aggregate-health subsystem name fragment → component kinds that would explain it.
_ROLLUP_KINDS = {
    "network": {ComponentKind.NIC, ComponentKind.PCIE},
    "memory": {ComponentKind.MEMORY},
    "processor": {ComponentKind.CPU},
    "power": {ComponentKind.PSU},
    "fan": {ComponentKind.FAN},
    "storage": {ComponentKind.DRIVE, ComponentKind.STORAGE_CONTROLLER},
    "temperature": {ComponentKind.SENSOR, ComponentKind.FAN},
    "bios": {ComponentKind.FIRMWARE, ComponentKind.CPU, ComponentKind.MEMORY},
}
# Resources whose Health sums up their children: they open nothing of their own while a leaf explains them.
_NOT_NAMED = frozenset(
    {ComponentKind.SYSTEM, ComponentKind.CHASSIS, ComponentKind.FIRMWARE, ComponentKind.SENSOR}
)
CONTAINERS = frozenset({ComponentKind.SYSTEM, ComponentKind.CHASSIS, ComponentKind.BMC})


def _condition_message(resource: dict[str, Any]) -> tuple[str, str]:
    for condition in conditions(resource):
        if text(condition.get("Message")) or text(condition.get("MessageId")):
            return text(condition.get("Message")), text(condition.get("MessageId"))
    return "", ""


def _is_predictive_id(message_id: str) -> bool:
    flat = message_id.lower().replace(".", "")
    return any(marker in flat for marker in PREDICTIVE_MARKERS)


class FaultSet:
    """Faults keyed by the part they are about, so one failed part is reported once."""

    def __init__(self) -> None:
        self.by_uri: dict[str, Fault] = {}

    def add(self, fault: Fault) -> None:
        # Roll-ups name the system as their component; several subsystems may each need one.
        on_part = fault.component is not None and fault.kind is not FaultKind.ROLLUP
        uri = fault.component.uri if on_part and fault.component else fault.source_uri
        current = self.by_uri.get(uri)
        if current is None or _SEVERITY_RANK[fault.severity] > _SEVERITY_RANK[current.severity]:
            self.by_uri[uri] = fault

    def kinds(self) -> set[ComponentKind]:
        return {f.component.kind for f in self.by_uri.values() if f.component}

    def __iter__(self) -> Any:
        return iter(self.by_uri.values())


def component_faults(walk: Walk, found: FaultSet) -> None:
    parts = [(c, walk.resources[c.uri]) for c in walk.components.values() if c.kind not in CONTAINERS]
    for part, resource in [*parts, *walk.sensors, *walk.empty_bays]:
        predicted = part.failure_predicted
        if not predicted and not part.health.is_fault:
            continue
        message, message_id = _condition_message(resource)
        severity = part.health if part.health.is_fault else Health.WARNING
        if not message:
            reading = text(resource.get("Reading")) or text(resource.get("ReadingCelsius"))
            detail = f" (reading {reading} {text(resource.get('ReadingUnits'))})".rstrip() if reading else ""
            state = f", state {part.state}" if part.state else ""
            message = f"{part.name}: health {part.health.value}{state}{detail}"
            reasons = resource.get("DiskDriveStatusReasons")  # HPE: "NonAuthenticDrive", "Offline" …
            if isinstance(reasons, list) and [r for r in reasons if text(r) and text(r) != "None"]:
                message += f" ({', '.join(text(r) for r in reasons if text(r))})"
            if part.kind is ComponentKind.EMPTY_BAY:
                message = f"{part.name}: bay empty, health {part.health.value} (redundancy lost)"
            if predicted:
                message = f"{part.name}: failure predicted"
        kind = FaultKind.PREDICTIVE if predicted else FaultKind.HEALTH
        found.add(Fault(kind, severity, message, part.uri, part, message_id))


def condition_faults(
    reader: Reader, walk: Walk, found: FaultSet, items: Iterable[dict[str, Any]], source_uri: str
) -> None:
    """``Status.Conditions`` / ``ServiceConditions``: point at the origin, even one not walked."""
    sensors = {s.uri: s for s, _resource in walk.sensors}
    for condition in items:
        severity = Health.parse(condition.get("Severity"))
        if not severity.is_fault:
            continue
        origin = dig(condition, "OriginOfCondition", "@odata.id")
        origin_uri = Reader.normalise(origin) if isinstance(origin, str) else ""
        if origin_uri and origin_uri in found.by_uri:
            continue  # the part's own health already reported it
        part: Component | None = walk.components.get(origin_uri or source_uri) or sensors.get(origin_uri)
        if part is None and origin_uri:
            resource = reader.get(origin_uri)
            if resource is not None:
                odata_type = text(resource.get("@odata.type")).lstrip("#").split(".")[0].lower()
                part = component(_TYPE_KINDS.get(odata_type, ComponentKind.OTHER), resource, origin_uri)
        message_id = text(condition.get("MessageId"))
        kind = FaultKind.PREDICTIVE if _is_predictive_id(message_id) else FaultKind.CONDITION
        message = text(condition.get("Message")) or message_id
        found.add(Fault(kind, severity, message, origin_uri or source_uri, part, message_id))


def rollup_faults(walk: Walk, systems: list[tuple[str, dict[str, Any]]], found: FaultSet) -> None:
    """Systems, chassis and managers: their Health only sums up their parts.

    While a leaf part (or a condition) explains the degradation they open nothing. A manager that is
    degraded with nothing else wrong is a BMC fault. Any other degradation nobody explains — a
    container's Health or HealthRollup, an OEM aggregate (HPE ``AggregateHealthStatus``), a
    redundancy group — becomes at most one fault, "health degraded, cause not identified", with
    every piece of evidence in it.
    """
    explained = found.kinds()
    leaf_faults = bool(list(found))
    evidence: list[str] = []
    for part in walk.components.values():
        if part.kind not in CONTAINERS:
            continue
        resource = walk.resources.get(part.uri, {})
        own = Health.parse(dig(resource, "Status", "Health"))
        rollup = Health.parse(dig(resource, "Status", "HealthRollup"))
        if part.kind is ComponentKind.BMC and own.is_fault and not leaf_faults:
            message = f"{part.name}: health {own.value}" + (f", state {part.state}" if part.state else "")
            found.add(Fault(FaultKind.HEALTH, own, message, part.uri, part))
            continue
        if not leaf_faults:
            for label, health in (("Health", own), ("HealthRollup", rollup)):
                if health.is_fault:
                    evidence.append(f"{part.name} ({part.uri}): {label} {health.value}")
        for aggregate in oem_values(resource, "AggregateHealthStatus"):
            for subsystem, value in aggregate.items() if isinstance(aggregate, dict) else []:
                health = Health.parse(dig(value, "Status", "Health"))
                if not health.is_fault:
                    continue
                kinds = next((k for frag, k in _ROLLUP_KINDS.items() if frag in subsystem.lower()), None)
                if kinds is not None and kinds & explained:
                    continue
                if kinds is None and leaf_faults:
                    continue
                evidence.append(
                    f"{part.name} ({part.uri}): OEM aggregate health of {subsystem} is {health.value}"
                )
    for uri, group, health in walk.redundancy:
        if health.is_fault and not explained & {
            ComponentKind.PSU,
            ComponentKind.FAN,
            ComponentKind.EMPTY_BAY,
        }:
            evidence.append(f"{group} ({uri}): redundancy {health.value}")
    if not evidence:
        return
    anchor_uri = systems[0][0] if systems else ROOT_URI
    anchor = walk.components.get(anchor_uri)
    severity = Health.CRITICAL if any("Critical" in line for line in evidence) else Health.WARNING
    found.add(
        Fault(
            FaultKind.ROLLUP,
            severity,
            "Health degraded, cause not identified",
            anchor_uri + "#/Status/HealthRollup",
            anchor,
            evidence=tuple(evidence),
        )
    )


# --- log services -----------------------------------------------------------------------------------
def _created(entry: dict[str, Any]) -> datetime | None:
    """Entry time; an OEM "updated" time wins when later (HPE bumps it when an event recurs)."""
    times: list[datetime] = []
    for value in (entry.get("Created"), *oem_values(entry, "Updated")):
        if isinstance(value, str):
            try:
                parsed = parse_rfc3339(value)
            except ValueError:
                continue  # e.g. "0000-00-00T00:00:00Z" from an unset BMC clock
            if parsed is not None:
                times.append(parsed)
    return max(times) if times else None


def log_entry(
    service_uri: str, entry: dict[str, Any], index: int, service: dict[str, Any] | None = None
) -> LogEntry:
    entry_id = text(entry.get("Id")) or text(entry.get("MemberId")) or str(index)
    origin = dig(entry, "Links", "OriginOfCondition", "@odata.id")
    if not isinstance(origin, str):
        origin = dig(entry, "OriginOfCondition", "@odata.id")  # older schemas put it at the top
    repaired = any(v is True for v in oem_values(entry, "Repaired"))
    raw_id = text(entry.get("MessageId"))
    message_id = raw_id or oem_message_id(entry) or text(entry.get("EntryCode"))
    entry_type = text(entry.get("EntryType"))
    args = entry.get("MessageArgs")
    return LogEntry(
        service_uri=service_uri,
        entry_id=entry_id,
        uri=Reader.normalise(entry["@odata.id"]) if isinstance(entry.get("@odata.id"), str) else "",
        severity=Health.parse(entry.get("Severity") or entry.get("MessageSeverity")),
        created=_created(entry),
        message=text(entry.get("Message")),
        message_id=message_id,
        entry_type=entry_type,
        sensor_type=text(entry.get("SensorType")),
        origin_uri=Reader.normalise(origin) if isinstance(origin, str) else "",
        repaired=repaired,
        registry=registry_of(entry, raw_id, entry_type),
        message_args=tuple(text(a) for a in args) if isinstance(args, list) else (),
        security=is_security(entry, service or {}, message_id, text(entry.get("Message"))),
    )


def _is_new(entry: LogEntry, mark: LogMark | None, since: datetime | None, first_read: bool) -> bool:
    if entry.created is None:
        return first_read  # undatable entries count once, on the very first read of the service
    if mark is not None:
        return entry.created > mark.created or (
            entry.created == mark.created and entry.entry_id not in mark.entry_ids
        )
    return since is None or entry.created > since


def new_entries(
    service_uri: str, entries: list[LogEntry], cursor: LogCursor
) -> tuple[list[LogEntry], LogMark | None]:
    """Entries past the cursor for one service, and the service's next mark."""
    mark = cursor.marks.get(service_uri)
    first_read = mark is None and cursor.since is None
    fresh = [e for e in entries if _is_new(e, mark, cursor.since, first_read)]
    dated = [e for e in entries if e.created is not None]
    if not dated:
        # Remember that the service was read, so its undatable entries are not "new" every poll.
        return fresh, mark or LogMark(READ_ONCE, ())
    latest = max(e.created for e in dated if e.created is not None)
    ids = tuple(sorted({e.entry_id for e in dated if e.created == latest}))
    if mark is not None and mark.created > latest:
        return fresh, mark  # the log was cleared or wrapped; keep the older, higher mark
    return fresh, LogMark(latest, ids)


def _named_in(message: str, walk: Walk) -> Component | None:
    """The part a log message names verbatim (HPE IML: "… QL41232HLCU-HC MD2 Adapter - NIC …").

    Only long, specific names count, longest first, and only when exactly one part carries that
    name: two identical adapters cannot be told apart from the text, so neither is picked.
    """
    lowered = message.lower()
    names: dict[str, list[Component]] = {}
    for part in walk.components.values():
        # Firmware images carry their device's name (HPE: the adapter's): the device is meant.
        if part.kind not in _NOT_NAMED and len(part.name) >= 12:
            names.setdefault(part.name.lower(), []).append(part)
    for name in sorted(names, key=len, reverse=True):
        if name in lowered:
            # Several resources of one device (same serial) are one part; different serials are not.
            serials = {p.serial_number.upper() for p in names[name]}
            return (
                names[name][0] if len(names[name]) == 1 or (len(serials) == 1 and "" not in serials) else None
            )
    return None


def log_faults(
    entries: Iterable[LogEntry],
    walk: Walk,
    found: FaultSet,
    thresholds: Mapping[str, str] | None = None,
    *,
    history: Iterable[LogEntry] = (),
) -> list[Fault]:
    """New entries that are hardware faults: at the registry's threshold, not security or audit,
    not marked repaired, not cleared by a later entry (looked up in ``history``, the whole log)."""
    limits = DEFAULT_THRESHOLDS if thresholds is None else {**DEFAULT_THRESHOLDS, **thresholds}
    fresh = list(entries)
    done = cleared([*history, *fresh])
    sensors = {s.uri: s for s, _resource in walk.sensors}
    out: list[Fault] = []
    for entry in fresh:
        if entry.repaired or entry.security or not reaches_threshold(entry, limits):
            continue
        if (entry.uri or f"{entry.service_uri}#{entry.entry_id}") in done:
            continue
        part = (
            walk.components.get(entry.origin_uri)
            or sensors.get(entry.origin_uri)
            or _named_in(entry.message, walk)
        )
        if part is not None and part.kind in CONTAINERS:
            part = None  # "something on this system": the incident decides what it joins
        message = entry.message or entry.message_id or f"{entry.entry_type} entry {entry.entry_id}"
        out.append(
            Fault(
                FaultKind.LOG,
                entry.severity,
                message,
                entry.uri or entry.service_uri,
                part,
                entry.message_id,
                entry,
            )
        )
    return out


# --- incidents: one real fault, one request ---------------------------------------------------------
_TOPICS = {
    "thermal": ("temp", "thermal", "fan", "cool"),
    "power": ("power", "psu", "volt", "current", "supply"),
    "storage": ("drive", "disk", "storage", "raid", "array", "volume"),
    "memory": ("memory", "dimm"),
    "network": ("network", "nic", "link", "adapter", "ethernet"),
}


def _topic(*texts: str) -> str:
    joined = " ".join(texts).lower()
    return next((topic for topic, words in _TOPICS.items() if any(w in joined for w in words)), "")


def real_serial(value: str) -> str:
    """The serial, or "" for firmware placeholders ("00000000000000", "N/A", "To be filled by O.E.M.")."""
    text_value = value.strip()
    lowered = text_value.lower()
    if lowered in _PLACEHOLDER_SERIALS or len(set(lowered.replace(" ", ""))) <= 1:
        return ""
    return text_value


def _part_incident(part: Component) -> str:
    # One device, several views (HPE: BaseNetworkAdapters, PCIeDevices, Chassis Devices): its serial.
    serial = real_serial(part.serial_number).upper()
    if serial and part.kind not in CONTAINERS and part.kind is not ComponentKind.FIRMWARE:
        return f"part:{serial}"
    return part.uri


def _topic_of_part(part: Component) -> str:
    kinds = {
        ComponentKind.PSU: "power",
        ComponentKind.EMPTY_BAY: "power",
        ComponentKind.FAN: "thermal",
        ComponentKind.DRIVE: "storage",
        ComponentKind.STORAGE_CONTROLLER: "storage",
        ComponentKind.MEMORY: "memory",
        ComponentKind.NIC: "network",
    }
    return kinds.get(part.kind) or _topic(part.name, part.uri.rsplit("/", 1)[-1])


def _owner(uri: str) -> str:
    """The chassis or system a resource sits in (``/redfish/v1/Chassis/1U/Sensors/X`` → ``…/Chassis/1U``)."""
    parts = uri.split("#", 1)[0].split("/")
    return "/".join(parts[:5]) if len(parts) >= 5 else uri


def assign_incidents(faults: list[Fault], reflects: Mapping[str, list[str]] | None = None) -> list[Fault]:
    """Give every fault the incident it belongs to.

    A part's health, its conditions and its log entries share the part's incident (by serial, so
    one device seen through several resources is one incident). A log entry whose origin is a
    container (``Chassis/1U/Thermal``, a system) joins the single status fault of its topic in that
    container; a condition's log entry joins the condition. Other log entries group by origin (or
    log) and event: a message repeated on the same resource is one fault.
    """
    out: list[Fault] = []
    by_uri: dict[str, str] = {}
    status: list[tuple[Fault, str]] = []
    for fault in faults:
        if fault.kind is FaultKind.LOG:
            continue
        if fault.kind is FaultKind.ROLLUP:
            incident = f"rollup:{fault.source_uri.split('#', 1)[0]}"
        elif fault.component is not None:
            incident = _part_incident(fault.component)
        else:
            incident = fault.source_uri
        status.append((fault, incident))
        for uri in (fault.source_uri, fault.component.uri if fault.component else ""):
            if uri:
                by_uri.setdefault(uri.split("#", 1)[0], incident)
    # A controller or volume degraded because of a drive it holds is that drive's fault.
    for index, (fault, incident) in enumerate(status):
        where = fault.component.uri if fault.component is not None else ""
        cause = next((by_uri[c] for c in (reflects or {}).get(where, []) if c in by_uri), "")
        if cause and cause != incident:
            status[index] = (fault, cause)
            by_uri[where] = cause
    for fault, incident in status:
        out.append(replace(fault, incident=incident))
    for fault in faults:
        if fault.kind is not FaultKind.LOG:
            continue
        entry = fault.log_entry
        incident = ""
        if fault.component is not None:
            incident = by_uri.get(fault.component.uri.split("#", 1)[0]) or _part_incident(fault.component)
        elif entry is not None and entry.origin_uri and entry.origin_uri in by_uri:
            incident = by_uri[entry.origin_uri]
        elif entry is not None:
            topic = _topic(entry.message, entry.message_id, entry.sensor_type, entry.origin_uri)
            place = _owner(entry.origin_uri) if entry.origin_uri else ""
            matching = {
                inc
                for f, inc in status
                if f.kind is not FaultKind.ROLLUP
                and f.component is not None
                and topic
                and _topic_of_part(f.component) == topic
                and (not place or _owner(f.component.uri) == place)
            }
            if len(matching) == 1:
                incident = matching.pop()
            else:
                # Same place and same subject: one fault however many entries (and SEL codes) describe it.
                event = entry.message_id.split(".")[0] + "." + entry.message_id.rsplit(".", 1)[-1]
                where = entry.origin_uri or entry.service_uri
                incident = f"log:{where}:{topic or (event if entry.message_id else entry.message[:80])}"
        out.append(replace(fault, incident=incident or fault.source_uri))
    return out
