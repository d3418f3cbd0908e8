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
        _("source"), max_length=10, choices=SpecialDaySource.choices, default=SpecialDaySource.MANUAL
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
