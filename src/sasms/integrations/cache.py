"""What every timeline event asks, answered from the cache: which robots and webhooks listen,
and whether a classifier model is active.

Events are frequent and configuration changes rare, so the answer is cached (in the shared cache
when one is configured, else per process for at most ``TTL`` seconds) and dropped whenever a
service changes it. A cached recipient is confirmed against the database before anything is
written for it, so a stale entry can cost a query but never a broken transaction.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from sasms.integrations.choices import ModelStatus, TargetKind
from sasms.integrations.models import ChatRobot, ClassifierModel, WebhookSubscription

TTL = 30
TARGETS_KEY = "sasms:integrations:targets:v1"
CLASSIFIER_KEY = "sasms:integrations:classifier-active:v1"


@dataclass(frozen=True)
class Listener:
    kind: str
    pk: int
    events: tuple[str, ...]
    organisation_id: int | None

    def hears(self, event_types: list[str], organisation_id: int) -> str | None:
        """The most specific of ``event_types`` this listener wants, if it wants any."""
        if self.organisation_id is not None and self.organisation_id != organisation_id:
            return None
        return next((t for t in event_types if t in self.events), None)


def active_listeners() -> list[Listener]:
    listeners: list[Listener] | None = cache.get(TARGETS_KEY)
    if listeners is None:
        listeners = [
            Listener(TargetKind.ROBOT, pk, tuple(events or ()), organisation_id)
            for pk, events, organisation_id in ChatRobot.objects.filter(is_active=True).values_list(
                "pk", "events", "organisation_id"
            )
        ] + [
            Listener(TargetKind.WEBHOOK, pk, tuple(events or ()), organisation_id)
            for pk, events, organisation_id in WebhookSubscription.objects.filter(is_active=True).values_list(
                "pk", "events", "organisation_id"
            )
        ]
        cache.set(TARGETS_KEY, listeners, TTL)
    return listeners


def classifier_active() -> bool:
    active: bool | None = cache.get(CLASSIFIER_KEY)
    if active is None:
        active = ClassifierModel.objects.filter(is_active=True, status=ModelStatus.TRAINED).exists()
        cache.set(CLASSIFIER_KEY, active, TTL)
    return active


def _forget(key: str) -> None:
    # Now, for this transaction's own later reads; after commit, for everyone else.
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_listeners() -> None:
    _forget(TARGETS_KEY)


def forget_classifier() -> None:
    _forget(CLASSIFIER_KEY)


def forget_all() -> None:
    """For tests: the next question goes to the database."""
    cache.delete_many([TARGETS_KEY, CLASSIFIER_KEY])
