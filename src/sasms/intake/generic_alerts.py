"""SASMS generic JSON alert format (docs/integrations/alerts.md) → :class:`Alert`.

For monitoring systems without a dedicated adapter: anything that can POST JSON can open requests.
The format is deliberately close to Alertmanager's alert object, with the server named explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sasms.intake.alerts import (
    MAX_BODY_BYTES,
    Alert,
    AlertStatus,
    Reader,
    label_fingerprint,
    load_json,
    normalise_severity,
    server_refs_from_labels,
)

SOURCE = "generic"
SUPPORTED_VERSION = "1"
_STATUSES = tuple(s.value for s in AlertStatus)
# Keys of the "server" object, mapped to the label names server_refs_from_labels understands.
_SERVER_KEYS = {
    "serial": "serial",
    "asset_tag": "asset_tag",
    "bmc_address": "bmc_address",
    "hostname": "hostname",
    "ip": "ip",
}


def parse_generic(
    body: bytes | str | Mapping[str, Any], *, max_bytes: int = MAX_BODY_BYTES
) -> tuple[Alert, ...]:
    """Validate a generic payload; raises :class:`ValidationError` naming every bad field."""
    data: Any = body if isinstance(body, Mapping) else load_json(body, max_bytes=max_bytes)
    reader = Reader()
    root = reader.obj(data, "$")
    reader.raise_if_errors()
    version = reader.string(root, "version", "")
    if version and version != SUPPORTED_VERSION:
        reader.error("version", "value", f"unsupported version {version!r}, expected {SUPPORTED_VERSION!r}")
    source = reader.string(root, "source", "", required=False) or SOURCE
    alerts: list[Alert] = []
    for index, item in enumerate(reader.items(root, "alerts", "")):
        alert = _alert(reader, item, f"alerts[{index}]", source)
        if alert is not None:
            alerts.append(alert)
    reader.raise_if_errors()
    return tuple(alerts)


def _alert(reader: Reader, item: Any, path: str, source: str) -> Alert | None:
    before = len(reader.errors)
    if not isinstance(item, dict):
        reader.obj(item, path)
        return None
    data: dict[str, Any] = item
    status = reader.choice(data, "status", path, _STATUSES)
    title = reader.string(data, "title", path)
    severity_text = reader.string(data, "severity", path, required=False)
    description = reader.string(data, "description", path, required=False)
    starts_at = reader.time(data, "started_at", path, required=True)
    ends_at = reader.time(data, "ended_at", path, required=False)
    alert_id = reader.string(data, "id", path, required=False)
    component = reader.string(data, "component", path, required=False)
    url = reader.string(data, "url", path, required=False)
    labels = reader.str_map(data, "labels", path)
    server = reader.str_map(data, "server", path)
    for key in server:
        if key not in _SERVER_KEYS:
            reader.error(f"{path}.server.{key}", "unknown", f"unknown key; use {', '.join(_SERVER_KEYS)}")
    if starts_at is None and len(reader.errors) == before:
        reader.error(f"{path}.started_at", "value", "started_at must be a real time")
    if len(reader.errors) > before or starts_at is None:
        return None
    # Explicit server keys outrank labels of the same meaning.
    ref_labels = {**labels, **{_SERVER_KEYS[k]: v for k, v in server.items()}}
    return Alert(
        source=source,
        status=AlertStatus(status),
        name=title,
        severity=normalise_severity(severity_text),
        summary=title,
        description=description,
        labels=labels,
        annotations={"id": alert_id} if alert_id else {},
        starts_at=starts_at,
        ends_at=ends_at if status == AlertStatus.RESOLVED else None,
        fingerprint=alert_id or label_fingerprint({**ref_labels, "title": title, "component": component}),
        url=url,
        component=component,
        server_refs=server_refs_from_labels(ref_labels),
    )
