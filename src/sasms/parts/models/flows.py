"""What moves parts around: reservations for requests, transfers, defective returns, RMA cases;
and what the parts clerk must look at (problems) and plan with (forecasts)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.parts.choices import (
    Condition,
    ForecastMethod,
    ProblemKind,
    ReservationStatus,
    ReturnStatus,
    RmaStatus,
    TransferStatus,
)


class Reservation(models.Model):
    """Stock held at a depot for a service request until it is used on site or released.

    ``parts_first``: the part leaves with the engineer (or courier) before the diagnosis on site.
    ``eta`` is when it is expected on site, ``needed_by`` the SLA deadline it was chosen against.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="part_reservations",
    )
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="reservations"
    )
    depot = models.ForeignKey(
        "parts.Depot", verbose_name=_("depot"), on_delete=models.PROTECT, related_name="reservations"
    )
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    consumed_quantity = models.PositiveIntegerField(_("used"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.RESERVED
    )
    parts_first = models.BooleanField(_("parts first"), default=True)
    eta = models.DateTimeField(_("expected on site"), null=True, blank=True)
    needed_by = models.DateTimeField(_("needed by (SLA)"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered on site"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("reserved at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reserved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Why a refurbished unit went to a request whose contract promises new parts; empty otherwise.
    quality_override_reason = models.CharField(_("reason for a refurbished part"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="parts_reservation_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(consumed_quantity__lte=models.F("quantity")),
                name="parts_reservation_consumed_le_qty",
            ),
        ]
        indexes = [
            models.Index(fields=["ticket", "status"], name="parts_reservation_ticket_idx"),
            models.Index(fields=["status", "-created_at"], name="parts_reservation_status_idx"),
        ]

    def __str__(self) -> str:
        return f"R{self.pk}"

    @property
    def remaining(self) -> int:
        return self.quantity - self.consumed_quantity


class Transfer(models.Model):
    """Stock sent from one depot to another; held (reserved) at the source until it ships."""

    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_depot = models.ForeignKey(
        "parts.Depot", verbose_name=_("from depot"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_depot = models.ForeignKey(
        "parts.Depot", verbose_name=_("to depot"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    condition = models.CharField(
        _("condition"), max_length=12, choices=Condition.choices, default=Condition.NEW
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.REQUESTED
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_transfers",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    carrier = models.CharField(_("carrier"), max_length=80, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="parts_transfer_quantity_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_depot=models.F("to_depot")), name="parts_transfer_not_same_depot"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="parts_transfer_status_idx")]

    def __str__(self) -> str:
        return f"TR{self.pk}"


class DefectiveReturn(models.Model):
    """A defective part removed on site that is expected back at a depot by ``due_date``."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="defective_returns",
    )
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="returns"
    )
    depot = models.ForeignKey(
        "parts.Depot", verbose_name=_("return to"), on_delete=models.PROTECT, related_name="returns"
    )
    server = models.ForeignKey(
        "assets.Server",
        verbose_name=_("server"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    component = models.ForeignKey(
        "assets.Component",
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_serial = models.CharField(_("serial removed"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.EXPECTED
    )
    visit_id = models.PositiveIntegerField(_("visit"), null=True, blank=True)
    due_date = models.DateField(_("due"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("defective return")
        verbose_name_plural = _("defective returns")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="parts_return_quantity_positive")
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="parts_return_status_idx")]

    def __str__(self) -> str:
        return f"DR{self.pk}"


class RmaCase(models.Model):
    """A defective part sent back to its vendor for repair or replacement (返修授权)."""

    number = models.CharField(_("RMA number"), max_length=20, unique=True, null=True, blank=True)
    vendor = models.ForeignKey(
        "assets.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="rma_cases"
    )
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="rma_cases"
    )
    depot = models.ForeignKey(
        "parts.Depot", verbose_name=_("depot"), on_delete=models.PROTECT, related_name="rma_cases"
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    serial = models.CharField(_("serial number"), max_length=64, blank=True)
    replacement_serial = models.CharField(_("serial received back"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RmaStatus.choices, default=RmaStatus.REQUESTED
    )
    vendor_reference = models.CharField(_("vendor RMA reference"), max_length=80, blank=True)
    carrier = models.CharField(_("carrier"), max_length=80, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    defective_return = models.ForeignKey(
        DefectiveReturn,
        verbose_name=_("defective return"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rma_cases",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    vendor_received_at = models.DateTimeField(_("received by vendor"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("repaired / replaced"), null=True, blank=True)
    back_in_stock_at = models.DateTimeField(_("back in stock"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("RMA case")
        verbose_name_plural = _("RMA cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="parts_rma_quantity_positive")
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="parts_rma_status_idx"),
            models.Index(fields=["vendor", "status"], name="parts_rma_vendor_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"RMA {self.pk}"


class Problem(models.Model):
    """Something the parts clerk must sort out by hand, e.g. a part used on site that the
    bookkeeping could not match. Recorded instead of failing the engineer's visit."""

    kind = models.CharField(_("problem"), max_length=24, choices=ProblemKind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    part_number = models.CharField(_("part number"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.CharField(_("resolution"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("parts problem")
        verbose_name_plural = _("parts problems")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["resolved_at", "-created_at"], name="parts_problem_open_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.part_number}"


class Forecast(models.Model):
    """Monthly demand forecast of one part at one depot, with its back-test error."""

    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.CASCADE, related_name="forecasts"
    )
    depot = models.ForeignKey(
        "parts.Depot", verbose_name=_("depot"), on_delete=models.CASCADE, related_name="forecasts"
    )
    method = models.CharField(_("method"), max_length=16, choices=ForecastMethod.choices)
    per_month = models.FloatField(_("forecast per month"))
    history = models.JSONField(_("monthly demand"), default=list, blank=True)
    installed_base = models.PositiveIntegerField(_("installed base"), default=0)
    backtest_mae = models.FloatField(_("back-test MAE"), null=True, blank=True)
    backtest_mase = models.FloatField(_("back-test MASE"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("demand forecast")
        verbose_name_plural = _("demand forecasts")
        ordering = ["-per_month", "id"]
        constraints = [models.UniqueConstraint(fields=["part", "depot"], name="parts_forecast_unique")]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.depot_id}: {self.per_month:.2f}/month"
