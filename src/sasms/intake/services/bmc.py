"""Redfish BMC polls → requests for faults, notes for recoveries, the CMDB's component list.

A poll reads the BMC outside any transaction (it is slow and remote), then one transaction under
the server's lock applies it:

* **Faults** (Warning/Critical health, predictive failure, conditions, new critical log entries):
  a fault new to this BMC joins the open request of its part, or opens one naming the part (slot,
  model, part and serial number), priced by the entitlement, with the new log entries attached as a
  file. One open request per server and part: a fault seen again is only marked seen.
* **Recoveries**: an open fault whose part now reads healthy is closed with a note on its request.
* **Inventory**: reported parts are added to, updated in or (when the BMC stops reporting them)
  removed from the server's components through the assets services, as the intake robot.
"""

import datetime
import io
import logging
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.assets import services as asset_services
from sasms.assets.models import Component as CmdbComponent
from sasms.assets.models import ComponentKind as CmdbKind
from sasms.assets.models import Server
from sasms.core import secrets
from sasms.core.context import Origin, acting_from
from sasms.core.errors import ServiceError
from sasms.intake.actors import robot_actor
from sasms.intake.choices import AlertSeverity, FaultStatus, PollStatus
from sasms.intake.locks import server_lock
from sasms.intake.models import BmcComponent, BmcEndpoint, BmcFault
from sasms.intake.redfish import (
    Component,
    ComponentKind,
    Fault,
    FaultKind,
    Health,
    LogCursor,
    LogEntry,
    PollResult,
    RedfishError,
    RedfishTransport,
    poll_bmc,
)
from sasms.intake.redfish.identity import (
    check_identity,
    enclosure_of,
    enclosure_share,
    normalise_serial,
    scoped,
)
from sasms.intake.services.alerts import _retrying
from sasms.intake.services.bmc_identity import neighbours, verify_identity
from sasms.intake.services.classify import area_from_text, category_for, impact_for, urgency_for
from sasms.intake.services.common import audit, clip, require_configure
from sasms.intake.services.ticketing import robot_note
from sasms.telemetry.services import record_poll
from sasms.tickets.choices import OPEN_STATUSES, Channel, ComponentArea
from sasms.tickets.models import Ticket
from sasms.tickets.services import add_attachment, create_ticket

logger = logging.getLogger(__name__)

POLL_LEASE = datetime.timedelta(minutes=10)
EXCERPT_LINES = 200
SYSTEM_PART = "system"
_AREAS = {
    ComponentKind.DRIVE: ComponentArea.DISK,
    ComponentKind.MEMORY: ComponentArea.MEMORY,
    ComponentKind.PSU: ComponentArea.PSU,
    ComponentKind.FAN: ComponentArea.FAN,
    ComponentKind.CPU: ComponentArea.CPU,
    ComponentKind.NIC: ComponentArea.NIC,
    ComponentKind.STORAGE_CONTROLLER: ComponentArea.RAID,
    ComponentKind.BMC: ComponentArea.BMC,
    ComponentKind.FIRMWARE: ComponentArea.FIRMWARE,
    ComponentKind.VOLUME: ComponentArea.DISK,
    ComponentKind.EMPTY_BAY: ComponentArea.PSU,
    ComponentKind.SYSTEM: ComponentArea.MAINBOARD,
    ComponentKind.CHASSIS: ComponentArea.MAINBOARD,
}
_CMDB_KINDS = {
    ComponentKind.CPU: CmdbKind.CPU,
    ComponentKind.MEMORY: CmdbKind.DIMM,
    ComponentKind.DRIVE: CmdbKind.DISK,
    ComponentKind.PSU: CmdbKind.PSU,
    ComponentKind.FAN: CmdbKind.FAN,
    ComponentKind.NIC: CmdbKind.NIC,
    ComponentKind.STORAGE_CONTROLLER: CmdbKind.RAID,
    ComponentKind.BMC: CmdbKind.BMC,
    ComponentKind.GPU: CmdbKind.GPU,
    ComponentKind.FIRMWARE: CmdbKind.FIRMWARE,
}
_SEVERITY = {Health.CRITICAL: AlertSeverity.CRITICAL, Health.WARNING: AlertSeverity.WARNING}


@dataclass
class BmcPoll:
    endpoint: str
    status: str = PollStatus.NEVER
    busy: bool = False
    error: str = ""
    requests_opened: list[str] = field(default_factory=list)
    requests_updated: list[str] = field(default_factory=list)
    new_faults: int = 0
    recovered: int = 0
    inventory: dict[str, int] = field(
        default_factory=lambda: {"added": 0, "updated": 0, "replaced": 0, "removed": 0}
    )


def _ca_bundle() -> str | None:
    configured = getattr(settings, "SASMS_BMC_CA_BUNDLE", "")
    return str(configured) if configured else ssl.get_default_verify_paths().cafile


def poll_endpoint(endpoint: BmcEndpoint, *, timeout: int = 10, max_retry: int = 2) -> BmcPoll:
    """Poll one BMC now (unless another poller holds it) and apply what it reports."""
    outcome = BmcPoll(endpoint=endpoint.address)
    now = timezone.now()
    taken = (
        BmcEndpoint.objects.filter(pk=endpoint.pk, is_active=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + POLL_LEASE)
    )
    if not taken:
        outcome.busy = True
        return outcome
    endpoint = BmcEndpoint.objects.select_related("server", "server__organisation").get(pk=endpoint.pk)
    fields: dict[str, Any] = {"last_polled_at": now, "lease_until": None}
    try:
        cursor = (
            LogCursor.from_json(endpoint.log_cursor)
            if endpoint.log_cursor
            else LogCursor(since=endpoint.log_since)
        )
        result = poll_bmc(
            endpoint.base_url,
            endpoint.username,
            secrets.decrypt(endpoint.password_encrypted),
            cursor=cursor,
            auth=endpoint.auth,
            timeout=timeout,
            max_retry=max_retry,
            cafile=_ca_bundle() if endpoint.verify_tls and endpoint.scheme == "https" else None,
            log_thresholds=log_thresholds(),
        )
    except RedfishError as exc:
        outcome.status, outcome.error = PollStatus.UNREACHABLE, str(exc)
    except (secrets.SecretError, ValueError) as exc:
        outcome.status, outcome.error = PollStatus.ERROR, str(exc)
    else:
        with acting_from(Origin(channel="intake")):
            _retrying(lambda: apply_poll(endpoint, result, outcome))
        if outcome.status != PollStatus.MISMATCH:  # a refused poll read nothing: the log stays unread
            record_poll(endpoint.server, result.telemetry)  # type: ignore[arg-type]
            fields.update(
                last_success_at=now,
                log_cursor=result.cursor.to_json(),
                last_problems=[{"code": p.code, "detail": p.detail} for p in result.problems][:50],
            )
    finally:
        fields.update(
            last_status=outcome.status,
            last_error=outcome.error[:2000],
            next_poll_at=now + datetime.timedelta(minutes=endpoint.poll_interval_minutes),
        )
        BmcEndpoint.objects.filter(pk=endpoint.pk).update(**fields)
    return outcome


def log_thresholds() -> dict[str, str]:
    """``SASMS_BMC_LOG_THRESHOLDS``: registry → lowest severity that is a fault (``*`` for the rest),
    e.g. ``{"*": "Warning", "HpeIML": "Critical", "Base": "never"}``; unset registries keep the defaults."""
    configured = getattr(settings, "SASMS_BMC_LOG_THRESHOLDS", None)
    return {str(k): str(v) for k, v in configured.items()} if isinstance(configured, dict) else {}


def poll_due_endpoints(*, now: datetime.datetime | None = None, limit: int = 50) -> list[BmcPoll]:
    now = now or timezone.now()
    due = (
        BmcEndpoint.objects.filter(is_active=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by("next_poll_at", "pk")[:limit]
    )
    return [poll_endpoint(e) for e in due]


# --- Applying a poll --------------------------------------------------------------------------------


def part_key(fault: Fault) -> str:
    """The real fault an observation belongs to: one open request per server and incident.

    The poll groups a part's health, its conditions and the log entries describing it into one
    incident (by serial where the BMC shows one device through several resources)."""
    if fault.incident:
        return fault.incident
    if fault.kind is not FaultKind.ROLLUP and fault.component is not None:
        return fault.component.uri
    if fault.log_entry is not None:
        return SYSTEM_PART
    if fault.component is not None and fault.component.kind is ComponentKind.SYSTEM:
        return SYSTEM_PART
    return fault.source_uri


@transaction.atomic
def apply_poll(endpoint: BmcEndpoint, reported: PollResult, outcome: BmcPoll) -> None:
    """Write what the BMC reported — only after it proved to be the server's own (else nothing)."""
    server_lock(endpoint.server_id)
    # The serial as it is now, under the lock: it may have been corrected since the poll began.
    server = Server.objects.select_related("organisation").get(pk=endpoint.server_id)
    endpoint.server = server
    fresh_outcome = BmcPoll(endpoint=outcome.endpoint)  # a retried attempt starts counting afresh
    outcome.__dict__.update(fresh_outcome.__dict__)
    now = timezone.now()
    robot = robot_actor()
    result, refusal = verify_identity(endpoint=endpoint, server=server, result=reported, robot=robot, now=now)
    if result is None:
        outcome.status, outcome.error = PollStatus.MISMATCH, refusal
        return
    targets = [(server, result), *neighbours(server=server, reported=reported)]
    for other, _part in sorted(targets[1:], key=lambda t: t[0].pk):
        server_lock(other.pk)
    enclosure = _enclosure(endpoint, server, reported, [t[0] for t in targets], robot)
    if enclosure is not None:
        # The shared chassis is an asset of its own: its power, fans, manager and their faults
        # are filed on it, and the registered server keeps only its own node's share.
        server_lock(enclosure.pk)
        identity = check_identity(reported, serial=server.serial, known_uuid=endpoint.system_uuid)
        targets[0] = (server, scoped(reported, identity, shared=False))
        share = enclosure_share(reported)
        targets.append((enclosure, share))
        # Faults filed on the registered server before the enclosure was an asset stay open (and on
        # their request) as the enclosure's: not "recovered" on the node, not reopened as new.
        BmcFault.objects.filter(
            endpoint=endpoint, status=FaultStatus.OPEN, key__in=[f.key[:700] for f in share.faults]
        ).exclude(server=enclosure).update(server=enclosure)
    fresh_faults = False
    for target, part in targets:
        fresh_faults |= _apply_to(endpoint, target, part, robot, now, outcome)
    still_open = BmcFault.objects.filter(endpoint=endpoint, status=FaultStatus.OPEN).exists()
    outcome.status = PollStatus.FAULT if still_open or fresh_faults else PollStatus.OK


def _enclosure(
    endpoint: BmcEndpoint, server: Server, reported: PollResult, nodes: list[Server], robot: Any
) -> Server | None:
    """The enclosure asset of a blade or multi-node BMC (registered on first sight), or ``None``
    when the BMC manages an ordinary server, or the BMC is registered on the enclosure itself."""
    chassis = enclosure_of(reported)
    if chassis is None:
        return None
    try:
        enclosure = asset_services.register_enclosure(
            actor=robot,
            organisation=server.organisation,
            vendor=server.vendor,
            serial=clip(chassis.serial_number, 64),
            model_name=chassis.model or chassis.name,
            nodes=nodes,
        )
    except ServiceError as exc:  # e.g. the serial belongs to another customer's asset
        logger.warning(
            "BMC %s: enclosure %s not registered: %s", endpoint.address, chassis.serial_number, exc
        )
        return None
    if enclosure.pk == server.pk:
        server.kind = enclosure.kind
        return None
    return enclosure


def _apply_to(
    endpoint: BmcEndpoint,
    server: Server,
    result: PollResult,
    robot: Any,
    now: datetime.datetime,
    outcome: BmcPoll,
) -> bool:
    """One server's share of the poll: its parts, its faults, its recoveries. Whether a fault was new."""
    sync_inventory(endpoint, result, robot, outcome, server=server)
    open_rows = {
        row.key: row
        for row in BmcFault.objects.filter(endpoint=endpoint, server=server, status=FaultStatus.OPEN)
    }
    current = {fault.key: fault for fault in result.faults}
    seen = [row.pk for key, row in open_rows.items() if key in current]
    BmcFault.objects.filter(pk__in=seen).update(last_seen_at=now)
    fresh = [fault for key, fault in current.items() if key not in open_rows and not _logged(endpoint, fault)]
    groups: dict[str, list[Fault]] = {}
    for fault in fresh:
        groups.setdefault(part_key(fault), []).append(fault)
    for key, faults in groups.items():
        _file_faults(endpoint, server, key, faults, result, robot, now, outcome)
    _recoveries(endpoint, open_rows, current, result, now, outcome)
    return bool(fresh)


def _logged(endpoint: BmcEndpoint, fault: Fault) -> bool:
    """A log entry already filed (a cursor reset re-reads a log): never twice."""
    return (
        fault.kind is FaultKind.LOG
        and BmcFault.objects.filter(endpoint=endpoint, key=fault.key[:700]).exists()
    )


def _message(fault: Fault) -> str:
    if fault.kind is FaultKind.ROLLUP:
        return _("Health degraded, cause not identified")
    return fault.message


def _part_label(part: Component | None, fallback: str) -> str:
    if part is None:
        return fallback
    if part.slot and part.slot.lower() not in part.name.lower():
        return f"{part.name} ({part.slot})"
    return part.name


def _part_lines(part: Component) -> list[str]:
    rows = [
        (_("Part"), str(part.kind)),
        (_("Name"), part.name),
        (_("Slot"), part.slot),
        (_("Manufacturer"), part.manufacturer),
        (_("Model"), part.model),
        (_("Part number"), part.part_number),
        (_("Serial number"), part.serial_number),
        (_("Firmware"), part.firmware),
        (_("Health"), part.health.value + (f", {part.state}" if part.state else "")),
        (_("Redfish resource"), part.uri),
    ]
    return [f"{label}: {value}" for label, value in rows if value]


def _severity(faults: Sequence[Fault]) -> str:
    return (
        AlertSeverity.CRITICAL
        if any(f.severity is Health.CRITICAL for f in faults)
        else AlertSeverity.WARNING
    )


def _excerpt(
    endpoint: BmcEndpoint, server: Server, entries: Sequence[LogEntry], now: datetime.datetime
) -> bytes:
    title, read_at = _("BMC log excerpt"), _("Read at")
    lines = [
        f"# {title}: {server.serial} {server.hostname} · {endpoint.base_url}",
        f"# {read_at}: {timezone.localtime(now):%Y-%m-%d %H:%M:%S %Z}",
        "",
    ]
    ordered = sorted(entries, key=lambda e: e.created or datetime.datetime.min.replace(tzinfo=datetime.UTC))
    lines.extend(f"{e.service_uri} | {e.excerpt}" for e in ordered[-EXCERPT_LINES:])
    return ("\n".join(lines) + "\n").encode("utf-8")


def _file_faults(
    endpoint: BmcEndpoint,
    server: Server,
    key: str,
    faults: list[Fault],
    result: PollResult,
    robot: Any,
    now: datetime.datetime,
    outcome: BmcPoll,
) -> None:
    part = next(
        (
            f.component
            for f in faults
            if f.component is not None and key != SYSTEM_PART and f.kind is not FaultKind.ROLLUP
        ),
        None,
    )
    existing = (
        BmcFault.objects.filter(
            endpoint=endpoint, server=server, component_key=key[:500], ticket__status__in=OPEN_STATUSES
        )
        .select_related("ticket")
        .order_by("-first_seen_at")
        .first()
    )
    ticket = existing.ticket if existing is not None else None
    severity = _severity(faults)
    label = _part_label(part, _("System"))
    fault_lines = [f"- [{f.severity.value}] {f.kind.value}: {_message(f)}" for f in faults]
    fault_lines.extend(f"  · {line}" for f in faults for line in f.evidence)
    if ticket is None:
        area = str(_AREAS.get(part.kind, "")) if part is not None else ""
        area = area or area_from_text(part.name if part else "", *(f.message for f in faults))
        header = _("The BMC at %(address)s reports:") % {"address": endpoint.address}
        body = [header, *fault_lines, ""]
        if part is not None:
            body.extend(_part_lines(part))
        ticket = create_ticket(
            actor=None,
            organisation=server.organisation,
            server=server,
            title=clip(f"{label}: {_message(faults[0])}", 200),
            description="\n".join(body),
            channel=Channel.BMC,
            category=category_for(area),
            component=area,
            impact=impact_for(server, now),
            urgency=urgency_for(severity),
        )
        outcome.requests_opened.append(ticket.number)
    else:
        robot_note(
            ticket,
            _("The BMC reports further faults on %(part)s:") % {"part": label}
            + "\n"
            + "\n".join(fault_lines),
        )
        outcome.requests_updated.append(ticket.number)
    for fault in faults:
        component = fault.component
        BmcFault.objects.create(
            endpoint=endpoint,
            server=server,
            ticket=ticket,
            key=fault.key[:700],
            component_key=key[:500],
            component_kind=str(component.kind) if component else "",
            component_name=clip(component.name, 200) if component else "",
            slot=clip(component.slot, 120) if component else "",
            part_number=clip(component.part_number, 120) if component else "",
            serial=clip(component.serial_number, 120) if component else "",
            model=clip(component.model, 200) if component else "",
            kind=fault.kind.value,
            severity=fault.severity.value,
            message=fault.message[:4000],
            message_id=fault.message_id[:200],
            status=FaultStatus.LOGGED if fault.kind is FaultKind.LOG else FaultStatus.OPEN,
            first_seen_at=now,
            last_seen_at=now,
        )
    outcome.new_faults += len(faults)
    entries = [f.log_entry for f in faults if f.log_entry is not None] or [
        e for e in result.new_log_entries if not e.security
    ]
    if entries:
        name = f"bmc-log-{server.serial}-{timezone.localtime(now):%Y%m%d-%H%M%S}.txt"
        try:
            add_attachment(
                actor=robot,
                ticket=ticket,
                name=name,
                content=io.BytesIO(_excerpt(endpoint, server, entries, now)),
                internal=True,
            )
        except ServiceError as exc:  # e.g. the tickets app's size limit
            logger.warning("BMC log excerpt not attached to %s: %s", ticket.number, exc.message)


def _recoveries(
    endpoint: BmcEndpoint,
    open_rows: dict[str, BmcFault],
    current: dict[str, Fault],
    result: PollResult,
    now: datetime.datetime,
    outcome: BmcPoll,
) -> None:
    """Open faults that are gone *and* whose part was read healthy (a part that could not be read
    this time has not recovered, it is only unknown)."""
    parts = {c.uri: c for c in result.components}
    recovered: dict[int, list[BmcFault]] = {}
    for key, row in open_rows.items():
        if key in current:
            continue
        part = parts.get(row.component_key) or parts.get(_uri_in_key(row.key))
        if part is not None:
            healthy = part.health is Health.OK and not part.failure_predicted
        else:  # a sensor or a condition's origin: gone from the faults of a poll that read its place
            healthy = not unread(_uri_in_key(row.key) or row.component_key, result.problems)
        if not healthy:
            continue
        BmcFault.objects.filter(pk=row.pk).update(status=FaultStatus.RECOVERED, recovered_at=now)
        outcome.recovered += 1
        if row.ticket_id is not None:
            recovered.setdefault(row.ticket_id, []).append(row)
    serial = _("serial")
    for ticket in Ticket.objects.filter(pk__in=recovered, status__in=OPEN_STATUSES).order_by("pk"):
        lines = [
            f"- {row.component_name or row.component_key}"
            + (f" ({row.slot})" if row.slot else "")
            + (f", {serial} {row.serial}" if row.serial else "")
            + f": {row.message}"
            for row in recovered[ticket.pk]
        ]
        robot_note(ticket, _("The BMC reads these parts as healthy again:") + "\n" + "\n".join(lines))
        outcome.requests_updated.append(ticket.number)


# --- Inventory ---------------------------------------------------------------------------------------


def _cmdb_fields(part: Component) -> dict[str, str]:
    description = " ".join(p for p in (part.manufacturer, part.model) if p) or part.name
    return {
        "part_number": clip(part.part_number, 64),
        "serial": clip(part.serial_number, 64),
        "slot": clip(part.slot, 40),
        "firmware": clip(part.firmware, 60),
        "description": clip(description, 200),
    }


def sync_inventory(
    endpoint: BmcEndpoint, result: PollResult, robot: Any, outcome: BmcPoll, *, server: Server | None = None
) -> None:
    """Bring the server's components in line with what the BMC reports (its own parts only)."""
    server = server or endpoint.server
    links = BmcComponent.objects.filter(endpoint=endpoint, component__server=server)
    mapped = {m.uri: m for m in links.select_related("component")}
    reported_kinds: set[str] = set()
    handled_serials: set[tuple[str, str]] = set()
    seen_uris: set[str] = set()
    for part in result.components:
        kind = _CMDB_KINDS.get(part.kind)
        if kind is None:
            continue
        values = _cmdb_fields(part)
        # Placeholder serials ("00000000000000" on every GPU of a Cray blade) identify nothing.
        identity = (str(kind), normalise_serial(values["serial"]))
        if identity[1] and identity in handled_serials:
            continue  # the same part linked twice by the BMC
        handled_serials.add(identity)
        reported_kinds.add(str(kind))
        seen_uris.add(part.uri)
        link = mapped.get(part.uri)
        component = link.component if link is not None and link.component.removed_at is None else None
        if component is None:
            component = _adopt(server, kind, values)
            if component is None:
                component = asset_services.add_component(actor=robot, server=server, kind=kind, **values)
                outcome.inventory["added"] += 1
            BmcComponent.objects.update_or_create(
                endpoint=endpoint, uri=part.uri[:500], defaults={"component": component}
            )
        if values["serial"] and component.serial and values["serial"].upper() != component.serial.upper():
            replacement = asset_services.replace_component(
                actor=robot,
                component=component,
                reason=_("The BMC reports another part in this place (serial %(serial)s).")
                % {"serial": values["serial"]},
                part_number=values["part_number"],
                serial=values["serial"],
                slot=values["slot"],
                firmware=values["firmware"],
                description=values["description"],
            )
            BmcComponent.objects.filter(endpoint=endpoint, uri=part.uri[:500]).update(component=replacement)
            outcome.inventory["replaced"] += 1
            continue
        changes = {k: v for k, v in values.items() if v and getattr(component, k) != v}
        if changes:
            asset_services.update_component(actor=robot, component=component, **changes)
            outcome.inventory["updated"] += 1
    for uri, link in mapped.items():
        if uri in seen_uris or link.component.removed_at is not None:
            continue
        if link.component.kind not in reported_kinds or unread(uri, result.problems):
            continue  # not read this time (nothing of its kind, or its place failed): unknown, not gone
        asset_services.remove_component(
            actor=robot, component=link.component, reason=_("No longer reported by the BMC.")
        )
        link.delete()
        outcome.inventory["removed"] += 1


def _uri_in_key(key: str) -> str:
    """The resource of a status fault's key (``health:/redfish/v1/…:MessageId``)."""
    _kind, _sep, rest = key.partition(":")
    return rest.rsplit(":", 1)[0] if rest.startswith("/") else ""


def unread(uri: str, problems: Sequence[Any]) -> bool:
    """Whether a problem of the poll (a page or resource that failed) covers ``uri`` or its collection."""
    base = uri.split("#", 1)[0]
    parent = base.rsplit("/", 1)[0]
    for problem in problems:
        if getattr(problem, "code", "") in ("request_budget_exhausted", "no_systems"):
            return True  # the walk stopped early: anything may be missing
        failed = str(getattr(problem, "detail", "")).split("?", 1)[0].split(" ", 1)[0]
        if failed and (base.startswith(failed) or failed.startswith(parent)):
            return True
    return False


def _adopt(server: Server, kind: str, values: dict[str, str]) -> CmdbComponent | None:
    """A component entered before the BMC was registered: same serial, else same empty-serial slot."""
    installed = CmdbComponent.objects.filter(server=server, kind=kind, removed_at__isnull=True)
    taken = BmcComponent.objects.filter(component__server=server).values("component_id")
    installed = installed.exclude(pk__in=taken)
    if values["serial"]:
        found = installed.filter(serial__iexact=values["serial"]).first()
        if found is not None:
            return found
    if values["slot"]:
        return installed.filter(slot__iexact=values["slot"], serial="").first()
    return None


# --- Push: the BMC's EventService -------------------------------------------------------------------


def push_destination(endpoint: BmcEndpoint) -> str:
    """The address the BMC delivers this endpoint's events to."""
    return settings.SASMS_BASE_URL.rstrip("/") + reverse("intake:bmc_events", args=[endpoint.pk])


def _event_transport(endpoint: BmcEndpoint, timeout: int) -> RedfishTransport:
    return RedfishTransport(
        endpoint.base_url,
        endpoint.username,
        secrets.decrypt(endpoint.password_encrypted),
        auth=endpoint.auth,
        timeout=timeout,
        max_retry=1,
        cafile=_ca_bundle() if endpoint.verify_tls and endpoint.scheme == "https" else None,
    )


def subscribe_events(*, actor: Any, endpoint: BmcEndpoint, timeout: int = 10) -> str:
    """Subscribe SASMS to the BMC's events: a fresh push token is the subscription's ``Context``.

    Each delivery then makes the BMC due for a poll at once (the push view checks the Context), so a
    pushed fault is read, grouped and de-duplicated exactly like a polled one. Returns the URI of
    the subscription on the BMC; raises :class:`RedfishError` (with the BMC's own reason) when the
    BMC cannot be reached or refuses — then the push token in use stays as it was.
    """
    from sasms.intake.redfish.events import subscribe
    from sasms.intake.services.config import issue_bmc_push_token

    require_configure(actor)
    destination = push_destination(endpoint)
    transport = _event_transport(endpoint, timeout)
    try:
        # The token is issued only once the BMC is reachable and logged in; a refusal rolls it back.
        with transaction.atomic():
            issued = issue_bmc_push_token(actor=actor, endpoint=endpoint)
            uri = subscribe(transport, destination=destination, context=issued.token)
            audit(
                actor,
                "bmc.subscribe",
                issued.endpoint,
                {"subscription": [None, uri], "destination": [None, destination]},
                issued.endpoint.server.organisation,
            )
    finally:
        transport.close()
    return uri


def unsubscribe_events(*, actor: Any, endpoint: BmcEndpoint, timeout: int = 10) -> list[str]:
    """Delete SASMS's subscriptions on the BMC and retire the push token (later deliveries are refused).

    Returns the URIs deleted (empty when there was none); other tools' subscriptions stay.
    """
    from sasms.intake.redfish.events import unsubscribe

    require_configure(actor)
    transport = _event_transport(endpoint, timeout)
    try:
        deleted = unsubscribe(transport, destination=push_destination(endpoint))
    finally:
        transport.close()
    with transaction.atomic():
        row = BmcEndpoint.objects.select_for_update(of=("self",)).select_related("server").get(pk=endpoint.pk)
        before = row.push_token_prefix
        row.push_token_prefix, row.push_token_digest = "", None
        row.save(update_fields=["push_token_prefix", "push_token_digest"])
        audit(
            actor,
            "bmc.unsubscribe",
            row,
            {"subscriptions": [deleted, []], "push_token": [before + "…" if before else None, None]},
            row.server.organisation,
        )
    return deleted


def event_subscriptions(*, actor: Any, endpoint: BmcEndpoint, timeout: int = 10) -> list[Any]:
    """The subscriptions the BMC holds now, SASMS's own marked (read from the BMC, nothing stored)."""
    from sasms.intake.redfish.events import subscriptions

    require_configure(actor)
    transport = _event_transport(endpoint, timeout)
    try:
        return list(subscriptions(transport, destination=push_destination(endpoint)))
    finally:
        transport.close()
