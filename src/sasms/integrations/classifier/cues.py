# ruff: noqa: E501 -- one pattern per cue reads better than split string pieces
"""Words that say what a request is about and how urgent it is, in the ways customers write them.

The model learns its weights from examples; these cues give it the service desk's vocabulary
(synonyms, Chinese and English, common typos) so that a phrasing it never saw in training still
lands on the right features. :func:`urgency` reads the impact cues on their own: a text that says
the business is down is P1 whatever the model thinks, because missing a P1 is the costly error.
"""

import re
from typing import Any

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.base import BaseEstimator, TransformerMixin  # type: ignore[import-untyped]

CUES: dict[str, str] = {
    # components
    "c_disk": r"硬盘|硬盤|磁盘|坏盘|换盘|盘坏|的盘|一块盘|数据盘|系统盘|\bdisk|\bdrive|\bhdd|harddisk|harddsik|\bssd|nvme|\bbay\b|smart|坏道|bad sector|reallocat|wear|寿命|physical disk|/dev/sd",
    "c_memory": r"内存|內存|内纯|memory|memroy|\bmem\b|dimm|ecc|\bce\b|\bue\b|lrdimm|ddr\d",
    "c_psu": r"电源|电原|\bpsu|power ?supply|powersupply|ac lost|input lost",
    "c_fan": r"风扇|\bfan|\bfna\b|转速|\brpm\b|噪音|loud|thermal|过热|overheat|温度|temp",
    "c_mainboard": r"主板|mainboard|motherboard|system ?board|cmos|开不了机|无法开机|无法上电|起不来了|won'?t (power|start|turn)|will not power|dead server|no post|不能开机|开机没反应|没反应",
    # "RAID 5 degraded" is what a failed disk does to the array: no controller word then.
    "c_raid": r"raid(?!\s?(?:降级|degraded|\d))|阵列|陣列|controller|控制器|bbu|perc|smart array|megaraid|megacli|write.?through|直写|foreign config|cache module|rebuild|hot spare|热备|virtual disk|虚拟磁盘|logical drive",
    "c_nic": r"网卡|网口|網卡|\bnic\b|eth\d|ens\d|port \d|\blink\b|光模块|sfp|transceiver|bond|lacp|rdma|roce|mellanox|adapter|万兆|10g|25g|1g\b",
    "c_cpu": r"\bcpu|处理器|processor|ierr|mce|machine check|xeon|hyper-?threading|降频|throttl|\d{4} 换成",
    "c_bmc": r"\bbmc|idrac|\bilo\b|ipmi|带外|管理口|redfish|snmp|ahs|sensor|传感器",
    "c_os": r"系统|kernel|panic|蓝屏|bsod|blue ?screen|windows|linux|rhel|centos|ubuntu|rocky|麒麟|grub|fstab|emergency mode|boot|引导|死机|hang|freez|卡死|/var|ntp|update fails|激活",
    "c_firmware": r"固件|firmware|bios|spp|刷|flash|release notes|版本说明",
    "c_driver": r"驱动|driver|nvrm|installer|安装程序|识别不到|does not see the disks|看不到硬盘|找不到硬盘|找不到 ?disk",
    "c_virt": r"虚拟机|虚机|宿主机|vm\b|vms\b|esxi?|vcenter|vmotion|hyper-?v|vsphere|psod|purple",
    # categories beyond the part
    "k_network": r"网络|丢包|packet loss|断网|ping|latency|延迟|时断时续|network|unreachable|不可达|上不了网|vlan|dhcp|dns|网关|gateway|交换机|switch|offline|网速|拷贝|crc",
    "k_performance": r"慢|卡顿|很卡|有点卡|slow|sluggish|performance|性能|响应时间|response time|超时|time ?out|load average|负载|\bload|await|latency|延迟|100%|翻倍|twice as long|throughput|memory leak|一直涨|keeps growing|使用率|占用",
    "k_question": r"咨询|请问|请教|问一下|问下|想问|想了解|能不能|能否|可以.{0,8}吗|支持.{0,12}吗|支不支持|多少|多久|多大|多深|几块|怎么|如何|怎样|有没有|是否|哪些|哪里|\?|？|how (do|to|can|should|long|many|much)|\bhow\b|what is|what's|which|where (can|do|to)|can we|can i|do we|does (the|our|it|this)|is .{0,30} (supported|certified)|question|\bq\b|advice|recommend|guideline|step|procedure",
    "k_howto": r"步骤|怎么配|怎么做|怎么操作|操作步骤|文档|step by step|steps|set up|configure|配置|升级顺序|insert|插法|population|混插|mix",
    "k_admin": r"发票|invoice|联系人|contact|搬迁|relocation|moving data cent|de-rack|报废|回收|degauss|消磁|disposal|retired|投诉|complain(?!ing)|迟到|late last time|手册|manual|white ?paper|白皮书|证明|certificate of|audit|审计|培训|training on|续保|renew|报价|quote|价格|多少钱|cost|抬头",
    "k_fault": r"坏|故障|报错|错误|告警|报警|失败|failed|failure|fault|error|dead|broken|brokn|faild|alarm|alert|critical|problem|warning|亮灯|红灯|黄灯|amber|灯不亮|down|宕机|crash|不转|没反应|not respond|timeout|异常|问题",
    # urgency and impact
    "u_outage": r"业务.{0,6}(中断|停|down|stop)|全部中断|全停|全部停|都停|停了|中断|business (is )?(completely )?(down|stopped|impact)|(production|prod)( \w+)? (is )?down|services? (are |is )?(down|affected|offline)|down\b.{0,20}(business|production|prod)|all (our )?(services|transactions|production)|entire company|whole (office|business|company)|cannot work|can'?t work|company offline|office can'?t|patient|hospital|所有业务|整个公司|业务.{0,4}受影响|订单系统|核心(系统|交易|业务)|交易系统|core (banking|business|servers)|stopped",
    "u_multi": r"(多|几|好几|\d+|三|四|五|两)\s?台.{0,20}(同时|都|全部|宕|断|挂|不可达|不通|失联)|同时(宕机|掉电|挂|失联|crash|down)|(several|multiple|three|two|\d+) (of our )?(\w+ )?(servers|hosts|nodes).{0,30}(down|unreachable|crash|at the same time|simultaneously)|at the same time|simultaneously|整(个|排)机柜|whole rack|all servers|所有服务器|全部服务器|整个机房|all branches",
    "u_dataloss": r"数据.{0,6}丢|丢失|lost (the )?data|data loss|lost data|lose data|数据恢复|data volume|卷.{0,4}离线|vd offline|virtual disk.{0,10}offline|array offline|阵列挂|raid 挂|raid failed|volumes? (gone|missing)|找不到任何虚拟磁盘|all volumes|所有盘都不见",
    "u_urgent": r"紧急|十万火急|急需|急！|急!|马上|立即|立刻|尽快|asap|urgent|immediately|right away|\bnow\b|escalat|expedite|critical|严重|!!!|！！",
    "u_production": r"生产|线上|核心|prod\b|prod |production|customer.facing|主机房|mail server|所有|全厂|whole plant|intranet|oa\b|财务|erp",
    "u_deadline": r"明天|今天|今晚|下班前|周[一五]|月底|上线|go.?live|going live|deadline|before (monday|the weekend|friday)|monday|friday|演示|交付|this week|这周|下周|tonight|today",
    "u_degraded": r"降级|degraded|没有冗余|no redundancy|without spare|no hot spare|只剩|冗余丢失|redundancy (is )?lost|单电源|interim recovery|rebalanc|重启了|rebooted|crash|宕|挂了|蓝屏|bsod|panic|死机|hang|freez|投诉|complain|超时|timing out|time out",
    "u_calm": r"不影响|没有影响|暂时没|不急|no impact|not urgent|业务正常|still running|fine now|fine since|正常工作|还能用|还在线|还在跑|still (optimal|fine)|optimal|测试|test|lab|dev box|开发环境|cosmetic|有空|no errors yet|影响不大|ok for now|temps? (look )?ok|温度正常|温度 ?ok",
}
_PATTERNS = [(name, re.compile(pattern, re.I)) for name, pattern in CUES.items()]
NAMES = list(CUES)


def hits(text: str) -> dict[str, int]:
    """How many times each cue occurs in ``text`` (0 for cues that do not)."""
    return {name: len(pattern.findall(text)) for name, pattern in _PATTERNS}


class CueFeatures(BaseEstimator, TransformerMixin):
    """Cue counts as features, dampened (log) so one repeated word does not dominate."""

    def fit(self, documents: Any, y: Any = None) -> "CueFeatures":
        return self

    def transform(self, documents: Any) -> Any:
        rows = [[np.log1p(hits(doc)[name]) for name in NAMES] for doc in documents]
        return sparse.csr_matrix(np.asarray(rows, dtype=float))

    def get_feature_names_out(self, input_features: Any = None) -> Any:
        return np.asarray(NAMES, dtype=object)


# Server business roles (``assets.BusinessRole`` values) that the text's urgency is read with.
CORE_ROLE = "core"
PRODUCTION_ROLES = frozenset({"core", "production"})
TEST_ROLE = "test"


def urgency(text: str, role: str = "") -> str:
    """``critical`` when the text says the business is down, several servers at once or data lost;
    ``high`` for urgent words on production or a deadline on a fault; else ``""`` (no floor).

    ``role`` is the server's business role from the CMDB: on a core production system any fault not
    called harmless is at least ``high`` and "just a test" in the text does not calm it; on a test or
    development server an outage is ``high``, not ``critical``, unless the customer says it is urgent.
    """
    found = hits(text)
    calm = bool(found["u_calm"]) and role != CORE_ROLE
    production = bool(found["u_production"]) or role in PRODUCTION_ROLES
    severe = found["u_outage"] or found["u_multi"] or found["u_dataloss"]
    if severe and (not calm or found["u_urgent"]):
        return "high" if role == TEST_ROLE and not found["u_urgent"] else "critical"
    faulty = found["k_fault"] or found["u_degraded"]
    if (
        faulty
        and not calm
        and (
            (found["u_urgent"] and production)
            or found["u_deadline"]
            or (found["u_degraded"] and production)
            or role == CORE_ROLE
        )
    ):
        return "high"
    return ""
