"""Telemetry readings from the Redfish documents one BMC poll walked (no Django here).

The poll's :class:`~sasms.intake.redfish.inventory.Walk` already holds every drive, DIMM, fan and
power supply resource, the chassis sensors and the redundancy groups it read; this module turns
them into :class:`Reading` values. Two documents the poll does not read are fetched here through
the poll's own reader, while its session is still open: a DIMM's ``MemoryMetrics`` (correctable and
uncorrectable ECC counts) and a power supply's ``Metrics`` (PowerSubsystem schema: input/output
watts). Old and new schemas are both read: ``Thermal``/``Power`` arrays and
``ThermalSubsystem``/``PowerSubsystem``/``Sensors``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sasms.intake.redfish.fetch import Reader
    from sasms.intake.redfish.inventory import Walk

# Redfish part kinds (``ComponentKind`` values) → telemetry kinds. The poller imports this module,
# so the Redfish helpers are imported when a poll runs, not here (no import cycle).
_KINDS = {"drive": "drive", "memory": "memory", "fan": "fan", "psu": "psu"}
logger = logging.getLogger(__name__)
MAX_METRIC_FETCHES = 256  # per poll: a large server has 32–48 DIMMs and 2–4 PSUs


@dataclass(frozen=True, slots=True)
class Reading:
    uri: str
    kind: str
    label: str
    part_model: str
    metric: str
    value: float


def number(value: Any) -> float | None:
    """A finite reading (BMCs send numbers, numeric strings, or null for "no reading")."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    elif isinstance(value, dict):  # {"Reading": 937.4, "DataSourceUri": …}
        return number(value.get("Reading"))
    else:
        return None
    return result if result == result and abs(result) != float("inf") else None


def extract_readings(reader: Reader, walk: Walk) -> tuple[Reading, ...]:
    """Every reading the poll's documents hold (plus DIMM and PSU metrics fetched now).

    Telemetry is a by-product of the health poll: whatever goes wrong here (a BMC that drops the
    connection while the metrics are read, an odd document) costs the readings, never the poll.
    """
    found: list[Reading] = []
    try:
        _extract(reader, walk, found)
    except Exception:
        logger.warning("telemetry readings of this poll are incomplete", exc_info=True)
    return tuple(_unique(found))


def _extract(reader: Reader, walk: Walk, found: list[Reading]) -> None:
    from sasms.intake.redfish.inventory import dig, is_predictive, oem_values, text

    budget = [MAX_METRIC_FETCHES]

    def metrics_of(resource: dict[str, Any]) -> dict[str, Any] | None:
        link = resource.get("Metrics")
        if not isinstance(link, dict) or budget[0] <= 0:
            return None
        budget[0] -= 1
        return reader.link(resource, "Metrics")

    for uri, part in walk.components.items():
        kind = _KINDS.get(str(part.kind))
        if kind is None:
            continue
        resource = walk.resources.get(uri, {})
        label = part.slot or part.name
        model = part.model or part.part_number

        def add(
            metric: str,
            value: float | None,
            *,
            uri: str = uri,
            kind: str = kind,
            label: str = label,
            model: str = model,
        ) -> None:
            if value is not None:
                found.append(Reading(uri, kind, label[:200], model[:200], metric, value))

        if kind in ("drive", "psu", "fan", "memory"):
            add("failure_predicted", 1.0 if is_predictive(resource) else 0.0)
        if kind == "drive":
            life = number(resource.get("PredictedMediaLifeLeftPercent"))
            if life is None:
                # HPE Smart Array SSDs report wear used instead of life left.
                used = next(
                    (number(v) for v in oem_values(resource, "SSDEnduranceUtilizationPercentage")), None
                )
                life = None if used is None else max(0.0, 100.0 - used)
            add("media_life_left", life)
        elif kind == "memory":
            metrics = metrics_of(resource) or {}
            for metric, key in (
                ("correctable_errors", "CorrectableECCErrorCount"),
                ("uncorrectable_errors", "UncorrectableECCErrorCount"),
            ):
                # The lifetime counter is monotonic; the current period resets, so it is second choice.
                value = number(dig(metrics, "LifeTime", key))
                add(metric, value if value is not None else number(dig(metrics, "CurrentPeriod", key)))
        elif kind == "fan":
            speed = resource.get("SpeedPercent")
            if isinstance(speed, dict):
                add("fan_rpm", number(speed.get("SpeedRPM")))
                add("fan_percent", number(speed.get("Reading")))
            else:
                units = text(resource.get("ReadingUnits")).lower()
                reading = number(resource.get("Reading"))
                add("fan_percent" if units.startswith("percent") else "fan_rpm", reading)
        elif kind == "psu":
            metrics = metrics_of(resource) or {}
            watts_in = number(metrics.get("InputPowerWatts")) or number(resource.get("PowerInputWatts"))
            watts_out = (
                number(metrics.get("OutputPowerWatts"))
                or number(resource.get("PowerOutputWatts"))
                or number(resource.get("LastPowerOutputWatts"))
            )
            add("psu_input_watts", watts_in)
            add("psu_output_watts", watts_out)
            efficiency = number(resource.get("EfficiencyPercent"))
            if efficiency is None and watts_in and watts_out is not None and watts_in > 0:
                efficiency = round(100.0 * watts_out / watts_in, 2)
            add("psu_efficiency", efficiency)

    for uri, name, health in walk.redundancy:
        if "power" in uri.lower() or "psu" in name.lower() or "power" in name.lower():
            ok = 0.0 if health.is_fault else 1.0
            found.append(Reading(uri, "chassis", name[:200], "", "psu_redundant", ok))
    for bay, _resource in walk.empty_bays:
        if "psu" in bay.name.lower() or "power" in bay.uri.lower():
            # A pulled or dead supply whose bay the BMC rates Warning: redundancy is lost.
            found.append(Reading(bay.uri, "chassis", bay.name[:200], "", "psu_redundant", 0.0))

    for sensor, resource in walk.sensors:
        if text(dig(resource, "Status", "State")).lower() == "absent":
            continue  # an empty sensor slot reads 0 °C: not a temperature
        celsius = number(resource.get("ReadingCelsius"))
        if celsius is None and text(resource.get("ReadingUnits")) in ("Cel", "C", "Celsius"):
            celsius = number(resource.get("Reading"))
        if celsius is not None:
            found.append(Reading(sensor.uri, "sensor", sensor.name[:200], "", "temperature", celsius))


def _unique(readings: list[Reading]) -> list[Reading]:
    seen: set[tuple[str, str]] = set()
    result = []
    for reading in readings:
        key = (reading.uri[:500], reading.metric)
        if key not in seen:
            seen.add(key)
            result.append(reading)
    return result
