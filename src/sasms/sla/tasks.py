from typing import Any

from celery import shared_task

from sasms.sla.clocks.services import sweep


@shared_task(name="sasms.sla.tasks.sla_sweep", ignore_result=True)
def sla_sweep() -> dict[str, Any]:
    """Warnings, breaches and escalations of every clock whose next check has come."""
    result = sweep()
    return {"examined": result.examined, "breaches": result.breaches, "steps_fired": result.steps_fired}


@shared_task(name="sasms.sla.tasks.provision_holidays", ignore_result=True)
def provision_holidays() -> dict[str, list[int]]:
    """Keep the next years provisioned: provisional public holidays wherever none are official."""
    from sasms.core.context import Origin, acting_from
    from sasms.sla.holidays import provision_ahead

    with acting_from(Origin(channel="task")):
        return provision_ahead()
