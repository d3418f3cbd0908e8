"""Proactive service: firmware advisories and their campaigns, baselines, and machine health checks.

Advisories and baselines are the provider's reference data (not customer-owned). A campaign item and
a server's health result belong to the server's organisation and carry it for tenant scoping.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class FirmwareType(models.TextChoices):
    """Which firmware image an advisory or a baseline is about (see ``matching.TYPE_RULES``)."""

    BIOS = "bios", _("BIOS / system ROM")
    BMC = "bmc", _("BMC")
    CPLD = "cpld", _("CPLD / programmable logic")
    NIC = "nic", _("Network card")
    RAID = "raid", _("RAID / storage controller")
    DISK = "disk", _("Disk")
    PSU = "psu", _("Power supply")
    GPU = "gpu", _("GPU")
    OTHER = "other", _("Other firmware")


class FirmwareAdvisory(models.Model):
    """A vendor's firmware bulletin: which images, in which versions, are affected and what fixes them.

    ``affected_versions`` holds ranges in the syntax of :func:`sasms.proactive.versions.parse_ranges`;
    empty means "every version older than ``fixed_version``".
    """

    reference = models.CharField(_("reference"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    vendor = models.ForeignKey(
        "assets.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="+"
    )
    server_models = models.ManyToManyField(
        "assets.ServerModel", verbose_name=_("affected models"), blank=True, related_name="+"
    )
    component_type = models.CharField(_("component type"), max_length=8, choices=FirmwareType.choices)
    component_name = models.CharField(
        _("component name contains"),
        max_length=80,
        blank=True,
        help_text=_("Narrows the match to images whose name or slot contains this text, e.g. “QL41232”."),
    )
    affected_versions = models.CharField(_("affected versions"), max_length=300, blank=True)
    fixed_version = models.CharField(_("fixed version"), max_length=60)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.HIGH)
    cve_ids = models.CharField(_("CVE identifiers"), max_length=500, blank=True)
    bulletin_url = models.URLField(_("bulletin link"), max_length=500, blank=True)
    published_on = models.DateField(_("published"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("firmware advisory")
        verbose_name_plural = _("firmware advisories")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def cve_list(self) -> list[str]:
        return [c for c in self.cve_ids.split(",") if c]


class FirmwareBaseline(models.Model):
    """The firmware version the provider recommends for one image of one server model."""

    model = models.ForeignKey(
        "assets.ServerModel", verbose_name=_("model"), on_delete=models.CASCADE, related_name="+"
    )
    component_type = models.CharField(_("component type"), max_length=8, choices=FirmwareType.choices)
    component_name = models.CharField(_("component name contains"), max_length=80, blank=True)
    recommended_version = models.CharField(_("recommended version"), max_length=60)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("firmware baseline")
        verbose_name_plural = _("firmware baselines")
        ordering = ["model_id", "component_type", "component_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "component_type", "component_name"],
                name="proactive_baseline_unique",
                violation_error_message=_("This model already has a baseline for this image."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_component_type_display()} {self.recommended_version}"


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Campaign(models.Model):
    """The work one advisory causes: an item per affected server, grouped by customer and site."""

    advisory = models.ForeignKey(
        FirmwareAdvisory, verbose_name=_("advisory"), on_delete=models.PROTECT, related_name="campaigns"
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    window_start = models.DateTimeField(_("maintenance window start"), null=True, blank=True)
    window_end = models.DateTimeField(_("maintenance window end"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("firmware campaign")
        verbose_name_plural = _("firmware campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    NOTIFIED = "notified", _("Customer notified")
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused by the customer")
    UNREACHABLE = "unreachable", _("Not reachable")
    EXCEPTION = "exception", _("Exception recorded")


CLOSED_ITEM_STATUSES = frozenset({ItemStatus.DONE, ItemStatus.REFUSED, ItemStatus.EXCEPTION})


class ItemMethod(models.TextChoices):
    UNDECIDED = "", _("Not decided")
    REMOTE = "remote", _("Remote change")
    VISIT = "visit", _("On-site visit")


class CampaignItem(models.Model):
    """One affected server of a campaign: what was found, how urgent, how it is being done."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="items"
    )
    server = models.ForeignKey(
        "assets.Server", verbose_name=_("server"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "assets.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=3)
    priority_reason = models.CharField(_("priority reason"), max_length=300, blank=True)
    method = models.CharField(_("method"), max_length=8, choices=ItemMethod.choices, blank=True, default="")
    # [{"component": id, "slot": "BIOS", "name": "System ROM", "version": "U46 v2.76"}]
    found = models.JSONField(_("affected images"), default=list, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("reason / note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The last successful BMC poll of the server this item was checked against (see close_fixed_items).
    checked_at = models.DateTimeField(_("checked against the poll of"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign item")
        verbose_name_plural = _("campaign items")
        ordering = ["priority", "organisation_id", "site_id", "server_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "server"], name="proactive_item_server_unique")
        ]
        indexes = [
            # A poll looks up the open items of one server.
            models.Index(fields=["server", "status"], name="proactive_item_server_idx"),
            models.Index(fields=["organisation", "status"], name="proactive_item_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.server_id}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_ITEM_STATUSES


class Grade(models.TextChoices):
    GREEN = "green", _("Healthy")
    AMBER = "amber", _("Needs attention")
    RED = "red", _("At risk")


class HealthCheck(models.Model):
    """One health check of a customer's fleet, as it stood when it was made."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    servers = models.PositiveIntegerField(_("servers"), default=0)
    green = models.PositiveIntegerField(_("healthy"), default=0)
    amber = models.PositiveIntegerField(_("needs attention"), default=0)
    red = models.PositiveIntegerField(_("at risk"), default=0)
    scheduled = models.BooleanField(_("scheduled"), default=False)

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "created_at"], name="proactive_check_org_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.created_at:%Y-%m-%d}"


class ServerHealth(models.Model):
    """One server's grade in a health check, with its reasons and the actions they recommend.

    ``reasons`` is ``[{"code": "eosl_past", "grade": "red", "action": "refresh", "params": {...}}]``;
    the text is rendered in the reader's language from the code (``health.describe``).
    """

    health_check = models.ForeignKey(
        HealthCheck, verbose_name=_("health check"), on_delete=models.CASCADE, related_name="results"
    )
    server = models.ForeignKey(
        "assets.Server", verbose_name=_("server"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    grade = models.CharField(_("grade"), max_length=5, choices=Grade.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    class Meta:
        verbose_name = _("server health")
        verbose_name_plural = _("server health")
        ordering = ["health_check_id", "id"]
        indexes = [models.Index(fields=["health_check", "grade"], name="proactive_health_grade_idx")]

    def __str__(self) -> str:
        return f"{self.server_id} {self.grade}"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class HealthCheckSchedule(models.Model):
    """A contract's standing order for health checks, e-mailed as PDF to the contract's customer."""

    contract = models.OneToOneField(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    recipients = models.CharField(_("recipients"), max_length=500)
    next_run = models.DateField(_("next run"))
    last_check = models.ForeignKey(
        HealthCheck,
        verbose_name=_("last check"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("health check schedule")
        verbose_name_plural = _("health check schedules")
        ordering = ["next_run", "id"]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.frequency}"
