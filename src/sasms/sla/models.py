"""Business calendars: time zone, weekly working hours and special days.

The arithmetic lives in :mod:`sasms.sla.calendar_math`; these rows are what a service manager
edits. Every edit goes through :mod:`sasms.sla.services`, which bumps ``version`` so that cached
calendar specs (see :mod:`sasms.sla.specs`) are rebuilt.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.sla.calendar_math import DAY_MINUTES


class Coverage(models.TextChoices):
    """Coverage presets (覆盖时段); ``custom`` once the weekly hours match none of them."""

    H5X9 = "5x9", _("5×9 (Mon–Fri 09:00–18:00)")
    H5X10 = "5x10", _("5×10 (Mon–Fri 08:30–18:30)")
    H5X12 = "5x12", _("5×12 (Mon–Fri 08:00–20:00)")
    H7X24 = "7x24", _("7×24 (around the clock)")
    CUSTOM = "custom", _("Custom hours")


class HolidayRegion(models.TextChoices):
    """Where public holidays and make-up workdays are seeded from."""

    NONE = "", _("None (maintained by hand)")
    CN = "cn", _("Mainland China (chinese-calendar)")


class SpecialDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up workday (调休)")
    OUTAGE = "outage", _("Outage window")


class SpecialDaySource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    SEED = "seed", _("Seeded public calendar")
    OFFICIAL = "official", _("Official schedule (imported)")
    PROVISIONAL = "provisional", _("Provisional (statutory list)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def minutes_label(minutes: int | None) -> str:
    """``HH:MM`` for minutes after midnight; 1440 reads ``24:00``."""
    if minutes is None:
        return ""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class BusinessCalendar(models.Model):
    """A business calendar: time zone, weekly hours, holidays, make-up workdays and outages.

    ``is_24x7`` calendars count every minute except outage windows; weekly hours and holidays do
    not apply to them. ``version`` goes up with every edit and keys the spec cache.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    coverage = models.CharField(_("coverage"), max_length=10, choices=Coverage.choices, default=Coverage.H5X9)
    is_24x7 = models.BooleanField(_("7×24"), default=False)
    holiday_region = models.CharField(
        _("public holidays from"), max_length=8, choices=HolidayRegion.choices, default="", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkingInterval(models.Model):
    """One stretch of working time on a weekday, in minutes after local midnight."""

    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_minute = models.PositiveSmallIntegerField(_("start"))
    end_minute = models.PositiveSmallIntegerField(_("end"))

    class Meta:
        verbose_name = _("working interval")
        verbose_name_plural = _("working intervals")
        ordering = ["weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_minute__lt=models.F("end_minute")) & Q(end_minute__lte=DAY_MINUTES),
                name="sla_interval_within_day",
            ),
            models.UniqueConstraint(
                fields=["calendar", "weekday", "start_minute"], name="sla_interval_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_label}–{self.end_label}"

    @property
    def start_label(self) -> str:
        return minutes_label(self.start_minute)

    @property
    def end_label(self) -> str:
        return minutes_label(self.end_minute)


class SpecialDay(models.Model):
    """A date that departs from the weekly hours: holiday, make-up workday or outage window.

    A make-up workday without a time range works the calendar's standard workday hours; an outage
    without one covers the whole day. A date has at most one holiday or make-up workday.
    """

    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="special_days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=SpecialDayKind.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    start_minute = models.PositiveSmallIntegerField(_("from"), null=True, blank=True)
    end_minute = models.PositiveSmallIntegerField(_("until"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=SpecialDaySource.choices, default=SpecialDaySource.MANUAL
    )

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["date", "start_minute", "id"]
        indexes = [models.Index(fields=["calendar", "date"], name="sla_special_day_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"],
                condition=Q(kind__in=["holiday", "workday"]),
                name="sla_one_day_kind_per_date",
            ),
            models.CheckConstraint(
                condition=(Q(start_minute__isnull=True) & Q(end_minute__isnull=True))
                | (
                    Q(start_minute__isnull=False)
                    & Q(end_minute__isnull=False)
                    & Q(start_minute__lt=models.F("end_minute"))
                    & Q(end_minute__lte=DAY_MINUTES)
                ),
                name="sla_special_day_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    @property
    def range_label(self) -> str:
        if self.start_minute is None:
            return ""
        return f"{minutes_label(self.start_minute)}–{minutes_label(self.end_minute)}"


class HolidayYearStatus(models.TextChoices):
    """How far a calendar's public holidays of one year can be trusted (see :class:`HolidayYear`)."""

    OFFICIAL = "official", _("Official")
    PROVISIONAL = "provisional", _("Provisional")
    MISSING = "missing", _("Missing")
    NOT_APPLICABLE = "n/a", _("Not used (7×24)")


class HolidayYearSource(models.TextChoices):
    LIBRARY = "library", _("chinese-calendar package")
    IMPORTED = "imported", _("Official schedule, entered or imported")
    STATUTE = "statute", _("Computed from the statutory holiday list")


class HolidayYear(models.Model):
    """Where one calendar's public holidays of one year come from.

    * **official** — the year's holidays and make-up workdays (调休) are the announced schedule:
      from the ``chinese-calendar`` package (``source=library``) or entered / imported from the
      State Council's notice (``source=imported``).
    * **provisional** — computed from the statutory list (全国年节及纪念日放假办法, 2024): the
      statutory days and their substitute days, without make-up workdays, which are only known
      once announced. Stored as special days with ``source=provisional`` so that clocks use them.
    * **missing** — never stored: a calendar that is not 7×24 and has no row for the year. Nobody
      has said what that year's public holidays are, so every weekday counts as a working day.
      Single days entered by hand do not make a year official (they do not say the year is
      complete). A ``cn`` calendar gets its provisional years from the periodic job, so "missing"
      there means the job has not reached the year yet; a calendar without a holiday region stays
      "missing" until its year's schedule is entered or imported.
    * **n/a** — never stored: 7×24 calendars, which public holidays do not affect.
    """

    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="holiday_years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=HolidayYearStatus.choices)
    source = models.CharField(_("source"), max_length=10, choices=HolidayYearSource.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")
        ordering = ["calendar", "year"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "year"], name="sla_holiday_year_once"),
            models.CheckConstraint(
                condition=Q(status__in=["official", "provisional"]), name="sla_holiday_year_stored_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calendar_id} {self.year} {self.status}"


class ClockKind(models.TextChoices):
    """The promises a request is measured against (DESIGN.md §2)."""

    RESPONSE = "response", _("First response")
    DISPATCH = "dispatch", _("Dispatch")
    ONSITE = "onsite", _("On-site arrival")
    PARTS = "parts", _("Parts on site")
    RESOLUTION = "resolution", _("Resolution")
    UPDATE = "update", _("Progress update")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    STOPPED = "stopped", _("Stopped")


class SlaClock(models.Model):
    """One SLA clock of one request.

    ``consumed_minutes`` is the business time used before the current running segment, which
    began at ``segment_started_at``; ``due_at`` is when the target is used up if it keeps running.
    ``breached_at`` is set to ``due_at`` once the clock runs past it (met late or not met yet).
    ``next_check_at`` is the next moment the sweep must look at the clock (a warning threshold or
    the due time); the sweep finds clocks through the partial index on it, never by scanning.
    The update clock runs in cycles: each public staff update meets the cycle and starts the next.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("service request"), on_delete=models.CASCADE, related_name="clocks"
    )
    kind = models.CharField(_("clock"), max_length=12, choices=ClockKind.choices)
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+"
    )
    target_minutes = models.PositiveIntegerField(_("target (business minutes)"))
    started_at = models.DateTimeField(_("started"))
    state = models.CharField(
        _("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING
    )
    consumed_minutes = models.FloatField(_("business minutes used"), default=0)
    segment_started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    cycle = models.PositiveIntegerField(_("cycle"), default=1)
    cycles_missed = models.PositiveIntegerField(_("cycles missed"), default=0)
    # When 75 % of the target will be used while running: the "at risk" queue starts here.
    risk_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    # How many of the escalation policy's steps (in fraction order) this cycle has fired.
    steps_fired = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["ticket", "kind"]
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="sla_one_clock_per_kind")]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="sla_clock_next_check",
                condition=Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["state", "due_at"], name="sla_clock_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.state}"

    @property
    def status(self) -> str:
        """What people see: breached (also when met late), met, paused, running or stopped."""
        return "breached" if self.breached_at is not None else str(self.state)


class ClockEntryKind(models.TextChoices):
    STARTED = "started", _("Started")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    RETARGETED = "retargeted", _("Re-targeted")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    REOPENED = "reopened", _("Reopened")
    STOPPED = "stopped", _("Stopped")
    CYCLE = "cycle", _("Next update cycle")
    WARNING = "warning", _("Warning")
    ESCALATION = "escalation", _("Escalation")


class ClockEntry(models.Model):
    """The ledger of a clock: every change with the business minutes used at that moment."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="entries")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=12, choices=ClockEntryKind.choices)
    consumed_minutes = models.FloatField(_("business minutes used"))
    target_minutes = models.PositiveIntegerField(_("target"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("clock ledger entry")
        verbose_name_plural = _("clock ledger entries")
        ordering = ["clock", "at", "id"]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class EscalationAction(models.TextChoices):
    NOTIFY_ASSIGNEE = "notify_assignee", _("Notify the assignee")
    NOTIFY_DISPATCHER = "notify_dispatcher", _("Notify the dispatchers")
    NOTIFY_MANAGER = "notify_manager", _("Notify the service managers")
    ESCALATE_TIER = "escalate_tier", _("Escalate to the next tier")
    ESCALATE_MANAGEMENT = "escalate_management", _("Escalate to management")
    RAISE_PRIORITY = "raise_priority", _("Raise the priority")
    REASSIGN = "reassign", _("Return to the dispatch queue")


class EscalationPolicy(models.Model):
    """Warnings and breach actions of a set of priorities. ``around_the_clock`` lets them fire
    outside the clock's business hours; otherwise a step due at night waits for the next
    business minute of the clock's own calendar."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    priorities = models.CharField(
        _("priorities"), max_length=20, blank=True, help_text=_("Comma-separated, e.g. P1,P2; empty for all.")
    )
    around_the_clock = models.BooleanField(_("fires around the clock (7×24)"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, priority: str) -> bool:
        wanted = {p.strip().upper() for p in self.priorities.split(",") if p.strip()}
        return not wanted or priority in wanted


class EscalationStep(models.Model):
    """At ``fraction`` of a clock's target (0.5 = half used, 1.0 = breached), do ``actions``."""

    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="steps")
    clock_kind = models.CharField(
        _("clock"),
        max_length=12,
        choices=ClockKind.choices,
        blank=True,
        help_text=_("Empty for every clock."),
    )
    fraction = models.DecimalField(_("at fraction of the target"), max_digits=4, decimal_places=2)
    actions = models.JSONField(_("actions"), default=list)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["policy", "fraction", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction__gt=0) & Q(fraction__lte=5), name="sla_step_fraction_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.fraction}"


class FiredStep(models.Model):
    """A step that has fired for one clock cycle; the unique constraint makes firing idempotent
    even if two sweeps were ever to reach the same clock."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="fired_steps")
    cycle = models.PositiveIntegerField()
    step_key = models.CharField(max_length=40)
    fired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clock", "cycle", "step_key"], name="sla_fired_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.clock_id}/{self.cycle}/{self.step_key}"
