"""The seeded service-product catalogue, with the figures of DESIGN.md §2 (all editable later).

Targets are minutes of the product's coverage hours: a "business day" is 540 minutes in 5×9,
720 in 5×12 and 1 440 in 7×24. Common to every product with commitments (DESIGN.md):
P1 first response 15 min, dispatch 30 min, update every 30 min, resolution 4 h (from arrival for
next-business-day products, whose on-site target is one business day); P2 response 1 h, dispatch
1 h, update every 2 h; P3 response 24 h, resolution 3 business days; P4 response 48 h, resolution
5 business days. The data migration and tests read this module; it must stay importable without
Django models (plain data only).
"""

from typing import Any, TypedDict


class TargetRow(TypedDict):
    priority: str
    response_minutes: int | None
    dispatch_minutes: int | None
    update_minutes: int | None
    onsite_minutes: int | None
    resolution_minutes: int | None


def _targets(business_day: int, onsite_p1: int | None, onsite_p2: int | None) -> list[TargetRow]:
    p1_resolution = 240 if onsite_p1 == 240 else (onsite_p1 or 0) + 240
    return [
        {
            "priority": "P1",
            "response_minutes": 15,
            "dispatch_minutes": 30,
            "update_minutes": 30,
            "onsite_minutes": onsite_p1,
            "resolution_minutes": p1_resolution,
        },
        {
            "priority": "P2",
            "response_minutes": 60,
            "dispatch_minutes": 60,
            "update_minutes": 120,
            "onsite_minutes": onsite_p2,
            "resolution_minutes": 2 * business_day if onsite_p2 != 240 else 480,
        },
        {
            "priority": "P3",
            "response_minutes": 24 * 60,
            "dispatch_minutes": None,
            "update_minutes": None,
            "onsite_minutes": None,
            "resolution_minutes": 3 * business_day,
        },
        {
            "priority": "P4",
            "response_minutes": 48 * 60,
            "dispatch_minutes": None,
            "update_minutes": None,
            "onsite_minutes": None,
            "resolution_minutes": 5 * business_day,
        },
    ]


def _best_effort() -> list[TargetRow]:
    # Time and materials promises a first response only; everything after is billed best effort.
    return [
        {
            "priority": p,
            "response_minutes": minutes,
            "dispatch_minutes": None,
            "update_minutes": None,
            "onsite_minutes": None,
            "resolution_minutes": None,
        }
        for p, minutes in (("P1", 15), ("P2", 60), ("P3", 24 * 60), ("P4", 48 * 60))
    ]


PRODUCTS: list[dict[str, Any]] = [
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
        "targets": _targets(540, 540, 540),
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
        "targets": _targets(540, 540, 540),
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
        "targets": _targets(720, 720, 720),
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
        "targets": _targets(1440, 240, 240),
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
        "targets": _best_effort(),
    },
]
