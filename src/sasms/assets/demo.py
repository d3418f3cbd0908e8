"""Demo data for the asset register: vendors, models with real life-cycle dates, sites, servers.

About 100 servers per customer, each with a realistic parts list; some models are past EOSL and
some reach it within a year, warranties are active, ending soon or expired. Rows are bulk-inserted
(without per-row audit entries) so the whole demo builds in seconds.
"""

import datetime
import random
import string
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sasms.accounts.models import Organisation, OrganisationKind
from sasms.assets import services
from sasms.assets.models import (
    Component,
    ComponentKind,
    FormFactor,
    Server,
    ServerModel,
    ServerStatus,
    Site,
    SiteKind,
    Vendor,
)

Progress = Callable[[str, int, int], None]
SERVERS_PER_CUSTOMER = 100
D = datetime.date

VENDORS = [
    ("Dell", "dell", "https://www.dell.com/support", "800-858-2969", "dell"),
    ("HPE", "hpe", "https://support.hpe.com", "400-610-3888", "hpe"),
    ("Lenovo", "lenovo", "https://datacentersupport.lenovo.com", "400-106-8888", "lenovo"),
    ("Inspur", "inspur", "https://en.inspur.com/support", "400-860-0011", "inspur"),
    ("Huawei", "huawei", "https://support.huawei.com", "400-822-9999", "huawei"),
    ("Supermicro", "supermicro", "https://www.supermicro.com/support", "408-503-8000", "supermicro"),
]
# (vendor, model, generation, form factor, release, EOL, EOSL) — dates as the vendors announced
# them or close to it; None where no end has been announced yet.
MODELS: list[tuple[str, str, str, str, D, D | None, D | None]] = [
    ("dell", "PowerEdge R730", "13G", FormFactor.RACK_2U, D(2014, 9, 8), D(2018, 5, 11), D(2023, 5, 31)),
    ("dell", "PowerEdge R640", "14G", FormFactor.RACK_1U, D(2017, 7, 11), D(2021, 11, 30), D(2027, 5, 31)),
    ("dell", "PowerEdge R740", "14G", FormFactor.RACK_2U, D(2017, 7, 11), D(2021, 11, 30), D(2027, 5, 31)),
    ("dell", "PowerEdge R750", "15G", FormFactor.RACK_2U, D(2021, 3, 17), D(2024, 12, 31), D(2030, 12, 31)),
    ("dell", "PowerEdge R760", "16G", FormFactor.RACK_2U, D(2023, 1, 10), None, None),
    ("hpe", "ProLiant DL380 Gen9", "Gen9", FormFactor.RACK_2U, D(2014, 9, 8), D(2019, 7, 31), D(2025, 6, 30)),
    (
        "hpe",
        "ProLiant DL360 Gen10",
        "Gen10",
        FormFactor.RACK_1U,
        D(2017, 7, 11),
        D(2022, 6, 30),
        D(2027, 6, 30),
    ),
    (
        "hpe",
        "ProLiant DL380 Gen10",
        "Gen10",
        FormFactor.RACK_2U,
        D(2017, 7, 11),
        D(2022, 6, 30),
        D(2027, 6, 30),
    ),
    ("hpe", "ProLiant DL380 Gen11", "Gen11", FormFactor.RACK_2U, D(2023, 1, 10), None, None),
    ("lenovo", "ThinkSystem SR650", "V1", FormFactor.RACK_2U, D(2017, 7, 11), D(2022, 3, 31), D(2027, 9, 30)),
    (
        "lenovo",
        "ThinkSystem SR650 V2",
        "V2",
        FormFactor.RACK_2U,
        D(2021, 4, 6),
        D(2025, 6, 30),
        D(2030, 6, 30),
    ),
    ("lenovo", "ThinkSystem SR630 V3", "V3", FormFactor.RACK_1U, D(2023, 1, 10), None, None),
    ("inspur", "NF5280M5", "M5", FormFactor.RACK_2U, D(2017, 7, 12), D(2021, 6, 30), D(2026, 6, 30)),
    ("inspur", "NF5280M6", "M6", FormFactor.RACK_2U, D(2021, 4, 7), D(2024, 6, 30), D(2029, 6, 30)),
    ("inspur", "NF5280M7", "M7", FormFactor.RACK_2U, D(2023, 3, 1), None, None),
    ("huawei", "RH2288H V3", "V3", FormFactor.RACK_2U, D(2015, 3, 1), D(2019, 3, 31), D(2023, 12, 31)),
    (
        "huawei",
        "FusionServer 2288H V5",
        "V5",
        FormFactor.RACK_2U,
        D(2017, 9, 1),
        D(2021, 12, 31),
        D(2026, 12, 31),
    ),
    (
        "huawei",
        "FusionServer 2288H V6",
        "V6",
        FormFactor.RACK_2U,
        D(2021, 4, 1),
        D(2025, 3, 31),
        D(2030, 3, 31),
    ),
    (
        "supermicro",
        "SYS-6029P-TRT",
        "X11",
        FormFactor.RACK_2U,
        D(2017, 7, 11),
        D(2021, 12, 31),
        D(2025, 12, 31),
    ),
    (
        "supermicro",
        "SYS-620U-TNR",
        "X12",
        FormFactor.RACK_2U,
        D(2021, 4, 6),
        D(2024, 12, 31),
        D(2029, 12, 31),
    ),
    ("supermicro", "SYS-221H-TNR", "X13", FormFactor.RACK_2U, D(2023, 1, 10), None, None),
]
SERIAL_PREFIX = {
    "dell": "",
    "hpe": "CZ2",
    "lenovo": "J30",
    "inspur": "21",
    "huawei": "2102",
    "supermicro": "S",
}
CITY_COORDINATES = {
    "Beijing": (39.9042, 116.4074),
    "Shanghai": (31.2304, 121.4737),
    "Guangzhou": (23.1291, 113.2644),
    "Shenzhen": (22.5431, 114.0579),
    "Hangzhou": (30.2741, 120.1551),
    "Nanjing": (32.0603, 118.7969),
    "Chengdu": (30.5728, 104.0668),
    "Wuhan": (30.5928, 114.3055),
    "Xi'an": (34.3416, 108.9398),
    "Chongqing": (29.5630, 106.5516),
    "Tianjin": (39.3434, 117.3616),
    "Suzhou": (31.2990, 120.5853),
    "Changsha": (28.2282, 112.9388),
    "Zhengzhou": (34.7466, 113.6254),
    "Qingdao": (36.0671, 120.3826),
    "Shenyang": (41.8057, 123.4315),
    "Hefei": (31.8206, 117.2272),
    "Xiamen": (24.4798, 118.0894),
    "Jinan": (36.6512, 117.1201),
    "Guiyang": (26.6470, 106.6302),
}
OPERATING_SYSTEMS = [
    "Red Hat Enterprise Linux 8.8",
    "Red Hat Enterprise Linux 9.2",
    "Kylin V10 SP3",
    "UOS Server 20",
    "CentOS 7.9",
    "Windows Server 2019",
    "Windows Server 2022",
    "VMware ESXi 7.0 U3",
    "VMware ESXi 8.0",
    "openEuler 22.03 LTS",
]
# (kind, slots, part-number choices, capacity choices, firmware choices)
PARTS: list[tuple[str, int, list[str], list[str], list[str]]] = [
    (
        ComponentKind.CPU,
        2,
        ["Xeon Gold 6330", "Xeon Silver 4314", "Xeon Gold 6430"],
        ["28C 2.0GHz", "16C 2.4GHz"],
        [""],
    ),
    (ComponentKind.DIMM, 16, ["M393A4K40EB3-CWE", "HMA84GR7CJR4N-XN"], ["32 GB", "64 GB"], [""]),
    (ComponentKind.SSD, 2, ["MZ7L3480HCHQ", "SSDSC2KG480G8"], ["480 GB"], ["JXTC604Q", "XCV10132"]),
    (
        ComponentKind.DISK,
        6,
        ["ST4000NM0035", "HUS726T4TALA6L4", "ST8000NM000A"],
        ["4 TB", "8 TB"],
        ["TN05", "W9H1"],
    ),
    (ComponentKind.PSU, 2, ["0PJMDN", "865414-B21", "PSU800W-PT"], ["800 W", "1100 W"], ["00.1D.7D"]),
    (ComponentKind.FAN, 6, ["FAN-60X38", "0HR6C0"], [""], [""]),
    (
        ComponentKind.NIC,
        2,
        ["X710-DA2", "MCX4121A-ACAT", "BCM57414"],
        ["2x10GbE", "2x25GbE"],
        ["9.20", "14.32.1010"],
    ),
    (ComponentKind.RAID, 1, ["PERC H740P", "P408i-a", "9460-8i"], ["8 GB cache"], ["51.16.0-4076", "5.00"]),
    (ComponentKind.MAINBOARD, 1, ["0DY2X0", "P24459-001", "X12DPU-6"], [""], ["2.14.2", "U46 2.62"]),
    (ComponentKind.BMC, 1, ["iDRAC9", "iLO 5", "XCC", "iBMC"], [""], ["6.10.30.00", "2.78", "3.02"]),
]


def _serial(rng: random.Random, vendor_code: str, used: set[str]) -> str:
    alphabet = string.ascii_uppercase + string.digits
    length = 7 if vendor_code == "dell" else 10 - len(SERIAL_PREFIX[vendor_code]) + 6
    while True:
        serial = SERIAL_PREFIX[vendor_code] + "".join(rng.choice(alphabet) for _ in range(length))
        if serial not in used:
            used.add(serial)
            return serial


def _city_en(organisation: Organisation) -> str:
    parts = organisation.city.split(" ", 1)
    return parts[1] if len(parts) == 2 else organisation.city


def _catalogue() -> tuple[dict[str, Vendor], list[ServerModel]]:
    vendors = {}
    for name, code, website, phone, _key in VENDORS:
        vendors[code] = Vendor.objects.filter(code=code).first() or services.create_vendor(
            actor=None, name=name, code=code, website=website, support_phone=phone
        )
    models = []
    for vendor_code, name, generation, form_factor, release, eol, eosl in MODELS:
        existing = ServerModel.objects.filter(vendor=vendors[vendor_code], name=name).first()
        models.append(
            existing
            or services.create_server_model(
                actor=None,
                vendor=vendors[vendor_code],
                name=name,
                generation=generation,
                form_factor=form_factor,
                release_date=release,
                eol_date=eol,
                eosl_date=eosl,
            )
        )
    return vendors, models


def _sites(rng: random.Random, customer: Organisation) -> list[Site]:
    city = _city_en(customer)
    lat, lon = CITY_COORDINATES.get(city, (31.2304, 121.4737))
    centre = Site.objects.create(
        organisation=customer,
        kind=SiteKind.DATA_CENTRE,
        name=f"{customer.city.split(' ')[0]}数据中心 {city} DC-{rng.randint(1, 9)}",
        address=customer.address or f"{city} High-Tech Zone",
        city=customer.city,
        latitude=Decimal(f"{lat + rng.uniform(-0.08, 0.08):.6f}"),
        longitude=Decimal(f"{lon + rng.uniform(-0.08, 0.08):.6f}"),
        time_zone="Asia/Urumqi" if city == "Urumqi" else "Asia/Shanghai",
        access_notes="工作日 9:00–18:00 凭工单和身份证登记入场；夜间需提前 2 小时报备。\n"
        "Weekdays 9:00–18:00 with ticket number and ID; nights need 2 h notice.",
    )
    rooms = [
        Site(
            organisation=customer,
            parent=centre,
            kind=SiteKind.ROOM,
            name=f"{centre.name} · {floor}F-{room}",
            address=centre.address,
            city=centre.city,
            latitude=centre.latitude,
            longitude=centre.longitude,
            time_zone=centre.time_zone,
        )
        for floor, room in [(2, "A"), (3, "B")][: rng.randint(1, 2)]
    ]
    Site.objects.bulk_create(rooms)
    return [centre, *rooms]


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    today = timezone.localdate()
    now = timezone.now()
    vendors, models = _catalogue()
    vendor_by_id = {v.pk: v for v in vendors.values()}
    customers = list(Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by("id"))
    per_customer = SERVERS_PER_CUSTOMER  # scale already multiplies the customers
    used: dict[int, set[str]] = {}
    total = len(customers)
    for index, customer in enumerate(customers):
        sites = _sites(rng, customer)
        # Each customer favours a few vendors, as real fleets do.
        favourites = rng.sample(models, k=rng.randint(3, 6))
        servers: list[Server] = []
        for number in range(per_customer):
            model = rng.choice(favourites)
            vendor = vendor_by_id[model.vendor_id]
            installed, warranty_end = _purchase(rng, model, today)
            status = rng.choices(
                [
                    ServerStatus.IN_SERVICE,
                    ServerStatus.IN_STOCK,
                    ServerStatus.UNDER_REPAIR,
                    ServerStatus.DECOMMISSIONED,
                ],
                weights=[85, 5, 5, 5],
            )[0]
            site = rng.choice(sites)
            servers.append(
                Server(
                    vendor=vendor,
                    model=model,
                    serial=_serial(rng, vendor.code, used.setdefault(vendor.pk, set())),
                    asset_tag=f"{customer.code.upper()[:10].rstrip('-')}-{number + 1:05d}",
                    hostname=f"{customer.code.split('-')[0]}-{number + 1:04d}.{customer.code}.example",
                    organisation=customer,
                    site=site,
                    rack=f"{rng.choice('ABCDEFGH')}{rng.randint(1, 20):02d}",
                    rack_unit=rng.randint(1, 40),
                    bmc_address=f"10.{index % 250}.{number // 250}.{number % 250 + 2}",
                    operating_system=rng.choice(OPERATING_SYSTEMS),
                    status=status,
                    installation_date=installed,
                    warranty_start=installed,
                    warranty_end=warranty_end,
                    created_at=now,
                    updated_at=now,
                )
            )
        Server.objects.bulk_create(servers)
        Component.objects.bulk_create(_components(rng, servers, now), batch_size=2000)
        if (index + 1) % 5 == 0 or index + 1 == total:
            progress("servers", index + 1, total)
    state["assets"] = {"vendors": len(vendors), "models": len(models)}


def _purchase(
    rng: random.Random, model: ServerModel, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """When a server of ``model`` was installed and when its base warranty ends.

    Bought while the model was on sale: from a month after release until its end of life (the
    vendor stops selling then), never in the future. The warranty starts on installation and runs
    three or five years, but never past end of service life, when the vendor stops supplying parts.
    """
    assert model.release_date is not None
    first = model.release_date + datetime.timedelta(days=30)
    last = min(d for d in (model.eol_date, model.eosl_date, today) if d is not None)
    installed = first + datetime.timedelta(days=rng.randint(0, max((last - first).days, 0)))
    installed = min(installed, last)
    warranty_end = installed + datetime.timedelta(days=365 * rng.choice([3, 3, 3, 5]))
    if model.eosl_date is not None:
        warranty_end = min(warranty_end, model.eosl_date - datetime.timedelta(days=1))
    return installed, max(warranty_end, installed)


def _components(rng: random.Random, servers: list[Server], now: datetime.datetime) -> list[Component]:
    parts: list[Component] = []
    for server in servers:
        installed_at = datetime.datetime.combine(
            server.installation_date or now.date(), datetime.time(10, 0), tzinfo=datetime.UTC
        )
        for kind, slots, numbers, capacities, firmwares in PARTS:
            count = (
                slots
                if kind not in (ComponentKind.DISK, ComponentKind.DIMM)
                else rng.randint(slots // 2, slots)
            )
            part_number = rng.choice(numbers)
            capacity = rng.choice(capacities)
            for slot in range(count):
                parts.append(
                    Component(
                        server=server,
                        kind=kind,
                        part_number=part_number,
                        serial="".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(12)),
                        slot=f"{kind.upper()}{slot}",
                        capacity=capacity,
                        firmware=rng.choice(firmwares),
                        installed_at=installed_at,
                    )
                )
        if rng.random() < 0.08:
            # A disk that failed and was swapped under a service request: kept as history.
            failed_at = installed_at + datetime.timedelta(days=rng.randint(100, 900))
            if failed_at < now:
                parts.append(
                    Component(
                        server=server,
                        kind=ComponentKind.DISK,
                        part_number="ST4000NM0035",
                        serial="".join(rng.choice(string.digits) for _ in range(12)),
                        slot="DISK9",
                        capacity="4 TB",
                        firmware="TN02",
                        installed_at=installed_at,
                        removed_at=failed_at,
                        removal_reason=rng.choice(["SMART 预警 predictive failure", "介质错误 media error"]),
                        service_request_ref=f"SR-{failed_at:%Y%m}-{rng.randint(1000, 9999)}",
                    )
                )
    return parts
