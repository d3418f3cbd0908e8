"""Background jobs of the knowledge base; thin wrappers over the services."""

from celery import shared_task

from sasms.core.context import Origin, acting_from


@shared_task(name="sasms.knowledge.tasks.reindex_search", ignore_result=True)
def reindex_search(job_id: int) -> str:
    """Re-index every search document after a dictionary change; returns the job's status."""
    from sasms.knowledge.services.dictionary import run_reindex

    with acting_from(Origin(channel="task")):
        return str(run_reindex(job_id=job_id).status)
