"""Background jobs of the asset register: thin wrappers over the import services."""

from celery import shared_task

from sasms.assets import imports
from sasms.core.context import Origin, acting_from


@shared_task(name="sasms.assets.tasks.check_import_job", ignore_result=True)
def check_import_job(job_id: int) -> None:
    with acting_from(Origin(channel="task")):
        imports.check_import(job_id=job_id)


@shared_task(name="sasms.assets.tasks.apply_import_job", ignore_result=True)
def apply_import_job(job_id: int) -> None:
    with acting_from(Origin(channel="task")):
        imports.apply_import(job_id=job_id)
