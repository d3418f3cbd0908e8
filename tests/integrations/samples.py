"""A generated bilingual (Chinese + English) set of service-request texts with known labels.

Each component has its own Chinese and English vocabulary; titles and descriptions are composed
from templates with slot names, model numbers, filler sentences shared by every class and a
little label noise, so a classifier has to learn the words rather than memorise whole strings.
"""

import random
from dataclasses import dataclass

# component: (category, [zh terms], [en terms])
VOCABULARY: dict[str, tuple[str, list[str], list[str]]] = {
    "disk": (
        "hardware",
        ["硬盘", "磁盘", "坏道", "SMART 预警", "硬盘离线"],
        ["disk", "drive", "bad sector", "SMART", "HDD", "SSD"],
    ),
    "memory": (
        "hardware",
        ["内存", "内存条", "ECC 错误", "可纠正错误"],
        ["memory", "DIMM", "ECC", "correctable error"],
    ),
    "psu": ("hardware", ["电源", "电源模块", "供电冗余"], ["power supply", "PSU", "power redundancy"]),
    "fan": ("hardware", ["风扇", "风扇转速", "散热"], ["fan", "fan speed", "cooling"]),
    "raid": ("hardware", ["RAID 卡", "阵列", "缓存电池"], ["RAID controller", "array", "cache battery"]),
    "cpu": ("hardware", ["处理器", "CPU 过热", "CPU 降频"], ["processor", "CPU", "thermal throttling"]),
    "os": (
        "software",
        ["操作系统", "内核崩溃", "系统蓝屏"],
        ["operating system", "kernel panic", "blue screen"],
    ),
    "firmware": (
        "software",
        ["固件", "BIOS 升级", "固件版本"],
        ["firmware", "BIOS update", "firmware version"],
    ),
    "driver": ("software", ["驱动", "驱动程序", "网卡驱动"], ["driver", "driver package", "kernel module"]),
    "nic": (
        "network",
        ["网卡", "网口", "丢包", "链路中断"],
        ["network card", "NIC", "packet loss", "link down"],
    ),
    "virtualisation": (
        "performance",
        ["虚拟机", "虚拟化", "VMware 主机"],
        ["virtual machine", "hypervisor", "VMware host"],
    ),
}
SEVERITY: dict[str, tuple[list[str], list[str]]] = {
    "P1": (["宕机", "业务中断", "无法开机"], ["down", "outage", "will not boot"]),
    "P2": (["降级", "告警", "性能下降"], ["degraded", "alarm", "slow"]),
    "P3": (["请检查", "偶发", "需要处理"], ["please check", "intermittent", "needs attention"]),
    "P4": (["咨询", "请问如何", "了解一下"], ["question", "how do I", "asking about"]),
}
FILLER = [
    "客户反馈", "机房巡检发现", "监控系统报告", "请尽快安排工程师", "设备在上海数据中心",
    "customer reports", "seen during the walk", "monitoring says", "please send an engineer",
    "the server is in rack B12", "serial J30ABCD", "since last night", "after the maintenance window",
]  # fmt: skip
SLOTS = ["slot 3", "DIMM A2", "PSU2", "Fan4", "Bay 7", "槽位 5", "0XR5R-A00", "871246-B21"]


@dataclass(frozen=True)
class Sample:
    title: str
    description: str
    category: str
    component: str
    priority: str


def generate(n: int, *, seed: int = 7, noise: float = 0.03) -> list[Sample]:
    """``n`` labelled samples; ``noise`` is the share whose labels are drawn at random."""
    rng = random.Random(seed)
    components = list(VOCABULARY)
    priorities = list(SEVERITY)
    samples = []
    for _ in range(n):
        component = rng.choice(components)
        priority = rng.choices(priorities, weights=[1, 3, 4, 2])[0]
        category, zh_terms, en_terms = VOCABULARY[component]
        zh_sev, en_sev = SEVERITY[priority]
        zh_term, en_term = rng.choice(zh_terms), rng.choice(en_terms)
        slot = rng.choice(SLOTS)
        shape = rng.random()
        if shape < 0.4:  # both languages, as the demo writes them
            title = f"{zh_term}{rng.choice(zh_sev)} / {en_term} {rng.choice(en_sev)}"
        elif shape < 0.7:
            title = f"{slot} {zh_term}{rng.choice(zh_sev)}"
        else:
            title = f"{en_term} {rng.choice(en_sev)} on {slot}"
        description = " ".join(
            [rng.choice(FILLER), rng.choice(zh_terms), rng.choice(en_terms), rng.choice(FILLER), slot]
        )
        if rng.random() < noise:
            component = rng.choice(components)
            category = VOCABULARY[component][0]
        if rng.random() < noise:
            priority = rng.choice(priorities)
        samples.append(Sample(title, description, category, component, priority))
    return samples
