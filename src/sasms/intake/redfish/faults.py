"""Faults from a walked tree: component health, predictive failure, conditions, roll-ups, new log entries."""

from __future__ import annotations

from collections.abc import Iterable
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
    "temperature": {ComponentKind.SENSOR},
}


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
    parts = [(c, walk.resources[c.uri]) for c in walk.components.values()] + walk.sensors
    for part, resource in parts:
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
        part: Component | None = walk.components.get(origin_uri) or sensors.get(origin_uri)
        if part is None and origin_uri:
            resource = reader.get(origin_uri)
            if resource is not None:
                odata_type = text(resource.get("@odata.type")).lstrip("#").split(".")[0].lower()
                part = component(_TYPE_KINDS.get(odata_type, ComponentKind.OTHER), resource, origin_uri)
        message_id = text(condition.get("MessageId"))
        kind = FaultKind.PREDICTIVE if _is_predictive_id(message_id) else FaultKind.CONDITION
        message = text(condition.get("Message")) or message_id
        found.add(Fault(kind, severity, message, origin_uri or source_uri, part, message_id))


def rollup_faults(system: Component, resource: dict[str, Any], found: FaultSet) -> None:
    """Roll-ups that nothing else explains — including OEM-only ones (HPE AggregateHealthStatus)."""
    explained = found.kinds()
    for aggregate in oem_values(resource, "AggregateHealthStatus"):
        if not isinstance(aggregate, dict):
            continue
        for subsystem, value in aggregate.items():
            health = Health.parse(dig(value, "Status", "Health"))
            if not health.is_fault:
                continue
            kinds = next((k for frag, k in _ROLLUP_KINDS.items() if frag in subsystem.lower()), None)
            if kinds is not None and kinds & explained:
                continue
            message = f"{system.name}: OEM aggregate health of {subsystem} is {health.value}"
            found.add(
                Fault(FaultKind.ROLLUP, health, message, f"{system.uri}#/Oem/{subsystem}", system, subsystem)
            )
    rollup = Health.parse(dig(resource, "Status", "HealthRollup"))
    if rollup.is_fault and not list(found):
        message = f"{system.name}: health roll-up is {rollup.value} but no component reports a fault"
        found.add(Fault(FaultKind.ROLLUP, rollup, message, system.uri + "#/Status/HealthRollup", system))


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


def log_entry(service_uri: str, entry: dict[str, Any], index: int) -> LogEntry:
    entry_id = text(entry.get("Id")) or text(entry.get("MemberId")) or str(index)
    origin = dig(entry, "Links", "OriginOfCondition", "@odata.id")
    repaired = any(v is True for v in oem_values(entry, "Repaired"))
    return LogEntry(
        service_uri=service_uri,
        entry_id=entry_id,
        uri=Reader.normalise(entry["@odata.id"]) if isinstance(entry.get("@odata.id"), str) else "",
        severity=Health.parse(entry.get("Severity") or entry.get("MessageSeverity")),
        created=_created(entry),
        message=text(entry.get("Message")),
        message_id=text(entry.get("MessageId")) or text(entry.get("EntryCode")),
        entry_type=text(entry.get("EntryType")),
        sensor_type=text(entry.get("SensorType")),
        origin_uri=Reader.normalise(origin) if isinstance(origin, str) else "",
        repaired=repaired,
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
        if part.kind not in (ComponentKind.SYSTEM, ComponentKind.CHASSIS) and len(part.name) >= 12:
            names.setdefault(part.name.lower(), []).append(part)
    for name in sorted(names, key=len, reverse=True):
        if name in lowered:
            return names[name][0] if len(names[name]) == 1 else None
    return None


def log_faults(entries: Iterable[LogEntry], walk: Walk, found: FaultSet, threshold: Health) -> list[Fault]:
    sensors = {s.uri: s for s, _resource in walk.sensors}
    out: list[Fault] = []
    for entry in entries:
        if entry.repaired or _SEVERITY_RANK[entry.severity] < _SEVERITY_RANK[threshold]:
            continue
        part = (
            walk.components.get(entry.origin_uri)
            or sensors.get(entry.origin_uri)
            or _named_in(entry.message, walk)
        )
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
