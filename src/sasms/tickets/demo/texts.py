# ruff: noqa: E501 -- one bilingual sentence per line reads better than split string pieces
"""Bilingual demo texts and the mix of request kinds, as seen by a server service desk.

Weights are per 1 000 requests: hardware faults dominate (disks first, then memory, power
supplies, fans, mainboards), then software, network and performance, then how-to questions.
"""

# (weight, type, category, component, impact, urgency, [(title zh / en, description)], resolution code)
KINDS: list[tuple[int, str, str, str, str, str, list[tuple[str, str]], str]] = [
    (
        240,
        "incident",
        "hardware",
        "disk",
        "2",
        "2",
        [
            (
                "硬盘预故障告警 / Disk predictive failure",
                "BMC 报告 {slot} 硬盘 SMART 预故障，RAID 仍为最优。The BMC reports a SMART predictive failure on {slot}; the array is still optimal.",
            ),
            (
                "硬盘离线，RAID 降级 / Disk offline, RAID degraded",
                "{slot} 硬盘离线，虚拟磁盘降级，请尽快更换。Disk {slot} went offline and the virtual disk is degraded.",
            ),
            (
                "硬盘亮黄灯 / Amber LED on a disk",
                "机房巡检发现 {slot} 硬盘黄灯常亮。The data-centre walk found an amber LED on {slot}.",
            ),
        ],
        "part_replaced",
    ),
    (
        140,
        "incident",
        "hardware",
        "memory",
        "2",
        "2",
        [
            (
                "内存可纠正错误过多 / Too many correctable memory errors",
                "SEL 中 {slot} 出现大量 CE 记录。The SEL shows many correctable errors on DIMM {slot}.",
            ),
            (
                "内存不可纠正错误导致宕机 / Uncorrectable memory error crashed the server",
                "服务器因 {slot} UE 重启。The server rebooted after an uncorrectable error on {slot}.",
            ),
        ],
        "part_replaced",
    ),
    (
        90,
        "incident",
        "hardware",
        "psu",
        "3",
        "2",
        [
            (
                "电源模块故障 / Power supply failed",
                "{slot} 电源指示灯熄灭，冗余丢失。PSU {slot} is dark; redundancy is lost.",
            ),
        ],
        "part_replaced",
    ),
    (
        70,
        "incident",
        "hardware",
        "fan",
        "3",
        "2",
        [
            (
                "风扇转速异常 / Fan speed out of range",
                "{slot} 风扇转速告警，温度正常。Fan {slot} reports a speed alarm; temperatures are normal.",
            ),
        ],
        "part_replaced",
    ),
    (
        45,
        "incident",
        "hardware",
        "mainboard",
        "1",
        "1",
        [
            (
                "主板故障无法开机 / Mainboard fault, server will not power on",
                "服务器无法上电，诊断指向主板。The server does not power on; diagnostics point to the mainboard.",
            ),
        ],
        "part_replaced",
    ),
    (
        40,
        "incident",
        "hardware",
        "raid",
        "1",
        "2",
        [
            (
                "RAID 卡电池失效 / RAID controller battery failed",
                "缓存策略降为 write-through，性能下降。The cache fell back to write-through and performance dropped.",
            ),
        ],
        "part_replaced",
    ),
    (
        35,
        "incident",
        "hardware",
        "nic",
        "2",
        "2",
        [
            (
                "网卡端口频繁闪断 / NIC port flapping",
                "业务网口 {slot} 每小时断开数次。Production port {slot} drops several times an hour.",
            ),
        ],
        "part_replaced",
    ),
    (
        20,
        "incident",
        "hardware",
        "bmc",
        "3",
        "3",
        [
            (
                "BMC 无法访问 / BMC unreachable",
                "带外管理口无法登录。The out-of-band management interface does not answer.",
            ),
        ],
        "firmware_updated",
    ),
    (
        60,
        "incident",
        "software",
        "os",
        "2",
        "2",
        [
            (
                "操作系统宕机 / Operating system crash",
                "系统出现 kernel panic 并自动重启。The OS hit a kernel panic and rebooted.",
            ),
            (
                "系统升级后无法启动 / Server does not boot after an OS update",
                "升级内核后卡在引导界面。After a kernel update the server hangs at boot.",
            ),
        ],
        "software_fix",
    ),
    (
        45,
        "service_request",
        "software",
        "firmware",
        "3",
        "3",
        [
            (
                "固件升级支持 / Firmware upgrade assistance",
                "请协助将 BIOS 和 BMC 固件升级到最新版本。Please help upgrade BIOS and BMC firmware to the latest release.",
            ),
        ],
        "firmware_updated",
    ),
    (
        30,
        "incident",
        "software",
        "driver",
        "2",
        "3",
        [
            (
                "驱动不兼容 / Driver incompatibility",
                "新版 RAID 驱动导致 I/O 超时。The new RAID driver causes I/O timeouts.",
            ),
        ],
        "software_fix",
    ),
    (
        35,
        "incident",
        "software",
        "virtualisation",
        "2",
        "2",
        [
            (
                "虚拟机频繁卡顿 / Virtual machines stall",
                "ESXi 主机上的虚拟机间歇性无响应。VMs on the ESXi host stall intermittently.",
            ),
        ],
        "configuration_changed",
    ),
    (
        40,
        "incident",
        "network",
        "nic",
        "2",
        "2",
        [
            (
                "网络丢包 / Packet loss",
                "服务器到交换机之间存在丢包。There is packet loss between the server and the switch.",
            ),
        ],
        "configuration_changed",
    ),
    (
        35,
        "incident",
        "performance",
        "other",
        "3",
        "2",
        [
            (
                "数据库服务器性能下降 / Database server slowed down",
                "业务高峰期 I/O 等待升高。I/O wait rises at business peaks.",
            ),
        ],
        "configuration_changed",
    ),
    (
        55,
        "consultation",
        "other",
        "",
        "3",
        "3",
        [
            (
                "如何配置 RAID / How to configure RAID",
                "咨询新服务器的 RAID 10 配置方法。How should RAID 10 be set up on the new server?",
            ),
            (
                "维保范围咨询 / Question about contract coverage",
                "询问当前合同是否包含现场服务。Does our contract include on-site service?",
            ),
            (
                "如何收集日志 / How to collect logs",
                "请提供收集 BMC 日志的步骤。Please send the steps to collect BMC logs.",
            ),
        ],
        "advice_given",
    ),
    (
        20,
        "preventive",
        "hardware",
        "",
        "3",
        "3",
        [
            (
                "季度巡检 / Quarterly health check",
                "按合同进行季度巡检。Quarterly preventive maintenance as per contract.",
            ),
        ],
        "no_fault_found",
    ),
    (
        15,
        "installation",
        "hardware",
        "",
        "3",
        "3",
        [
            (
                "新服务器上架安装 / New server installation",
                "协助新服务器上架、加电和初始化。Help rack, power up and initialise the new server.",
            ),
        ],
        "configuration_changed",
    ),
]

SLOTS = {
    "disk": ["Disk 0", "Disk 1", "Disk 2", "Disk 3", "Disk 5", "Disk 7"],
    "memory": ["A1", "A2", "B1", "B3", "C2", "D1"],
    "psu": ["PSU 1", "PSU 2"],
    "fan": ["Fan 2", "Fan 3", "Fan 5"],
    "nic": ["eth0", "eth1", "ens3f0"],
}

REPLIES = [
    "您好，已收到您的请求，工程师正在分析日志。Hello, we have your request and an engineer is analysing the logs.",
    "请上传 BMC SEL 日志以便进一步分析。Please upload the BMC SEL log so we can analyse further.",
    "备件已发出，预计明天上午到达。The part has shipped and should arrive tomorrow morning.",
    "工程师将于今天下午到场。The engineer will be on site this afternoon.",
]
CUSTOMER_REPLIES = [
    "日志已上传，请查看。The log is uploaded, please have a look.",
    "好的，我们安排机房人员配合。Fine, our data-centre staff will be there.",
    "谢谢，问题已解决。Thanks, the problem is solved.",
]
NOTES = [
    "SEL 显示同一槽位多次告警，直接备件先行。SEL shows repeated alarms on the same slot; send the part first.",
    "客户为重点客户，请优先处理。Key account, please prioritise.",
    "已与厂商确认为已知问题。Confirmed with the vendor as a known issue.",
]
SUMMARIES = {
    "part_replaced": "更换故障部件后自检通过。Replaced the faulty part; self-test passed.",
    "firmware_updated": "升级固件后问题消失。Upgraded the firmware; the problem is gone.",
    "software_fix": "安装补丁后系统稳定。Installed the patch; the system is stable.",
    "configuration_changed": "调整配置后恢复正常。Changed the configuration; back to normal.",
    "advice_given": "已提供操作指导，客户确认理解。Gave instructions; the customer confirmed.",
    "no_fault_found": "巡检未发现异常。Health check found no fault.",
}
ROOT_CAUSES = {
    "part_replaced": [
        "部件老化 Component wear-out",
        "电压波动 Power fluctuation",
        "高温环境 High inlet temperature",
    ],
    "firmware_updated": ["固件缺陷 Firmware defect"],
    "software_fix": ["内核缺陷 Kernel defect", "驱动缺陷 Driver defect"],
    "configuration_changed": ["配置错误 Misconfiguration"],
}
