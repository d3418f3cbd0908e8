"""The default PM checklist (巡检表): what an engineer looks at on every server without a model's own
template. Staff edit it on the checklist templates page."""

from typing import Any

from django.db import migrations

LINES = [
    ("fans", "Fans spinning, no fan alarm, speeds normal", "风扇运转正常、无告警、转速正常", False),
    ("psu", "Both power supplies present, redundant and without alarm", "电源模块在位、冗余、无告警", False),
    ("drives", "Drive LEDs, predictive failures and media wear", "硬盘指示灯、预告警及介质寿命", True),
    ("drives", "RAID virtual disks optimal, no rebuild, battery/cache healthy", "RAID 虚拟磁盘状态正常、无重建、缓存电池正常", True),
    ("memory", "No correctable/uncorrectable memory errors in the last period", "近期无内存可纠正/不可纠正错误", True),
    ("bmc_log", "BMC system event log reviewed and cleared after saving", "BMC 系统事件日志已检查并在保存后清除", False),
    ("firmware", "BIOS, BMC, RAID and NIC firmware versions recorded", "BIOS、BMC、RAID、网卡固件版本已记录", True),
    ("environment", "Inlet temperature and dust (filters, heatsinks) acceptable", "进风温度正常、滤网与散热片无积尘", True),
    ("cabling", "Power and network cables seated, labelled and strain-relieved", "电源线与网线插紧、标签清晰、理线规范", False),
]


def seed(apps: Any, schema_editor: Any) -> None:
    template_model = apps.get_model("maintenance", "ChecklistTemplate")
    item_model = apps.get_model("maintenance", "ChecklistItem")
    if template_model.objects.filter(is_default=True).exists():
        return
    template = template_model.objects.create(name="Standard server PM · 标准服务器巡检", is_default=True)
    item_model.objects.bulk_create(
        item_model(
            template=template, position=index, component=component, label_en=en, label_zh=zh, asks_value=value
        )
        for index, (component, en, zh, value) in enumerate(LINES)
    )


class Migration(migrations.Migration):
    dependencies = [("maintenance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
