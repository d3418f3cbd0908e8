"""Request texts composed from independent pieces, so demo requests read like many customers wrote them.

A text is an opening, a symptom (several ways of saying it, in Chinese, English or both), a server
reference, an impact sentence and a closing; each piece is drawn on its own, giving hundreds of
distinct phrasings per fault. The impact sentence decides how urgent the request is, the way a
service-desk agent would read it: ``critical`` (business down, several servers, data lost),
``high`` (redundancy gone on production, a deadline), ``normal`` or ``low`` (a question).
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

# fault → (category, component, [(title, symptom)] in zh, [(title, symptom)] in en)
Phrase = tuple[str, str]
FAULTS: dict[str, tuple[str, str, list[Phrase], list[Phrase]]] = {
    "disk": (
        "hardware",
        "disk",
        [
            ("硬盘故障", "{slot} 硬盘亮黄灯"),
            ("硬盘坏了", "{slot} 的盘坏了"),
            ("磁盘报警", "阵列管理里 {slot} 显示 failed"),
            ("硬盘预故障告警", "{slot} 硬盘 SMART 预故障"),
            ("硬盘离线", "{slot} 硬盘离线，重新插拔无效"),
            ("坏盘更换", "{slot} 有坏道，reallocated sector 一直涨"),
            ("硬盘红灯", "机房巡检发现 {slot} 红灯常亮"),
            ("SSD 寿命告警", "{slot} SSD 剩余寿命不足 5%"),
        ],
        [
            ("Disk failure", "the drive in {slot} failed"),
            ("Failed drive", "{slot} shows an amber LED"),
            ("Predictive disk failure", "SMART predictive failure on {slot}"),
            ("HDD dead", "hdd {slot} is dead"),
            ("Drive offline", "{slot} went offline and won't come back after reseat"),
            ("Bad sectors", "read errors and growing reallocated sectors on {slot}"),
            ("SSD wear-out", "SSD {slot} is nearly worn out"),
            ("Replace disk", "physical disk {slot} reported Failed by the controller"),
        ],
    ),
    "memory": (
        "hardware",
        "memory",
        [
            ("内存报错", "{slot} 内存大量可纠正错误"),
            ("内存故障", "SEL 里 DIMM {slot} 报 ECC 错误"),
            ("内存条告警", "{slot} 旁边的故障灯亮了"),
            ("内存容量变少", "系统里少了一根内存，{slot} 被禁用"),
            ("内存不可纠正错误", "DIMM {slot} 出现 UE，服务器自己重启了"),
            ("内纯报错", "内纯 {slot} 报 CE"),
        ],
        [
            ("Memory errors", "lots of correctable ECC errors on DIMM {slot}"),
            ("DIMM failure", "DIMM {slot} failed"),
            ("Memory fault LED", "fault LED lit next to DIMM {slot}"),
            ("Missing memory", "DIMM {slot} is disabled and the OS shows less memory"),
            ("Uncorrectable memory error", "uncorrectable ECC on {slot}, the server rebooted"),
            ("memroy error", "memroy errors on DIMM {slot}"),
        ],
    ),
    "psu": (
        "hardware",
        "psu",
        [
            ("电源故障", "{slot} 灯不亮了"),
            ("电源模块报警", "{slot} 状态 failure"),
            ("电源冗余丢失", "{slot} 坏了，只剩一路电源"),
            ("电原故障", "电原 {slot} 报警"),
        ],
        [
            ("PSU failure", "{slot} failed"),
            ("Power supply redundancy lost", "redundancy lost, {slot} is dark"),
            ("Bad power supply", "{slot} LED is amber"),
            ("power supply fault", "input lost on {slot}"),
        ],
    ),
    "fan": (
        "hardware",
        "fan",
        [
            ("风扇告警", "{slot} 转速为 0"),
            ("风扇故障", "{slot} 不转了"),
            ("风扇噪音大", "{slot} 声音特别大"),
            ("温度告警", "{slot} 坏了，温度在升高"),
        ],
        [
            ("Fan failure", "{slot} failed"),
            ("Fan speed alarm", "{slot} reports 0 RPM"),
            ("Loud fan", "{slot} is very loud"),
            ("Thermal warning", "{slot} degraded and temperatures rising"),
        ],
    ),
    "mainboard": (
        "hardware",
        "mainboard",
        [
            ("服务器无法开机", "按电源键没反应，诊断指向主板"),
            ("主板故障", "开不了机，电源灯闪一下就灭"),
            ("服务器反复重启", "没有日志就重启，怀疑主板"),
            ("主板报错", "SEL 里 system board 电压异常"),
        ],
        [
            (
                "Server will not power on",
                "no response to the power button, diagnostics point to the system board",
            ),
            ("System board failure", "the server won't POST, mainboard suspected"),
            ("Random reboots", "reboots with no log entries, we suspect the motherboard"),
            ("Mainboard error", "system board voltage fault in the log"),
        ],
    ),
    "raid": (
        "hardware",
        "raid",
        [
            ("阵列卡故障", "阵列卡报 controller fault"),
            ("RAID 卡电池失效", "阵列卡电池失效，缓存变成直写"),
            ("阵列卡识别不到", "开机看不到阵列卡"),
            ("RAID 卡缓存报错", "cache module 需要更换"),
        ],
        [
            ("RAID controller failure", "the RAID controller reports a fault"),
            ("Controller battery failed", "controller battery failed, cache is write-through"),
            ("Controller not detected", "the storage controller is missing at boot"),
            ("Controller cache error", "cache module error on the controller"),
        ],
    ),
    "nic": (
        "hardware",
        "nic",
        [
            ("网卡故障", "{slot} 网口灯不亮"),
            ("网卡端口坏了", "{slot} 物理口没有 link，换线无效"),
            ("网卡识别不到", "PCIe 网卡系统里看不到"),
            ("网卡频繁复位", "{slot} 网卡不停 reset"),
        ],
        [
            ("NIC failure", "no link on {slot}, cable tested"),
            ("Network card dead", "the NIC port {slot} is dead"),
            ("NIC not detected", "the PCIe NIC does not show in lspci"),
            ("Adapter resets", "adapter {slot} keeps resetting"),
        ],
    ),
    "cpu": (
        "hardware",
        "cpu",
        [
            ("CPU 报错", "SEL 里 CPU IERR"),
            ("处理器故障", "诊断显示 CPU1 故障"),
            ("CPU 温度告警", "CPU 温度超过阈值"),
        ],
        [
            ("CPU error", "processor IERR in the SEL"),
            ("Processor failure", "diagnostics say CPU 1 failed"),
            ("CPU temperature high", "CPU temperature above threshold"),
        ],
    ),
    "bmc": (
        "hardware",
        "bmc",
        [
            ("BMC 登不上", "管理口网页打不开"),
            ("带外管理不通", "BMC ping 不通"),
            ("BMC 传感器无读数", "传感器全部显示 NA"),
        ],
        [
            ("BMC unreachable", "the BMC web UI does not answer"),
            ("iDRAC not responding", "cannot reach the iDRAC"),
            ("IPMI sensors N/A", "all IPMI sensors read N/A"),
        ],
    ),
    "os": (
        "software",
        "os",
        [
            ("系统宕机", "出现 kernel panic 并重启"),
            ("系统蓝屏", "Windows 蓝屏重启"),
            ("系统起不来", "重启后卡在引导界面"),
            ("系统死机", "死机只能硬重启"),
        ],
        [
            ("Kernel panic", "the OS hit a kernel panic"),
            ("Blue screen", "Windows BSOD and reboot"),
            ("Stuck at boot", "hangs at the boot loader after patching"),
            ("Server hangs", "the OS freezes and needs a power cycle"),
        ],
    ),
    "firmware": (
        "software",
        "firmware",
        [
            ("固件升级问题", "升级 BIOS 后启动顺序乱了"),
            ("BMC 固件升级失败", "刷 BMC 固件中途失败"),
            ("固件漏洞", "扫描发现 BMC 固件有漏洞需要升级"),
        ],
        [
            ("Firmware update issue", "after the BIOS update the boot order changed"),
            ("BMC firmware update failed", "the BMC firmware flash failed halfway"),
            ("Firmware vulnerability", "security scan flagged old BMC firmware"),
        ],
    ),
    "driver": (
        "software",
        "driver",
        [
            ("驱动问题", "升级驱动后 I/O 超时"),
            ("装系统找不到硬盘", "安装程序识别不到阵列，缺驱动"),
            ("网卡驱动加载失败", "升级内核后网卡驱动加载失败"),
        ],
        [
            ("Driver issue", "IO timeouts since the driver update"),
            ("Installer sees no disks", "the installer finds no disks, driver missing"),
            ("NIC driver fails to load", "NIC driver fails to load after a kernel update"),
        ],
    ),
    "virtualisation": (
        "software",
        "virtualisation",
        [
            ("虚拟机卡死", "宿主机上的虚拟机全部无响应"),
            ("宿主机失联", "vCenter 显示主机断开"),
            ("虚拟机迁移失败", "vMotion 一直失败"),
        ],
        [
            ("VMs frozen", "all VMs on the host are frozen"),
            ("Host not responding", "vCenter shows the host not responding"),
            ("vMotion fails", "vMotion to the host times out"),
        ],
    ),
    "network": (
        "network",
        "nic",
        [
            ("网络丢包", "到网关 ping 丢包"),
            ("网络时断时续", "每隔几分钟断网一次"),
            ("网络延迟高", "到数据库的延迟从 0.2ms 涨到 20ms"),
            ("bond 不切换", "拔掉主网线 bond 不切换"),
        ],
        [
            ("Packet loss", "packet loss between server and gateway"),
            ("Network drops", "the network drops every few minutes"),
            ("High latency", "latency to the database jumped"),
            ("Bond failover broken", "the bond does not fail over"),
        ],
    ),
    "performance": (
        "performance",
        "other",
        [
            ("服务器很慢", "服务器越来越慢，登录都要等"),
            ("性能下降", "跑批时间翻倍"),
            ("响应慢", "高峰期查询超时"),
            ("系统卡顿", "系统很卡，配置没动过"),
        ],
        [
            ("Server slow", "the server has become very slow"),
            ("Performance degradation", "batch jobs take twice as long"),
            ("Slow response", "queries time out at peak"),
            ("Sluggish system", "everything is sluggish, no changes made"),
        ],
    ),
    "admin": (
        "other",
        "other",
        [
            ("发票问题", "服务费发票还没收到"),
            ("设备搬迁", "机房搬迁，需要工程师协助下架上架"),
            ("联系人变更", "技术联系人换人了，请更新"),
            ("旧服务器回收", "报废服务器的硬盘需要现场消磁"),
            ("维保证明", "审计需要维保证明"),
            ("投诉", "上次工程师迟到了"),
            ("资料申请", "请提供用户手册"),
            ("续保", "合同快到期了，想续签"),
            ("账号申请", "新同事需要开通门户账号"),
        ],
        [
            ("Invoice", "we have not received the invoice"),
            ("Data centre move", "we need help to de-rack and re-rack servers for a move"),
            ("Contact change", "please update our technical contact"),
            ("Disposal", "retired servers need disk degaussing on site"),
            ("Maintenance certificate", "we need a maintenance certificate for an audit"),
            ("Complaint", "the engineer was late last time"),
            ("Manuals", "please send the user guide"),
            ("Contract renewal", "our contract expires soon, we want to renew"),
            ("Portal access", "a new colleague needs a portal account"),
        ],
    ),
    "consultation": (
        "consultation",
        "other",
        [
            ("咨询", "咨询一下这个型号最多支持多少根内存"),
            ("请问怎么配置 RAID", "请问新服务器怎么配置 RAID 10"),
            ("维保咨询", "想问一下合同包不包含上门服务"),
            ("如何收集日志", "请问怎么导出 BMC 日志"),
            ("固件升级咨询", "请问 BIOS 可以在系统里直接升级吗"),
            ("兼容性咨询", "请问支持麒麟 V10 吗"),
            ("保修查询", "想查一下这几台的保修到期时间"),
        ],
        [
            ("Question", "what is the maximum memory this model supports?"),
            ("How to configure RAID", "how do we set up RAID 10 on the new server?"),
            ("Contract question", "does our contract include on-site service?"),
            ("How to collect logs", "how do I export the BMC logs?"),
            ("BIOS update question", "can the BIOS be updated from the OS?"),
            ("Compatibility question", "is RHEL 9 supported on this model?"),
            ("Warranty check", "when does the warranty end for these servers?"),
        ],
    ),
}
# A consultation names the part it asks about: the component follows the question.
CONSULTATION_COMPONENTS = {0: "memory", 1: "raid", 3: "bmc", 4: "firmware", 5: "os"}

OPENINGS_ZH = ["", "", "您好，", "你好，", "麻烦看一下：", "各位好，", "报修：", "hi，"]
OPENINGS_EN = ["", "", "Hi, ", "Hello team, ", "Dear support, ", "Hi all - ", "FYI: ", "Good morning, "]
SERVERS = [
    "{server}",
    "服务器 {server}",
    "server {server}",
    "主机 {server}",
    "机器 {server}",
    "our host {server}",
    "",
]
SERVER_NAMES = [
    "db01",
    "app-07",
    "esx12",
    "srv-fs-02",
    "node-23",
    "hv-03",
    "web-05",
    "SN 2102311ABC",
    "机柜 A03 的那台",
    "backup01",
]
IMPACT: dict[str, list[str]] = {
    "critical": [
        "业务已全部中断。",
        "生产系统全部停了，十万火急！",
        "核心业务宕机，请立即派人。",
        "数据可能已经丢失。",
        "好几台服务器同时宕机。",
        "Business is completely down.",
        "Production is down, urgent!",
        "All our services are offline.",
        "We may have lost data.",
        "Several servers went down at once.",
        "生产 down 了，please call asap",
        "整个机柜的服务器都受影响，业务中断",
    ],
    "high": [
        "生产环境，现在没有冗余了，请尽快处理。",
        "明天上线前必须修好。",
        "用户已经在投诉了。",
        "月底结账前不能出问题。",
        "Production box, no redundancy left, please expedite.",
        "We go live on Monday, it must be fixed before.",
        "Customers are complaining.",
        "prod 机器，尽快",
    ],
    "normal": [
        "",
        "",
        "目前不影响业务。",
        "暂时没有影响。",
        "测试环境，不急。",
        "No impact for now.",
        "Service still running.",
        "Test box, not urgent.",
        "业务正常",
    ],
}
CLOSINGS = ["", "", "谢谢！", "辛苦了。", "Thanks.", "Regards,", "thx", "日志见附件。", "Log attached."]
SLOTS = {
    "disk": ["Disk 3", "bay 5", "0:1:2", "slot 7", "3 号槽位", "sdb"],
    "memory": ["A1", "B3", "C2", "DIMM_D1", "CPU1_A4"],
    "psu": ["PSU 2", "PSU1", "电源 2", "power supply 1"],
    "fan": ["Fan 4", "FAN2", "风扇 5", "fan module 3"],
    "nic": ["eth1", "ens3f0", "port 2", "网口 2"],
}
PRIORITY_BY_IMPACT = {"critical": "P1", "high": "P2", "normal": "P3", "low": "P4"}


@dataclass(frozen=True)
class Composed:
    title: str
    description: str
    category: str
    component: str
    impact: str  # critical, high, normal or low

    @property
    def priority(self) -> str:
        return PRIORITY_BY_IMPACT[self.impact]


def compose(rng: random.Random, fault: str, impact: str | None = None) -> Composed:
    """One request text for ``fault``; ``impact`` drawn unless given (questions are always low)."""
    category, component, zh, en = FAULTS[fault]
    language = rng.choices(["zh", "en", "mixed"], [40, 30, 30])[0]
    phrases = zh if language == "zh" else en if language == "en" else rng.choice([zh, en])
    index = rng.randrange(len(phrases))
    title, symptom = phrases[index]
    if fault == "consultation":
        component = CONSULTATION_COMPONENTS.get(index, "other")
        impact = "low"
    elif fault == "admin":
        impact = "low"
    elif impact is None:
        impact = rng.choices(["critical", "high", "normal"], [12, 22, 66])[0]
    if language == "mixed":  # a title from one language, the body from the other
        other = en if phrases is zh else zh
        symptom = other[index % len(other)][1]
    opening = rng.choice(OPENINGS_EN if language == "en" else OPENINGS_ZH)
    server = rng.choice(SERVERS).format(server=rng.choice(SERVER_NAMES))
    pieces = [
        opening
        + (f"{server} " if server else "")
        + symptom.replace("{slot}", rng.choice(SLOTS.get(component, ["1"])))
    ]
    if impact != "low":
        pieces.append(rng.choice(IMPACT[impact]))
    pieces.append(rng.choice(CLOSINGS))
    if impact == "critical" and rng.random() < 0.5:
        title = rng.choice(["紧急：", "URGENT: ", "【紧急】", "P1 - ", ""]) + title
    description = " ".join(p for p in pieces if p).strip()
    return Composed(title, description, category, component, impact)


class Phrasings(Sequence[tuple[str, str]]):
    """A very long, deterministic list of ``(title, description)`` for one fault, built on access
    (the demo builder picks from it with ``rng.choice`` as from a plain list)."""

    SIZE = 100_000

    def __init__(self, fault: str) -> None:
        self.fault = fault

    def __len__(self) -> int:
        return self.SIZE

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, str]]: ...
    def __getitem__(self, index: int | slice) -> tuple[str, str] | Sequence[tuple[str, str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.SIZE))]
        if not 0 <= index < self.SIZE:
            raise IndexError(index)
        composed = compose(random.Random(f"{self.fault}:{index}"), self.fault)
        return composed.title, composed.description


def samples(count: int, *, seed: int = 0) -> list[Composed]:
    """``count`` labelled texts across all faults (for seeding the classifier on a new installation)."""
    rng = random.Random(seed)
    faults = list(FAULTS)
    weights = [FAULT_WEIGHTS.get(f, 5) for f in faults]
    return [compose(rng, rng.choices(faults, weights)[0]) for _ in range(count)]


FAULT_WEIGHTS = {
    "admin": 5,
    "disk": 16,
    "memory": 10,
    "consultation": 14,
    "network": 8,
    "performance": 8,
    "psu": 6,
    "fan": 5,
    "raid": 6,
    "nic": 5,
}
