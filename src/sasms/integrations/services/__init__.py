"""The only writers of the integrations app: one function per use case, each one transaction."""

from sasms.integrations.services.classification import (
    activate_model,
    classify_request,
    resolve_review,
    train_classifier,
)
from sasms.integrations.services.deliveries import replay_delivery, send_test_message
from sasms.integrations.services.targets import (
    create_robot,
    create_subscription,
    delete_robot,
    delete_subscription,
    update_robot,
    update_subscription,
)

__all__ = [
    "activate_model",
    "classify_request",
    "create_robot",
    "create_subscription",
    "delete_robot",
    "delete_subscription",
    "replay_delivery",
    "resolve_review",
    "send_test_message",
    "train_classifier",
    "update_robot",
    "update_subscription",
]
