"""Prometheus Alertmanager webhook (payload ``version: "4"``) → :class:`Notification` of :class:`Alert`.

Alertmanager re-sends the whole group on every ``group_interval`` change and ``repeat_interval``, so
the same alert arrives many times: de-duplicate on ``Alert.fingerprint`` / ``occurrence_key``, never
on the notification. One payload may mix firing and resolved alerts; the top-level ``status`` is
``firing`` while any alert still fires, so each alert's own status is what counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

SOURCE = "alertmanager"
SUPPORTED_VERSION = "4"
_STATUSES = tuple(s.value for s in AlertStatus)
# Labels that name the failed part rather than the server; first match wins.
_COMPONENT_KEYS = ("component", "device", "slot", "drive", "disk", "psu", "fan", "dimm", "cpu", "sensor")


@dataclass(frozen=True)
class Notification:
    version: str
    group_key: str
    status: AlertStatus
    receiver: str
    group_labels: Mapping[str, str]
    common_labels: Mapping[str, str]
    common_annotations: Mapping[str, str]
    external_url: str
    truncated_alerts: int
    alerts: tuple[Alert, ...]

    @property
    def firing(self) -> tuple[Alert, ...]:
        return tuple(a for a in self.alerts if a.status is AlertStatus.FIRING)

    @property
    def resolved(self) -> tuple[Alert, ...]:
        return tuple(a for a in self.alerts if a.status is AlertStatus.RESOLVED)


def parse_alertmanager(
    body: bytes | str | Mapping[str, Any], *, max_bytes: int = MAX_BODY_BYTES
) -> Notification:
    """Validate and translate one webhook body; raises :class:`ValidationError` naming every bad field."""
    data: Any = body if isinstance(body, Mapping) else load_json(body, max_bytes=max_bytes)
    reader = Reader()
    root = reader.obj(data, "$")
    reader.raise_if_errors()  # not an object: nothing else can be read
    version = reader.string(root, "version", "")
    if version and version != SUPPORTED_VERSION:
        reader.error("version", "value", f"unsupported version {version!r}, expected {SUPPORTED_VERSION!r}")
    status = reader.choice(root, "status", "", _STATUSES)
    receiver = reader.string(root, "receiver", "", required=False)
    group_key = reader.string(root, "groupKey", "")
    group_labels = reader.str_map(root, "groupLabels", "")
    common_labels = reader.str_map(root, "commonLabels", "")
    common_annotations = reader.str_map(root, "commonAnnotations", "")
    external_url = reader.string(root, "externalURL", "", required=False)
    truncated = root.get("truncatedAlerts", 0)
    if not isinstance(truncated, int) or isinstance(truncated, bool) or truncated < 0:
        reader.error("truncatedAlerts", "type", "expected a non-negative integer")
        truncated = 0
    alerts = [
        alert
        for index, item in enumerate(reader.items(root, "alerts", ""))
        if (alert := _alert(reader, item, f"alerts[{index}]")) is not None
    ]
    reader.raise_if_errors()
    return Notification(
        version=version,
        group_key=group_key,
        status=AlertStatus(status),
        receiver=receiver,
        group_labels=group_labels,
        common_labels=common_labels,
        common_annotations=common_annotations,
        external_url=external_url,
        truncated_alerts=truncated,
        alerts=tuple(alerts),
    )


def _alert(reader: Reader, item: Any, path: str) -> Alert | None:
    before = len(reader.errors)
    if not isinstance(item, dict):
        reader.obj(item, path)
        return None
    data: dict[str, Any] = item
    status = reader.choice(data, "status", path, _STATUSES)
    labels = reader.str_map(data, "labels", path, required=True)
    annotations = reader.str_map(data, "annotations", path)
    starts_at = reader.time(data, "startsAt", path, required=True)
    ends_at = reader.time(data, "endsAt", path, required=False)
    generator_url = reader.string(data, "generatorURL", path, required=False)
    fingerprint = reader.string(data, "fingerprint", path, required=False)
    if "startsAt" in data and starts_at is None and len(reader.errors) == before:
        reader.error(f"{path}.startsAt", "value", "startsAt must be a real time, not the zero time")
    if len(reader.errors) > before or starts_at is None:
        return None
    if not labels.get("alertname"):
        reader.error(f"{path}.labels.alertname", "required", "every alert needs an alertname label")
        return None
    component = next((labels[k] for k in _COMPONENT_KEYS if labels.get(k)), "")
    return Alert(
        source=SOURCE,
        status=AlertStatus(status),
        name=labels["alertname"],
        severity=normalise_severity(labels.get("severity") or labels.get("priority")),
        summary=annotations.get("summary") or annotations.get("title") or labels["alertname"],
        description=annotations.get("description") or annotations.get("message") or "",
        labels=labels,
        annotations=annotations,
        starts_at=starts_at,
        ends_at=ends_at,
        # Alertmanager always sends one; a hand-made payload without it still gets a stable identity.
        fingerprint=fingerprint or label_fingerprint(labels),
        url=generator_url,
        component=component,
        server_refs=server_refs_from_labels(labels),
    )
