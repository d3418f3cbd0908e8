"""Intake rows: mailboxes and the messages read from them, alert sources and their alerts, BMC
endpoints and the faults they report, and the triage queue for what no rule could place.

Passwords of mailboxes and BMCs are stored encrypted (``sasms.core.secrets``); alert-source tokens
only as a SHA-256 digest. Uniqueness that keeps intake exactly-once lives in database constraints.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.intake.choices import (
    AlertSeverity,
    AlertState,
    BmcAuth,
    BmcIdentity,
    BmcScheme,
    Direction,
    FaultStatus,
    MailSecurity,
    MinSeverity,
    Outcome,
    PollStatus,
    SourceKind,
    TriageChannel,
    TriageReason,
    TriageResolution,
    TriageStatus,
)


class Mailbox(models.Model):
    """An IMAP mailbox polled for service requests (e.g. support@, a customer's dedicated inbox)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    address = models.EmailField(_("e-mail address"), help_text=_("The address customers write to."))
    host = models.CharField(_("IMAP server"), max_length=253)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("connection security"), max_length=10, choices=MailSecurity.choices, default=MailSecurity.SSL
    )
    username = models.CharField(_("user name"), max_length=254)
    password_encrypted = models.TextField(blank=True)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("default customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Senders are looked up at this customer only, and triage suggests it."),
    )
    reply_to = models.BooleanField(
        _("replies come here"),
        default=False,
        help_text=_("Notifications about requests ask for replies to this address."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    uid_validity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProcessedMessage(models.Model):
    """One inbound e-mail, read exactly once: ``key`` (a digest of its Message-ID) is unique and is
    written in the same transaction as the request or comment it became."""

    key = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=998)
    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imap_uid = models.BigIntegerField(null=True, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raw_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("processed e-mail")
        verbose_name_plural = _("processed e-mails")
        ordering = ["-processed_at", "-id"]
        indexes = [
            models.Index(fields=["-processed_at", "-id"], name="intake_msg_processed_idx"),
            models.Index(fields=["outcome", "-processed_at"], name="intake_msg_outcome_idx"),
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id


class MailThread(models.Model):
    """A Message-ID that belongs to a request's conversation, sent or received, for reply matching."""

    key = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=998)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mail thread message")
        verbose_name_plural = _("mail thread messages")
        indexes = [
            models.Index(fields=["ticket", "direction", "created_at"], name="intake_thread_ticket_idx")
        ]

    def __str__(self) -> str:
        return self.message_id


class AlertSource(models.Model):
    """A monitoring system allowed to post alerts, with its own bearer token (stored as a digest)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("format"), max_length=16, choices=SourceKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("default customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Servers are matched at this customer only, and triage suggests it."),
    )
    token_prefix = models.CharField(_("token prefix"), max_length=16)
    token_digest = models.CharField(max_length=64, unique=True)
    min_severity = models.CharField(
        _("opens requests for"), max_length=10, choices=MinSeverity.choices, default=MinSeverity.WARNING
    )
    correlation_minutes = models.PositiveIntegerField(
        _("correlation window (min)"),
        default=240,
        help_text=_(
            "Alerts on a server join its open monitoring request while the last alert is this recent."
        ),
    )
    auto_resolve = models.BooleanField(
        _("resolve untouched requests"),
        default=True,
        help_text=_("When every alert of a request has cleared and no person has worked on it."),
    )
    time_zone = models.CharField(_("time zone of the sender"), max_length=64, default="Asia/Shanghai")
    is_active = models.BooleanField(_("active"), default=True)
    last_received_at = models.DateTimeField(_("last delivery"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("alert source")
        verbose_name_plural = _("alert sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """One firing of one alert (fingerprint + start time), however often it was delivered."""

    source = models.ForeignKey(
        AlertSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="alerts"
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=128)
    starts_at = models.DateTimeField(_("started"))
    ends_at = models.DateTimeField(_("ended"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AlertState.choices)
    name = models.CharField(_("alert"), max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=AlertSeverity.choices)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    labels = models.JSONField(_("labels"), default=dict, blank=True)
    annotations = models.JSONField(_("annotations"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=2000, blank=True)
    component = models.CharField(_("component"), max_length=200, blank=True)
    incident_key = models.CharField(_("device"), max_length=300)
    server = models.ForeignKey(
        "assets.Server",
        verbose_name=_("server"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    triage = models.ForeignKey(
        "intake.TriageItem",
        verbose_name=_("triage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    first_received_at = models.DateTimeField(_("first received"), default=timezone.now)
    last_received_at = models.DateTimeField(_("last received"), default=timezone.now)
    receive_count = models.PositiveIntegerField(_("deliveries"), default=1)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-last_received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "fingerprint", "starts_at"], name="intake_alert_occurrence_unique"
            )
        ]
        indexes = [
            models.Index(fields=["ticket", "status"], name="intake_alert_ticket_idx"),
            models.Index(fields=["server", "-last_received_at"], name="intake_alert_server_idx"),
            models.Index(fields=["source", "incident_key"], name="intake_alert_incident_idx"),
            models.Index(fields=["-last_received_at", "-id"], name="intake_alert_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class BmcEndpoint(models.Model):
    """A server's BMC, polled over Redfish; the password is stored encrypted.

    One BMC address belongs to one server: ``address_key`` is the normalised ``host:port`` and is
    unique (it is empty only on endpoints disabled because another server holds the address).
    A poll writes nothing unless the BMC's system serial number (or the UUID recorded when it last
    matched) is the server's; the ``identity_*`` fields say what the last check found.
    """

    server = models.OneToOneField(
        "assets.Server", verbose_name=_("server"), on_delete=models.PROTECT, related_name="bmc_endpoint"
    )
    address = models.CharField(_("BMC address"), max_length=253)
    # NULL, not "": several disabled duplicates may hold no key while the constraint stays unique.
    address_key = models.CharField(  # noqa: DJ001
        _("normalised address"), max_length=300, null=True, blank=True, editable=False
    )
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    scheme = models.CharField(_("protocol"), max_length=5, choices=BmcScheme.choices, default=BmcScheme.HTTPS)
    username = models.CharField(_("user name"), max_length=120)
    password_encrypted = models.TextField(blank=True)
    auth = models.CharField(
        _("log-in method"), max_length=8, choices=BmcAuth.choices, default=BmcAuth.SESSION
    )
    verify_tls = models.BooleanField(_("verify the TLS certificate"), default=True)
    poll_interval_minutes = models.PositiveIntegerField(_("poll every (min)"), default=10)
    log_since = models.DateTimeField(
        _("read log entries since"),
        null=True,
        blank=True,
        help_text=_("Older log entries are history, not new faults. Empty: the whole log counts."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.TextField(_("why disabled"), blank=True)
    identity_status = models.CharField(
        _("identity"), max_length=12, choices=BmcIdentity.choices, default=BmcIdentity.UNCHECKED
    )
    identity_checked_at = models.DateTimeField(_("identity checked"), null=True, blank=True)
    identity_mismatch_since = models.DateTimeField(_("identity mismatch since"), null=True, blank=True)
    reported_serial = models.CharField(_("serial number reported by the BMC"), max_length=300, blank=True)
    system_uuid = models.CharField(_("system UUID"), max_length=64, blank=True)
    push_token_prefix = models.CharField(max_length=16, blank=True)
    push_token_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    log_cursor = models.TextField(blank=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_status = models.CharField(
        _("status"), max_length=12, choices=PollStatus.choices, default=PollStatus.NEVER
    )
    last_error = models.TextField(_("last error"), blank=True)
    last_problems = models.JSONField(_("poll notes"), default=list, blank=True)
    last_event_at = models.DateTimeField(_("last pushed event"), null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("BMC endpoint")
        verbose_name_plural = _("BMC endpoints")
        ordering = ["address"]
        indexes = [models.Index(fields=["is_active", "next_poll_at"], name="intake_bmc_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["address_key"],
                name="intake_bmcendpoint_address_unique",
                violation_error_message=_("This BMC address is already registered on another server."),
            )
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def base_url(self) -> str:
        host = (
            f"[{self.address}]" if ":" in self.address and not self.address.startswith("[") else self.address
        )
        return f"{self.scheme}://{host}" + (f":{self.port}" if self.port else "")


class BmcFault(models.Model):
    """A fault a BMC reported on one part; open until the part reads healthy again."""

    endpoint = models.ForeignKey(BmcEndpoint, on_delete=models.CASCADE, related_name="faults")
    server = models.ForeignKey("assets.Server", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key = models.CharField(max_length=700)
    component_key = models.CharField(max_length=500)
    component_kind = models.CharField(_("part"), max_length=24, blank=True)
    component_name = models.CharField(_("name"), max_length=200, blank=True)
    slot = models.CharField(_("slot"), max_length=120, blank=True)
    part_number = models.CharField(_("part number"), max_length=120, blank=True)
    serial = models.CharField(_("serial number"), max_length=120, blank=True)
    model = models.CharField(_("model"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=24)
    severity = models.CharField(_("severity"), max_length=10)
    message = models.TextField(_("message"), blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FaultStatus.choices, default=FaultStatus.OPEN
    )
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    recovered_at = models.DateTimeField(_("recovered"), null=True, blank=True)

    class Meta:
        verbose_name = _("BMC fault")
        verbose_name_plural = _("BMC faults")
        ordering = ["-first_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "key"],
                condition=models.Q(status="open"),
                name="intake_bmcfault_open_unique",
            )
        ]
        indexes = [models.Index(fields=["ticket"], name="intake_bmcfault_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.component_name}: {self.message[:60]}"


class BmcComponent(models.Model):
    """Which CMDB component a Redfish resource of this BMC is, so inventory changes map exactly.

    Only components the BMC reported are ever changed or removed by the poller; parts entered by
    hand (disks behind a controller the BMC does not show, say) are left alone.
    """

    endpoint = models.ForeignKey(BmcEndpoint, on_delete=models.CASCADE, related_name="components")
    uri = models.CharField(max_length=500)
    component = models.ForeignKey("assets.Component", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("BMC component")
        verbose_name_plural = _("BMC components")
        constraints = [models.UniqueConstraint(fields=["endpoint", "uri"], name="intake_bmccomponent_unique")]

    def __str__(self) -> str:
        return self.uri


class TriageItem(models.Model):
    """Something intake could not place on its own: a person decides (create, attach or discard)."""

    channel = models.CharField(_("channel"), max_length=12, choices=TriageChannel.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=TriageReason.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=TriageStatus.choices, default=TriageStatus.OPEN
    )
    summary = models.CharField(_("summary"), max_length=300)
    origin = models.CharField(_("from"), max_length=300, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    message = models.ForeignKey(
        ProcessedMessage,
        verbose_name=_("e-mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="triage_items",
    )
    source = models.ForeignKey(
        AlertSource,
        verbose_name=_("alert source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    incident_key = models.CharField(max_length=300, blank=True)
    suggested_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("suggested customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    resolution = models.CharField(_("decision"), max_length=10, choices=TriageResolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("triage item")
        verbose_name_plural = _("triage items")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open item per unknown device of a source: an alert storm is one decision.
            models.UniqueConstraint(
                fields=["source", "incident_key"],
                condition=models.Q(status="open") & ~models.Q(incident_key=""),
                name="intake_triage_open_device_unique",
            )
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="intake_triage_status_idx")]

    def __str__(self) -> str:
        return self.summary


class IntakeLock(models.Model):
    """A row per lock name; ``select_for_update`` on it serialises work on one incident."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        verbose_name = _("intake lock")
        verbose_name_plural = _("intake locks")

    def __str__(self) -> str:
        return self.name
