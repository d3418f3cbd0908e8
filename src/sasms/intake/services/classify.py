"""How an automatic request is filed: priority from the entitlement and the severity, and the part.

Priority follows the tickets app's impact × urgency matrix: the **urgency** is the fault's severity
(critical → high, warning → medium, informational → low); the **impact** is what the server is
entitled to — round-the-clock contract coverage → high, any other contract or the base warranty →
medium, no coverage → low. A critical fault on a 7×24 server is thus P1, a warning on a warranty
server P3, a critical fault on an uncovered one P3.
"""

import datetime
import re

from sasms.assets.models import Server
from sasms.intake.choices import AlertSeverity
from sasms.tickets.choices import HARDWARE_AREAS, Category, ComponentArea, Level

ROUND_THE_CLOCK = "7x24"


def impact_for(server: Server, at: datetime.datetime) -> str:
    from sasms.contracts.entitlement import entitlement_for  # contracts build on assets, not on intake

    entitlement = entitlement_for(server=server, at=at)
    if not entitlement.covered:
        return Level.LOW
    if entitlement.product is not None and entitlement.product.coverage_hours == ROUND_THE_CLOCK:
        return Level.HIGH
    return Level.MEDIUM


def urgency_for(severity: str) -> str:
    if severity == AlertSeverity.CRITICAL:
        return Level.HIGH
    if severity == AlertSeverity.INFO:
        return Level.LOW
    return Level.MEDIUM


_AREA_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), area)
    for pattern, area in (
        (r"dimm|memory|\bmem\b|ecc|内存", ComponentArea.MEMORY),
        (r"psu|power ?supply|电源", ComponentArea.PSU),
        (r"\bfan|风扇", ComponentArea.FAN),
        (r"raid|storage ?controller|smart ?array|perc|hba", ComponentArea.RAID),
        (r"drive|disk|ssd|nvme|hdd|\bbay\b|硬盘|磁盘", ComponentArea.DISK),
        (r"\bnic\b|network|ethernet|\blink\b|adapter|网卡", ComponentArea.NIC),
        (r"\bcpu|processor|处理器", ComponentArea.CPU),
        (r"\bbmc|ilo|idrac|ipmi|\bxcc|manager", ComponentArea.BMC),
        (r"mainboard|motherboard|system ?board|主板", ComponentArea.MAINBOARD),
        (r"firmware|bios|固件", ComponentArea.FIRMWARE),
        (r"temperature|thermal|温度", ComponentArea.FAN),
    )
)


def area_from_text(*texts: str) -> str:
    """The component area the first text that names a part points at, else ``""``."""
    for text in texts:
        for pattern, area in _AREA_WORDS:
            if text and pattern.search(text):
                return str(area)
    return ""


def category_for(area: str) -> str:
    return Category.HARDWARE if area in HARDWARE_AREAS or not area else Category.OTHER
