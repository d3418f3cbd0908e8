"""Is this BMC the server's? Serial numbers and UUIDs of the BMC's computer systems, compared.

A BMC may manage several systems (a blade's node controller, a multi-node enclosure): the server
matches when one of them does, and only that system's resources are then written to it — the
inventory and faults of its neighbours belong to other servers. Chassis and manager resources are
shared by the enclosure and stay in.

The serial number decides wherever both sides have a real one; the UUID stands in only where the
BMC reports no usable serial, against the UUID recorded at an earlier verified poll. Placeholder
values that firmware writes into unprogrammed boards never count as an identity.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sasms.intake.redfish.model import Component, ComponentKind, Fault, LogEntry, PollResult, SystemInfo

DEFAULT_PORTS = {"http": 80, "https": 443}

# Firmware defaults of unprogrammed boards (AMI, Supermicro, Insyde, OEM kits): not an identity.
_PLACEHOLDER_SERIALS = frozenset(
    {
        "",
        "0",
        "0123456789",
        "1234567890",
        "default string",
        "n/a",
        "na",
        "none",
        "not applicable",
        "not available",
        "not specified",
        "null",
        "serial",
        "serial number",
        "system serial number",
        "to be filled by o.e.m.",
        "to be filled by oem",
        "unknown",
    }
)
_PLACEHOLDER_UUIDS = frozenset(
    {
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "03000200-0400-0500-0006-000700080009",  # the AMI/Supermicro board default
    }
)


def normalise_serial(value: object) -> str:
    """Trimmed and case-folded; empty for placeholders and single repeated characters."""
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split()).casefold()
    if text in _PLACEHOLDER_SERIALS or len(set(text)) == 1:
        return ""
    return text


def normalise_uuid(value: object) -> str:
    if not isinstance(value, str):
        return ""
    text = value.strip().lower().removeprefix("urn:uuid:").strip("{}")
    return "" if text in _PLACEHOLDER_UUIDS else text


def address_key(scheme: str, address: str, port: int | None) -> str:
    """One BMC address, however it was typed: ``host:port`` with a lower-case host (no trailing
    dot, IP addresses in canonical form, IPv6 in brackets) and the scheme's default port filled in.

    The scheme itself is left out: ``http://h:443`` and ``https://h:443`` are the same socket.
    """
    host = address.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    with contextlib.suppress(ValueError):
        host = ipaddress.ip_address(host).compressed
    if ":" in host:
        host = f"[{host}]"
    effective = port or DEFAULT_PORTS.get(scheme.strip().lower(), DEFAULT_PORTS["https"])
    return f"{host}:{effective}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One thing the BMC says it is: a computer system, or (a chassis manager with no system) a chassis."""

    uri: str
    serial: str
    uuid: str = ""


@dataclass(frozen=True)
class Identity:
    """The outcome of comparing the BMC's systems with the server."""

    matched: tuple[Candidate, ...]
    candidates: tuple[Candidate, ...]

    @property
    def ok(self) -> bool:
        return bool(self.matched)

    @property
    def reported_serials(self) -> tuple[str, ...]:
        return _distinct(c.serial for c in self.candidates)

    @property
    def matched_serials(self) -> tuple[str, ...]:
        return _distinct(c.serial for c in self.matched)

    @property
    def matched_uuid(self) -> str:
        return next((normalise_uuid(c.uuid) for c in self.matched if normalise_uuid(c.uuid)), "")


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        if normalise_serial(value):
            seen.setdefault(normalise_serial(value), value.strip())
    return tuple(seen.values())


def candidates_of(result: PollResult) -> tuple[Candidate, ...]:
    """The BMC's computer systems; a chassis manager without any (an enclosure's CMM) is its chassis."""
    if result.systems:
        return tuple(Candidate(s.uri, s.serial_number, s.uuid) for s in result.systems)
    return tuple(
        Candidate(c.uri, c.serial_number) for c in result.components if c.kind is ComponentKind.CHASSIS
    )


def matches(candidate: Candidate, *, serial: str, known_uuid: str = "") -> bool:
    reported, expected = normalise_serial(candidate.serial), normalise_serial(serial)
    if reported and expected:
        return reported == expected
    uuid, pinned = normalise_uuid(candidate.uuid), normalise_uuid(known_uuid)
    return bool(uuid and pinned and uuid == pinned)


def check_identity(result: PollResult, *, serial: str, known_uuid: str = "") -> Identity:
    """Which of the BMC's systems is the server with this ``serial`` (and the UUID seen before)."""
    listed = candidates_of(result)
    matched = tuple(c for c in listed if matches(c, serial=serial, known_uuid=known_uuid))
    return Identity(matched=matched, candidates=listed)


def owner(uri: str, systems: Iterable[SystemInfo]) -> str:
    """The system a resource belongs to on a multi-node BMC, or "" when it is shared (the enclosure).

    Under ``Systems/<id>``; a chassis that only this system links to (``Links.Chassis``) or that
    carries the system's id (HPE Cray: ``Chassis/Node0`` beside ``Systems/Node0``); a firmware
    image named after the system (``FirmwareInventory/Node0.BIOS``).
    """
    listed = list(systems)
    base = uri.split("#", 1)[0].rstrip("/")
    for system in listed:
        if _under(base, (system.uri.rstrip("/"),)):
            return system.uri
    segments = base.split("/")
    ids = {s.uri.rstrip("/").rsplit("/", 1)[-1].lower(): s.uri for s in listed}
    if len(segments) >= 5 and segments[3] == "Chassis":
        chassis = "/".join(segments[:5])
        linking = [s.uri for s in listed if chassis in s.chassis]
        if len(linking) == 1:
            return linking[0]
        if not linking and segments[4].lower() in ids:
            return ids[segments[4].lower()]
    if "/FirmwareInventory/" in base or "/SoftwareInventory/" in base:
        token = re.split(r"[._\-\s]", segments[-1], maxsplit=1)[0].lower()
        if token in ids and len(ids) > 1:
            return ids[token]
    return ""


def _under(uri: str, roots: tuple[str, ...]) -> bool:
    base = uri.split("#", 1)[0].rstrip("/")
    return any(base == root or base.startswith(root + "/") for root in roots)


def scoped(result: PollResult, identity: Identity, *, shared: bool = True) -> PollResult:
    """The poll without the resources of the BMC's other systems (their parts, faults and logs).

    ``shared=False`` also leaves out what belongs to no system in particular (the enclosure's
    chassis, power and fans): that is written once, to the server the BMC is registered on, not to
    every node that the same poll maps to another server.
    """
    kept = {c.uri for c in identity.matched}
    others = tuple(s.uri.rstrip("/") for s in result.systems if s.uri and s.uri not in kept)
    if not shared:
        mine = tuple(uri.rstrip("/") for uri in kept)

        def elsewhere(uri: str) -> bool:
            return owner(uri, result.systems).rstrip("/") not in mine

        def entry_place(entry: LogEntry) -> str:
            return entry.origin_uri or entry.uri or entry.service_uri

        def elsewhere_fault(fault: Fault) -> bool:
            if fault.log_entry is not None and fault.component is None:
                return elsewhere(entry_place(fault.log_entry))
            return elsewhere(fault.component.uri if fault.component is not None else fault.source_uri)

        return replace(
            result,
            systems=tuple(s for s in result.systems if s.uri in kept),
            components=tuple(c for c in result.components if not elsewhere(c.uri)),
            faults=tuple(f for f in result.faults if not elsewhere_fault(f)),
            new_log_entries=tuple(e for e in result.new_log_entries if not elsewhere(entry_place(e))),
        )
    if not others:
        return result

    def foreign(uri: str) -> bool:
        return bool(uri) and owner(uri, result.systems).rstrip("/") in others

    def foreign_entry(entry: LogEntry | None) -> bool:
        # A shared (manager) log names the node an entry is about in its OriginOfCondition.
        return entry is not None and any(
            foreign(uri) for uri in (entry.service_uri, entry.uri, entry.origin_uri)
        )

    def foreign_fault(fault: Fault) -> bool:
        where = fault.component.uri if fault.component is not None else fault.source_uri
        return foreign(where) or foreign(fault.incident) or foreign_entry(fault.log_entry)

    return replace(
        result,
        systems=tuple(s for s in result.systems if s.uri in kept),
        components=tuple(c for c in result.components if not foreign(c.uri)),
        faults=tuple(f for f in result.faults if not foreign_fault(f)),
        new_log_entries=tuple(e for e in result.new_log_entries if not foreign_entry(e)),
    )


# --- Enclosures: the chassis that several nodes share ------------------------------------------------

# DMTF ChassisType of a blade or multi-node chassis (HPE Synergy frames, Cray EX, Lenovo D2, Dell
# C6400 all say "Enclosure"); a storage enclosure is a disk shelf, not a server enclosure.
ENCLOSURE_TYPES = frozenset({"enclosure"})


def enclosure_of(result: PollResult) -> Component | None:
    """The shared chassis of a blade or multi-node BMC when it is a physical asset of its own.

    A chassis that belongs to no single system (``owner`` is empty), is an ``Enclosure`` or is
    linked by two or more systems, and carries a real serial number that is not a system's own (on
    a one-blade controller the "enclosure" is the blade itself, already the server). With several,
    the one that holds most resources. ``None`` for an ordinary rack or tower server.
    """
    system_serials = {normalise_serial(s.serial_number) for s in result.systems}
    linked: dict[str, int] = {}
    for system in result.systems:
        for chassis in system.chassis:
            linked[chassis.rstrip("/")] = linked.get(chassis.rstrip("/"), 0) + 1
    found: list[Component] = []
    for part in result.components:
        if part.kind is not ComponentKind.CHASSIS:
            continue
        serial = normalise_serial(part.serial_number)
        if not serial or serial in system_serials or owner(part.uri, result.systems):
            continue
        shared = (
            part.chassis_type.strip().lower() in ENCLOSURE_TYPES or linked.get(part.uri.rstrip("/"), 0) > 1
        )
        if shared:
            found.append(part)
    if not found:
        return None
    return max(found, key=lambda c: sum(p.uri.startswith(c.uri.rstrip("/") + "/") for p in result.components))


def enclosure_share(result: PollResult) -> PollResult:
    """What of the poll belongs to no computer system: the enclosure's parts, faults and log entries."""
    every = Identity(
        matched=tuple(Candidate(s.uri, s.serial_number, s.uuid) for s in result.systems), candidates=()
    )
    nodes = (
        scoped(result, every, shared=False)
        if result.systems
        else replace(result, components=(), faults=(), new_log_entries=())
    )
    node_parts = {c.uri for c in nodes.components}
    node_faults = {f.key for f in nodes.faults}
    node_entries = {e.uri or e.entry_id for e in nodes.new_log_entries}
    return replace(
        result,
        systems=(),
        components=tuple(
            c for c in result.components if c.uri not in node_parts and c.kind is not ComponentKind.SYSTEM
        ),
        faults=tuple(f for f in result.faults if f.key not in node_faults),
        new_log_entries=tuple(e for e in result.new_log_entries if (e.uri or e.entry_id) not in node_entries),
    )
