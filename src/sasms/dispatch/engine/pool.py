"""The candidate engineers as arrays: loaded in a fixed number of queries, whatever their count.

One query for the profiles (with user and calendar), one per related table read as plain rows
(skills, certifications with their vendor, region memberships and regions, current on-call
duties), one for the open-request counts, and the shift calendars' specs (cached; a query or three
per distinct calendar). Django's prefetching is avoided on purpose: it builds a queryset per
profile and relation, which costs more than the queries themselves at 500 engineers.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone

from sasms.dispatch.geo import FloatArray
from sasms.dispatch.models import (
    Certification,
    DispatchSettings,
    EngineerProfile,
    EngineerSkill,
    OnCallEntry,
    ServiceRegion,
)
from sasms.sla import calendar_math, specs
from sasms.sla.calendar_math import CalendarSpec
from sasms.tickets.choices import OPEN_STATUSES
from sasms.tickets.models import Ticket

MICROSECOND = datetime.timedelta(microseconds=1)
SCORED_FIELDS = (
    "user__full_name",
    "user__email",
    "user__is_active",
    "user__role",
    "calendar_id",
    "max_concurrent",
    "home_label",
    "home_latitude",
    "home_longitude",
    "position_latitude",
    "position_longitude",
    "position_at",
    "is_dispatchable",
)


@dataclass(frozen=True)
class CertInfo:
    name: str
    vendor_id: int | None
    vendor_name: str
    valid_until: datetime.date


@dataclass
class EngineerPool:
    """Column ``j`` of every array is engineer ``profiles[j]``."""

    now: datetime.datetime
    profiles: list[EngineerProfile]
    user_ids: list[int]
    lat: FloatArray  # travel origin: a recent check-in, else the home base; NaN if unknown
    lon: FloatArray
    from_position: np.ndarray
    open_count: np.ndarray
    capacity: np.ndarray
    on_shift: np.ndarray
    on_call: np.ndarray
    available_from: FloatArray  # epoch seconds; +inf when not available within the search window
    skills: list[dict[tuple[str, str], int]]
    certifications: list[list[CertInfo]]
    region_ids: list[list[int]]
    regions: dict[int, tuple[str, float, float, float]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.profiles)

    def index_of(self, user_id: int) -> int | None:
        try:
            return self.user_ids.index(user_id)
        except ValueError:
            return None


def profiles_queryset() -> "list[EngineerProfile]":
    """Dispatchable profiles of active staff, with the fields scoring reads and their user."""
    return list(
        EngineerProfile.objects.filter(is_dispatchable=True, user__is_active=True)
        .select_related("user")
        .only(*SCORED_FIELDS)
        .order_by("user__full_name", "user_id")
    )


@dataclass
class _Related:
    """What hangs off the profiles, read as plain rows (one query each, no model instances)."""

    skills: dict[int, dict[tuple[str, str], int]]
    certifications: dict[int, list[CertInfo]]
    regions: dict[int, list[int]]
    region_rows: dict[int, tuple[str, float, float, float]]
    on_call: dict[int, list[tuple[datetime.date, datetime.date]]]


def _related(today: datetime.date) -> _Related:
    dispatchable = {"profile__is_dispatchable": True, "profile__user__is_active": True}
    skills: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for profile_id, kind, code, level in EngineerSkill.objects.filter(**dispatchable).values_list(
        "profile_id", "kind", "code", "level"
    ):
        skills[profile_id][(kind, code)] = level
    certifications: dict[int, list[CertInfo]] = defaultdict(list)
    rows = Certification.objects.filter(**dispatchable).values_list(
        "profile_id", "name", "vendor_id", "vendor__name", "issuer", "valid_until"
    )
    for profile_id, name, vendor_id, vendor_name, issuer, valid_until in rows:
        certifications[profile_id].append(CertInfo(name, vendor_id, vendor_name or issuer, valid_until))
    through = EngineerProfile.regions.through
    regions: dict[int, list[int]] = defaultdict(list)
    region_ids: set[int] = set()
    for profile_id, region_id in through.objects.filter(
        engineerprofile__is_dispatchable=True, engineerprofile__user__is_active=True
    ).values_list("engineerprofile_id", "serviceregion_id"):
        regions[profile_id].append(region_id)
        region_ids.add(region_id)
    region_rows = (
        {
            pk: (name, float(lat), float(lon), float(radius))
            for pk, name, lat, lon, radius in ServiceRegion.objects.filter(pk__in=region_ids).values_list(
                "pk", "name", "latitude", "longitude", "radius_km"
            )
        }
        if region_ids
        else {}
    )
    on_call: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    duties = OnCallEntry.objects.filter(ends_on__gte=today - datetime.timedelta(days=1), **dispatchable)
    for profile_id, starts_on, ends_on in duties.values_list("profile_id", "starts_on", "ends_on"):
        on_call[profile_id].append((starts_on, ends_on))
    return _Related(skills, certifications, regions, region_rows, on_call)


def open_counts() -> dict[int, int]:
    """Open requests per engineer with a profile: one grouped query."""
    rows = (
        Ticket.objects.filter(status__in=OPEN_STATUSES, assignee__engineer_profile__isnull=False)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    return dict(rows)


def _shift_state(
    spec: CalendarSpec, now: datetime.datetime, horizon: datetime.datetime
) -> tuple[bool, datetime.datetime | None]:
    """(on shift now, start of the next shift before ``horizon`` or ``None``)."""
    if calendar_math.is_business_time(spec, now):
        return True, now
    try:
        start = calendar_math.add_business_time(spec, now, MICROSECOND) - MICROSECOND
    except (calendar_math.NoBusinessTimeError, calendar_math.CalendarRangeError):
        return False, None
    return False, start if start <= horizon else None


def load_pool(
    *, settings: DispatchSettings, now: datetime.datetime | None = None, search_days: int = 8
) -> EngineerPool:
    """Every dispatchable engineer, with availability computed from ``now`` for ``search_days``."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=search_days)
    profiles = profiles_queryset()
    related = _related(timezone.localdate(now))
    counts = open_counts()
    max_age = datetime.timedelta(hours=settings.position_max_age_hours)
    m = len(profiles)
    lat = np.full(m, np.nan)
    lon = np.full(m, np.nan)
    from_position = np.zeros(m, dtype=bool)
    open_count = np.zeros(m, dtype=np.int64)
    capacity = np.ones(m, dtype=np.int64)
    on_shift = np.zeros(m, dtype=bool)
    on_call = np.zeros(m, dtype=bool)
    available = np.full(m, np.inf)
    skills: list[dict[tuple[str, str], int]] = []
    certs: list[list[CertInfo]] = []
    region_ids: list[list[int]] = []
    regions: dict[int, tuple[str, float, float, float]] = {}
    shift_cache: dict[int, tuple[bool, datetime.datetime | None, CalendarSpec]] = {}
    with specs.pinned_specs():
        for j, profile in enumerate(profiles):
            if (
                profile.position_at is not None
                and profile.position_latitude is not None
                and profile.position_longitude is not None
                and profile.position_at >= now - max_age
            ):
                lat[j], lon[j] = float(profile.position_latitude), float(profile.position_longitude)
                from_position[j] = True
            elif profile.home_latitude is not None and profile.home_longitude is not None:
                lat[j], lon[j] = float(profile.home_latitude), float(profile.home_longitude)
            open_count[j] = counts.get(profile.user_id, 0)
            capacity[j] = profile.max_concurrent
            if profile.calendar_id not in shift_cache:
                spec = specs.calendar_spec_for(profile.calendar_id, years=(now.year - 1, now.year + 1))
                shift_cache[profile.calendar_id] = (*_shift_state(spec, now, horizon), spec)
            shifting, next_start, spec = shift_cache[profile.calendar_id]
            on_shift[j] = shifting
            starts = [next_start] if next_start is not None else []
            today = calendar_math.local_date(spec, now)
            for starts_on, ends_on in related.on_call.get(profile.pk, ()):
                if starts_on <= today <= ends_on:
                    on_call[j] = True
                    starts.append(now)
                elif today < starts_on:
                    begins = datetime.datetime.combine(starts_on, datetime.time(0), tzinfo=ZoneInfo(spec.tz))
                    if begins <= horizon:
                        starts.append(begins)
            if starts:
                available[j] = min(starts).timestamp()
            skills.append(related.skills.get(profile.pk, {}))
            certs.append(related.certifications.get(profile.pk, []))
            region_ids.append(related.regions.get(profile.pk, []))
    regions.update(related.region_rows)
    return EngineerPool(
        now=now,
        profiles=profiles,
        user_ids=[p.user_id for p in profiles],
        lat=lat,
        lon=lon,
        from_position=from_position,
        open_count=open_count,
        capacity=capacity,
        on_shift=on_shift,
        on_call=on_call,
        available_from=available,
        skills=skills,
        certifications=certs,
        region_ids=region_ids,
        regions=regions,
    )


def ftfr_table(
    *, window_days: int, now: datetime.datetime, categories: set[str] | None = None
) -> dict[str, dict[int, tuple[int, int]]]:
    """``{category: {engineer id: (fixed first time, resolved)}}`` over the history window."""
    since = now - datetime.timedelta(days=window_days)
    rows = Ticket.objects.filter(
        resolved_at__gte=since, first_time_fix__isnull=False, assignee__engineer_profile__isnull=False
    )
    if categories is not None:
        rows = rows.filter(category__in=sorted(categories))
    table: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    grouped = (
        rows.values("category", "assignee_id")
        .annotate(total=Count("id"), fixed=Count("id", filter=Q(first_time_fix=True)))
        .values_list("category", "assignee_id", "fixed", "total")
    )
    for category, assignee_id, fixed, total in grouped:
        table[category][assignee_id] = (fixed, total)
    return table
