"""Rows of the integrations: classifier models and their triage, chat robots, webhook
subscriptions, and the log of every delivery to them with each attempt."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.integrations.choices import (
    CorrectionStatus,
    CorrectionTarget,
    DeliveryStatus,
    ModelStatus,
    ReviewStatus,
    RobotKind,
    TargetKind,
    TrainingTrigger,
)
from sasms.tickets.choices import Category, ComponentArea, Priority


class ClassifierModel(models.Model):
    """One training run of the request classifier and, when it succeeded, the model it made.

    The fitted pipeline lives in a file in private storage (``file_name``); ``sha256`` is checked
    before the file is loaded, so only a file this app wrote for this row is ever unpickled. At most
    one model is active; rows are kept as the history managers compare.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ModelStatus.choices, default=ModelStatus.TRAINING
    )
    is_active = models.BooleanField(_("active"), default=False)
    trigger = models.CharField(_("trigger"), max_length=10, choices=TrainingTrigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    trained_at = models.DateTimeField(_("trained"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    sample_count = models.PositiveIntegerField(_("samples"), default=0)
    train_count = models.PositiveIntegerField(_("training samples"), default=0)
    test_count = models.PositiveIntegerField(_("held-out samples"), default=0)
    category_accuracy = models.FloatField(_("category accuracy"), null=True, blank=True)
    category_macro_f1 = models.FloatField(_("category macro-F1"), null=True, blank=True)
    component_accuracy = models.FloatField(_("component accuracy"), null=True, blank=True)
    component_macro_f1 = models.FloatField(_("component macro-F1"), null=True, blank=True)
    priority_accuracy = models.FloatField(_("priority accuracy"), null=True, blank=True)
    priority_macro_f1 = models.FloatField(_("priority macro-F1"), null=True, blank=True)
    # Per target: classes, per-class support and F1, confusion counts; parameters of the run.
    report = models.JSONField(_("report"), default=dict, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("classifier model")
        verbose_name_plural = _("classifier models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="integrations_one_active_model"
            ),
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(status="trained"), name="integrations_active_is_trained"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.status})"

    @property
    def mean_macro_f1(self) -> float | None:
        values = [v for v in (self.category_macro_f1, self.component_macro_f1, self.priority_macro_f1) if v]
        return sum(values) / len(values) if values else None


class ClassificationReview(models.Model):
    """What the classifier said about one automatic request, and what became of it.

    ``applied`` rows were confident enough to be applied at once; ``pending`` rows wait in the
    triage list until someone accepts, overrides or dismisses the suggestion.
    """

    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="classification",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    model = models.ForeignKey(
        ClassifierModel,
        verbose_name=_("model"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )
    created_at = models.DateTimeField(_("suggested"), default=timezone.now)
    category = models.CharField(_("suggested category"), max_length=12, choices=Category.choices)
    category_confidence = models.FloatField(_("category confidence"))
    component = models.CharField(_("suggested component"), max_length=16, choices=ComponentArea.choices)
    component_confidence = models.FloatField(_("component confidence"))
    priority = models.CharField(_("suggested priority"), max_length=2, choices=Priority.choices)
    priority_confidence = models.FloatField(_("priority confidence"))
    applied_fields = models.JSONField(_("applied automatically"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    final = models.JSONField(_("final values"), default=dict, blank=True)

    class Meta:
        verbose_name = _("classification review")
        verbose_name_plural = _("classification reviews")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="integrations_review_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status}"

    @property
    def model_version(self) -> int | None:
        return self.model.version if self.model is not None else None

    @property
    def lowest_confidence(self) -> float:
        return min(self.category_confidence, self.component_confidence, self.priority_confidence)


class ClassificationCorrection(models.Model):
    """A staff member changed what the classifier set on a request: who, from what, to what, on which text.

    One row per request and target (the person's last word counts). Every row not rejected is in
    the classifier's correction memory at once; rows a person accepted can join the evaluation set.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("service request"), on_delete=models.CASCADE, related_name="+"
    )
    review = models.ForeignKey(
        ClassificationReview,
        verbose_name=_("classification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
    )
    target = models.CharField(_("target"), max_length=10, choices=CorrectionTarget.choices)
    from_value = models.CharField(_("classifier's value"), max_length=16)
    to_value = models.CharField(_("corrected to"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.NEW
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("classification correction")
        verbose_name_plural = _("classification corrections")
        ordering = ["-corrected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "target"], name="integrations_correction_unique")
        ]
        indexes = [models.Index(fields=["status", "-corrected_at"], name="integrations_correction_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.target}: {self.from_value} → {self.to_value}"


class ChatRobot(models.Model):
    """A group robot in WeCom, DingTalk or Feishu that hears about the events it subscribes to.

    The webhook address carries the robot's access token, so it is encrypted at rest like the
    signing secret; both are decrypted only to deliver.
    """

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("platform"), max_length=10, choices=RobotKind.choices)
    webhook_url_encrypted = models.TextField()
    url_hint = models.CharField(_("webhook address"), max_length=120, blank=True)
    secret_encrypted = models.TextField(blank=True)
    events = models.JSONField(_("events"), default=list)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("only for customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("chat robot")
        verbose_name_plural = _("chat robots")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)


class WebhookSubscription(models.Model):
    """An outside system that receives request events as signed JSON ``POST`` requests."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=1000)
    secret_encrypted = models.TextField()
    events = models.JSONField(_("events"), default=list)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("only for customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One message for one robot or subscription about one request event.

    ``payload`` is the event as it was when it happened (the request number is filled in at the
    first send, since a new request is numbered at the end of its transaction). A replay is a new
    delivery of the same payload with the same ``idempotency_key``, so receivers can drop repeats.
    """

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    target_kind = models.CharField(_("target"), max_length=8, choices=TargetKind.choices)
    robot = models.ForeignKey(
        ChatRobot, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        WebhookSubscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    target_label = models.CharField(_("recipient"), max_length=200)
    event_type = models.CharField(_("event"), max_length=40)
    event_id = models.BigIntegerField(_("event id"), null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticket_number = models.CharField(_("SR number"), max_length=20, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, db_index=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    replay_of = models.ForeignKey(
        "self",
        verbose_name=_("replay of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replays",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replayed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="integrations_delivery_idx"),
            models.Index(fields=["status", "-created_at"], name="integrations_dlv_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target_kind="robot") & Q(subscription__isnull=True))
                | (Q(target_kind="webhook") & Q(robot__isnull=True)),
                name="integrations_delivery_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.target_label} ({self.status})"


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery: what came back, how long it took, or why it failed."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("time"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    url = models.CharField(_("address"), max_length=300, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="integrations_attempt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
