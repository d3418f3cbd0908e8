"""The demo catalogue: part numbers for every demo server model, and the depots."""

import random
import string
from collections import defaultdict
from decimal import Decimal

from sasms.assets.demo import CITY_COORDINATES
from sasms.assets.demo import PARTS as FITTED_PARTS
from sasms.assets.models import ServerModel, Vendor
from sasms.parts.choices import PartKind
from sasms.parts.models import (
    Depot,
    Part,
    Substitute,
)

HISTORY_PER_SCALE = 4_000
DAYS = 730
RETURN_WINDOW_DAYS = 45
# (code, 中文名 English name, kind, tier, city key, offset)
DEPOTS = [
    (
        "cn-central",
        "华东中心库 Shanghai Jiading central warehouse",
        "central",
        "nbd",
        "Shanghai",
        (0.146, -0.209),
    ),
    ("bj-rdc", "北京区域库 Beijing regional depot", "regional", "nbd", "Beijing", (0.05, 0.08)),
    ("gz-rdc", "广州区域库 Guangzhou regional depot", "regional", "nbd", "Guangzhou", (0.04, -0.05)),
    ("cd-rdc", "成都区域库 Chengdu regional depot", "regional", "nbd", "Chengdu", (0.03, 0.02)),
    ("wh-rdc", "武汉区域库 Wuhan regional depot", "regional", "nbd", "Wuhan", (-0.02, 0.04)),
    ("xa-rdc", "西安区域库 Xi'an regional depot", "regional", "nbd", "Xi'an", (0.02, -0.03)),
    ("sy-rdc", "沈阳区域库 Shenyang regional depot", "regional", "nbd", "Shenyang", (0.01, 0.02)),
    ("sh-fsl", "上海浦东前置库 Shanghai Pudong forward stock", "forward", "4h", "Shanghai", (-0.01, 0.07)),
    ("bj-fsl", "北京海淀前置库 Beijing Haidian forward stock", "forward", "4h", "Beijing", (0.055, -0.11)),
    ("sz-fsl", "深圳前置库 Shenzhen forward stock", "forward", "4h", "Shenzhen", (0.0, 0.0)),
    ("hz-fsl", "杭州前置库 Hangzhou forward stock", "forward", "4h", "Hangzhou", (0.0, 0.0)),
    ("nj-fsl", "南京前置库 Nanjing forward stock", "forward", "4h", "Nanjing", (0.0, 0.0)),
    ("su-fsl", "苏州前置库 Suzhou forward stock", "forward", "4h", "Suzhou", (0.0, 0.0)),
    ("tj-fsl", "天津前置库 Tianjin forward stock", "forward", "4h", "Tianjin", (0.0, 0.0)),
    ("cq-fsl", "重庆前置库 Chongqing forward stock", "forward", "4h", "Chongqing", (0.0, 0.0)),
]
CITY_NAMES = {
    "Shanghai": "上海",
    "Beijing": "北京",
    "Guangzhou": "广州",
    "Chengdu": "成都",
    "Wuhan": "武汉",
    "Xi'an": "西安",
    "Shenyang": "沈阳",
    "Shenzhen": "深圳",
    "Hangzhou": "杭州",
    "Nanjing": "南京",
    "Suzhou": "苏州",
    "Tianjin": "天津",
    "Chongqing": "重庆",
}
# kind → [(description, unit cost CNY)] of the model-specific parts
MODEL_PARTS: dict[str, list[tuple[str, int]]] = {
    PartKind.DISK: [("2.4TB 10K SAS 硬盘 HDD", 1850), ("8TB 7.2K NL-SAS 硬盘 HDD", 2300)],
    PartKind.SSD: [("960GB SATA 固态盘 SSD", 1600), ("1.92TB NVMe 固态盘 SSD", 3200)],
    PartKind.DIMM: [("32GB DDR4 RDIMM 内存", 980), ("64GB DDR4 RDIMM 内存", 1900)],
    PartKind.PSU: [("800W 白金电源 PSU", 1100), ("1400W 钛金电源 PSU", 1900)],
    PartKind.FAN: [("系统风扇模块 fan module", 420)],
    PartKind.NIC: [("双口 25GbE 网卡 NIC", 2600)],
    PartKind.RAID: [("RAID 控制器 8GB 缓存 controller", 5200)],
    PartKind.MAINBOARD: [("主板 system board", 16800)],
    PartKind.CPU: [("处理器 CPU 28C", 14500)],
    PartKind.BMC: [("管理模块 BMC module", 2100)],
    PartKind.OTHER: [("RAID 电池 cache battery", 380)],
}
SERIALISED = {PartKind.MAINBOARD, PartKind.CPU}
FITTED_COST = {
    "disk": 1450,
    "ssd": 1300,
    "dimm": 950,
    "psu": 1000,
    "fan": 380,
    "nic": 2400,
    "raid": 4800,
    "mainboard": 15000,
}
FAST_MOVERS = {PartKind.DISK, PartKind.SSD, PartKind.DIMM, PartKind.PSU, PartKind.FAN}


def part_code(rng: random.Random, vendor: str, used: set[str]) -> str:
    digits, letters = string.digits, string.ascii_uppercase
    while True:
        if vendor == "dell":
            code = "0" + "".join(rng.choice(letters + digits) for _ in range(5))
        elif vendor == "hpe":
            code = f"P{rng.randint(10000, 99999)}-B21"
        elif vendor == "lenovo":
            code = f"4X{rng.choice(letters)}{rng.choice('0123456789')}A{rng.randint(10000, 99999)}"
        elif vendor == "huawei":
            code = f"0{rng.randint(2000000, 6999999)}"
        elif vendor == "inspur":
            code = f"YZ{rng.choice(letters)}{rng.choice(letters)}-{rng.randint(10000, 99999)}"
        else:
            code = f"SMC-{rng.choice(letters)}{rng.randint(1000, 9999)}"
        if code not in used:
            used.add(code)
            return code


def catalogue(rng: random.Random) -> tuple[dict[tuple[int, str], list[Part]], list[Part]]:
    models = list(ServerModel.objects.select_related("vendor").order_by("vendor__code", "name"))
    vendors = {v.code: v for v in Vendor.objects.all()}
    used = set(Part.objects.values_list("part_number", flat=True))
    rows: list[Part] = []
    links: list[tuple[Part, list[int]]] = []
    for model in models:
        for kind, variants in MODEL_PARTS.items():
            for description, cost in variants:
                part = Part(
                    part_number=part_code(rng, model.vendor.code, used),
                    description=f"{model.name} {description}",
                    kind=kind,
                    vendor=model.vendor,
                    unit_cost=Decimal(cost + rng.randint(-40, 40) * 5),
                    serialised=kind in SERIALISED,
                    lead_time_days=rng.choice([7, 14, 21, 30]),
                )
                rows.append(part)
                links.append((part, [model.pk]))
    all_models = [m.pk for m in models]
    fallback = vendors.get("dell") or next(iter(vendors.values()))
    for kind, _slots, numbers, capacities, _firmware in FITTED_PARTS:
        for number in numbers:
            code = number.upper()
            if kind in (PartKind.CPU, PartKind.BMC) or code in used:
                continue  # CPU model names and BMC brands are not FRU numbers
            used.add(code)
            part = Part(
                part_number=code,
                description=f"{capacities[0]} {kind}".strip(),
                kind=kind,
                vendor=fallback,
                unit_cost=Decimal(FITTED_COST.get(kind, 1000)),
                lead_time_days=14,
            )
            rows.append(part)
            links.append((part, all_models))
    Part.objects.bulk_create(rows, batch_size=500)
    through = Part.compatible_models.through
    through.objects.bulk_create(
        [through(part_id=part.pk, servermodel_id=model_id) for part, ids in links for model_id in ids],
        batch_size=2000,
    )
    by_model_kind: dict[tuple[int, str], list[Part]] = defaultdict(list)
    for part, ids in links:
        for model_id in ids:
            by_model_kind[(model_id, part.kind)].append(part)
    pairs = [
        ("ST4000NM0035", "HUS726T4TALA6L4"),
        ("MZ7L3480HCHQ", "SSDSC2KG480G8"),
        ("M393A4K40EB3-CWE", "HMA84GR7CJR4N-XN"),
    ]
    by_number = {p.part_number: p for p in rows}
    Substitute.objects.bulk_create(
        [
            Substitute(part=by_number[a], substitute=by_number[b], note="同容量替代 same capacity")
            for x, y in pairs
            for a, b in ((x, y), (y, x))
            if a in by_number and b in by_number
        ]
    )
    return by_model_kind, rows


def depots(rng: random.Random) -> list[Depot]:
    rows = []
    for code, name, kind, tier, city, (dlat, dlon) in DEPOTS:
        lat, lon = CITY_COORDINATES[city]
        rows.append(
            Depot(
                code=code,
                name=name,
                kind=kind,
                service_tier=tier,
                city=CITY_NAMES[city],
                address=f"{CITY_NAMES[city]} {city} logistics park",
                latitude=Decimal(f"{lat + dlat:.6f}"),
                longitude=Decimal(f"{lon + dlon:.6f}"),
                email=f"{code}@parts.sasms.example",
            )
        )
    return Depot.objects.bulk_create(rows)
