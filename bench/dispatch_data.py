"""Shared set-up of the dispatch benchmarks: a throwaway database and a generated field organisation.

``DATABASE_URL`` names the database (default: a scratch SQLite file); a PostgreSQL database is
dropped and created again, a SQLite file deleted first. Engineers, sites, servers, open and
resolved requests are bulk-inserted; ``tickets`` makes requests through ``create_ticket`` so their
SLA clocks run, as a live request's would.
"""

import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

DEFAULT_URL = "sqlite:////tmp/sasms_dispatch_bench.sqlite3"
CITIES = [
    (39.9042, 116.4074),
    (31.2304, 121.4737),
    (23.1291, 113.2644),
    (22.5431, 114.0579),
    (30.2741, 120.1551),
    (32.0603, 118.7969),
    (30.5728, 104.0668),
    (30.5928, 114.3055),
    (34.3416, 108.9398),
    (29.5630, 106.5516),
    (39.3434, 117.3616),
    (31.2990, 120.5853),
    (28.2282, 112.9388),
    (34.7466, 113.6254),
    (36.0671, 120.3826),
    (41.8057, 123.4315),
    (31.8206, 117.2272),
    (24.4798, 118.0894),
    (36.6512, 117.1201),
    (26.6470, 106.6302),
]
VENDORS = [("Dell", "dell"), ("HPE", "hpe"), ("Lenovo", "lenovo"), ("Inspur", "inspur"), ("Huawei", "huawei")]
COMPONENTS = ["disk", "memory", "psu", "fan", "mainboard", "raid", "nic", "cpu", "bmc"]


def setup_django() -> str:
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasms.settings")
    os.environ.setdefault("SASMS_LOG_LEVEL", "WARNING")
    if url.startswith("sqlite"):
        path = Path(urlparse(url).path)
        if path.name and path.exists():
            path.unlink()
    else:
        from benchkit import recreate_database

        recreate_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database {url.split('@')[-1]} migrated in {time.perf_counter() - started:.1f} s", flush=True)
    return url


def drop(url: str) -> None:
    from django.db import connections

    connections.close_all()
    if os.environ.get("BENCH_KEEP"):
        return
    if url.startswith("sqlite"):
        Path(urlparse(url).path).unlink(missing_ok=True)
    else:
        from benchkit import recreate_database

        recreate_database(url, drop_only=True)


def generate(
    *, engineers: int, seed: int = 11, history: int = 4000, open_assigned: int = 0
) -> dict[str, Any]:
    """Engineers with profiles around 20 cities, 40 customer sites with servers, request history."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from sasms.accounts import services as account_services
    from sasms.accounts.models import OrganisationKind, User
    from sasms.accounts.roles import Role
    from sasms.assets.models import Server, ServerModel, Site, Vendor
    from sasms.dispatch.models import Certification, EngineerProfile, EngineerSkill, OnCallEntry
    from sasms.sla.models import BusinessCalendar
    from sasms.tickets.models import Ticket

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    provider = account_services.create_organisation(
        actor=None, name="Bench provider", code="bench-provider", kind=OrganisationKind.PROVIDER
    )
    customer = account_services.create_organisation(
        actor=None, name="Bench customer", code="bench-customer", kind=OrganisationKind.CUSTOMER
    )
    dispatcher = account_services.create_user(
        actor=None,
        email="dispatcher@bench.example",
        full_name="Dispatcher",
        organisation=provider,
        role=Role.DISPATCHER,
        password="bench-password-1",
    )
    vendors = [Vendor.objects.create(name=name, code=code) for name, code in VENDORS]
    models = [ServerModel.objects.create(vendor=v, name=f"{v.name} 2U") for v in vendors]
    sites = [
        Site.objects.create(
            organisation=customer,
            name=f"DC {n:02d}",
            latitude=Decimal(f"{CITIES[n % 20][0] + rng.uniform(-0.2, 0.2):.6f}"),
            longitude=Decimal(f"{CITIES[n % 20][1] + rng.uniform(-0.2, 0.2):.6f}"),
        )
        for n in range(40)
    ]
    servers = Server.objects.bulk_create(
        [
            Server(
                vendor=m.vendor,
                model=m,
                serial=f"SN{n:07d}",
                organisation=customer,
                site=rng.choice(sites),
                warranty_start=today - datetime.timedelta(days=100),
                warranty_end=today + datetime.timedelta(days=900),
            )
            for n, m in enumerate(rng.choice(models) for _ in range(400))
        ]
    )
    calendars = list(BusinessCalendar.objects.filter(code__in=["cn-5x9", "cn-5x12", "7x24"]).order_by("code"))
    weights = {"cn-5x9": 5, "cn-5x12": 2, "7x24": 3}
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"eng{n:04d}@bench.example",
                full_name=f"Engineer {n:04d}",
                organisation=provider,
                role=Role.FIELD_ENGINEER,
                password=password,
            )
            for n in range(engineers)
        ]
    )
    users = list(
        User.objects.filter(email__startswith="eng", email__endswith="@bench.example").order_by("email")
    )
    profiles = []
    for n, user in enumerate(users):
        lat, lon = CITIES[n % 20]
        profiles.append(
            EngineerProfile(
                user=user,
                calendar=rng.choices(calendars, [weights[c.code] for c in calendars])[0],
                max_concurrent=rng.choice([4, 5, 5, 6]),
                home_label=f"City {n % 20}",
                home_latitude=Decimal(f"{lat + rng.uniform(-0.3, 0.3):.6f}"),
                home_longitude=Decimal(f"{lon + rng.uniform(-0.3, 0.3):.6f}"),
                languages=["zh"],
            )
        )
    profiles = EngineerProfile.objects.bulk_create(profiles)
    profiles = list(EngineerProfile.objects.filter(user__in=users).order_by("user__email"))
    skills, certs, duties = [], [], []
    for profile in profiles:
        skills.append(
            EngineerSkill(profile=profile, kind="category", code="hardware", level=rng.randint(1, 5))
        )
        for code in rng.sample(COMPONENTS, k=4):
            skills.append(
                EngineerSkill(profile=profile, kind="component", code=code, level=rng.randint(1, 5))
            )
        for vendor in rng.sample(vendors, k=2):
            expired = rng.random() < 0.12
            certs.append(
                Certification(
                    profile=profile,
                    name=f"{vendor.name} certified",
                    vendor=vendor,
                    valid_until=today + datetime.timedelta(days=-30 if expired else 300),
                )
            )
        if profile.calendar.code != "7x24" and rng.random() < 0.3:
            duties.append(
                OnCallEntry(
                    profile=profile,
                    starts_on=today - datetime.timedelta(days=1),
                    ends_on=today + datetime.timedelta(days=5),
                )
            )
    EngineerSkill.objects.bulk_create(skills)
    Certification.objects.bulk_create(certs)
    OnCallEntry.objects.bulk_create(duties)
    rows = []
    for n in range(history + open_assigned):
        resolved = n < history
        created = now - datetime.timedelta(days=rng.uniform(1, 300) if resolved else rng.uniform(0, 2))
        rows.append(
            Ticket(
                number=f"SRH{n:011d}",
                organisation=customer,
                server=rng.choice(servers),
                title="History",
                category="hardware",
                component=rng.choice(COMPONENTS),
                service_kind="hardware_replacement",
                priority=rng.choice(["P1", "P2", "P3", "P4"]),
                status="closed" if resolved else "in_progress",
                assignee=rng.choice(users),
                created_at=created,
                updated_at=created,
                resolved_at=created + datetime.timedelta(hours=8) if resolved else None,
                resolution_code="part_replaced" if resolved else "",
                first_time_fix=(rng.random() < 0.75) if resolved else None,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=2000)
    return {"dispatcher": dispatcher, "customer": customer, "servers": servers, "users": users, "rng": rng}


def tickets(data: dict[str, Any], count: int) -> list[Any]:
    """Open unassigned requests made the way a live request is (numbers, SLA clocks, timeline)."""
    from sasms.tickets.services import create_ticket

    rng: random.Random = data["rng"]
    made = []
    for n in range(count):
        made.append(
            create_ticket(
                actor=None,
                organisation=data["customer"],
                server=rng.choice(data["servers"]),
                title=f"Fault {n}",
                component=rng.choice(COMPONENTS),
                impact=rng.choice(["1", "2", "2", "3"]),
                urgency=rng.choice(["1", "2", "3"]),
            )
        )
    return made
