"""Seed the service-product catalogue with the figures of DESIGN.md section 2.

A frozen copy of ``sasms.contracts.catalogue.PRODUCTS`` at the time of writing, so that this
migration keeps seeding the same rows whatever later happens to that module. Existing codes are
left alone (a re-run or an edited catalogue is never overwritten).
"""

from decimal import Decimal

from django.db import migrations

PRODUCTS = [
    {
        "code": "basic-warranty",
        "name": "基础保修 Basic warranty",
        "description": "The base warranty as a contract: 5×9, next-business-day on-site, refurbished parts.",
        "tier": 1,
        "coverage_hours": "5x9",
        "time_and_materials": False,
        "parts_quality": "refurbished",
        "pm_visits_per_year": 0,
        "loaner_included": False,
        "penalty_kind": "none",
        "penalty_value": "0",
        "targets": [
            {
                "priority": "P1",
                "response_minutes": 15,
                "dispatch_minutes": 30,
                "update_minutes": 30,
                "onsite_minutes": 540,
                "resolution_minutes": 780,
            },
            {
                "priority": "P2",
                "response_minutes": 60,
                "dispatch_minutes": 60,
                "update_minutes": 120,
                "onsite_minutes": 540,
                "resolution_minutes": 1080,
            },
            {
                "priority": "P3",
                "response_minutes": 1440,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": 1620,
            },
            {
                "priority": "P4",
                "response_minutes": 2880,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": 2700,
            },
        ],
    },
    {
        "code": "nbd-5x9",
        "name": "5×9 次工作日 5×9 next business day",
        "description": "5×9, engineer on site the next business day, new parts, one health check a year.",
        "tier": 2,
        "coverage_hours": "5x9",
        "time_and_materials": False,
        "parts_quality": "new",
        "pm_visits_per_year": 1,
        "loaner_included": False,
        "penalty_kind": "percent",
        "penalty_value": "2.00",
        "targets": [
            {
                "priority": "P1",
                "response_minutes": 15,
                "dispatch_minutes": 30,
                "update_minutes": 30,
                "onsite_minutes": 540,
                "resolution_minutes": 780,
            },
            {
                "priority": "P2",
                "response_minutes": 60,
                "dispatch_minutes": 60,
                "update_minutes": 120,
                "onsite_minutes": 540,
                "resolution_minutes": 1080,
            },
            {
                "priority": "P3",
                "response_minutes": 1440,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": 1620,
            },
            {
                "priority": "P4",
                "response_minutes": 2880,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": 2700,
            },
        ],
    },
    {
        "code": "enhanced-5x12",
        "name": "5×12 增强服务 5×12 enhanced",
        "description": "5×12 coverage, next-business-day on site, new parts, two health checks a year.",
        "tier": 3,
        "coverage_hours": "5x12",
        "time_and_materials": False,
        "parts_quality": "new",
        "pm_visits_per_year": 2,
        "loaner_included": False,
        "penalty_kind": "percent",
        "penalty_value": "3.00",
        "targets": [
            {
                "priority": "P1",
                "response_minutes": 15,
                "dispatch_minutes": 30,
                "update_minutes": 30,
                "onsite_minutes": 720,
                "resolution_minutes": 960,
            },
            {
                "priority": "P2",
                "response_minutes": 60,
                "dispatch_minutes": 60,
                "update_minutes": 120,
                "onsite_minutes": 720,
                "resolution_minutes": 1440,
            },
            {
                "priority": "P3",
                "response_minutes": 1440,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": 2160,
            },
            {
                "priority": "P4",
                "response_minutes": 2880,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": 3600,
            },
        ],
    },
    {
        "code": "mission-critical-7x24x4",
        "name": "7×24×4 关键业务 7×24×4 mission critical",
        "description": "Around the clock, engineer and parts on site in 4 h, loaner, quarterly checks.",
        "tier": 4,
        "coverage_hours": "7x24",
        "time_and_materials": False,
        "parts_quality": "new",
        "pm_visits_per_year": 4,
        "loaner_included": True,
        "penalty_kind": "percent",
        "penalty_value": "5.00",
        "targets": [
            {
                "priority": "P1",
                "response_minutes": 15,
                "dispatch_minutes": 30,
                "update_minutes": 30,
                "onsite_minutes": 240,
                "resolution_minutes": 240,
            },
            {
                "priority": "P2",
                "response_minutes": 60,
                "dispatch_minutes": 60,
                "update_minutes": 120,
                "onsite_minutes": 240,
                "resolution_minutes": 480,
            },
            {
                "priority": "P3",
                "response_minutes": 1440,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": 4320,
            },
            {
                "priority": "P4",
                "response_minutes": 2880,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": 7200,
            },
        ],
    },
    {
        "code": "break-fix-tm",
        "name": "按次服务 Break-fix time and materials",
        "description": "No subscription: each call-out, hour and part is billed; response targets only.",
        "tier": 0,
        "coverage_hours": "5x9",
        "time_and_materials": True,
        "parts_quality": "new",
        "pm_visits_per_year": 0,
        "loaner_included": False,
        "penalty_kind": "none",
        "penalty_value": "0",
        "targets": [
            {
                "priority": "P1",
                "response_minutes": 15,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": None,
            },
            {
                "priority": "P2",
                "response_minutes": 60,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": None,
            },
            {
                "priority": "P3",
                "response_minutes": 1440,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": None,
            },
            {
                "priority": "P4",
                "response_minutes": 2880,
                "dispatch_minutes": None,
                "update_minutes": None,
                "onsite_minutes": None,
                "resolution_minutes": None,
            },
        ],
    },
]


def seed(apps, schema_editor):
    ServiceProduct = apps.get_model("contracts", "ServiceProduct")
    ServiceTarget = apps.get_model("contracts", "ServiceTarget")
    for row in PRODUCTS:
        values = {k: v for k, v in row.items() if k not in ("code", "targets")}
        values["penalty_value"] = Decimal(values["penalty_value"])
        product, created = ServiceProduct.objects.get_or_create(code=row["code"], defaults=values)
        if created:
            ServiceTarget.objects.bulk_create(ServiceTarget(product=product, **t) for t in row["targets"])


def unseed(apps, schema_editor):
    ServiceProduct = apps.get_model("contracts", "ServiceProduct")
    ServiceProduct.objects.filter(code__in=[p["code"] for p in PRODUCTS], contracts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
