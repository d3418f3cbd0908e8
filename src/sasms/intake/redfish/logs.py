"""What a BMC log entry means: its registry, whether it is about security rather than hardware,
whether a later entry cleared it, and whether it reaches the threshold of its registry.

Redfish event-style entries name a registry in ``MessageId`` (``ResourceEvent.1.0.ResourceErrorsDetected``,
``Base.1.8.AccessDenied``, ``iDRAC.2.8.PSU0003``); vendor logs without one are recognised by their
record format (HPE IML/SL: ``OemRecordFormat`` with ``Oem.Hpe.Class``/``Code``) or entry type (IPMI SEL).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sasms.intake.redfish.model import Health, LogEntry

DEFAULT_REGISTRY = "*"
NEVER = "never"
# Minimum severity per registry for an entry to be a fault. Warning by default: an HPE IML
# "Drive Failure" is rated Caution (Warning), a ResourceEvent error is Warning. The Base and task
# registries speak about the Redfish service's own requests, not about hardware.
DEFAULT_THRESHOLDS: Mapping[str, str] = {
    DEFAULT_REGISTRY: Health.WARNING.value,
    "Base": NEVER,
    "TaskEvent": NEVER,
    "Task": NEVER,
    "Security": NEVER,
    "HeartbeatEvent": NEVER,
    "EventService": NEVER,
    "Update": Health.CRITICAL.value,
}
_RANK = {Health.OK: 0, Health.UNKNOWN: 0, Health.WARNING: 1, Health.CRITICAL: 2}

# Log services whose every entry is security or audit trail (HPE "SL", OpenBMC/Dell audit logs …).
_SECURITY_SERVICE = re.compile(r"(^|[^a-z])(sl|security|audit|auditlog|session|authlog)([^a-z]|$)", re.I)
# Words of MessageIds and texts that speak of access control, not of hardware.
_SECURITY_TEXT = re.compile(
    r"log[ -]?(in|on|off|out)\b|login|logon|password|passphrase|credential|privilege|authenticat|"
    r"unauthori[sz]ed|access denied|accessdenied|session|certificate|security state|user account|"
    r"account (created|deleted|modified|locked|disabled)|user .{0,40}(added|deleted|removed|modified)|"
    r"ssh key|ldap|kerberos|radius|two-factor|insufficientprivilege",
    re.I,
)
_SECURITY_SENSORS = {"session audit", "security", "platform security violation attempt"}
# Dell EEMI message-id prefixes of user, security, licence, configuration and audit events.
_DELL_AUDIT_PREFIXES = ("USR", "SEC", "RAC", "LOG", "LIC", "IPA", "JCP", "SWC", "CFG", "SYS", "SUP", "WRK")
# MessageIds (last segment) of an entry that clears an earlier one on the same resource.
_CLEARING = re.compile(
    r"(corrected|cleared|deasserted|restored|resolved|recovered|returned|normal|ok)$", re.I
)


def registry_of(entry: dict[str, Any], message_id: str, entry_type: str) -> str:
    """``ResourceEvent`` for ``ResourceEvent.1.0.X``; vendor formats and SEL where there is none."""
    head = message_id.split(".", 1)[0]
    if "." in message_id and head[:1].isalpha():
        return head
    record_format = entry.get("OemRecordFormat")
    if isinstance(record_format, str) and record_format.strip():
        return record_format.strip().replace("-", "")  # "Hpe-IML" → "HpeIML"
    return entry_type or "SEL"


def oem_message_id(entry: dict[str, Any]) -> str:
    """HPE IML/SL entries carry no MessageId; their class and code identify the event."""
    oem = entry.get("Oem")
    if not isinstance(oem, dict):
        return ""
    for block in oem.values():
        if isinstance(block, dict) and "Class" in block and "Code" in block:
            return f"{block.get('ClassDescription') or block['Class']}.{block['Code']}"
    return ""


def oem_categories(entry: dict[str, Any]) -> set[str]:
    oem = entry.get("Oem")
    found: set[str] = set()
    for block in oem.values() if isinstance(oem, dict) else []:
        categories = block.get("Categories") if isinstance(block, dict) else None
        if isinstance(categories, list):
            found.update(str(c).lower() for c in categories)
    return found


def is_security(entry: dict[str, Any], service: dict[str, Any], message_id: str, message: str) -> bool:
    """Security and audit entries: failed log-ins, privilege changes, certificate and session events."""
    purposes = service.get("LogPurposes")
    if isinstance(purposes, list) and {str(p).lower() for p in purposes} & {"security"}:
        return True
    service_names = " ".join(str(service.get(k) or "") for k in ("Id", "Name"))
    if _SECURITY_SERVICE.search(service_names):
        return True
    categories = oem_categories(entry)
    if categories and categories <= {"security", "administration", "maintenance", "configuration"}:
        return True
    if "security" in categories:
        return True
    sensor = str(entry.get("SensorType") or "").strip().lower()
    if sensor in _SECURITY_SENSORS:
        return True
    last = message_id.rsplit(".", 1)[-1]
    if last[:3].upper() in _DELL_AUDIT_PREFIXES and last[3:].isdigit():
        return True
    return bool(_SECURITY_TEXT.search(last) or _SECURITY_TEXT.search(message))


def threshold_for(registry: str, thresholds: Mapping[str, str]) -> str:
    lowered = {k.lower(): v for k, v in thresholds.items()}
    return str(lowered.get(registry.lower(), lowered.get(DEFAULT_REGISTRY, Health.WARNING.value)))


def reaches_threshold(entry: LogEntry, thresholds: Mapping[str, str]) -> bool:
    limit = threshold_for(entry.registry, thresholds)
    if limit.lower() == NEVER:
        return False
    return entry.severity.is_fault and _RANK[entry.severity] >= _RANK[Health.parse(limit)]


def _stem(message_id: str) -> str:
    return message_id.rsplit(".", 1)[-1]


def cleared(entries: Sequence[LogEntry]) -> set[str]:
    """Faulty entries that a later OK entry on the same resource cleared (``ResourceErrorsCorrected``
    after ``ResourceErrorsDetected``, ``CabinetLeakCleared`` after ``CabinetLeakDetected``)."""
    done: set[str] = set()
    clearing = [e for e in entries if not e.severity.is_fault and _CLEARING.search(_stem(e.message_id))]
    for entry in entries:
        if not entry.severity.is_fault or entry.created is None:
            continue
        for later in clearing:
            if (
                later.created is None
                or later.created < entry.created
                or later.service_uri != entry.service_uri
            ):
                continue
            if entry.origin_uri and later.origin_uri:
                if later.origin_uri != entry.origin_uri:
                    continue  # the same reading on another node (Node2's CPU0 power is not Node0's)
            elif not (later.message_args and later.message_args == entry.message_args):
                continue
            if later.message_args and entry.message_args and later.message_args != entry.message_args:
                continue  # the same resource, but another of its readings was cleared
            if later.registry == entry.registry:
                done.add(entry.uri or f"{entry.service_uri}#{entry.entry_id}")
                break
    return done
