"""Writes for the catalogue: part numbers, substitutes, depots and min/max policies."""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.assets.models import ServerModel
from sasms.core.audit import changed_fields, snapshot
from sasms.core.errors import Conflict
from sasms.core.writes import apply_changes, full_clean_or_refuse, save_or_conflict
from sasms.parts.access import require_clerk
from sasms.parts.models import Depot, Part, StockPolicy, Substitute
from sasms.parts.services.common import audit, refuse

PART_FIELDS = (
    "part_number",
    "description",
    "kind",
    "vendor",
    "unit_cost",
    "serialised",
    "lead_time_days",
    "return_days",
    "is_active",
)
DEPOT_FIELDS = (
    "code",
    "name",
    "kind",
    "service_tier",
    "city",
    "address",
    "latitude",
    "longitude",
    "email",
    "is_active",
)
# What the field app accepts as a part number: letters, digits and . _ / # + -
PART_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9._/#+-]{0,63}$")


def _check_part(part: Part) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not PART_NUMBER.match(part.part_number or ""):
        errors["part_number"] = [_("Not a part number: letters, digits and . _ / # + - only, at most 64.")]
    if part.unit_cost is not None and Decimal(part.unit_cost) < 0:
        errors["unit_cost"] = [_("The unit cost cannot be negative.")]
    return errors


def _set_models(part: Part, models: Iterable[ServerModel] | None) -> dict[str, list[Any]]:
    if models is None:
        return {}
    before = sorted(part.compatible_models.values_list("pk", flat=True))
    wanted = sorted({m.pk for m in models})
    if before == wanted:
        return {}
    part.compatible_models.set(wanted)
    return {"compatible_models": [before, wanted]}


@transaction.atomic
def create_part(
    *,
    actor: User | None,
    part_number: str,
    compatible_models: Iterable[ServerModel] | None = None,
    **details: Any,
) -> Part:
    require_clerk(actor)
    part = Part()
    apply_changes(part, PART_FIELDS, {"part_number": str(part_number or "").strip().upper(), **details})
    full_clean_or_refuse(part, _check_part(part))
    save_or_conflict(part, _("A part with this part number already exists."), "part_number")
    changes = changed_fields({}, snapshot(part, PART_FIELDS))
    changes.update(_set_models(part, compatible_models))
    audit(actor, "part.create", part, changes)
    return part


@transaction.atomic
def update_part(
    *, actor: User, part: Part, compatible_models: Iterable[ServerModel] | None = None, **changes: Any
) -> Part:
    require_clerk(actor)
    part = Part.objects.select_for_update().get(pk=part.pk)
    if "part_number" in changes:
        changes["part_number"] = str(changes["part_number"] or "").strip().upper()
    if "serialised" in changes and bool(changes["serialised"]) != part.serialised and part.movements.exists():
        raise refuse("serialised", _("A part with stock movements cannot change whether it is serialised."))
    diff = apply_changes(part, PART_FIELDS, changes)
    if diff:
        full_clean_or_refuse(part, _check_part(part))
        save_or_conflict(part, _("A part with this part number already exists."), "part_number")
    diff.update(_set_models(part, compatible_models))
    if diff:
        audit(actor, "part.update", part, diff)
    return part


@transaction.atomic
def add_substitute(
    *, actor: User, part: Part, substitute: Part, note: str = "", both_ways: bool = True
) -> Substitute:
    """``substitute`` may be fitted where ``part`` is asked for (and the other way round)."""
    require_clerk(actor)
    if part.pk == substitute.pk:
        raise refuse("substitute", _("A part cannot substitute itself."))
    row, created = Substitute.objects.get_or_create(part=part, substitute=substitute, defaults={"note": note})
    if both_ways:
        Substitute.objects.get_or_create(part=substitute, substitute=part, defaults={"note": note})
    if not created and not both_ways:
        raise Conflict(
            _("This substitute is already listed."),
            fields={"substitute": [_("This substitute is already listed.")]},
        )
    audit(
        actor,
        "substitute.add",
        part,
        {"substitute": [None, substitute.part_number], "both_ways": [None, both_ways]},
    )
    return row


@transaction.atomic
def remove_substitute(*, actor: User, part: Part, substitute: Part) -> None:
    require_clerk(actor)
    deleted, _rows = Substitute.objects.filter(part=part, substitute=substitute).delete()
    if deleted:
        audit(actor, "substitute.remove", part, {"substitute": [substitute.part_number, None]})


def _check_depot(depot: Depot) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if depot.latitude is not None and not -90 <= Decimal(depot.latitude) <= 90:
        errors["latitude"] = [_("Latitude must be between -90 and 90.")]
    if depot.longitude is not None and not -180 <= Decimal(depot.longitude) <= 180:
        errors["longitude"] = [_("Longitude must be between -180 and 180.")]
    return errors


@transaction.atomic
def create_depot(*, actor: User | None, code: str, name: str, **details: Any) -> Depot:
    require_clerk(actor)
    depot = Depot()
    apply_changes(depot, DEPOT_FIELDS, {"code": code, "name": name, **details})
    full_clean_or_refuse(depot, _check_depot(depot))
    save_or_conflict(depot, _("A depot with this code already exists."), "code")
    audit(actor, "depot.create", depot, changed_fields({}, snapshot(depot, DEPOT_FIELDS)))
    return depot


@transaction.atomic
def update_depot(*, actor: User, depot: Depot, **changes: Any) -> Depot:
    require_clerk(actor)
    depot = Depot.objects.select_for_update().get(pk=depot.pk)
    diff = apply_changes(depot, DEPOT_FIELDS, changes)
    if not diff:
        return depot
    full_clean_or_refuse(depot, _check_depot(depot))
    save_or_conflict(depot, _("A depot with this code already exists."), "code")
    audit(actor, "depot.update", depot, diff)
    return depot


@transaction.atomic
def set_policy(
    *, actor: User | None, part: Part, depot: Depot, min_quantity: int, max_quantity: int
) -> StockPolicy:
    """Create or change the min/max of ``part`` at ``depot``; the low-stock check runs at once."""
    from sasms.parts.services.planning import check_low_stock

    require_clerk(actor)
    errors: dict[str, list[str]] = {}
    for name, value in (("min_quantity", min_quantity), ("max_quantity", max_quantity)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = [_("Enter a whole number, 0 or more.")]
    if not errors and max_quantity < min_quantity:
        errors["max_quantity"] = [_("The maximum cannot be below the minimum.")]
    if errors:
        from sasms.core.errors import ServiceError

        raise ServiceError(_("Please correct the errors below."), fields=errors)
    policy = StockPolicy.objects.select_for_update().filter(part=part, depot=depot).first()
    before = {"min_quantity": policy.min_quantity, "max_quantity": policy.max_quantity} if policy else {}
    if policy is None:
        policy = StockPolicy(part=part, depot=depot)
    policy.min_quantity, policy.max_quantity, policy.updated_at = min_quantity, max_quantity, timezone.now()
    save_or_conflict(policy, _("This part already has a policy at this depot."), "part")
    diff = changed_fields(before, {"min_quantity": min_quantity, "max_quantity": max_quantity})
    if diff:
        audit(actor, "policy.set", policy, diff)
    check_low_stock(part=part, depot=depot)
    return policy
