# ruff: noqa: E501 — prose data: CJK characters count double and sentences are not split mid-word
"""Knowledge articles for the demo: server hardware faults and how-tos, each in Chinese and English.

Each topic: (key, component, category code, vendor codes, model names, tags, audience, zh, en),
where zh and en are (title, Markdown body). Audience "customer" for what a customer may safely
follow, "internal" for what only engineers should do.
"""

CATEGORIES = [
    ("disk", "硬盘 · Disks", 10),
    ("raid", "阵列卡与 RAID · RAID controllers", 20),
    ("memory", "内存 · Memory", 30),
    ("psu", "电源 · Power supplies", 40),
    ("bmc", "管理控制器 · BMC (iDRAC / iLO / XCC / iBMC)", 50),
    ("firmware", "固件与升级 · Firmware", 60),
    ("fan", "散热与主板 · Cooling and mainboard", 70),
    ("nic", "网络 · Network", 80),
    ("howto", "操作指南 · How-to", 90),
]

Text = tuple[str, str]
Topic = tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str, Text, Text]

TOPICS: list[Topic] = [
    (
        "disk-predictive",
        "disk",
        "disk",
        ("dell",),
        ("PowerEdge R740", "PowerEdge R750"),
        ("硬盘", "predictive failure", "PERC"),
        "customer",
        (
            "硬盘预测性故障（Predictive Failure）告警处理",
            "## 症状\n\niDRAC 或 OpenManage 报告 **PDR1016**：`Drive 3 in disk drive bay 1 is predicted to fail`，"
            "前面板对应硬盘指示灯琥珀色闪烁，业务暂未中断。\n\n"
            "## 原因\n\n硬盘 SMART 计数（重映射扇区、介质错误）超过阈值，控制器预测其即将失效。\n\n"
            "## 解决方法\n\n1. 确认阵列状态为 *Optimal*，且有可用热备盘或冗余（RAID 1/5/6/10）。\n"
            "2. 备份重要数据。\n3. 按槽位号热插拔更换同型号硬盘，勿拔错盘。\n"
            "4. 更换后观察重建（Rebuild）进度，完成前不要重启服务器。\n\n"
            "> 单盘 RAID 0 或已降级的阵列请先联系服务台，不要自行更换。",
        ),
        (
            "Disk predictive failure alert",
            "## Symptom\n\niDRAC or OpenManage reports **PDR1016**: `Drive 3 in disk drive bay 1 is predicted to "
            "fail`. The drive's LED blinks amber; service is still running.\n\n"
            "## Cause\n\nThe drive's SMART counters (reallocated sectors, media errors) passed the threshold and "
            "the controller predicts a failure.\n\n"
            "## Solution\n\n1. Check that the virtual disk is *Optimal* and redundant (RAID 1/5/6/10) or has a "
            "hot spare.\n2. Back up important data.\n3. Hot-swap the drive in the reported bay with the same "
            "model — double-check the slot.\n4. Watch the rebuild finish before any reboot.\n\n"
            "> For RAID 0 or an already degraded array, call the service desk first.",
        ),
    ),
    (
        "raid-degraded",
        "raid",
        "raid",
        (),
        (),
        ("RAID", "degraded", "rebuild", "阵列"),
        "customer",
        (
            "RAID 阵列降级（Degraded）后的处理步骤",
            "## 症状\n\n虚拟磁盘状态变为 **Degraded**，一块物理盘显示 *Failed* 或 *Missing*，系统性能下降。\n\n"
            "## 原因\n\n阵列中一块成员盘故障或接触不良，阵列仍靠冗余运行，此时再坏一块盘将导致数据丢失。\n\n"
            "## 解决方法\n\n1. 立即确认备份可用。\n2. 记录故障盘槽位、型号和序列号，报修时提供。\n"
            "3. 更换新盘后控制器自动重建；如新盘显示 *Foreign*，需在控制器中导入或清除外部配置（由工程师操作）。\n"
            "4. 重建期间避免高负载作业。",
        ),
        (
            "RAID virtual disk degraded: what to do",
            "## Symptom\n\nThe virtual disk shows **Degraded**; one physical disk is *Failed* or *Missing* and "
            "performance drops.\n\n"
            "## Cause\n\nA member disk failed or lost contact. The array runs on its redundancy — a second "
            "failure now loses data.\n\n"
            "## Solution\n\n1. Make sure a current backup exists.\n2. Note the slot, model and serial number of "
            "the failed disk for the request.\n3. After the replacement the controller rebuilds on its own; if "
            "the new disk shows *Foreign*, the foreign configuration must be imported or cleared (engineer).\n"
            "4. Avoid heavy batch jobs during the rebuild.",
        ),
    ),
    (
        "hpe-ssacli",
        "disk",
        "disk",
        ("hpe",),
        ("ProLiant DL380 Gen10", "ProLiant DL360 Gen10"),
        ("Smart Array", "ssacli", "硬盘"),
        "internal",
        (
            "HPE Smart Array 用 ssacli 确认故障盘",
            "## 适用\n\nHPE ProLiant Gen10 搭配 Smart Array P408i/P816i 控制器。\n\n"
            "## 步骤\n\n```\nssacli ctrl all show config\nssacli ctrl slot=0 pd all show status\n"
            "ssacli ctrl slot=0 pd 1I:1:3 show detail\n```\n\n"
            "- `Predictive Failure` 或 `Failed` 的盘即为待换盘，记录 *Serial Number* 与备件号（如 **872479-B21**）。\n"
            "- 点亮定位灯：`ssacli ctrl slot=0 pd 1I:1:3 modify led=on`。\n"
            "- 收集 AHS 日志随备件申请一起提交。",
        ),
        (
            "HPE Smart Array: find the failed drive with ssacli",
            "## Applies to\n\nHPE ProLiant Gen10 with Smart Array P408i/P816i.\n\n"
            "## Steps\n\n```\nssacli ctrl all show config\nssacli ctrl slot=0 pd all show status\n"
            "ssacli ctrl slot=0 pd 1I:1:3 show detail\n```\n\n"
            "- A drive in `Predictive Failure` or `Failed` is the one to replace; note its *Serial Number* and "
            "spare part number (e.g. **872479-B21**).\n"
            "- Light the locator LED: `ssacli ctrl slot=0 pd 1I:1:3 modify led=on`.\n"
            "- Attach the AHS log to the parts request.",
        ),
    ),
    (
        "ssd-wear",
        "disk",
        "disk",
        (),
        (),
        ("SSD", "寿命", "endurance"),
        "customer",
        (
            "SSD 剩余寿命低告警",
            "## 症状\n\n管理控制器提示 SSD *Remaining Rated Write Endurance* 低于 10%，或报告 *SSD wear-out*。\n\n"
            "## 原因\n\n固态硬盘写入量接近额定 DWPD/TBW，属于正常损耗，不是突发故障。\n\n"
            "## 解决方法\n\n- 寿命低于 10% 时计划更换，保修期内按磨损件政策处理（以合同为准）。\n"
            "- 更换前确认阵列冗余，按硬盘热插拔流程操作。\n- 写入密集型业务建议选用混合使用型（Mixed Use）SSD。",
        ),
        (
            "SSD remaining endurance low",
            "## Symptom\n\nThe BMC warns that the SSD's *Remaining Rated Write Endurance* is below 10 %, or "
            "reports *SSD wear-out*.\n\n"
            "## Cause\n\nThe drive is close to its rated DWPD/TBW: normal wear, not a sudden fault.\n\n"
            "## Solution\n\n- Plan the replacement below 10 %; coverage of worn-out SSDs depends on the contract.\n"
            "- Check redundancy and follow the hot-swap procedure.\n"
            "- For write-heavy workloads choose Mixed Use SSDs.",
        ),
    ),
    (
        "psu-redundancy",
        "psu",
        "psu",
        ("dell",),
        ("PowerEdge R740", "PowerEdge R640", "PowerEdge R750"),
        ("电源", "PSU", "redundancy"),
        "customer",
        (
            "电源冗余丢失（PSU redundancy lost）",
            "## 症状\n\niDRAC 报告 **RDU0012** 电源不再冗余，以及 **PSU0003** `Power supply 2 lost input power`；"
            "电源模块指示灯熄灭或为琥珀色。\n\n"
            "## 原因\n\n多数情况是该路供电中断（PDU 断路器跳闸、电源线松动），少数为电源模块本身故障。\n\n"
            "## 解决方法\n\n1. 检查电源线两端是否插紧，换到另一个 PDU 插口试验。\n"
            "2. 用万用表或 PDU 面板确认该路有电。\n3. 供电正常仍报错时，热插拔更换电源模块（同功率、同型号）。\n"
            "4. 确认 iDRAC 中冗余状态恢复为 *Full Redundant*。",
        ),
        (
            "PSU redundancy lost",
            "## Symptom\n\niDRAC logs **RDU0012** (the power supplies are not redundant) and **PSU0003** "
            "`Power supply 2 lost input power`; the PSU LED is off or amber.\n\n"
            "## Cause\n\nUsually the feed is gone (PDU breaker tripped, cord loose); less often the power supply "
            "itself failed.\n\n"
            "## Solution\n\n1. Reseat the power cord at both ends; try another PDU outlet.\n"
            "2. Confirm the feed has power (PDU display or meter).\n"
            "3. If the feed is fine, hot-swap the PSU with the same model and wattage.\n"
            "4. Check that iDRAC shows *Full Redundant* again.",
        ),
    ),
    (
        "psu-mismatch",
        "psu",
        "psu",
        ("hpe",),
        ("ProLiant DL380 Gen10", "ProLiant DL380 Gen11"),
        ("电源", "iLO", "IML"),
        "internal",
        (
            "HPE 电源型号不匹配导致冗余丢失",
            "## 症状\n\niLO IML 记录 `Power Supply Mismatch`，电源冗余降级，两块电源功率不同（如 800W 与 1600W 混插）。\n\n"
            "## 原因\n\n更换备件时拿错了功率规格，ProLiant 要求同一机箱电源型号一致。\n\n"
            "## 解决方法\n\n- 核对两块电源的备件号（如 **865414-B21** 800W），更换为一致型号。\n"
            "- 更新 iLO 固件可改善部分误报。\n- 在备件系统中修正该机器的电源配置记录。",
        ),
        (
            "HPE power supply mismatch breaks redundancy",
            "## Symptom\n\niLO's IML logs `Power Supply Mismatch`; redundancy is degraded and the two supplies "
            "differ in wattage (e.g. 800 W next to 1600 W).\n\n"
            "## Cause\n\nA replacement of the wrong rating was fitted; ProLiant needs matching supplies.\n\n"
            "## Solution\n\n- Compare the spare part numbers (e.g. **865414-B21**, 800 W) and fit matching ones.\n"
            "- Updating iLO firmware removes some false reports.\n"
            "- Correct the server's PSU configuration in the parts records.",
        ),
    ),
    (
        "dimm-ce",
        "memory",
        "memory",
        ("dell",),
        ("PowerEdge R740", "PowerEdge R750", "PowerEdge R760"),
        ("内存", "ECC", "DIMM"),
        "customer",
        (
            "内存可纠正 ECC 错误超过阈值",
            "## 症状\n\n系统事件日志出现 **MEM0701** `Correctable memory error rate exceeded for DIMM_A1`，"
            "业务运行正常，但告警反复出现。\n\n"
            "## 原因\n\n内存颗粒单比特错误频繁，ECC 能纠正但说明内存条老化或接触不良，继续运行可能发展为不可纠正错误。\n\n"
            "## 解决方法\n\n1. 记录报错槽位（如 DIMM_A1）。\n2. 计划停机窗口，由工程师更换该内存条。\n"
            "3. 若同一槽位更换后仍报错，需检查 CPU 插座或主板。\n4. 更新 BIOS 至最新版本，可启用更完善的内存自愈（PPR）。",
        ),
        (
            "Correctable ECC memory errors above threshold",
            "## Symptom\n\nThe System Event Log shows **MEM0701** `Correctable memory error rate exceeded for "
            "DIMM_A1`; services run but the alert keeps coming back.\n\n"
            "## Cause\n\nFrequent single-bit errors: ECC corrects them, but the DIMM is ageing or badly seated "
            "and may develop uncorrectable errors.\n\n"
            "## Solution\n\n1. Note the slot (e.g. DIMM_A1).\n2. Plan a maintenance window; the engineer replaces "
            "the DIMM.\n3. If the same slot errors again, check the CPU socket or the board.\n"
            "4. Update the BIOS: newer versions enable Post Package Repair (PPR).",
        ),
    ),
    (
        "dimm-ue",
        "memory",
        "memory",
        ("dell",),
        ("PowerEdge R640", "PowerEdge R740"),
        ("内存", "宕机", "MEM0001"),
        "internal",
        (
            "多比特内存错误导致宕机（MEM0001）",
            "## 症状\n\n服务器突然重启或蓝屏/内核崩溃，SEL 中有 **MEM0001** `Multi-bit memory errors detected on a "
            "memory device at location(s) DIMM_B2`。\n\n"
            "## 原因\n\n不可纠正的多比特错误，系统为保护数据而停机。\n\n"
            "## 解决方法\n\n1. 收集 TSR 日志（含 SEL 与 Lifecycle 日志）。\n2. 更换报错内存条，备件按 DIMM 规格（容量、速率、Rank）匹配。\n"
            "3. 运行 ePSA 内存诊断确认。\n4. 复盘：同一服务器 30 天内再次出现内存故障需升级二线排查主板。",
        ),
        (
            "Multi-bit memory error crashed the server (MEM0001)",
            "## Symptom\n\nThe server rebooted or crashed; the SEL shows **MEM0001** `Multi-bit memory errors "
            "detected on a memory device at location(s) DIMM_B2`.\n\n"
            "## Cause\n\nAn uncorrectable multi-bit error: the system stops to protect data.\n\n"
            "## Solution\n\n1. Collect a TSR (SEL and Lifecycle log).\n2. Replace the DIMM with one of the same "
            "capacity, speed and rank.\n3. Run the ePSA memory test.\n"
            "4. A second memory fault within 30 days goes to tier 2 to check the board.",
        ),
    ),
    (
        "dimm-population",
        "memory",
        "memory",
        ("lenovo",),
        ("ThinkSystem SR650", "ThinkSystem SR650 V2"),
        ("内存", "不识别", "XCC"),
        "customer",
        (
            "新加内存不识别或容量不对",
            "## 症状\n\n加装内存后开机自检显示的容量比实际安装的少，XCC 提示 `DIMM configuration error`。\n\n"
            "## 原因\n\n安装顺序不符合插槽规则，或混用了不同 Rank/速率的内存条。\n\n"
            "## 解决方法\n\n- 按机箱盖内标签的插槽顺序安装（每个 CPU 先插蓝色/白色槽）。\n"
            "- 同一通道使用相同规格的内存条。\n- 重新插拔时注意卡扣完全锁紧。\n- 仍不识别请报修，提供 XCC 事件截图。",
        ),
        (
            "New memory not detected or wrong capacity",
            "## Symptom\n\nAfter adding DIMMs, POST shows less memory than installed and XCC reports "
            "`DIMM configuration error`.\n\n"
            "## Cause\n\nThe population order breaks the slot rules, or DIMMs of different rank or speed are "
            "mixed.\n\n"
            "## Solution\n\n- Follow the slot order on the label inside the cover.\n"
            "- Use identical DIMMs within a channel.\n- Make sure both latches click shut.\n"
            "- Still missing? Open a request with a screenshot of the XCC events.",
        ),
    ),
    (
        "hpe-dimm",
        "memory",
        "memory",
        ("hpe",),
        ("ProLiant DL380 Gen10", "ProLiant DL360 Gen10"),
        ("内存", "IML", "871246-B21"),
        "internal",
        (
            "HPE Gen10 内存纠正错误阈值告警（871246-B21）",
            "## 症状\n\niLO IML：`Corrected Memory Error threshold exceeded (Processor 1, Memory Module 3)`。\n\n"
            "## 处理\n\n1. 在 AHS 日志中确认模块位置和型号，常见备件号 **871246-B21**（16GB）。\n"
            "2. 检查同批次内存是否有 HPE 客户通告（Customer Advisory）。\n"
            "3. 更换后清除 IML 并观察 72 小时。",
        ),
        (
            "HPE Gen10 corrected memory error threshold (871246-B21)",
            "## Symptom\n\niLO IML: `Corrected Memory Error threshold exceeded (Processor 1, Memory Module 3)`.\n\n"
            "## Handling\n\n1. Confirm slot and part in the AHS log; a common spare is **871246-B21** (16 GB).\n"
            "2. Check for an HPE Customer Advisory on the batch.\n"
            "3. After the replacement clear the IML and watch for 72 hours.",
        ),
    ),
    (
        "raid-battery",
        "raid",
        "raid",
        ("dell",),
        ("PowerEdge R730", "PowerEdge R740"),
        ("RAID", "电池", "write-through"),
        "customer",
        (
            "阵列卡电池故障导致写缓存关闭、性能下降",
            "## 症状\n\n磁盘写入明显变慢，控制器日志提示电池（或超级电容）故障，写策略由 *Write Back* 变为 *Write Through*。\n\n"
            "## 原因\n\n缓存保护电池失效或正在学习周期（Learn Cycle），控制器为防止掉电丢数据而关闭写缓存。\n\n"
            "## 解决方法\n\n- 若为学习周期，通常数小时内自动恢复，无需处理。\n"
            "- 若提示电池失效，需更换电池/电容模块（停机操作），请报修。\n"
            "- 不建议强制开启 *Always Write Back*，掉电时可能丢失数据。",
        ),
        (
            "RAID controller battery failed: write cache off, slow writes",
            "## Symptom\n\nWrites are much slower; the controller log reports a battery (or supercapacitor) "
            "problem and the write policy changed from *Write Back* to *Write Through*.\n\n"
            "## Cause\n\nThe cache protection has failed or is in a learn cycle, so the controller stops caching "
            "writes to avoid data loss on power failure.\n\n"
            "## Solution\n\n- A learn cycle ends by itself within hours.\n"
            "- A failed battery or capacitor must be replaced (downtime needed): open a request.\n"
            "- Do not force *Always Write Back*: a power cut could lose data.",
        ),
    ),
    (
        "raid-foreign",
        "raid",
        "raid",
        ("dell",),
        ("PowerEdge R740", "PowerEdge R750"),
        ("RAID", "foreign", "PERC"),
        "internal",
        (
            "更换硬盘后显示外部配置（Foreign Configuration）",
            "## 症状\n\n新换的硬盘状态为 *Foreign*，不自动重建。\n\n"
            "## 原因\n\n备件盘曾在其他阵列中使用，残留 RAID 元数据。\n\n"
            "## 处理\n\n1. 确认阵列中没有其他 *Foreign* 成员盘属于本机数据（避免误清除）。\n"
            "2. 在 iDRAC 存储页或 `perccli /c0/fall show` 查看外部配置。\n"
            "3. 清除外部配置：`perccli /c0/fall del`，再将该盘设为热备或直接开始重建。\n"
            "4. 在工单中记录备件盘序列号。",
        ),
        (
            "Replacement disk shows a foreign configuration",
            "## Symptom\n\nThe new drive shows *Foreign* and no rebuild starts.\n\n"
            "## Cause\n\nThe spare was used in another array and still carries RAID metadata.\n\n"
            "## Handling\n\n1. Make sure no other *Foreign* member holds this server's data.\n"
            "2. View it in iDRAC storage or with `perccli /c0/fall show`.\n"
            "3. Clear it: `perccli /c0/fall del`, then make the drive a hot spare or start the rebuild.\n"
            "4. Record the spare's serial number in the request.",
        ),
    ),
    (
        "idrac-unreachable",
        "bmc",
        "bmc",
        ("dell",),
        ("PowerEdge R640", "PowerEdge R740", "PowerEdge R750"),
        ("iDRAC", "BMC", "无法访问"),
        "customer",
        (
            "iDRAC 网页无法访问",
            "## 症状\n\n浏览器打开 iDRAC 地址超时，ping 不通或能 ping 通但网页无响应；服务器业务正常。\n\n"
            "## 原因\n\n常见为管理网配置变更、iDRAC 服务挂起或证书问题。\n\n"
            "## 解决方法\n\n1. 确认管理网口网线和交换机端口正常。\n"
            "2. 在主机系统中执行 `racadm racreset`（不影响业务）。\n"
            "3. 也可按住前面板 *i* 按钮 16 秒重置 iDRAC。\n4. 仍无法访问请报修并提供服务器序列号（服务标签）。",
        ),
        (
            "iDRAC web interface not reachable",
            "## Symptom\n\nThe iDRAC address times out, or it answers ping but the web page hangs; the host runs "
            "normally.\n\n"
            "## Cause\n\nUsually a management network change, a hung iDRAC service or a certificate problem.\n\n"
            "## Solution\n\n1. Check the management cable and switch port.\n"
            "2. From the host OS run `racadm racreset` (the host keeps running).\n"
            "3. Or hold the front-panel *i* button for 16 seconds.\n"
            "4. Still unreachable? Open a request with the service tag.",
        ),
    ),
    (
        "ilo-unresponsive",
        "bmc",
        "bmc",
        ("hpe",),
        ("ProLiant DL380 Gen10", "ProLiant DL360 Gen10", "ProLiant DL380 Gen11"),
        ("iLO", "BMC", "hponcfg"),
        "customer",
        (
            "iLO 5 无响应的重置方法",
            "## 症状\n\niLO 网页或远程控制台无响应，SSH 登录后命令无输出。\n\n"
            "## 解决方法\n\n- 通过 iLO SSH：`cd /map1` 后执行 `reset`。\n"
            "- 在主机 Linux 中用 HPE 工具：`hponcfg -r`（仅重置 iLO，不重启主机）。\n"
            "- 升级 iLO 固件到最新版本可避免已知的挂起问题。\n- 以上均无效时需要断电重置，请预约维护窗口。",
        ),
        (
            "Resetting an unresponsive iLO 5",
            "## Symptom\n\nThe iLO web page or remote console does not respond; SSH commands return nothing.\n\n"
            "## Solution\n\n- Over iLO SSH: `cd /map1`, then `reset`.\n"
            "- From Linux on the host: `hponcfg -r` (resets iLO only, not the host).\n"
            "- Current iLO firmware avoids known hangs.\n"
            "- If nothing helps, an AC power cycle is needed: book a maintenance window.",
        ),
    ),
    (
        "xcc-unreachable",
        "bmc",
        "bmc",
        ("lenovo",),
        ("ThinkSystem SR650", "ThinkSystem SR650 V2"),
        ("XCC", "BMC", "IPMI"),
        "customer",
        (
            "联想 XCC 管理口无法登录",
            "## 症状\n\nXCC 网页打不开或登录后卡住。\n\n"
            "## 解决方法\n\n1. 主机系统中执行 `ipmitool mc reset cold` 重启 XCC（业务不中断）。\n"
            "2. 或使用 OneCLI：`onecli misc rebootbmc`。\n3. 确认 XCC 固件与 UEFI 版本匹配（见兼容性列表）。\n"
            "4. 记录 XCC 序列号与错误截图后报修。",
        ),
        (
            "Lenovo XCC cannot be reached",
            "## Symptom\n\nThe XCC web page does not open or hangs after login.\n\n"
            "## Solution\n\n1. From the host run `ipmitool mc reset cold` to restart the XCC (no downtime).\n"
            "2. Or with OneCLI: `onecli misc rebootbmc`.\n"
            "3. Check that XCC and UEFI firmware versions match the compatibility list.\n"
            "4. Open a request with the serial number and a screenshot of the error.",
        ),
    ),
    (
        "bmc-ntp",
        "bmc",
        "bmc",
        (),
        (),
        ("BMC", "NTP", "时间"),
        "customer",
        (
            "BMC 日志时间不准，影响故障定位",
            "## 症状\n\nBMC 事件日志时间与实际相差数小时，难以与系统日志对应。\n\n"
            "## 原因\n\nBMC 未配置 NTP 或时区设置错误。\n\n"
            "## 解决方法\n\n- 在 iDRAC/iLO/XCC 的网络或时间设置中启用 NTP，填写内网 NTP 服务器地址。\n"
            "- 时区设为 *Asia/Shanghai*。\n- 报修时请同时说明故障发生的实际时间。",
        ),
        (
            "BMC log timestamps are wrong",
            "## Symptom\n\nBMC event times are hours off, so they cannot be matched with the OS logs.\n\n"
            "## Cause\n\nNo NTP is configured on the BMC, or the time zone is wrong.\n\n"
            "## Solution\n\n- Enable NTP in the iDRAC/iLO/XCC network or time settings with your internal NTP "
            "server.\n- Set the time zone (e.g. *Asia/Shanghai*).\n"
            "- When reporting a fault, also give the real time it happened.",
        ),
    ),
    (
        "fw-not-applicable",
        "firmware",
        "firmware",
        ("dell",),
        ("PowerEdge R740", "PowerEdge R750"),
        ("固件", "Lifecycle Controller", "升级"),
        "internal",
        (
            "固件升级包提示“不适用”（Lifecycle Controller）",
            "## 症状\n\n通过 iDRAC 上传 DUP 升级包后提示 `The package is not applicable`。\n\n"
            "## 原因\n\n下载了 Windows 版 DUP 却用于 Linux 机器（或反之），或该版本跨度过大需要中间版本。\n\n"
            "## 处理\n\n1. 选择 `.EXE`（iDRAC 上传通用）或对应系统的包。\n"
            "2. 按 Dell 发布说明的升级路径先升到中间版本（尤其 iDRAC 3.x → 5.x）。\n"
            "3. 升级顺序建议：iDRAC → BIOS → 阵列卡 → 网卡 → 硬盘。",
        ),
        (
            "Firmware package 'not applicable' in Lifecycle Controller",
            "## Symptom\n\nUploading a DUP through iDRAC answers `The package is not applicable`.\n\n"
            "## Cause\n\nThe wrong package format for the method, or the version jump is too big and needs an "
            "intermediate release.\n\n"
            "## Handling\n\n1. Use the `.EXE` DUP for iDRAC upload, or the package for the host OS.\n"
            "2. Follow Dell's upgrade path through intermediate versions (notably iDRAC 3.x → 5.x).\n"
            "3. Recommended order: iDRAC → BIOS → RAID → NIC → drives.",
        ),
    ),
    (
        "xcc-fw-0x8002",
        "firmware",
        "firmware",
        ("lenovo",),
        ("ThinkSystem SR650 V2",),
        ("固件", "XCC", "0x8002"),
        "internal",
        (
            "XCC 固件升级失败，错误码 0x8002",
            "## 症状\n\n在 XCC 网页上传固件时失败，提示错误码 **0x8002**。\n\n"
            "## 原因\n\n固件文件在传输中损坏，或上传了不属于本机型的包。\n\n"
            "## 处理\n\n1. 核对文件 SHA256 与官网一致。\n2. 确认包名中的机型代码与服务器一致。\n"
            "3. 改用 OneCLI 带内升级：`onecli update flash --dir ./fw`。",
        ),
        (
            "XCC firmware update fails with error 0x8002",
            "## Symptom\n\nUploading firmware in the XCC web page fails with error **0x8002**.\n\n"
            "## Cause\n\nThe file was corrupted in transfer, or the package is for another machine type.\n\n"
            "## Handling\n\n1. Compare the file's SHA256 with the download site.\n"
            "2. Check the machine type code in the package name.\n"
            "3. Update in-band with OneCLI instead: `onecli update flash --dir ./fw`.",
        ),
    ),
    (
        "fan-failure",
        "fan",
        "fan",
        (),
        (),
        ("风扇", "fan", "温度"),
        "customer",
        (
            "风扇故障或转速异常告警",
            "## 症状\n\n管理控制器报告 **FAN0001** `Fan 3 RPM is less than the lower critical threshold`，"
            "其余风扇转速升高、噪音变大。\n\n"
            "## 原因\n\n风扇老化、堵转，或风扇模块未插紧。\n\n"
            "## 解决方法\n\n1. 检查机房进风温度是否过高、挡板是否缺失。\n2. 风扇为热插拔部件，可在线更换（按面板标签操作）。\n"
            "3. 多个风扇同时告警时先检查主板风扇背板，请报修。",
        ),
        (
            "Fan failure or low fan speed",
            "## Symptom\n\nThe BMC reports **FAN0001** `Fan 3 RPM is less than the lower critical threshold`; the "
            "other fans speed up and get louder.\n\n"
            "## Cause\n\nAn ageing or blocked fan, or a fan module not fully seated.\n\n"
            "## Solution\n\n1. Check the inlet temperature and missing blanking panels.\n"
            "2. Fans are hot-swappable and can be replaced while running (see the cover label).\n"
            "3. Several fans failing at once points at the fan board: open a request.",
        ),
    ),
    (
        "cpu-ierr",
        "cpu",
        "fan",
        (),
        (),
        ("CPU", "IERR", "机器检查"),
        "internal",
        (
            "CPU IERR / 机器检查错误导致重启",
            "## 症状\n\n服务器自动重启，SEL 记录 `CPU 1 has an internal error (IERR)` 或 *Machine Check Exception*。\n\n"
            "## 处理\n\n1. 收集完整日志（Dell TSR / HPE AHS / Lenovo FFDC）。\n"
            "2. 检查 BIOS 与微码版本，先升级到最新。\n3. 查看 MCA bank 信息，区分 CPU、内存还是 PCIe 设备引起。\n"
            "4. 重复发生时更换 CPU 或主板，需二线工程师确认。",
        ),
        (
            "CPU IERR / machine check caused a reboot",
            "## Symptom\n\nThe server rebooted by itself; the SEL shows `CPU 1 has an internal error (IERR)` or a "
            "*Machine Check Exception*.\n\n"
            "## Handling\n\n1. Collect full logs (Dell TSR / HPE AHS / Lenovo FFDC).\n"
            "2. Update BIOS and microcode first.\n"
            "3. Read the MCA banks: CPU, memory or a PCIe device?\n"
            "4. If it repeats, replace the CPU or board after tier 2 confirms.",
        ),
    ),
    (
        "nic-link-down",
        "nic",
        "nic",
        (),
        (),
        ("网卡", "link down", "固件"),
        "customer",
        (
            "网卡固件升级后端口 link down",
            "## 症状\n\n升级网卡固件后某个端口无法建立链路，交换机侧显示 *down*。\n\n"
            "## 原因\n\n新固件默认速率/自协商设置与交换机不一致，或光模块兼容性检查变严格。\n\n"
            "## 解决方法\n\n- 检查两端速率与自协商设置一致（如 25G 固定速率）。\n"
            "- 更换为厂商认证的光模块。\n- 必要时回退到上一版本固件，并提交报修说明型号与版本。",
        ),
        (
            "Network port link down after a NIC firmware update",
            "## Symptom\n\nAfter a NIC firmware update one port has no link; the switch shows it *down*.\n\n"
            "## Cause\n\nThe new firmware's speed/autonegotiation defaults differ from the switch, or the optics "
            "check is stricter.\n\n"
            "## Solution\n\n- Set the same speed and autonegotiation on both ends (e.g. fixed 25G).\n"
            "- Use vendor-qualified transceivers.\n"
            "- If needed roll back the firmware and open a request with model and version.",
        ),
    ),
    (
        "inspur-sensor-na",
        "bmc",
        "bmc",
        ("inspur",),
        ("NF5280M6", "NF5270M6"),
        ("浪潮", "BMC", "传感器"),
        "internal",
        (
            "浪潮 BMC 升级后部分传感器显示 NA",
            "## 症状\n\nNF5280M6 升级 BMC 后，传感器页面部分温度、电压显示 *NA*。\n\n"
            "## 原因\n\nBMC 与 BIOS 版本不配套，FRU/SDR 未刷新。\n\n"
            "## 处理\n\n1. 按浪潮发布的配套表同时升级 BIOS。\n2. 在 BMC 中执行恢复出厂设置（保留网络配置）。\n"
            "3. 主机 AC 断电 30 秒后上电，SDR 会重新生成。",
        ),
        (
            "Inspur BMC shows NA for some sensors after an update",
            "## Symptom\n\nAfter a BMC update on an NF5280M6 some temperature and voltage sensors read *NA*.\n\n"
            "## Cause\n\nBMC and BIOS versions do not match; the FRU/SDR was not refreshed.\n\n"
            "## Handling\n\n1. Update the BIOS to the matching release from Inspur's table.\n"
            "2. Restore BMC defaults (keep the network settings).\n"
            "3. Remove AC power for 30 seconds: the SDR is rebuilt at power-on.",
        ),
    ),
    (
        "disk-not-detected",
        "disk",
        "disk",
        (),
        (),
        ("硬盘", "背板", "不识别"),
        "customer",
        (
            "更换硬盘后系统不识别新盘",
            "## 症状\n\n新插入的硬盘指示灯不亮，控制器中看不到该盘。\n\n"
            "## 原因\n\n硬盘托架未插到底、托架型号不符，或背板/线缆故障。\n\n"
            "## 解决方法\n\n1. 拔出后重新插入，听到卡扣声并合上把手。\n2. 确认托架与机型匹配（2.5 英寸/3.5 英寸）。\n"
            "3. 将硬盘插入其他空槽测试：能识别则为原槽位背板问题，请报修。",
        ),
        (
            "New disk not detected after replacement",
            "## Symptom\n\nThe newly inserted drive's LEDs stay off and the controller does not list it.\n\n"
            "## Cause\n\nThe carrier is not fully inserted or does not fit, or the backplane or cable is faulty.\n\n"
            "## Solution\n\n1. Pull and reinsert until it clicks, then close the handle.\n"
            '2. Check the carrier matches the chassis (2.5" / 3.5").\n'
            "3. Try another empty bay: if it works there, the original bay's backplane is faulty — open a "
            "request.",
        ),
    ),
    (
        "no-power-on",
        "mainboard",
        "fan",
        (),
        (),
        ("无法开机", "主板", "电源"),
        "internal",
        (
            "服务器按电源键无反应的排查顺序",
            "## 排查顺序\n\n1. 电源指示灯：不亮先查供电与电源模块（交叉替换法）。\n"
            "2. 管理控制器能否登录：能登录则查看 SEL 中的上电失败原因（如 `CPU power fault`）。\n"
            "3. 最小化配置：仅保留一颗 CPU、一条内存、一个电源尝试开机。\n"
            "4. 逐个加回部件定位故障件；均正常时怀疑主板，准备主板备件并联系二线。\n\n"
            "| 现象 | 首先怀疑 |\n|---|---|\n| 电源灯不亮 | 供电 / 电源模块 |\n| 风扇转后停 | 主板 / CPU |\n"
            "| 报内存错误 | 内存 |",
        ),
        (
            "Server does not power on: diagnosis order",
            "## Order\n\n1. PSU LEDs: dark means check the feed and swap power supplies.\n"
            "2. Can you reach the BMC? Read the power-on failure in the SEL (e.g. `CPU power fault`).\n"
            "3. Minimum configuration: one CPU, one DIMM, one PSU.\n"
            "4. Add parts back one by one; if all are fine, suspect the board and involve tier 2.\n\n"
            "| What you see | Suspect first |\n|---|---|\n| PSU LED dark | feed / PSU |\n"
            "| Fans spin then stop | board / CPU |\n| Memory error | DIMM |",
        ),
    ),
    (
        "collect-logs",
        "bmc",
        "howto",
        ("dell", "hpe", "lenovo"),
        (),
        ("日志", "TSR", "AHS", "FFDC"),
        "customer",
        (
            "报修前如何收集服务器日志（TSR / AHS / FFDC）",
            "提供日志能让工程师更快定位故障、减少上门次数。\n\n"
            "## 戴尔（iDRAC）\n\n*维护 → SupportAssist → 开始收集*，导出 TSR 压缩包。\n\n"
            "## 慧与（iLO）\n\n*Information → Active Health System Log → Download*，选择故障前后 7 天。\n\n"
            "## 联想（XCC）\n\n*服务 → 下载服务数据（FFDC）*。\n\n"
            "收集完成后在服务请求页面上传附件即可。日志不包含业务数据。",
        ),
        (
            "Collecting server logs before a request (TSR / AHS / FFDC)",
            "Logs let the engineer find the fault faster and save site visits.\n\n"
            "## Dell (iDRAC)\n\n*Maintenance → SupportAssist → Start a collection* and export the TSR.\n\n"
            "## HPE (iLO)\n\n*Information → Active Health System Log → Download*, seven days around the fault.\n\n"
            "## Lenovo (XCC)\n\n*Service → Download Service Data (FFDC)*.\n\n"
            "Upload the file on the request page. The logs hold no business data.",
        ),
    ),
    (
        "esxi-psod-memory",
        "memory",
        "memory",
        (),
        (),
        ("ESXi", "PSOD", "内存"),
        "internal",
        (
            "ESXi 紫屏（PSOD）提示内存错误",
            "## 症状\n\nESXi 主机紫屏，信息含 `MCE` 或 `Uncorrectable Memory Error`。\n\n"
            "## 处理\n\n1. 拍照保存紫屏全文，收集 vm-support 包。\n2. 对照 BMC SEL 找到具体槽位。\n"
            "3. 迁移虚拟机后更换内存；检查 ESXi 与 BIOS 版本是否在 VMware HCL 中。",
        ),
        (
            "ESXi purple screen (PSOD) with a memory error",
            "## Symptom\n\nThe ESXi host shows a purple screen mentioning `MCE` or `Uncorrectable Memory Error`.\n\n"
            "## Handling\n\n1. Photograph the full screen and collect a vm-support bundle.\n"
            "2. Match it with the BMC SEL to find the slot.\n"
            "3. Evacuate the VMs, replace the DIMM; check ESXi and BIOS versions against the VMware HCL.",
        ),
    ),
    (
        "supermicro-ipmi",
        "bmc",
        "bmc",
        ("supermicro",),
        (),
        ("Supermicro", "IPMI", "密码"),
        "customer",
        (
            "Supermicro IPMI 忘记密码的重置方法",
            "## 方法\n\n在主机 Linux 中使用 `ipmitool user list 1` 查看用户 ID，"
            "再执行 `ipmitool user set password 2 <新密码>`。\n\n"
            "新机出厂密码印在机箱标签上（非统一的 ADMIN/ADMIN）。修改后请妥善保管。",
        ),
        (
            "Resetting a forgotten Supermicro IPMI password",
            "## How\n\nFrom Linux on the host list users with `ipmitool user list 1`, then run "
            "`ipmitool user set password 2 <new password>`.\n\n"
            "Newer boards ship with a unique password on the chassis label (not ADMIN/ADMIN). Keep it safe.",
        ),
    ),
    (
        "huawei-ibmc",
        "bmc",
        "bmc",
        ("huawei",),
        (),
        ("华为", "iBMC", "告警"),
        "internal",
        (
            "华为 iBMC 硬盘告警但阵列正常",
            "## 症状\n\niBMC 提示硬盘故障，但阵列卡管理工具中该盘状态正常。\n\n"
            "## 处理\n\n1. 升级 iBMC 与阵列卡固件到配套版本，部分告警为带外读取误报。\n"
            "2. 使用 `storcli /c0/eall/sall show` 复核 *Media Error* 计数。\n3. 计数持续增长时仍需更换硬盘。",
        ),
        (
            "Huawei iBMC reports a disk fault while the array is fine",
            "## Symptom\n\niBMC reports a drive fault, but the RAID tool shows the drive healthy.\n\n"
            "## Handling\n\n1. Update iBMC and RAID firmware to matching versions: some alerts are false "
            "out-of-band reads.\n2. Check *Media Error* counts with `storcli /c0/eall/sall show`.\n"
            "3. If the count keeps rising, replace the drive anyway.",
        ),
    ),
    (
        "psu-replace-howto",
        "psu",
        "howto",
        (),
        (),
        ("电源", "热插拔", "操作指南"),
        "customer",
        (
            "客户自行热插拔更换电源模块的安全步骤",
            "适用于合同约定由客户自行更换（CRU）的电源模块。\n\n"
            "1. 确认另一块电源工作正常（指示灯绿色），否则不要操作。\n"
            "2. 拔下故障电源的电源线。\n3. 按下释放卡扣，拉出电源模块。\n"
            "4. 插入新模块直到卡扣锁紧，接回电源线。\n5. 指示灯变绿后，在管理控制器确认冗余恢复。\n\n"
            "旧件请按备件随附的返还说明寄回（RMA）。",
        ),
        (
            "Hot-swapping a power supply yourself: safe steps",
            "For power supplies your contract lists as customer-replaceable (CRU).\n\n"
            "1. Check that the other supply works (green LED); otherwise stop.\n"
            "2. Unplug the failed supply's cord.\n3. Press the release latch and pull the module out.\n"
            "4. Slide the new one in until it latches; plug the cord back in.\n"
            "5. When the LED is green, confirm redundancy in the BMC.\n\n"
            "Return the old part as the RMA note in the box says.",
        ),
    ),
    (
        "raid-learn-cycle",
        "raid",
        "raid",
        ("hpe",),
        ("ProLiant DL380 Gen9",),
        ("RAID", "缓存", "学习周期"),
        "customer",
        (
            "阵列卡缓存学习周期期间性能暂时下降",
            "## 说明\n\n控制器每隔约 90 天对缓存电池做一次学习周期（Learn Cycle），期间可能暂时切换为直写模式，"
            "写入性能下降，数小时后自动恢复。\n\n如果超过 24 小时仍未恢复，或提示 *Cache module failed*，请报修。",
        ),
        (
            "Temporary slowdown during the RAID cache learn cycle",
            "## What happens\n\nAbout every 90 days the controller runs a battery learn cycle and may switch to "
            "write-through for a few hours; write performance drops and then recovers by itself.\n\n"
            "If it has not recovered after 24 hours, or reports *Cache module failed*, open a request.",
        ),
    ),
    (
        "bios-post-hang",
        "firmware",
        "firmware",
        ("lenovo",),
        ("ThinkSystem SR650",),
        ("BIOS", "UEFI", "自检"),
        "internal",
        (
            "UEFI 升级后自检卡在 logo 界面",
            "## 症状\n\n升级 UEFI 后开机停在 logo，XCC 显示 *System in UEFI*。\n\n"
            "## 处理\n\n1. 在 XCC 中清除 CMOS（加载默认设置）。\n2. 检查新版 UEFI 是否要求先升级 XCC。\n"
            "3. 仍无法启动时用 XCC 回滚到备份区固件（Backup bank）。",
        ),
        (
            "POST hangs at the logo after a UEFI update",
            "## Symptom\n\nAfter a UEFI update the server stops at the logo; XCC shows *System in UEFI*.\n\n"
            "## Handling\n\n1. Load UEFI defaults from XCC.\n2. Check whether the new UEFI needs a newer XCC "
            "first.\n3. If it still does not boot, roll back to the backup bank in XCC.",
        ),
    ),
]
