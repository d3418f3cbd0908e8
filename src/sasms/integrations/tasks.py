"""Background jobs of the integrations; thin wrappers over the services."""

from celery import shared_task

from sasms.core.errors import Conflict
from sasms.integrations.choices import TrainingTrigger


@shared_task(name="sasms.integrations.tasks.retrain_classifier", ignore_result=True)
def retrain_classifier(trigger: str = TrainingTrigger.SCHEDULE, actor_id: int | None = None) -> str:
    """Train a new classifier model from the resolved requests; returns the run's status.

    The scheduled run skips a day on which no request was resolved since the last model."""
    from sasms.accounts.models import User
    from sasms.integrations.classifier.training import resolved_since
    from sasms.integrations.models import ClassifierModel
    from sasms.integrations.services import train_classifier

    if trigger == TrainingTrigger.SCHEDULE:
        latest = ClassifierModel.objects.exclude(status="failed").order_by("-version").first()
        if latest is not None and not resolved_since(latest.created_at):
            return "unchanged"
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    try:
        model = train_classifier(actor=actor, trigger=trigger)
    except Conflict:
        return "busy"  # another run is in progress; the next schedule tries again
    return f"v{model.version} {model.status}"


@shared_task(name="sasms.integrations.tasks.purge_deliveries", ignore_result=True)
def purge_deliveries() -> int:
    """Drop finished deliveries past the retention (SASMS_INTEGRATIONS_DELIVERY_RETENTION_DAYS)."""
    from sasms.integrations.services.deliveries import purge_deliveries as purge

    return purge()
