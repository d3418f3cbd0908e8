"""The dispatch policy a service manager edits: factor weights, travel model, auto-dispatch."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.audit import record_audit
from sasms.core.errors import ServiceError
from sasms.core.writes import apply_changes
from sasms.dispatch.access import require_policy_editor
from sasms.dispatch.choices import BUILTIN_FACTORS, CertificationPolicy
from sasms.dispatch.factors import external_factors
from sasms.dispatch.locks import lock_settings
from sasms.dispatch.models import DispatchSettings
from sasms.dispatch.selectors import clear_settings_cache
from sasms.tickets.choices import Priority

SETTINGS_FIELDS = (
    *(f"weight_{key}" for key in BUILTIN_FACTORS),
    "external_weights",
    "road_factor",
    "average_speed_kmh",
    "travel_half_minutes",
    "position_max_age_hours",
    "ftfr_window_days",
    "horizon_hours",
    "max_travel_km",
    "max_travel_minutes",
    "certification_policy",
    "auto_dispatch_priorities",
)
# (low, high) of each number a manager may set.
RANGES: dict[str, tuple[float, float]] = {
    **{f"weight_{key}": (0.0, 10.0) for key in BUILTIN_FACTORS},
    "road_factor": (1.0, 3.0),
    "average_speed_kmh": (5.0, 150.0),
    "travel_half_minutes": (5, 24 * 60),
    "position_max_age_hours": (1, 24 * 7),
    "ftfr_window_days": (30, 3650),
    "horizon_hours": (1, 24 * 7),
    "max_travel_km": (0, 5000),
    "max_travel_minutes": (0, 24 * 60 * 3),
}


def _errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, (low, high) in RANGES.items():
        if name not in values:
            continue
        value = values[name]
        if not isinstance(value, int | float) or isinstance(value, bool) or not (low <= value <= high):
            errors[name] = [_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}]
    if "certification_policy" in values and values["certification_policy"] not in CertificationPolicy.values:
        errors["certification_policy"] = [_("Unknown policy.")]
    priorities = values.get("auto_dispatch_priorities", [])
    if not isinstance(priorities, list) or any(p not in Priority.values for p in priorities):
        errors["auto_dispatch_priorities"] = [_("Unknown priority.")]
    weights = values.get("external_weights", {})
    known = {factor.key for factor in external_factors()}
    if not isinstance(weights, dict):
        errors["external_weights"] = [_("Give a weight per factor.")]
    else:
        for key, weight in weights.items():
            if key not in known:
                errors[f"external_weights.{key}"] = [_("Unknown factor.")]
            elif not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 <= weight <= 10:
                errors[f"external_weights.{key}"] = [
                    _("Enter a number from %(low)s to %(high)s.") % {"low": 0, "high": 10}
                ]
    return errors


@transaction.atomic
def update_settings(*, actor: User | None, **changes: Any) -> DispatchSettings:
    """Change the policy; every change is audited and bumps the version."""
    if actor is not None:
        require_policy_editor(actor)
    errors = _errors(changes)
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    if "auto_dispatch_priorities" in changes:
        changes["auto_dispatch_priorities"] = sorted(set(changes["auto_dispatch_priorities"]))
    settings = lock_settings()
    diff = apply_changes(settings, SETTINGS_FIELDS, changes)
    if diff:
        settings.version += 1
        settings.updated_at = timezone.now()
        settings.updated_by = actor if actor is not None and actor.pk else None
        settings.save()
        record_audit(actor=actor, action="dispatch.settings.update", target=settings, changes=diff)
        clear_settings_cache()
        transaction.on_commit(clear_settings_cache)
    return settings
