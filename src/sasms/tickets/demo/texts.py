# ruff: noqa: E501 -- one bilingual sentence per line reads better than split string pieces
"""Bilingual demo texts and the mix of request kinds, as seen by a server service desk.

Weights are per 1 000 requests: hardware faults dominate (disks first, then memory, power
supplies, fans, mainboards), then software, network and performance, then how-to questions.
"""

from collections.abc import Sequence

from sasms.tickets.demo.phrasing import Phrasings

# (weight, type, category, component, impact, urgency, [(title zh / en, description)], resolution code)
KINDS: list[tuple[int, str, str, str, str, str, Sequence[tuple[str, str]], str]] = [
    (
        240,
        "incident",
        "hardware",
        "disk",
        "2",
        "2",
        Phrasings("disk"),
        "part_replaced",
    ),
    (
        140,
        "incident",
        "hardware",
        "memory",
        "2",
        "2",
        Phrasings("memory"),
        "part_replaced",
    ),
    (
        90,
        "incident",
        "hardware",
        "psu",
        "3",
        "2",
        Phrasings("psu"),
        "part_replaced",
    ),
    (
        70,
        "incident",
        "hardware",
        "fan",
        "3",
        "2",
        Phrasings("fan"),
        "part_replaced",
    ),
    (
        45,
        "incident",
        "hardware",
        "mainboard",
        "1",
        "1",
        Phrasings("mainboard"),
        "part_replaced",
    ),
    (
        40,
        "incident",
        "hardware",
        "raid",
        "1",
        "2",
        Phrasings("raid"),
        "part_replaced",
    ),
    (
        35,
        "incident",
        "hardware",
        "nic",
        "2",
        "2",
        Phrasings("nic"),
        "part_replaced",
    ),
    (
        20,
        "incident",
        "hardware",
        "bmc",
        "3",
        "3",
        Phrasings("bmc"),
        "firmware_updated",
    ),
    (
        60,
        "incident",
        "software",
        "os",
        "2",
        "2",
        Phrasings("os"),
        "software_fix",
    ),
    (
        45,
        "service_request",
        "software",
        "firmware",
        "3",
        "3",
        Phrasings("firmware"),
        "firmware_updated",
    ),
    (
        30,
        "incident",
        "software",
        "driver",
        "2",
        "3",
        Phrasings("driver"),
        "software_fix",
    ),
    (
        35,
        "incident",
        "software",
        "virtualisation",
        "2",
        "2",
        Phrasings("virtualisation"),
        "configuration_changed",
    ),
    (
        40,
        "incident",
        "network",
        "nic",
        "2",
        "2",
        Phrasings("network"),
        "configuration_changed",
    ),
    (
        35,
        "incident",
        "performance",
        "other",
        "3",
        "2",
        Phrasings("performance"),
        "configuration_changed",
    ),
    (
        55,
        "consultation",
        "consultation",
        "",
        "3",
        "3",
        Phrasings("consultation"),
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
