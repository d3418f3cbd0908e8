"""The vocabulary of the integrations: request events sent out, robot platforms, states."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sasms.tickets.choices import Channel


class EventType(models.TextChoices):
    """What happened to a request, as announced to robots and webhook subscribers."""

    CREATED = "ticket.created", _("Request created")
    CREATED_URGENT = "ticket.created_urgent", _("Urgent request created (P1/P2)")
    ASSIGNED = "ticket.assigned", _("Request assigned")
    STATUS_CHANGED = "ticket.status_changed", _("Status changed")
    RESOLVED = "ticket.resolved", _("Request resolved")
    CLOSED = "ticket.closed", _("Request closed")
    PRIORITY_CHANGED = "ticket.priority_changed", _("Priority changed")
    ESCALATED = "ticket.escalated", _("Request escalated")
    SLA_WARNING = "ticket.sla_warning", _("SLA warning")
    SLA_BREACHED = "ticket.sla_breached", _("SLA breached")
    REPLIED = "ticket.replied", _("Public reply")
    UPDATED = "ticket.updated", _("Details changed")


# What a chat group wants to hear about; webhooks may subscribe to every type.
ROBOT_EVENTS = (EventType.CREATED_URGENT, EventType.SLA_BREACHED, EventType.ESCALATED, EventType.RESOLVED)
WEBHOOK_EVENTS = tuple(EventType)
ROBOT_EVENT_CHOICES = [(e.value, e.label) for e in ROBOT_EVENTS]
WEBHOOK_EVENT_CHOICES = [(e.value, e.label) for e in WEBHOOK_EVENTS]


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")
    FEISHU = "feishu", _("Feishu (飞书)")


class TargetKind(models.TextChoices):
    ROBOT = "robot", _("Chat robot")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ModelStatus(models.TextChoices):
    TRAINING = "training", _("Training")
    TRAINED = "trained", _("Trained")
    SKIPPED = "skipped", _("Not enough data")
    FAILED = "failed", _("Failed")


class TrainingTrigger(models.TextChoices):
    COMMAND = "command", _("Command")
    SCHEDULE = "schedule", _("Schedule")
    BUTTON = "button", _("Retrain button")
    API = "api", _("API")
    DEMO = "demo", _("Demo data")


class ReviewStatus(models.TextChoices):
    APPLIED = "applied", _("Applied automatically")
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    OVERRIDDEN = "overridden", _("Overridden")
    DISMISSED = "dismissed", _("Dismissed")


class CorrectionStatus(models.TextChoices):
    """A staff correction of a classifier suggestion: learnt from at once; for the evaluation set
    only once a person has checked it (``accepted``)."""

    NEW = "new", _("Not reviewed")
    ACCEPTED = "accepted", _("Accepted for evaluation")
    REJECTED = "rejected", _("Rejected")


class CorrectionTarget(models.TextChoices):
    CATEGORY = "category", _("Category")
    COMPONENT = "component", _("Component")
    PRIORITY = "priority", _("Priority")


class ReviewDecision(models.TextChoices):
    ACCEPT = "accept", _("Accept the suggestion")
    OVERRIDE = "override", _("Apply my choice")
    DISMISS = "dismiss", _("Leave the request as it is")


# Requests no person typed in: their classification comes from the model, or from triage.
AUTOMATIC_CHANNELS = frozenset({Channel.EMAIL, Channel.MONITORING, Channel.BMC, Channel.API})
TARGETS = ("category", "component", "priority")
