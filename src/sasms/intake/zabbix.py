"""Zabbix webhook media type → :class:`Alert`.

A Zabbix webhook sends whatever its media-type script builds; SASMS documents the parameters to
configure (docs/integrations/alerts.md) and the script forwards them as one JSON object of strings.
Unexpanded macros (``{INVENTORY.SERIALNO.A}`` when inventory is off) are treated as absent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sasms.intake.alerts import (
    MAX_BODY_BYTES,
    UNSTORABLE_MESSAGE,
    Alert,
    AlertStatus,
    Reader,
    Severity,
    ValidationError,
    label_fingerprint,
    load_json,
    normalise_severity,
    server_refs_from_labels,
    time_out_of_range,
    unstorable,
)

SOURCE = "zabbix"
_NSEVERITY = {
    "0": Severity.INFO,  # Not classified
    "1": Severity.INFO,  # Information
    "2": Severity.WARNING,  # Warning
    "3": Severity.WARNING,  # Average
    "4": Severity.CRITICAL,  # High
    "5": Severity.CRITICAL,  # Disaster
}
_MACRO = re.compile(r"^\{[A-Z0-9_.]+\}$")
_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$", re.I)


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if isinstance(value, bool) or value is None:
        return ""
    text = str(value).strip() if isinstance(value, str | int | float) else ""
    return "" if _MACRO.match(text) or text == "*UNKNOWN*" else text


def _zone(name: str, fallback: tzinfo) -> tzinfo | None:
    if not name:
        return fallback
    match = _OFFSET.match(name.strip())
    if match:
        sign = -1 if match.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0)))
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _when(
    reader: Reader, raw: Mapping[str, Any], prefix: str, zone: tzinfo | None, required: bool
) -> datetime | None:
    stamp = _text(raw, f"{prefix}_timestamp")
    if stamp:
        try:
            return _in_range(reader, f"{prefix}_timestamp", datetime.fromtimestamp(int(stamp), tz=UTC))
        except (ValueError, OverflowError, OSError):
            reader.error(f"{prefix}_timestamp", "value", "expected Unix seconds")
            return None
    day, clock = _text(raw, f"{prefix}_date"), _text(raw, f"{prefix}_time")
    if not day:
        if required:
            reader.error(f"{prefix}_date", "required", "this field is required (or an event_timestamp)")
        return None
    if zone is None:
        return None  # the time-zone error is already recorded
    try:
        # {EVENT.DATE} is yyyy.mm.dd and {EVENT.TIME} hh:mm:ss, in the Zabbix server's time zone.
        naive = datetime.strptime(f"{day.replace('-', '.')} {clock or '00:00:00'}", "%Y.%m.%d %H:%M:%S")
    except ValueError:
        reader.error(f"{prefix}_date", "value", "expected yyyy.mm.dd and hh:mm:ss")
        return None
    try:
        value = naive.replace(tzinfo=zone).astimezone(UTC)
    except OverflowError:
        reader.error(f"{prefix}_date", "value", "must not be more than a year in the future")
        return None
    return _in_range(reader, f"{prefix}_date", value)


def _in_range(reader: Reader, field: str, value: datetime) -> datetime | None:
    problem = time_out_of_range(value)
    if problem is not None:
        reader.error(field, "value", problem)
        return None
    return value


def _unstorable_fields(reader: Reader, raw: Mapping[str, Any]) -> None:
    """Every parameter is text SASMS may store; NUL and unpaired surrogates cannot be stored."""
    for key, value in raw.items():
        if (isinstance(value, str) and unstorable(value)) or unstorable(str(key)):
            reader.error(str(key), "value", UNSTORABLE_MESSAGE)


def _tags(reader: Reader, raw: Mapping[str, Any]) -> dict[str, str]:
    value = raw.get("event_tags")
    if value is None or (isinstance(value, str) and (not value.strip() or _MACRO.match(value.strip()))):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            reader.error("event_tags", "value", "expected {EVENT.TAGSJSON}: a JSON list of {tag, value}")
            return {}
    if not isinstance(value, list):
        reader.error("event_tags", "type", "expected a list of {tag, value}")
        return {}
    tags: dict[str, str] = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("tag"), str):
            reader.error(f"event_tags[{index}]", "type", "expected {tag, value}")
            continue
        text = str(item.get("value", ""))
        if unstorable(item["tag"]) or unstorable(text):
            reader.error(f"event_tags[{index}]", "value", UNSTORABLE_MESSAGE)
            continue
        tags[item["tag"]] = text
    return tags


def parse_zabbix(
    body: bytes | str | Mapping[str, Any], *, default_timezone: tzinfo = UTC, max_bytes: int = MAX_BODY_BYTES
) -> Alert:
    """One Zabbix problem or recovery notification. ``default_timezone`` is the Zabbix server's zone."""
    data: Any = body if isinstance(body, Mapping) else load_json(body, max_bytes=max_bytes)
    reader = Reader()
    raw = reader.obj(data, "$")
    reader.raise_if_errors()
    _unstorable_fields(reader, raw)
    reader.raise_if_errors()
    event_id = _text(raw, "event_id")
    if not event_id:
        reader.error("event_id", "required", "this field is required ({EVENT.ID})")
    name = _text(raw, "event_name") or _text(raw, "trigger_name")
    if not name:
        reader.error("event_name", "required", "this field is required ({EVENT.NAME})")
    value = _text(raw, "event_value") or {"PROBLEM": "1", "RESOLVED": "0", "OK": "0"}.get(
        _text(raw, "event_status").upper(), ""
    )
    if value not in ("0", "1"):
        reader.error("event_value", "value", "expected 1 (problem) or 0 (recovery), or event_status")
    zone = _zone(_text(raw, "event_timezone"), default_timezone)
    if zone is None:
        reader.error("event_timezone", "value", "unknown time zone")
    starts_at = _when(reader, raw, "event", zone, required=True)
    ends_at = _when(reader, raw, "event_recovery", zone, required=False) if value == "0" else None
    tags = _tags(reader, raw)
    if starts_at is None and not reader.errors:
        reader.error("event_date", "required", "this field is required (or an event_timestamp)")
    reader.raise_if_errors()
    if starts_at is None:  # pragma: no cover - recorded as an error just above; narrows the type
        raise ValidationError(reader.errors)

    host = _text(raw, "host_host")
    labels = {
        **tags,
        **{
            key: val
            for key, val in (
                ("host", host),
                ("hostname", _text(raw, "host_name")),
                ("host_ip", _text(raw, "host_ip")),
                ("serial", _text(raw, "inventory_serialno_a") or _text(raw, "inventory_serial")),
                ("asset_tag", _text(raw, "inventory_asset_tag")),
                ("bmc_address", _text(raw, "bmc_address") or _text(raw, "host_conn_ipmi")),
            )
            if val
        },
    }
    severity_text = _text(raw, "event_nseverity")
    severity = _NSEVERITY.get(severity_text) or normalise_severity(_text(raw, "event_severity"))
    trigger_id = _text(raw, "trigger_id")
    base_url = _text(raw, "zabbix_url").rstrip("/")
    url = (
        f"{base_url}/tr_events.php?triggerid={trigger_id}&eventid={event_id}"
        if base_url and trigger_id
        else ""
    )
    annotations = {
        key: val
        for key, val in (
            ("event_id", event_id),
            ("trigger_id", trigger_id),
            ("recovery_id", _text(raw, "event_recovery_id")),
        )
        if val
    }
    return Alert(
        source=SOURCE,
        status=AlertStatus.FIRING if value == "1" else AlertStatus.RESOLVED,
        name=name,
        severity=severity,
        summary=name,
        description=_text(raw, "event_opdata")
        or _text(raw, "trigger_description")
        or _text(raw, "alert_message"),
        labels=labels,
        annotations=annotations,
        starts_at=starts_at,
        ends_at=ends_at,
        # Trigger + host is the alert's identity across occurrences, like an Alertmanager label set.
        fingerprint=label_fingerprint({"host": host, "trigger": trigger_id or name}),
        url=url,
        component=tags.get("component", ""),
        server_refs=server_refs_from_labels(labels),
    )
