"""Engineer profiles and what dispatch knows about them; the dispatch settings; batch proposals."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.dispatch.choices import (
    CertificationPolicy,
    ProposalStatus,
    RowOutcome,
    SkillKind,
)

LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


def _coordinate(label: Any, validators: Sequence[Any]) -> Any:
    return models.DecimalField(
        label, max_digits=9, decimal_places=6, null=True, blank=True, validators=validators
    )


class ServiceRegion(models.Model):
    """A named area engineers serve: a centre and a radius (e.g. 华东 Shanghai, 300 km)."""

    name = models.CharField(_("name"), max_length=80)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=LONGITUDE)
    radius_km = models.PositiveIntegerField(
        _("radius (km)"), validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )

    class Meta:
        verbose_name = _("service region")
        verbose_name_plural = _("service regions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="dispatch_region_name_unique_ci",
                violation_error_message=_("A region with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class EngineerProfile(models.Model):
    """What dispatch knows about one staff member who works requests.

    The position is the last check-in on site (kept up to date from the timeline); without a recent
    one, travel is measured from the home base.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.CASCADE,
        related_name="engineer_profile",
    )
    is_dispatchable = models.BooleanField(_("takes new work"), default=True)
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("working shifts"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The business calendar whose hours are this engineer's shifts."),
    )
    max_concurrent = models.PositiveSmallIntegerField(
        _("maximum open requests"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    home_label = models.CharField(_("home base"), max_length=120, blank=True)
    home_latitude = _coordinate(_("home latitude"), LATITUDE)
    home_longitude = _coordinate(_("home longitude"), LONGITUDE)
    regions = models.ManyToManyField(
        ServiceRegion, verbose_name=_("service regions"), blank=True, related_name="engineers"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    position_latitude = _coordinate(_("position latitude"), LATITUDE)
    position_longitude = _coordinate(_("position longitude"), LONGITUDE)
    position_at = models.DateTimeField(_("position time"), null=True, blank=True)
    position_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("checked in for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("engineer profile")
        verbose_name_plural = _("engineer profiles")
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(home_latitude__isnull=True, home_longitude__isnull=True)
                | Q(home_latitude__isnull=False, home_longitude__isnull=False),
                name="dispatch_profile_home_pair",
            ),
            models.CheckConstraint(
                condition=Q(max_concurrent__gte=1) & Q(max_concurrent__lte=100),
                name="dispatch_profile_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class EngineerSkill(models.Model):
    """How well an engineer handles one request category or component area (1 novice – 5 expert)."""

    profile = models.ForeignKey(EngineerProfile, on_delete=models.CASCADE, related_name="skills")
    kind = models.CharField(_("kind"), max_length=10, choices=SkillKind.choices)
    code = models.CharField(_("skill"), max_length=20)
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind", "code"], name="dispatch_skill_unique"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=5), name="dispatch_skill_level"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}={self.level}"

    @property
    def label(self) -> str:
        from sasms.tickets.choices import Category, ComponentArea

        choices = Category if self.kind == SkillKind.CATEGORY else ComponentArea
        try:
            return str(choices(self.code).label)
        except ValueError:
            return self.code


class Certification(models.Model):
    """A vendor or industry certification with its expiry (Dell, HPE, Huawei, CompTIA Server+ …).

    ``vendor`` links a server vendor of the asset register; a certification of another issuer
    (CompTIA) names the issuer instead and counts as vendor-neutral.
    """

    profile = models.ForeignKey(EngineerProfile, on_delete=models.CASCADE, related_name="certifications")
    name = models.CharField(_("certification"), max_length=120)
    vendor = models.ForeignKey(
        "assets.Vendor",
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer = models.CharField(_("issuer"), max_length=80, blank=True)
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["valid_until", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                name="dispatch_certification_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OnCallEntry(models.Model):
    """An on-call duty: the engineer can be called out around the clock on these days."""

    profile = models.ForeignKey(EngineerProfile, on_delete=models.CASCADE, related_name="on_call")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("on-call duty")
        verbose_name_plural = _("on-call duties")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="dispatch_oncall_order"
            )
        ]
        indexes = [models.Index(fields=["ends_on", "starts_on"], name="dispatch_oncall_range_idx")]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}"


class DispatchSettings(models.Model):
    """The one row of dispatch policy a service manager edits: weights, travel model, auto-dispatch."""

    key = models.CharField(primary_key=True, max_length=10, default="default", editable=False)
    weight_skill = models.FloatField(_("skill match"), default=3.0)
    weight_certification = models.FloatField(_("vendor certification"), default=1.5)
    weight_travel = models.FloatField(_("travel time"), default=2.5)
    weight_load = models.FloatField(_("current load"), default=1.5)
    weight_availability = models.FloatField(_("availability in the SLA window"), default=2.0)
    weight_ftfr = models.FloatField(_("first-time-fix rate"), default=1.0)
    # Weights of factors other apps register, by key; a missing key takes the factor's default.
    external_weights = models.JSONField(_("other factors"), default=dict, blank=True)
    road_factor = models.FloatField(_("road factor"), default=1.3)
    average_speed_kmh = models.FloatField(_("average speed (km/h)"), default=40.0)
    # The travel score is 1 / (1 + minutes / half): 1 next door, ½ at ``half``, never quite 0.
    travel_half_minutes = models.PositiveIntegerField(
        _("travel time that halves the score (min)"), default=60
    )
    position_max_age_hours = models.PositiveIntegerField(_("check-in position valid for (h)"), default=12)
    ftfr_window_days = models.PositiveIntegerField(_("first-time-fix history (days)"), default=365)
    horizon_hours = models.PositiveIntegerField(_("window without a deadline (h)"), default=8)
    # Hard limits on the trip to the site (0: no limit). They give way only when nobody within them
    # could take the request, and the proposal then says so.
    max_travel_km = models.PositiveIntegerField(_("maximum travel distance (km)"), default=500)
    max_travel_minutes = models.PositiveIntegerField(_("maximum travel time (min)"), default=0)
    certification_policy = models.CharField(
        _("certification policy"),
        max_length=10,
        choices=CertificationPolicy.choices,
        default=CertificationPolicy.HARDWARE,
    )
    auto_dispatch_priorities = models.JSONField(_("auto-dispatch priorities"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("dispatch settings")
        verbose_name_plural = _("dispatch settings")

    def __str__(self) -> str:
        return str(_("Dispatch settings"))


class BatchProposal(models.Model):
    """A batch assignment computed for review: one row per open request, applied all or in part."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("computed"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    settings_version = models.PositiveIntegerField(default=1)
    # Totals shown on the board: travel minutes, deadlines at risk, load spread, solver time.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("batch proposal")
        verbose_name_plural = _("batch proposals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


class ProposalRow(models.Model):
    """One request of a proposal and the engineer proposed for it (none when nobody fits)."""

    proposal = models.ForeignKey(BatchProposal, on_delete=models.CASCADE, related_name="rows")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    score = models.FloatField(null=True, blank=True)
    urgency = models.FloatField(default=1.0)
    due_at = models.DateTimeField(null=True, blank=True)
    travel_minutes = models.FloatField(null=True, blank=True)
    distance_km = models.FloatField(null=True, blank=True)
    # [{"key", "score", "weight", "reason": {"code", "params"}}] — rendered in the reader's language.
    factors = models.JSONField(default=list, blank=True)
    # Why nobody was proposed: [{"code", "params"}].
    reasons = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=10, choices=RowOutcome.choices, default=RowOutcome.PENDING)
    outcome_note = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("proposed assignment")
        verbose_name_plural = _("proposed assignments")
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "ticket"], name="dispatch_row_unique_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.ticket_id}->{self.engineer_id}"
