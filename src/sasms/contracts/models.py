"""Service-level products, customer contracts, their covered servers, documents and reminders.

The catalogue (:class:`ServiceProduct` with one :class:`ServiceTarget` per priority) says what a
provider sells; a :class:`Contract` sells one product to one customer organisation for a date range
and covers a set of that customer's servers. ``sasms.contracts.entitlement`` turns both, plus the
server's base warranty, into "is this server covered right now, and why (not)".
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CoverageHours(models.TextChoices):
    """When the clock of a product's targets runs: a preset code, the same codes as the SLA app's
    ``Coverage`` presets. A ``calendar`` foreign key to a real business calendar can later sit
    beside it (and take over), with this code kept as the fallback and for display."""

    H5X9 = "5x9", _("5×9 (Mon–Fri 09:00–18:00)")
    H5X10 = "5x10", _("5×10 (Mon–Fri 08:30–18:30)")
    H5X12 = "5x12", _("5×12 (Mon–Fri 08:00–20:00)")
    H7X24 = "7x24", _("7×24 (around the clock)")


class PartsQuality(models.TextChoices):
    NEW = "new", _("New parts")
    REFURBISHED = "refurbished", _("Refurbished parts allowed")


class PenaltyKind(models.TextChoices):
    NONE = "none", _("No penalty")
    AMOUNT = "amount", _("Fixed amount per missed target")
    PERCENT = "percent", _("Percentage of the monthly fee per missed target")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 urgent")
    P2 = "P2", _("P2 high")
    P3 = "P3", _("P3 normal")
    P4 = "P4", _("P4 low")


class ServiceProduct(models.Model):
    """A service level the provider sells (basic warranty, 5×9 NBD, 7×24×4 …).

    ``tier`` ranks products when a server is on several contracts: the higher tier wins.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    tier = models.PositiveSmallIntegerField(
        _("service level rank"), default=1, help_text=_("Higher wins when a server is on several contracts.")
    )
    coverage_hours = models.CharField(
        _("coverage hours"), max_length=8, choices=CoverageHours.choices, default=CoverageHours.H5X9
    )
    time_and_materials = models.BooleanField(
        _("time and materials"), default=False, help_text=_("Work and parts are billed per call-out.")
    )
    parts_quality = models.CharField(
        _("parts quality"), max_length=12, choices=PartsQuality.choices, default=PartsQuality.NEW
    )
    pm_visits_per_year = models.PositiveSmallIntegerField(
        _("preventive-maintenance visits per year"), default=0
    )
    loaner_included = models.BooleanField(_("loaner server included"), default=False)
    penalty_kind = models.CharField(
        _("penalty"), max_length=8, choices=PenaltyKind.choices, default=PenaltyKind.NONE
    )
    penalty_value = models.DecimalField(
        _("penalty per missed target"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("An amount in CNY, or a percentage, depending on the penalty kind."),
    )
    pause_when_waiting_customer = models.BooleanField(
        _("resolution clock pauses while waiting for the customer"), default=True
    )
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("service product")
        verbose_name_plural = _("service products")
        ordering = ["-tier", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(penalty_value__gte=0), name="contracts_penalty_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceTarget(models.Model):
    """The promised times of one product for one priority, in minutes of its coverage hours.

    An empty value means "no commitment" (e.g. no on-site visit for P4, best effort for T&M).
    """

    product = models.ForeignKey(
        ServiceProduct, verbose_name=_("product"), on_delete=models.CASCADE, related_name="targets"
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("first response (min)"), null=True, blank=True)
    dispatch_minutes = models.PositiveIntegerField(_("dispatch (min)"), null=True, blank=True)
    update_minutes = models.PositiveIntegerField(_("progress update every (min)"), null=True, blank=True)
    onsite_minutes = models.PositiveIntegerField(_("on-site (min)"), null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(_("resolution (min)"), null=True, blank=True)

    class Meta:
        verbose_name = _("service target")
        verbose_name_plural = _("service targets")
        ordering = ["product", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["product", "priority"], name="contracts_target_product_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.priority}"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


# The status machine. A terminated contract is final; an expired one can be renewed (re-activated
# with a later end date); "expired" is only reached once the end date has passed.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.ACTIVE, ContractStatus.TERMINATED}),
    ContractStatus.ACTIVE: frozenset({ContractStatus.EXPIRED, ContractStatus.TERMINATED}),
    ContractStatus.EXPIRED: frozenset({ContractStatus.ACTIVE}),
    ContractStatus.TERMINATED: frozenset(),
}


class Contract(models.Model):
    """A service contract: one customer, one product, a date range (inclusive) and covered servers.

    Dates are calendar days in the customer's time zone (the server site's for a server at a site).
    ``covers_eosl`` is the explicit promise to keep servicing models past their end of service life.
    """

    number = models.CharField(_("contract number"), max_length=40, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    product = models.ForeignKey(
        ServiceProduct, verbose_name=_("service product"), on_delete=models.PROTECT, related_name="contracts"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    covers_eosl = models.BooleanField(
        _("covers servers past EOSL"),
        default=False,
        help_text=_("Without this, servers whose model has reached end of service life are not covered."),
    )
    monthly_fee = models.DecimalField(
        _("monthly fee (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("The base for percentage penalties."),
    )
    notes = models.TextField(_("notes"), blank=True)
    status_reason = models.CharField(_("reason for the last status change"), max_length=300, blank=True)
    servers = models.ManyToManyField(
        "assets.Server",
        verbose_name=_("covered servers"),
        through="CoveredServer",
        related_name="contracts",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="contracts_contract_date_order"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "end_date"], name="contracts_status_end_idx"),
            models.Index(fields=["organisation", "status"], name="contracts_org_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class CoveredServer(models.Model):
    """A server on a contract (the explicit M2M row, so that it can carry when it was added)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="coverage")
    server = models.ForeignKey("assets.Server", on_delete=models.CASCADE, related_name="coverage")
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("covered server")
        verbose_name_plural = _("covered servers")
        constraints = [
            models.UniqueConstraint(fields=["contract", "server"], name="contracts_covered_server_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}:{self.server_id}"


def document_path(instance: "ContractDocument", filename: str) -> str:
    """A random name below ``private/``: the client's name is kept in ``original_name`` only, so
    nothing about the file (or a crafted name) reaches the file system."""
    token = secrets.token_hex(20)
    return f"private/contracts/{token[:2]}/{token}"


class ContractDocument(models.Model):
    """A signed contract, annex or quote attached to a contract. Served only through an access check."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class RenewalReminder(models.Model):
    """One renewal reminder sent: at most one per contract, end date and threshold (90/60/30 days).

    Keyed on the end date too, so a renewed contract (later end date) is reminded again.
    """

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="reminders"
    )
    threshold_days = models.PositiveSmallIntegerField(_("days before end"))
    end_date = models.DateField(_("end date reminded about"))
    recipients = models.JSONField(_("recipients"), default=list)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "end_date", "threshold_days"], name="contracts_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} −{self.threshold_days}d"
