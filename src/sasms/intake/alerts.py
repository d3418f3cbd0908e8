"""The shape every monitoring source is translated into, plus the validation helpers they share.

Alertmanager, Zabbix and the generic JSON format each have their own adapter module; all of them
return :class:`Alert` values so the ticket wiring has one thing to de-duplicate and correlate:

* ``Alert.fingerprint`` identifies *the alert* (rule + target) across re-deliveries and re-fires;
* ``Alert.occurrence_key`` identifies *one firing* of it (fingerprint + start time): idempotency;
* ``Alert.incident_key`` identifies *the server* the alert is about, so an alert storm on one
  server becomes one request that lists its alerts.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

# Alert bodies are small (a grouped Alertmanager notification of 100 alerts is ~60 KB); anything far
# bigger is a misconfiguration or an attack and is refused before JSON parsing allocates it.
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_ALERTS = 1000
MAX_ERRORS = 50
# Text PostgreSQL cannot store (NUL) or UTF-8 cannot encode (unpaired surrogates, legal in JSON).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "must not contain NUL characters or unpaired surrogates"
# Alert times outside these bounds are a broken clock or a hostile sender; far-future times would
# also overflow the date arithmetic of SLA clocks and local-time display.
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
MAX_FUTURE = timedelta(days=366)


class AlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"
    UNKNOWN = "unknown"


_SEVERITY_WORDS: dict[str, Severity] = {
    **dict.fromkeys(
        ["critical", "crit", "disaster", "high", "emergency", "fatal", "page", "major", "p1", "p2",
         "紧急", "严重", "灾难"],
        Severity.CRITICAL,
    ),
    **dict.fromkeys(
        ["warning", "warn", "average", "minor", "medium", "error", "p3", "警告", "重要", "次要", "一般"],
        Severity.WARNING,
    ),
    **dict.fromkeys(
        ["info", "information", "informational", "notice", "low", "not classified", "none", "ok", "p4",
         "提示", "信息"],
        Severity.INFO,
    ),
}  # fmt: skip


def normalise_severity(value: str | None) -> Severity:
    if not value:
        return Severity.UNKNOWN
    return _SEVERITY_WORDS.get(value.strip().lower(), Severity.UNKNOWN)


@dataclass(frozen=True, slots=True)
class FieldError:
    path: str  # JSON path of the offending value, e.g. "alerts[2].labels.severity"
    code: str  # stable machine code: required, type, value, invalid_json, too_large, ...
    message: str


class ValidationError(ValueError):
    """Bad alert payload; ``errors`` names every offending field (an API answers 400 with them)."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in self.errors) or "invalid payload")

    def as_dict(self) -> list[dict[str, str]]:
        return [{"path": e.path, "code": e.code, "message": e.message} for e in self.errors]


@dataclass(frozen=True, slots=True)
class ServerRef:
    """One way to find the server in the CMDB; adapters list them strongest first."""

    kind: str  # serial | asset_tag | bmc | hostname | ip
    value: str


@dataclass(frozen=True)
class Alert:
    source: str
    status: AlertStatus
    name: str
    severity: Severity
    summary: str
    description: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    ends_at: datetime | None  # None while firing (Alertmanager's zero time means "not ended")
    fingerprint: str
    url: str = ""
    component: str = ""
    server_refs: tuple[ServerRef, ...] = field(default_factory=tuple)

    @property
    def occurrence_key(self) -> str:
        return f"{self.source}:{self.fingerprint}:{self.starts_at.isoformat()}"

    @property
    def incident_key(self) -> str:
        """``kind:value`` of the strongest server identifier, else the alert's own fingerprint."""
        if self.server_refs:
            ref = self.server_refs[0]
            return f"{ref.kind}:{ref.value}"
        return f"{self.source}:{self.fingerprint}"


def group_by_incident(alerts: Iterable[Alert]) -> dict[str, tuple[Alert, ...]]:
    """Alerts of one payload grouped per server incident (``incident_key``), order kept."""
    groups: dict[str, list[Alert]] = {}
    for alert in alerts:
        groups.setdefault(alert.incident_key, []).append(alert)
    return {key: tuple(items) for key, items in groups.items()}


# --- server identifiers from labels --------------------------------------------------------------
_SERIAL_KEYS = ("serial", "serial_number", "serialnumber", "sn", "system_serial", "chassis_serial",
                "product_serial", "inventory_serialno_a", "serialno")  # fmt: skip
_ASSET_KEYS = ("asset_tag", "assettag", "asset", "asset_id", "inventory_asset_tag")
_BMC_KEYS = (
    "bmc",
    "bmc_address",
    "bmc_ip",
    "bmc_host",
    "ipmi",
    "ipmi_address",
    "ipmi_ip",
    "ilo",
    "idrac",
    "xcc",
)
_HOST_KEYS = ("hostname", "host", "host_name", "nodename", "node", "server", "fqdn", "machine")
_IP_KEYS = ("ip", "host_ip", "address", "ip_address")
# Exporters that scrape the BMC itself (redfish_exporter, ipmi_exporter, …) put the BMC in `instance`.
_BMC_JOBS = re.compile(r"redfish|ipmi|bmc|idrac|ilo|snmp", re.I)
_BMC_NAME = re.compile(r"(?:^|[-_.])(?:bmc|ilo|idrac|ipmi|xcc|imm|mgmt|oob)(?:[-_.]|$)", re.I)
_HOSTNAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.:-]{0,252})$")
_PLACEHOLDER = re.compile(r"^\{[A-Z0-9_.]+\}$|^\*UNKNOWN\*$|^(?:n/?a|none|null|unknown|-|)$", re.I)


def _clean(value: str | None) -> str:
    """Empty for placeholders: unexpanded Zabbix macros, ``N/A``, ``unknown``."""
    text = (value or "").strip()
    return "" if _PLACEHOLDER.match(text) else text


def _host_of(instance: str) -> str:
    """Host part of ``host:port``, ``[v6]:port``, or a URL."""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", instance.strip(), flags=re.I).split("/", 1)[0]
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def server_refs_from_labels(labels: Mapping[str, str]) -> tuple[ServerRef, ...]:
    """Candidate server identifiers, strongest first: serial, asset tag, BMC, hostname, IP."""
    norm = {re.sub(r"[^a-z0-9]+", "_", k.lower()).strip("_"): _clean(v) for k, v in labels.items()}
    refs: list[ServerRef] = []

    def add(kind: str, value: str) -> None:
        # A display name ("GPU server 07") is no hostname; only DNS-like names identify a server.
        if not value or (kind in ("hostname", "bmc") and not _HOSTNAME.match(value)):
            return
        value = value.upper() if kind in ("serial", "asset_tag") else value.lower().rstrip(".")
        ref = ServerRef(kind, value)
        if ref not in refs:
            refs.append(ref)

    for kind, keys in (("serial", _SERIAL_KEYS), ("asset_tag", _ASSET_KEYS)):
        for key in keys:
            add(kind, norm.get(key, ""))
    for key in _BMC_KEYS:
        add("bmc", _host_of(norm.get(key, "")))
    instance = _host_of(norm.get("instance", ""))
    instance_is_bmc = bool(instance) and (
        bool(_BMC_JOBS.search(norm.get("job", ""))) or bool(_BMC_NAME.search(instance.split(".")[0]))
    )
    if instance_is_bmc:
        add("bmc", instance)
    for key in _HOST_KEYS:
        host = _host_of(norm.get(key, ""))
        add("ip" if _is_ip(host) else "hostname", host)
    if instance and not instance_is_bmc:
        add("ip" if _is_ip(instance) else "hostname", instance)
    for key in _IP_KEYS:
        add("ip", _host_of(norm.get(key, "")))
    return tuple(refs)


def label_fingerprint(labels: Mapping[str, str]) -> str:
    """Stable 16-hex-digit fingerprint of a label set (Alertmanager's own is also 16 hex digits)."""
    canonical = json.dumps(sorted(labels.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# --- validation helpers ---------------------------------------------------------------------------
def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def load_json(body: bytes | str, *, max_bytes: int = MAX_BODY_BYTES) -> Any:
    """Parse a request body, refusing oversize bodies, bad UTF-8, NaN/Infinity and absurd nesting."""
    size = len(body.encode() if isinstance(body, str) else body)
    if size > max_bytes:
        raise ValidationError([FieldError("$", "too_large", f"body is {size} bytes, limit {max_bytes}")])
    if isinstance(body, bytes):
        # JSON on the wire is UTF-8 (RFC 8259); json.loads would also guess UTF-16/32 from the bytes.
        try:
            body = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            detail = f"body is not UTF-8: {exc.reason}"
            raise ValidationError([FieldError("$", "invalid_encoding", detail)]) from exc
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise ValidationError([FieldError("$", "too_deep", "JSON nested too deeply")]) from exc
    except ValueError as exc:
        raise ValidationError([FieldError("$", "invalid_json", str(exc))]) from exc


def unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def time_out_of_range(value: datetime) -> str | None:
    """Why ``value`` is refused as an alert time, or ``None`` when it is plausible."""
    if value < EARLIEST_TIME:
        return "must not be before 1970-01-01"
    if value > datetime.now(UTC) + MAX_FUTURE:
        return "must not be more than a year in the future"
    return None


_GO_ZERO_YEAR = 1  # Go's zero time, 0001-01-01T00:00:00Z, means "unset"
_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})?$")


def parse_rfc3339(text: str) -> datetime | None:
    """Aware datetime; fractions beyond microseconds (Go's nanoseconds) are truncated; zero time → None.

    Raises ValueError for anything that is not RFC 3339 (a naive time is read as UTC).
    """
    match = _RFC3339.match(text.strip())
    if not match:
        raise ValueError(f"not an RFC 3339 time: {text[:40]!r}")
    day, clock, fraction, zone = match.groups()
    micro = (fraction or "0")[:6].ljust(6, "0")
    offset = "+00:00" if zone in (None, "Z", "z") else zone
    if len(offset) == 5:
        offset = offset[:3] + ":" + offset[3:]
    value = datetime.fromisoformat(f"{day}T{clock}.{micro}{offset}")
    if value.year == _GO_ZERO_YEAR:
        return None
    return value.astimezone(UTC)


class Reader:
    """Collects every field error of a payload instead of stopping at the first one."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def error(self, path: str, code: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(FieldError(path, code, message))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(path, "type", f"expected an object, got {_kind(value)}")
            return {}
        return value

    def string(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.error(where, "required", "this field is required")
            return ""
        if not isinstance(value, str):
            self.error(where, "type", f"expected a string, got {_kind(value)}")
            return ""
        if unstorable(value):
            self.error(where, "value", UNSTORABLE_MESSAGE)
            return ""
        if required and not value.strip():
            self.error(where, "blank", "this field must not be empty")
        return value

    def str_map(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> dict[str, str]:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.error(where, "required", "this field is required")
            return {}
        if not isinstance(value, dict):
            self.error(where, "type", f"expected an object of strings, got {_kind(value)}")
            return {}
        out: dict[str, str] = {}
        for name, item in value.items():
            if unstorable(name) or (isinstance(item, str) and unstorable(item)):
                self.error(f"{where}.{name}", "value", UNSTORABLE_MESSAGE)
            elif isinstance(item, str):
                out[name] = item
            elif isinstance(item, int | float) and not isinstance(item, bool):
                out[name] = str(item)  # a numeric label is harmless; keep it as text
            else:
                self.error(f"{where}.{name}", "type", f"expected a string, got {_kind(item)}")
        return out

    def time(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> datetime | None:
        text = self.string(data, key, path, required=required)
        if not text:
            return None
        where = f"{path}.{key}" if path else key
        try:
            value = parse_rfc3339(text)
        except ValueError as exc:
            self.error(where, "value", str(exc))
            return None
        problem = None if value is None else time_out_of_range(value)
        if problem is not None:
            self.error(where, "value", problem)
            return None
        return value

    def choice(self, data: Mapping[str, Any], key: str, path: str, choices: Iterable[str]) -> str:
        value = self.string(data, key, path)
        allowed = tuple(choices)
        if isinstance(data.get(key), str) and value not in allowed:
            self.error(f"{path}.{key}" if path else key, "value", f"must be one of {', '.join(allowed)}")
            return ""
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            self.error(where, "required", "this field is required")
            return []
        if not isinstance(value, list):
            self.error(where, "type", f"expected a list, got {_kind(value)}")
            return []
        if len(value) > MAX_ALERTS:
            self.error(where, "too_many", f"{len(value)} items, limit {MAX_ALERTS}")
            return []
        return value


def _kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number" if isinstance(value, int | float) else type(value).__name__
    )
