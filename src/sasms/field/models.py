"""Field visits (现场服务): an engineer on site for a service request, from schedule to signature."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.field.choices import Action, ReportLanguage, VisitStatus


class Visit(models.Model):
    """One trip of one engineer to the customer's site for one request.

    The times are those the engineer's phone recorded (a data centre often has no signal, so a
    step can reach the server long after it happened); ``created_at`` is when it was scheduled.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("service request"), on_delete=models.CASCADE, related_name="visits"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="field_visits",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED
    )
    window_start = models.DateTimeField(_("arrive from"))
    window_end = models.DateTimeField(_("arrive by"))
    contact = models.ForeignKey(
        "accounts.Contact",
        verbose_name=_("customer contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    access_notes = models.TextField(_("site access notes"), blank=True, max_length=4000)
    report_language = models.CharField(
        _("report language"), max_length=10, choices=ReportLanguage.choices, blank=True, default=""
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("scheduled at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    travel_started_at = models.DateTimeField(_("travel started"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("position accuracy (m)"), null=True, blank=True)
    distance_to_site_m = models.PositiveIntegerField(_("distance to the site (m)"), null=True, blank=True)
    check_in_reason = models.TextField(_("reason for checking in away from the site"), blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    work_summary = models.TextField(_("work summary"), blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signature_file = models.CharField(max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    report_file = models.CharField(max_length=200, blank=True)
    report_generated_at = models.DateTimeField(_("report generated"), null=True, blank=True)
    report_sent_to = models.EmailField(_("report sent to"), blank=True)
    report_sent_language = models.CharField(_("report language sent"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["window_start", "id"]
        indexes = [
            models.Index(fields=["engineer", "status", "window_start"], name="field_visit_engineer_idx"),
            models.Index(fields=["status", "window_start"], name="field_visit_status_idx"),
            models.Index(fields=["ticket", "window_start"], name="field_visit_ticket_idx"),
            models.Index(
                fields=["checked_out_at"],
                name="field_visit_report_due_idx",
                condition=models.Q(status="checked_out", report_generated_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")), name="field_visit_window_order"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="field_visit_position_range",
            ),
        ]

    def __str__(self) -> str:
        return f"V{self.pk} {self.window_start:%Y-%m-%d %H:%M}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def on_site_minutes(self) -> int | None:
        if self.checked_in_at is None or self.checked_out_at is None:
            return None
        return max(0, int((self.checked_out_at - self.checked_in_at).total_seconds() // 60))


class VisitNote(models.Model):
    """One line of the visit's work log, written on site."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(_("note"), max_length=4000)
    occurred_at = models.DateTimeField(_("time"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("work log note")
        verbose_name_plural = _("work log notes")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class VisitPhoto(models.Model):
    """A photo taken on site; the re-encoded image is a file of the request (an attachment)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    attachment = models.OneToOneField(
        "tickets.Attachment", on_delete=models.CASCADE, related_name="visit_photo"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    occurred_at = models.DateTimeField(_("taken"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return self.caption or str(self.attachment_id)


class VisitPart(models.Model):
    """A part used on site: what went in (serial) and what came out (removed serial)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="parts")
    part_number = models.CharField(_("part number"), max_length=64)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    serial = models.CharField(_("serial installed"), max_length=64, blank=True)
    removed_serial = models.CharField(_("serial removed"), max_length=64, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "tickets.TicketEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="field_part_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.part_number} × {self.quantity}"


class SyncedAction(models.Model):
    """A step received from a phone, by its client-generated idempotency key.

    The key is claimed in the transaction that performs the step, so a step sent twice (a retry
    after a lost answer, two tabs syncing at once) is performed once; the second sender gets the
    first answer back.
    """

    key = models.UUIDField(unique=True)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="synced_actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("synchronised step")
        verbose_name_plural = _("synchronised steps")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.key} {self.action}"
