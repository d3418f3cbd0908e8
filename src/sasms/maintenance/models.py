"""Preventive maintenance (预防性维护 / 巡检): blackout windows, PM plans and their visits, checklist
templates, the answers filled in on site, and the customer's requests for another date.

A :class:`PmPlan` is one contract year of one contract: ``pm_visits_per_year`` rounds, each round
one :class:`PmVisit` per group of servers of a covered site. Once the dispatcher confirms the plan,
each PM visit becomes a preventive-maintenance request with a field visit (the field app's
``schedule_visit``); ``field_visit`` links to it, and the visit's check-out is what "done" means.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.maintenance.choices import Component, DateRequestStatus, PlanStatus, PmVisitStatus, Result


class BlackoutWindow(models.Model):
    """Days the customer does not want maintenance on site (change freeze, year-end closing …).

    Without a site it holds for every site of the customer. Dates are local and inclusive.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="pm_blackouts",
    )
    site = models.ForeignKey(
        "assets.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pm_blackouts",
        help_text=_("Empty: every site of the customer."),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("blackout window")
        verbose_name_plural = _("blackout windows")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="maintenance_blackout_order"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "end_date"], name="maintenance_blackout_org_idx")]

    def __str__(self) -> str:
        return f"{self.start_date} – {self.end_date}"


class ModelDuration(models.Model):
    """How long the checklist of one server of a model takes on site (the default is a setting)."""

    server_model = models.OneToOneField(
        "assets.ServerModel",
        verbose_name=_("server model"),
        on_delete=models.CASCADE,
        related_name="pm_duration",
    )
    minutes = models.PositiveSmallIntegerField(_("minutes per server"))

    class Meta:
        verbose_name = _("PM time per server model")
        verbose_name_plural = _("PM times per server model")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=5, minutes__lte=720), name="maintenance_duration_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.server_model_id}: {self.minutes} min"


class PmPlan(models.Model):
    """The PM visits of one contract year, proposed by SASMS and confirmed by a dispatcher."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.CASCADE, related_name="pm_plans"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="pm_plans"
    )
    year_start = models.DateField(_("contract year from"))
    year_end = models.DateField(_("contract year until"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PROPOSED
    )
    visits_per_year = models.PositiveSmallIntegerField(_("PM visits a year"))
    capacity_minutes = models.PositiveSmallIntegerField(
        _("engineer time per visit (min)"),
        help_text=_("Servers of a site are grouped into one visit up to this much work."),
    )
    calendar_code = models.CharField(_("business calendar"), max_length=40, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("PM plan")
        verbose_name_plural = _("PM plans")
        ordering = ["-year_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year_start"],
                condition=~models.Q(status="cancelled"),
                name="maintenance_plan_once_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"PM {self.contract_id} {self.year_start:%Y-%m-%d}"


class PmVisit(models.Model):
    """One planned PM trip: a group of servers of one site, on one day of the plan."""

    plan = models.ForeignKey(
        PmPlan, verbose_name=_("PM plan"), on_delete=models.CASCADE, related_name="visits"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(
        "assets.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(_("round"))
    planned_date = models.DateField(_("planned date"))
    due_date = models.DateField(
        _("due by"), help_text=_("Done on time means checked out by this day (the end of the planned month).")
    )
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    minutes = models.PositiveSmallIntegerField(_("planned work (min)"))
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    servers = models.ManyToManyField("assets.Server", verbose_name=_("servers"), related_name="pm_visits")
    status = models.CharField(
        _("status"), max_length=12, choices=PmVisitStatus.choices, default=PmVisitStatus.PLANNED
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    field_visit = models.OneToOneField(
        "field.Visit",
        verbose_name=_("field visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pm_visit",
    )
    report_file = models.CharField(max_length=200, blank=True)
    report_sent_at = models.DateTimeField(_("report sent"), null=True, blank=True)
    report_sent_to = models.EmailField(_("report sent to"), blank=True)

    class Meta:
        verbose_name = _("PM visit")
        verbose_name_plural = _("PM visits")
        ordering = ["planned_date", "id"]
        indexes = [
            models.Index(fields=["organisation", "planned_date"], name="maintenance_visit_org_idx"),
            models.Index(fields=["status", "due_date"], name="maintenance_visit_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")), name="maintenance_visit_window"
            ),
        ]

    def __str__(self) -> str:
        return f"PM{self.pk} {self.planned_date}"


class ChecklistTemplate(models.Model):
    """The lines an engineer goes through per server; one per server model, else the default."""

    name = models.CharField(_("name"), max_length=120)
    server_model = models.OneToOneField(
        "assets.ServerModel",
        verbose_name=_("server model"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pm_checklist",
        help_text=_("Empty: the default template, for models without their own."),
    )
    is_default = models.BooleanField(_("default template"), default=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("PM checklist template")
        verbose_name_plural = _("PM checklist templates")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="maintenance_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One line of a template, worded in both languages (the report speaks the customer's)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    component = models.CharField(_("component"), max_length=12, choices=Component.choices)
    label_en = models.CharField(_("check (English)"), max_length=200)
    label_zh = models.CharField(_("check (Chinese)"), max_length=200)
    asks_value = models.BooleanField(_("asks for a reading"), default=False)

    class Meta:
        verbose_name = _("checklist line")
        verbose_name_plural = _("checklist lines")
        ordering = ["template", "position", "id"]

    def __str__(self) -> str:
        return self.label_en

    def label_for(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") and self.label_zh else self.label_en


class ChecklistAnswer(models.Model):
    """What the engineer found on one line for one server. ``key`` is the phone's idempotency key:
    an answer sent twice from the offline queue is stored once; a later answer to the same line
    replaces the earlier one."""

    pm_visit = models.ForeignKey(PmVisit, on_delete=models.CASCADE, related_name="answers")
    server = models.ForeignKey(
        "assets.Server", verbose_name=_("server"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    component = models.CharField(_("component"), max_length=12, choices=Component.choices)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    value = models.CharField(_("reading"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    key = models.UUIDField(default=uuid.uuid4, unique=True)
    occurred_at = models.DateTimeField(_("checked"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finding_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("request raised"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["server_id", "item__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pm_visit", "server", "item"], name="maintenance_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.pm_visit_id}:{self.server_id}:{self.item_id}={self.result}"


class DateRequest(models.Model):
    """The customer asks for another date for an upcoming PM visit; a dispatcher decides."""

    pm_visit = models.ForeignKey(PmVisit, on_delete=models.CASCADE, related_name="date_requests")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    requested_date = models.DateField(_("requested date"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DateRequestStatus.choices, default=DateRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("answer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("PM date request")
        verbose_name_plural = _("PM date requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pm_visit"],
                condition=models.Q(status="pending"),
                name="maintenance_one_pending_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pm_visit_id} → {self.requested_date}"
