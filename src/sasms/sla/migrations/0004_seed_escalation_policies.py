from typing import Any

from django.db import migrations

from sasms.sla.policy_presets import seed_policies


def seed(apps: Any, schema_editor: Any) -> None:
    seed_policies(apps.get_model("sla", "EscalationPolicy"), apps.get_model("sla", "EscalationStep"))


def unseed(apps: Any, schema_editor: Any) -> None:
    """Leave the policies: they may have been edited since."""


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_clocks_and_escalation")]

    operations = [migrations.RunPython(seed, unseed)]
