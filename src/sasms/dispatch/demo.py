"""Demo step: service regions, profiles for the demo's engineers and a crew across China.

The named demo engineers (``engineer@``, ``field@``) get profiles through the services; a further
36 × ``scale`` field engineers are bulk-inserted (no sign-in: unusable passwords, an ``.invalid``
domain) with shifts on the seeded calendars, on-call duties, skills, certifications (some expired)
and, for some, a check-in earlier today — enough for a realistic board in well under a second.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Role
from sasms.assets.demo import CITY_COORDINATES
from sasms.assets.models import Vendor
from sasms.core.progress import Progress
from sasms.dispatch import services
from sasms.dispatch.models import Certification, EngineerProfile, EngineerSkill, OnCallEntry, ServiceRegion
from sasms.sla.models import BusinessCalendar
from sasms.tickets.choices import Category, ComponentArea

CREW_PER_SCALE = 36
REGIONS = [
    ("华北 North", "north", 39.9042, 116.4074, 600),
    ("华东 East", "east", 31.2304, 121.4737, 400),
    ("华南 South", "south", 23.1291, 113.2644, 450),
    ("华中 Central", "central", 30.5928, 114.3055, 450),
    ("西南 Southwest", "southwest", 30.5728, 104.0668, 600),
    ("西北 Northwest", "northwest", 34.3416, 108.9398, 600),
    ("东北 Northeast", "northeast", 41.8057, 123.4315, 500),
]
CERTIFICATIONS = {
    "dell": "Dell PowerEdge Server Professional",
    "hpe": "HPE ASE – Server Solutions",
    "lenovo": "Lenovo ThinkSystem Technical Specialist",
    "inspur": "Inspur Server Certified Engineer",
    "huawei": "HCIP-Server (Huawei)",
    "supermicro": "Supermicro Certified Field Engineer",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧"
GIVEN = [
    "伟",
    "磊",
    "洋",
    "勇",
    "杰",
    "强",
    "军",
    "平",
    "刚",
    "涛",
    "斌",
    "鹏",
    "浩",
    "宇",
    "晨",
    "凯",
    "静",
    "敏",
    "婷",
    "颖",
]
HARDWARE = ["disk", "memory", "psu", "fan", "mainboard", "raid", "nic", "cpu", "bmc"]
SOFTWARE = ["os", "firmware", "driver", "virtualisation"]


def _regions() -> list[ServiceRegion]:
    made = []
    for name, code, lat, lon, radius in REGIONS:
        region = ServiceRegion.objects.filter(code=code).first() or services.create_region(
            actor=None, name=name, code=code, latitude=lat, longitude=lon, radius_km=radius
        )
        made.append(region)
    return made


def _nearest_region(regions: list[ServiceRegion], lat: float, lon: float) -> ServiceRegion:
    return min(regions, key=lambda r: (float(r.latitude) - lat) ** 2 + (float(r.longitude) - lon) ** 2)


def _named_engineers(
    regions: list[ServiceRegion], vendors: dict[str, Vendor], calendars: dict[str, Any]
) -> int:
    made = 0
    shanghai = CITY_COORDINATES["Shanghai"]
    plans = [
        (
            "engineer@sasms.example",
            calendars["cn-5x9"],
            6,
            ("zh", "en"),
            {
                ("category", "hardware"): 4,
                ("category", "software"): 4,
                ("component", "raid"): 5,
                ("component", "disk"): 4,
                ("component", "os"): 4,
                ("component", "virtualisation"): 3,
            },
        ),
        (
            "field@sasms.example",
            calendars["cn-5x12"],
            5,
            ("zh",),
            {
                ("category", "hardware"): 5,
                ("component", "disk"): 5,
                ("component", "memory"): 4,
                ("component", "psu"): 5,
                ("component", "fan"): 4,
                ("component", "mainboard"): 3,
            },
        ),
    ]
    for email, calendar, capacity, languages, skills in plans:
        user = User.objects.filter(email=email).first()
        if user is None or EngineerProfile.objects.filter(user=user).exists():
            continue
        profile = services.create_profile(
            actor=None,
            user=user,
            calendar=calendar,
            max_concurrent=capacity,
            home_label="上海 Shanghai",
            home_latitude=shanghai[0],
            home_longitude=shanghai[1],
            languages=list(languages),
            regions=[r for r in regions if r.code == "east"],
        )
        services.set_skills(actor=None, profile=profile, levels=skills)
        today = timezone.localdate()
        for code in ("dell", "huawei", "inspur"):
            if code in vendors:
                services.add_certification(
                    actor=None,
                    profile=profile,
                    name=CERTIFICATIONS[code],
                    vendor=vendors[code],
                    valid_until=today + datetime.timedelta(days=400),
                )
        made += 1
    return made


def _crew(
    rng: random.Random,
    count: int,
    regions: list[ServiceRegion],
    vendors: dict[str, Vendor],
    calendars: dict[str, Any],
    provider: Organisation,
) -> int:
    now = timezone.now()
    today = timezone.localdate()
    cities = list(CITY_COORDINATES.items())
    password = make_password(None)
    start = User.objects.filter(email__endswith="@crew.sasms.invalid").count()
    users = [
        User(
            email=f"crew{start + n + 1:04d}@crew.sasms.invalid",
            full_name=f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}",
            organisation=provider,
            role=rng.choice([Role.FIELD_ENGINEER] * 4 + [Role.ENGINEER]),
            language="zh-hans",
            password=password,
        )
        for n in range(count)
    ]
    User.objects.bulk_create(users)
    users = list(User.objects.filter(email__in=[u.email for u in users]).order_by("email"))
    shift_calendars = [calendars["cn-5x9"]] * 6 + [calendars["cn-5x12"]] * 2 + [calendars["7x24"]] * 2
    profiles = []
    homes = []
    for n, user in enumerate(users):
        city, (lat, lon) = cities[n % len(cities)]
        lat, lon = lat + rng.uniform(-0.15, 0.15), lon + rng.uniform(-0.15, 0.15)
        homes.append((lat, lon))
        checked_in = rng.random() < 0.4
        profiles.append(
            EngineerProfile(
                user=user,
                calendar=rng.choice(shift_calendars),
                max_concurrent=rng.choice([4, 5, 5, 6, 8]),
                home_label=city,
                home_latitude=Decimal(f"{lat:.6f}"),
                home_longitude=Decimal(f"{lon:.6f}"),
                languages=["zh"]
                + (["en"] if rng.random() < 0.4 else [])
                + (["yue"] if city in ("Guangzhou", "Shenzhen") else []),
                position_latitude=Decimal(f"{lat + rng.uniform(-0.3, 0.3):.6f}") if checked_in else None,
                position_longitude=Decimal(f"{lon + rng.uniform(-0.3, 0.3):.6f}") if checked_in else None,
                position_at=now - datetime.timedelta(minutes=rng.randint(10, 600)) if checked_in else None,
            )
        )
    EngineerProfile.objects.bulk_create(profiles)
    profiles = list(EngineerProfile.objects.filter(user__in=users).order_by("user__email"))
    skills, certifications, duties, memberships = [], [], [], []
    vendor_codes = sorted(vendors)
    through = EngineerProfile.regions.through
    for profile, (lat, lon) in zip(profiles, homes, strict=True):
        memberships.append(
            through(engineerprofile_id=profile.pk, serviceregion_id=_nearest_region(regions, lat, lon).pk)
        )
        hardware = rng.random() < 0.8
        skills.append(
            EngineerSkill(
                profile=profile,
                kind="category",
                code=Category.HARDWARE,
                level=rng.randint(2, 5) if hardware else 1,
            )
        )
        if rng.random() < 0.5:
            skills.append(
                EngineerSkill(
                    profile=profile, kind="category", code=Category.SOFTWARE, level=rng.randint(1, 5)
                )
            )
        areas = HARDWARE if hardware else SOFTWARE
        for code in rng.sample(areas, k=rng.randint(2, min(5, len(areas)))):
            skills.append(
                EngineerSkill(
                    profile=profile, kind="component", code=ComponentArea(code), level=rng.randint(1, 5)
                )
            )
        for code in rng.sample(vendor_codes, k=min(len(vendor_codes), rng.randint(1, 3))):
            expired = rng.random() < 0.15
            certifications.append(
                Certification(
                    profile=profile,
                    name=CERTIFICATIONS.get(code, f"{vendors[code].name} certified engineer"),
                    vendor=vendors[code],
                    number=f"{code.upper()}-{rng.randint(100000, 999999)}",
                    issued_on=today - datetime.timedelta(days=rng.randint(400, 1400)),
                    valid_until=today
                    + datetime.timedelta(days=rng.randint(-200, -1) if expired else rng.randint(30, 900)),
                )
            )
        if rng.random() < 0.3:
            certifications.append(
                Certification(
                    profile=profile,
                    name="CompTIA Server+",
                    issuer="CompTIA",
                    valid_until=today + datetime.timedelta(days=rng.randint(60, 1000)),
                )
            )
        if profile.calendar.code != "7x24" and rng.random() < 0.25:
            first = today + datetime.timedelta(days=rng.randint(-3, 3))
            duties.append(
                OnCallEntry(
                    profile=profile,
                    starts_on=first,
                    ends_on=first + datetime.timedelta(days=6),
                    note="值班 on call",
                )
            )
    EngineerSkill.objects.bulk_create(skills)
    Certification.objects.bulk_create(certifications)
    OnCallEntry.objects.bulk_create(duties)
    through.objects.bulk_create(memberships)
    return len(profiles)


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    provider = Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("id").first()
    calendars = {c.code: c for c in BusinessCalendar.objects.filter(code__in=["cn-5x9", "cn-5x12", "7x24"])}
    if provider is None or len(calendars) < 3:
        return
    vendors = {v.code: v for v in Vendor.objects.all()}
    regions = _regions()
    named = _named_engineers(regions, vendors, calendars)
    crew = _crew(rng, CREW_PER_SCALE * scale, regions, vendors, calendars, provider)
    progress("engineer profiles", named + crew, named + crew)
    state["dispatch"] = {"engineers": named + crew, "regions": len(regions)}
