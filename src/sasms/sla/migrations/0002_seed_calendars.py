"""Seed the four coverage presets in Asia/Shanghai with China's public holidays and make-up days."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from sasms.sla.presets import seed_calendars

    seed_calendars(
        apps.get_model("sla", "BusinessCalendar"),
        apps.get_model("sla", "WorkingInterval"),
        apps.get_model("sla", "SpecialDay"),
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    from sasms.sla.presets import SEEDED_CALENDARS

    codes = [entry["code"] for entry in SEEDED_CALENDARS]
    apps.get_model("sla", "BusinessCalendar").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
