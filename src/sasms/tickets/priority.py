"""Impact × urgency → priority, by a matrix that deployments may replace.

The default below follows the usual ITIL grid. A deployment overrides it with the setting
``SASMS_PRIORITY_MATRIX`` — a mapping ``{"<impact><urgency>": "P1".."P4"}`` with impact and
urgency each ``1`` (high), ``2`` (medium) or ``3`` (low); missing cells fall back to the default.
"""

from collections.abc import Mapping

from django.conf import settings

from sasms.tickets.choices import Level, Priority

DEFAULT_PRIORITY_MATRIX: Mapping[str, str] = {
    "11": Priority.P1,
    "12": Priority.P2,
    "13": Priority.P3,
    "21": Priority.P2,
    "22": Priority.P3,
    "23": Priority.P4,
    "31": Priority.P3,
    "32": Priority.P4,
    "33": Priority.P4,
}


def priority_matrix() -> dict[str, str]:
    override: Mapping[str, str] = getattr(settings, "SASMS_PRIORITY_MATRIX", {}) or {}
    matrix = {key: str(value) for key, value in DEFAULT_PRIORITY_MATRIX.items()}
    for key, value in override.items():
        if key in matrix and value in Priority.values:
            matrix[key] = value
    return matrix


def priority_for(*, impact: str, urgency: str) -> str:
    if impact not in Level.values or urgency not in Level.values:
        raise ValueError(f"impact and urgency must be one of {Level.values}")
    return priority_matrix()[f"{impact}{urgency}"]
