"""The stock ledger: immutable movements, the balance rows kept from them, serial units, policies."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.parts.choices import Condition, MovementKind, SerialStatus


class StockBalance(models.Model):
    """On-hand and reserved quantity of one part × depot × condition.

    Derived from the ledger: every movement changes its balance row in the same transaction, under
    the row lock, and ``sasms parts_reconcile`` proves ``balance == SUM(movements)``. The database
    itself refuses a negative balance or more reserved than on hand.
    """

    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="balances"
    )
    depot = models.ForeignKey(
        "parts.Depot", verbose_name=_("depot"), on_delete=models.PROTECT, related_name="balances"
    )
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices)
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["part__part_number", "depot__name", "condition"]
        constraints = [
            models.UniqueConstraint(fields=["part", "depot", "condition"], name="parts_balance_unique"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="parts_balance_on_hand_positive"),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0), name="parts_balance_reserved_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")),
                name="parts_balance_reserved_le_on_hand",
            ),
        ]
        indexes = [models.Index(fields=["depot", "part"], name="parts_balance_depot_idx")]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.depot_id}/{self.condition}: {self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Movement(models.Model):
    """One change of stock. Never updated or deleted (a database trigger refuses it).

    ``quantity`` is the size of the movement; ``on_hand_delta`` and ``reserved_delta`` are its
    effect on the balance row, so the balance is their sum over the ledger.
    """

    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("movement"), max_length=20, choices=MovementKind.choices)
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="movements"
    )
    depot = models.ForeignKey(
        "parts.Depot", verbose_name=_("depot"), on_delete=models.PROTECT, related_name="movements"
    )
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    on_hand_delta = models.IntegerField(_("on-hand change"))
    reserved_delta = models.IntegerField(_("reserved change"))
    serial = models.CharField(_("serial number"), max_length=64, blank=True)
    unit_cost = models.DecimalField(_("unit cost (CNY)"), max_digits=12, decimal_places=2, default=0)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_movements",
    )
    reservation = models.ForeignKey(
        "parts.Reservation", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    transfer = models.ForeignKey(
        "parts.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    rma = models.ForeignKey(
        "parts.RmaCase", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    other_depot = models.ForeignKey(
        "parts.Depot",
        verbose_name=_("other depot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="parts_movement_quantity_positive"
            )
        ]
        indexes = [
            models.Index(fields=["part", "depot", "condition"], name="parts_movement_balance_idx"),
            models.Index(fields=["kind", "occurred_at"], name="parts_movement_kind_idx"),
            models.Index(fields=["ticket"], name="parts_movement_ticket_idx"),
            models.Index(fields=["serial"], name="parts_movement_serial_idx"),
            models.Index(fields=["-created_at", "-id"], name="parts_movement_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.part_id}@{self.depot_id} × {self.quantity}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("stock movements are immutable")
        super().save(*args, **kwargs)


class SerialUnit(models.Model):
    """Where one serialised unit is now; its story is the movements that name its serial."""

    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="units"
    )
    serial = models.CharField(_("serial number"), max_length=64)
    status = models.CharField(_("status"), max_length=12, choices=SerialStatus.choices)
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices)
    depot = models.ForeignKey(
        "parts.Depot",
        verbose_name=_("depot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    server = models.ForeignKey(
        "assets.Server",
        verbose_name=_("server"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("serial unit")
        verbose_name_plural = _("serial units")
        ordering = ["serial"]
        constraints = [models.UniqueConstraint(fields=["part", "serial"], name="parts_unit_serial_unique")]
        indexes = [models.Index(fields=["serial"], name="parts_unit_serial_idx")]

    def __str__(self) -> str:
        return self.serial


class StockPolicy(models.Model):
    """Min/max of one part at one depot: below ``min_quantity`` alerts and suggests buying to max."""

    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.CASCADE, related_name="policies"
    )
    depot = models.ForeignKey(
        "parts.Depot", verbose_name=_("depot"), on_delete=models.CASCADE, related_name="policies"
    )
    min_quantity = models.PositiveIntegerField(_("minimum"))
    max_quantity = models.PositiveIntegerField(_("maximum"))
    # An alert episode opens when available stock falls to the minimum and closes when it recovers;
    # one alert per episode (the counter is part of the e-mail's idempotency key).
    alert_open = models.BooleanField(_("low-stock alert open"), default=False)
    alert_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("stock policy")
        verbose_name_plural = _("stock policies")
        ordering = ["part__part_number", "depot__name"]
        constraints = [
            models.UniqueConstraint(fields=["part", "depot"], name="parts_policy_unique"),
            models.CheckConstraint(
                condition=models.Q(max_quantity__gte=models.F("min_quantity")), name="parts_policy_min_le_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.depot_id} {self.min_quantity}–{self.max_quantity}"
