"""The parts catalogue (FRU part numbers and their substitutes) and the stocking locations."""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.parts.choices import DepotKind, PartKind, ServiceTier


class Part(models.Model):
    """A field-replaceable unit (FRU) part number. Stored upper-case; matched case-insensitively."""

    part_number = models.CharField(_("part number (FRU)"), max_length=64)
    description = models.CharField(_("description"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=PartKind.choices)
    vendor = models.ForeignKey(
        "assets.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="parts"
    )
    compatible_models = models.ManyToManyField(
        "assets.ServerModel", verbose_name=_("compatible server models"), blank=True, related_name="parts"
    )
    unit_cost = models.DecimalField(_("unit cost (CNY)"), max_digits=12, decimal_places=2, default=0)
    serialised = models.BooleanField(_("serialised"), default=False)
    lead_time_days = models.PositiveSmallIntegerField(_("purchase lead time (days)"), default=14)
    return_days = models.PositiveSmallIntegerField(_("defective return due (days)"), default=10)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["part_number"]
        constraints = [
            models.UniqueConstraint(
                Lower("part_number"),
                name="parts_part_number_unique_ci",
                violation_error_message=_("A part with this part number already exists."),
            ),
            models.CheckConstraint(condition=models.Q(unit_cost__gte=0), name="parts_part_cost_positive"),
        ]
        indexes = [models.Index(fields=["kind", "is_active"], name="parts_part_kind_idx")]

    def __str__(self) -> str:
        return self.part_number


class Substitute(models.Model):
    """``substitute`` may be fitted where ``part`` is asked for (one direction per row)."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="substitutes")
    substitute = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="substitute_for")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("substitute")
        verbose_name_plural = _("substitutes")
        constraints = [
            models.UniqueConstraint(fields=["part", "substitute"], name="parts_substitute_unique"),
            models.CheckConstraint(
                condition=~models.Q(part=models.F("substitute")), name="parts_substitute_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} → {self.substitute_id}"


class Depot(models.Model):
    """A stocking location: central warehouse, regional depot or forward stocking location."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=DepotKind.choices, default=DepotKind.REGIONAL)
    service_tier = models.CharField(
        _("service tier"), max_length=4, choices=ServiceTier.choices, default=ServiceTier.NEXT_BUSINESS_DAY
    )
    city = models.CharField(_("city"), max_length=80)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    email = models.EmailField(_("e-mail for stock alerts"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("depot")
        verbose_name_plural = _("depots")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="parts_depot_position_range",
            )
        ]

    def __str__(self) -> str:
        return self.name
