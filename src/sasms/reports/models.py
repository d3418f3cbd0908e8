"""Report subscriptions (scheduled e-mail of a report) and the stored request-volume forecasts."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    QBR = "qbr", _("Quarterly business review (PDF)")
    HEALTH = "health", _("Health check (PDF)")
    KPI_WORKBOOK = "kpi_xlsx", _("KPI workbook (XLSX)")


PDF_KINDS = frozenset({ReportKind.QBR, ReportKind.HEALTH})


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ReportLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class ReportSubscription(models.Model):
    """One report e-mailed to a list of recipients after every period of ``frequency``.

    ``next_run_at`` is when the next report is due (the morning after a period ends); the job
    sends the period that ended last and moves it on. ``last_period`` is that period's first day.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("report"), max_length=12, choices=ReportKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=ReportLanguage.choices, default=ReportLanguage.ZH_HANS
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    recipients = models.JSONField(_("recipients"), default=list)
    active = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_period = models.DateField(_("last period"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["active", "next_run_at"], name="reports_sub_due_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def recipients_text(self) -> str:
        return ", ".join(self.recipients)


class ForecastMethod(models.TextChoices):
    HOLT_WINTERS = "holt_winters", _("Holt-Winters, weekly seasonality")
    SEASONAL_NAIVE = "seasonal_naive", _("Seasonal naive (same weekday last week)")


class RequestForecast(models.Model):
    """The request-volume forecast of one category for the next weeks, with its back-test error.

    ``history`` and ``forecast`` are weekly totals ``[{"week": "YYYY-MM-DD", "count": n}]`` (week =
    Monday); ``weekday_profile`` is the forecast's share of each weekday, Monday first.
    """

    category = models.CharField(_("category"), max_length=12, unique=True)
    method = models.CharField(_("method"), max_length=16, choices=ForecastMethod.choices)
    history = models.JSONField(_("weekly history"), default=list)
    forecast = models.JSONField(_("weekly forecast"), default=list)
    weekday_profile = models.JSONField(_("weekday profile"), default=list)
    backtest_method = models.CharField(
        _("back-test method"), max_length=16, choices=ForecastMethod.choices, blank=True
    )
    backtest_mae = models.FloatField(_("back-test MAE (requests/week)"), null=True, blank=True)
    backtest_wape = models.FloatField(_("back-test WAPE (%)"), null=True, blank=True)
    backtest_weeks = models.JSONField(_("back-test weeks"), default=list)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("request forecast")
        verbose_name_plural = _("request forecasts")
        ordering = ["category"]

    def __str__(self) -> str:
        return f"{self.category}: {self.method}"
