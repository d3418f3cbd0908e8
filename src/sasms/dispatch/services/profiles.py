"""Writing engineer profiles, their skills, certifications and on-call duties, and service regions."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.assets.models import Vendor
from sasms.core.audit import changed_fields, record_audit, snapshot
from sasms.core.errors import ServiceError
from sasms.core.writes import apply_changes, full_clean_or_refuse, save_or_conflict
from sasms.dispatch.access import require_dispatcher
from sasms.dispatch.choices import Language, SkillKind
from sasms.dispatch.models import Certification, EngineerProfile, EngineerSkill, OnCallEntry, ServiceRegion
from sasms.dispatch.selectors import can_work_tickets
from sasms.sla.models import BusinessCalendar
from sasms.tickets.choices import Category, ComponentArea

PROFILE_FIELDS = (
    "is_dispatchable",
    "calendar",
    "max_concurrent",
    "home_label",
    "home_latitude",
    "home_longitude",
    "languages",
    "notes",
)
REGION_FIELDS = ("name", "code", "latitude", "longitude", "radius_km")
SKILL_CODES = {SkillKind.CATEGORY: set(Category.values), SkillKind.COMPONENT: set(ComponentArea.values)}


def _audit(actor: User | None, action: str, target: Any, changes: Mapping[str, list[Any]] | None) -> None:
    record_audit(actor=actor, action=f"dispatch.{action}", target=target, changes=changes)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def _profile_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (values.get("home_latitude") is None) != (values.get("home_longitude") is None):
        field = "home_longitude" if values.get("home_longitude") is None else "home_latitude"
        errors[field] = [_("Give both latitude and longitude of the home base, or neither.")]
    languages = values.get("languages") or []
    if not isinstance(languages, list) or any(code not in Language.values for code in languages):
        errors["languages"] = [_("Unknown language.")]
    calendar = values.get("calendar")
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        errors["calendar"] = [_("Unknown calendar.")]
    return errors


def _normalise(changes: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(changes)
    for name in ("home_latitude", "home_longitude"):
        if name in values:
            values[name] = _decimal(values[name])
    if "languages" in values and isinstance(values["languages"], list | tuple):
        values["languages"] = list(dict.fromkeys(values["languages"]))
    return values


@transaction.atomic
def create_profile(
    *,
    actor: User | None,
    user: User,
    calendar: BusinessCalendar | None = None,
    regions: Iterable[ServiceRegion] = (),
    **fields: Any,
) -> EngineerProfile:
    """A dispatch profile for a staff member who works requests (one per person)."""
    if actor is not None:
        require_dispatcher(actor)
    if not can_work_tickets(user):
        raise ServiceError(
            _("This person cannot work service requests."),
            fields={"user": [_("This person cannot work service requests.")]},
        )
    if calendar is None:
        calendar = BusinessCalendar.objects.filter(code="cn-5x9").first()
    values = _normalise({"calendar": calendar, **fields})
    profile = EngineerProfile(user=user)
    apply_changes(profile, PROFILE_FIELDS, values)
    errors = _profile_errors(
        {n: getattr(profile, n) for n in ("home_latitude", "home_longitude", "languages")}
    )
    if profile.calendar_id is None:
        errors["calendar"] = [_("This field is required.")]
    full_clean_or_refuse(profile, errors, exclude=["user", "calendar"])
    save_or_conflict(profile, _("This person already has a dispatch profile."), "user")
    region_list = list(regions)
    if region_list:
        profile.regions.set(region_list)
    _audit(
        actor,
        "profile.create",
        profile,
        changed_fields(
            {}, {**snapshot(profile, PROFILE_FIELDS), "regions": sorted(r.pk for r in region_list)}
        ),
    )
    return profile


@transaction.atomic
def update_profile(
    *,
    actor: User | None,
    profile: EngineerProfile,
    regions: Iterable[ServiceRegion] | None = None,
    **changes: Any,
) -> EngineerProfile:
    if actor is not None:
        require_dispatcher(actor)
    profile = EngineerProfile.objects.select_for_update().get(pk=profile.pk)
    diff = apply_changes(profile, PROFILE_FIELDS, _normalise(changes))
    errors = _profile_errors(
        {n: getattr(profile, n) for n in ("home_latitude", "home_longitude", "languages")}
    )
    full_clean_or_refuse(profile, errors, exclude=["user", "calendar"])
    if regions is not None:
        before = sorted(profile.regions.values_list("pk", flat=True))
        after = sorted({r.pk for r in regions})
        if before != after:
            profile.regions.set(after)
            diff["regions"] = [before, after]
    if diff:
        profile.updated_at = timezone.now()
        profile.save()
        _audit(actor, "profile.update", profile, diff)
    return profile


@transaction.atomic
def set_skills(
    *, actor: User | None, profile: EngineerProfile, levels: Mapping[tuple[str, str], int | None]
) -> EngineerProfile:
    """Set skill levels by ``(kind, code)``; a level of 0 or ``None`` removes the skill."""
    if actor is not None:
        require_dispatcher(actor)
    errors: dict[str, list[str]] = {}
    for (kind, code), level in levels.items():
        name = f"{kind}_{code}"
        if kind not in SKILL_CODES or code not in SKILL_CODES[SkillKind(kind)]:
            errors[name] = [_("Unknown skill.")]
        elif level is not None and not (0 <= int(level) <= 5):
            errors[name] = [_("A level lies between 1 and 5 (0 removes the skill).")]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    profile = EngineerProfile.objects.select_for_update().get(pk=profile.pk)
    current = {(s.kind, s.code): s for s in profile.skills.all()}
    before = {f"{k}:{c}": s.level for (k, c), s in current.items()}
    for key, level in levels.items():
        existing = current.get(key)
        if not level:
            if existing is not None:
                existing.delete()
        elif existing is None:
            EngineerSkill.objects.create(profile=profile, kind=key[0], code=key[1], level=int(level))
        elif existing.level != int(level):
            existing.level = int(level)
            existing.save(update_fields=["level"])
    after = {f"{s.kind}:{s.code}": s.level for s in EngineerSkill.objects.filter(profile=profile)}
    if before != after:
        profile.updated_at = timezone.now()
        profile.save(update_fields=["updated_at"])
        _audit(actor, "profile.skills", profile, {"skills": [before, after]})
    return profile


def _certification_errors(
    name: str, vendor: Vendor | None, issuer: str, issued_on: datetime.date | None, valid_until: Any
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    if vendor is None and not issuer.strip():
        errors["issuer"] = [_("Name the vendor or the issuer.")]
    if not isinstance(valid_until, datetime.date):
        errors["valid_until"] = [_("This field is required.")]
    elif issued_on is not None and valid_until < issued_on:
        errors["valid_until"] = [_("The expiry lies before the issue date.")]
    return errors


@transaction.atomic
def add_certification(
    *,
    actor: User | None,
    profile: EngineerProfile,
    name: str,
    valid_until: datetime.date,
    vendor: Vendor | None = None,
    issuer: str = "",
    number: str = "",
    issued_on: datetime.date | None = None,
) -> Certification:
    if actor is not None:
        require_dispatcher(actor)
    errors = _certification_errors(name, vendor, issuer, issued_on, valid_until)
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    certification = Certification(
        profile=profile,
        name=name.strip(),
        vendor=vendor,
        issuer=issuer.strip(),
        number=number.strip(),
        issued_on=issued_on,
        valid_until=valid_until,
    )
    full_clean_or_refuse(certification, exclude=["profile", "vendor"])
    certification.save()
    _audit(
        actor,
        "certification.add",
        profile,
        {"certification": [None, f"{certification.name} ≤ {valid_until.isoformat()}"]},
    )
    return certification


@transaction.atomic
def remove_certification(*, actor: User | None, certification: Certification) -> None:
    if actor is not None:
        require_dispatcher(actor)
    profile = certification.profile
    label = f"{certification.name} ≤ {certification.valid_until.isoformat()}"
    certification.delete()
    _audit(actor, "certification.remove", profile, {"certification": [label, None]})


@transaction.atomic
def add_on_call(
    *,
    actor: User | None,
    profile: EngineerProfile,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
) -> OnCallEntry:
    if actor is not None:
        require_dispatcher(actor)
    if ends_on < starts_on:
        message = _("The duty ends before it starts.")
        raise ServiceError(message, fields={"ends_on": [message]})
    if (ends_on - starts_on).days > 366:
        message = _("An on-call duty lasts at most a year.")
        raise ServiceError(message, fields={"ends_on": [message]})
    entry = OnCallEntry.objects.create(
        profile=profile, starts_on=starts_on, ends_on=ends_on, note=note.strip()[:200]
    )
    _audit(actor, "on_call.add", profile, {"on_call": [None, f"{starts_on}–{ends_on}"]})
    return entry


@transaction.atomic
def remove_on_call(*, actor: User | None, entry: OnCallEntry) -> None:
    if actor is not None:
        require_dispatcher(actor)
    profile = entry.profile
    label = f"{entry.starts_on}–{entry.ends_on}"
    entry.delete()
    _audit(actor, "on_call.remove", profile, {"on_call": [label, None]})


def _region_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(changes)
    for name in ("latitude", "longitude"):
        if name in values:
            values[name] = _decimal(values[name])
    return values


@transaction.atomic
def create_region(*, actor: User | None, **fields: Any) -> ServiceRegion:
    if actor is not None:
        require_dispatcher(actor)
    region = ServiceRegion()
    apply_changes(region, REGION_FIELDS, _region_values(fields))
    full_clean_or_refuse(region)
    save_or_conflict(region, _("A region with this name or code already exists."), "name")
    _audit(actor, "region.create", region, changed_fields({}, snapshot(region, REGION_FIELDS)))
    return region


@transaction.atomic
def update_region(*, actor: User | None, region: ServiceRegion, **changes: Any) -> ServiceRegion:
    if actor is not None:
        require_dispatcher(actor)
    region = ServiceRegion.objects.select_for_update().get(pk=region.pk)
    diff = apply_changes(region, REGION_FIELDS, _region_values(changes))
    full_clean_or_refuse(region)
    if diff:
        save_or_conflict(region, _("A region with this name or code already exists."), "name")
        _audit(actor, "region.update", region, diff)
    return region


def skill_levels(profile: EngineerProfile) -> dict[tuple[str, str], int]:
    return {(s.kind, s.code): s.level for s in profile.skills.all()}


def skill_grid(profile: EngineerProfile | None) -> Sequence[tuple[str, str, str, int]]:
    """``(kind, code, label, level)`` for every category and component, for the edit page."""
    levels = skill_levels(profile) if profile is not None else {}
    rows = [
        (SkillKind.CATEGORY.value, c.value, str(c.label), levels.get(("category", c.value), 0))
        for c in Category
    ]
    rows += [
        (SkillKind.COMPONENT.value, c.value, str(c.label), levels.get(("component", c.value), 0))
        for c in ComponentArea
    ]
    return rows
