"""One health poll of one BMC: inventory, faults and new log entries since a cursor.

``poll_bmc`` opens a session with DMTF's ``redfish`` client, walks the tree and logs out; ``poll``
does the same over any :class:`Transport` (the ticket wiring and tests use ``poll_bmc``).
A BMC that cannot be reached or refuses the login raises :class:`RedfishError`; anything odd inside
the tree (missing links, error bodies, pages that do not load) is listed in ``PollResult.problems``
and the poll carries on with what it could read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sasms.intake.redfish.faults import (
    FaultSet,
    assign_incidents,
    component_faults,
    condition_faults,
    log_entry,
    log_faults,
    new_entries,
    rollup_faults,
)
from sasms.intake.redfish.fetch import ROOT, Reader, RedfishError, RedfishTransport, Transport
from sasms.intake.redfish.inventory import (
    Walk,
    component,
    conditions,
    system_info,
    uri_of,
    walk_chassis,
    walk_firmware,
    walk_system,
)
from sasms.intake.redfish.model import (
    Component,
    ComponentKind,
    Health,
    LogCursor,
    LogEntry,
    LogMark,
    PollResult,
    Problem,
)
from sasms.telemetry.extract import extract_readings

MAX_LOG_ENTRIES = 5000  # per service and poll: a SEL holds a few thousand at most


def poll_bmc(
    base_url: str,
    username: str,
    password: str,
    *,
    cursor: LogCursor | None = None,
    auth: str = "session",
    log_threshold: Health | None = None,
    log_thresholds: Mapping[str, str] | None = None,
    timeout: int = 10,
    max_retry: int = 2,
    cafile: str | None = None,
) -> PollResult:
    """Poll the BMC at ``base_url`` (``https://10.0.0.5``). ``auth`` is ``session`` or ``basic``.

    The TLS certificate is verified only when ``cafile`` is given — the DMTF client's behaviour,
    because BMCs ship self-signed certificates; pass the site's CA bundle wherever there is one.
    """
    transport = RedfishTransport(
        base_url, username, password, auth=auth, timeout=timeout, max_retry=max_retry, cafile=cafile
    )
    try:
        return poll(transport, cursor=cursor, log_threshold=log_threshold, log_thresholds=log_thresholds)
    finally:
        transport.close()


def poll(
    transport: Transport,
    *,
    cursor: LogCursor | None = None,
    log_threshold: Health | None = None,
    log_thresholds: Mapping[str, str] | None = None,
) -> PollResult:
    """``log_thresholds`` maps a registry (``ResourceEvent``, ``HpeIML``, ``*`` for the rest) to the
    lowest severity that counts (``Warning``, ``Critical`` or ``never``); ``log_threshold`` sets ``*``."""
    thresholds = dict(log_thresholds or {})
    if log_threshold is not None:
        thresholds["*"] = log_threshold.value
    cursor = cursor or LogCursor()
    problems: list[Problem] = []

    def note(code: str, detail: str) -> None:
        problem = Problem(code, detail)
        if problem not in problems:
            problems.append(problem)

    reader = Reader(transport, note)
    root = reader.get(ROOT)
    if root is None:
        raise RedfishError("no Redfish service root at /redfish/v1")
    walk = Walk()
    systems: list[tuple[str, dict[str, Any]]] = []
    for system in reader.collection(root, "Systems"):
        uri = uri_of(system, "")
        systems.append((uri, system))
        walk_system(reader, walk, system, uri)
    for chassis in reader.collection(root, "Chassis"):
        walk_chassis(reader, walk, chassis, uri_of(chassis, ""))
    managers = reader.collection(root, "Managers")
    for manager in managers:
        walk.add(ComponentKind.BMC, manager, uri_of(manager, ""))
    walk_firmware(reader, walk, root)
    if not systems:
        note("no_systems", "the service lists no computer system")

    found = FaultSet()
    component_faults(walk, found)
    for part in list(walk.components.values()):
        if part.kind in (ComponentKind.SYSTEM, ComponentKind.CHASSIS, ComponentKind.BMC):
            condition_faults(reader, walk, found, conditions(walk.resources.get(part.uri, {})), part.uri)
    service_conditions = reader.link(root, "ServiceConditions")
    if service_conditions is not None:
        items = service_conditions.get("Conditions")
        condition_faults(
            reader,
            walk,
            found,
            [c for c in items if isinstance(c, dict)] if isinstance(items, list) else [],
            ROOT,
        )
    rollup_faults(walk, systems, found)

    services = [
        s for owner in [*(s for _u, s in systems), *managers] for s in reader.collection(owner, "LogServices")
    ]
    fresh: list[LogEntry] = []
    history: list[LogEntry] = []
    marks: dict[str, LogMark] = dict(cursor.marks)
    for service in services:
        service_uri = uri_of(service, "")
        entries = [
            log_entry(service_uri, item, index, service)
            for index, item in enumerate(
                reader.members(reader.link(service, "Entries"), limit=MAX_LOG_ENTRIES)
            )
        ]
        new, mark = new_entries(service_uri, entries, cursor)
        fresh.extend(new)
        history.extend(entries)
        if mark is not None:
            marks[service_uri] = mark
    faults = assign_incidents(
        [*found, *log_faults(fresh, walk, found, thresholds, history=history)], walk.reflects
    )
    return PollResult(
        service_root={
            k: v for k, v in root.items() if k in ("RedfishVersion", "Product", "Vendor", "UUID", "Name")
        },
        systems=tuple(system_info(system, uri) for uri, system in systems),
        components=tuple(walk.components.values()),
        faults=tuple(faults),
        new_log_entries=tuple(fresh),
        cursor=LogCursor(since=cursor.since, marks=marks),
        problems=tuple(problems),
        telemetry=extract_readings(reader, walk),
    )


def _placeholder(walk: Walk, uri: str) -> Component:
    # A system reported as State Absent is not in the inventory but still needs a name for roll-ups.
    return component(ComponentKind.SYSTEM, walk.resources.get(uri, {}), uri)
