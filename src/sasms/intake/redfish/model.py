"""Typed results of a Redfish poll: the inventory, the faults, the log cursor."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Health(StrEnum):
    OK = "OK"
    WARNING = "Warning"
    CRITICAL = "Critical"
    UNKNOWN = "Unknown"

    @classmethod
    def parse(cls, value: object) -> Health:
        # BMCs write "OK", "Ok", "ok", "Warning", "CRITICAL", or nothing at all.
        if not isinstance(value, str):
            return cls.UNKNOWN
        return {"ok": cls.OK, "warning": cls.WARNING, "critical": cls.CRITICAL}.get(
            value.strip().lower(), cls.UNKNOWN
        )

    @property
    def is_fault(self) -> bool:
        return self in (Health.WARNING, Health.CRITICAL)


class ComponentKind(StrEnum):
    SYSTEM = "system"
    CHASSIS = "chassis"
    CPU = "cpu"
    MEMORY = "memory"
    STORAGE_CONTROLLER = "storage_controller"
    DRIVE = "drive"
    PSU = "psu"
    FAN = "fan"
    PCIE = "pcie"
    NIC = "nic"
    GPU = "gpu"
    VOLUME = "volume"  # a logical drive: it can fail, but it is not a part to replace
    BMC = "bmc"  # the manager itself: its firmware belongs in the CMDB too
    SENSOR = "sensor"  # only ever named in faults: a sensor is not a CMDB component
    FIRMWARE = "firmware"  # an UpdateService firmware inventory entry: recorded, and can be faulty
    EMPTY_BAY = "empty_bay"  # an Absent bay whose health is not OK (e.g. a PSU bay: redundancy lost)
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Component:
    kind: ComponentKind
    name: str
    uri: str  # the Redfish resource (with #fragment for legacy array members): the stable identity
    slot: str = ""
    manufacturer: str = ""
    model: str = ""
    part_number: str = ""
    serial_number: str = ""
    firmware: str = ""
    health: Health = Health.UNKNOWN
    state: str = ""
    failure_predicted: bool = False
    chassis_type: str = ""  # a chassis's ChassisType ("Enclosure", "Blade", "RackMount" …)


@dataclass(frozen=True, slots=True)
class SystemInfo:
    uri: str
    manufacturer: str
    model: str
    serial_number: str
    sku: str
    uuid: str
    hostname: str
    bios_version: str
    power_state: str
    health: Health
    health_rollup: Health
    chassis: tuple[str, ...] = ()  # Links.Chassis: the enclosures this system is built into


@dataclass(frozen=True, slots=True)
class LogEntry:
    service_uri: str
    entry_id: str
    uri: str
    severity: Health
    created: datetime | None  # None when the BMC wrote an invalid date (HPE: 0000-00-00T00:00:00Z)
    message: str
    message_id: str
    entry_type: str
    sensor_type: str
    origin_uri: str
    repaired: bool = False
    registry: str = ""  # "Base", "ResourceEvent", "HpeIml", "iDRAC", "SEL" … (see redfish.logs)
    message_args: tuple[str, ...] = ()
    security: bool = False  # log-ins, privilege changes, audit trail: never a hardware fault

    @property
    def excerpt(self) -> str:
        """One line for a ticket's attached log excerpt."""
        when = self.created.isoformat() if self.created else "time unknown"
        parts = [when, self.severity.value, self.sensor_type, self.message_id, self.message]
        return " | ".join(p for p in parts if p)


class FaultKind(StrEnum):
    HEALTH = "health"  # Status.Health of the component itself
    PREDICTIVE = "predictive_failure"  # FailurePredicted or a *PredictiveFailure condition
    CONDITION = "condition"  # a Status.Conditions entry / ServiceConditions
    LOG = "log"  # a new log entry at or above the threshold severity
    ROLLUP = "rollup"  # only a roll-up (incl. OEM aggregate health) says something is wrong


@dataclass(frozen=True, slots=True)
class Fault:
    kind: FaultKind
    severity: Health
    message: str
    source_uri: str
    component: Component | None = None
    message_id: str = ""
    log_entry: LogEntry | None = None
    # The real fault this observation belongs to: a part's health, its conditions and the log entries
    # that describe it share one incident, and one incident is one service request.
    incident: str = ""
    evidence: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable across polls: the same fault on the same part gives the same key (for dedup/recovery)."""
        where = self.component.uri if self.component else self.source_uri
        if self.log_entry is not None:
            return f"{self.kind.value}:{self.log_entry.uri or self.log_entry.entry_id}"
        return f"{self.kind.value}:{where}:{self.message_id}"


@dataclass(frozen=True, slots=True)
class LogMark:
    created: datetime
    entry_ids: tuple[str, ...]  # ids already seen *at* ``created`` (several entries share a second)


@dataclass(frozen=True)
class LogCursor:
    """Where each log service was read up to. ``since`` applies to services without a mark yet.

    ``LogCursor()`` (no since, no marks) treats every entry as new — the first full read;
    ``LogCursor(since=registration_time)`` ignores history older than the BMC's registration.
    """

    since: datetime | None = None
    marks: Mapping[str, LogMark] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "since": self.since.isoformat() if self.since else None,
                "marks": {
                    uri: {"created": m.created.isoformat(), "ids": list(m.entry_ids)}
                    for uri, m in self.marks.items()
                },
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> LogCursor:
        data = json.loads(text)
        since = datetime.fromisoformat(data["since"]) if data.get("since") else None
        marks = {
            uri: LogMark(datetime.fromisoformat(m["created"]), tuple(m["ids"]))
            for uri, m in (data.get("marks") or {}).items()
        }
        return cls(since=since, marks=marks)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    detail: str


@dataclass(frozen=True)
class PollResult:
    service_root: Mapping[str, object]
    systems: tuple[SystemInfo, ...]
    components: tuple[Component, ...]
    faults: tuple[Fault, ...]
    new_log_entries: tuple[LogEntry, ...]
    cursor: LogCursor
    problems: tuple[Problem, ...]
    telemetry: tuple[object, ...] = ()  # sasms.telemetry.extract.Reading values of this poll

    def components_of(self, kind: ComponentKind) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.kind is kind)

    def recovered(self, previous_fault_keys: set[str]) -> set[str]:
        """Fault keys open after the previous poll that are gone now (log faults never "recover")."""
        current = {f.key for f in self.faults}
        return {
            k for k in previous_fault_keys if k not in current and not k.startswith(f"{FaultKind.LOG.value}:")
        }
