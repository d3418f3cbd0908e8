"""Telemetry time series of servers' parts, their thresholds and the proactive requests they open.

Storage is one narrow row per (series, time): a :class:`Series` names the server, the part (its
Redfish URI, and the CMDB component where the BMC's part is mapped to one) and the metric once;
:class:`Sample` rows carry only the series, the time and the value, keyed by both (no surrogate id,
so the table stays narrow and can be range-partitioned by time on PostgreSQL — docs/prediction.md).
Raw samples are folded into hourly :class:`Rollup` rows after ``SASMS_TELEMETRY_RAW_DAYS`` and the
hourly rows into daily ones after ``SASMS_TELEMETRY_HOURLY_DAYS``; daily rows are kept.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.telemetry.choices import Metric, ProactiveStatus, Resolution, Rule, SeriesKind


class Series(models.Model):
    """One metric of one part of one server (a drive's media life, a fan's speed …)."""

    server = models.ForeignKey(
        "assets.Server", verbose_name=_("server"), on_delete=models.CASCADE, related_name="+"
    )
    component = models.ForeignKey(
        "assets.Component",
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    component_uri = models.CharField(_("Redfish resource"), max_length=500)
    kind = models.CharField(_("part"), max_length=12, choices=SeriesKind.choices)
    label = models.CharField(_("name"), max_length=200, blank=True)
    part_model = models.CharField(_("part model"), max_length=200, blank=True)
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("telemetry series")
        verbose_name_plural = _("telemetry series")
        ordering = ["server", "kind", "label", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["server", "component_uri", "metric"], name="telemetry_series_unique"
            )
        ]
        indexes = [models.Index(fields=["metric", "kind"], name="telemetry_series_metric_idx")]

    def __str__(self) -> str:
        return f"{self.label or self.component_uri} · {self.get_metric_display()}"


class Sample(models.Model):
    """A raw reading: (series, time) → value. Append-only; folded into hourly rollups with age."""

    pk = models.CompositePrimaryKey("series", "at")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+", db_index=False)
    at = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        verbose_name = _("telemetry sample")
        verbose_name_plural = _("telemetry samples")
        # The downsampler reads the oldest rows of every series at once.
        indexes = [models.Index(fields=["at"], name="telemetry_sample_at_idx")]

    def __str__(self) -> str:
        return f"{self.series_id} @ {self.at:%Y-%m-%d %H:%M}: {self.value}"


class Rollup(models.Model):
    """An hourly or daily aggregate of a series: mean, minimum, maximum and number of readings."""

    pk = models.CompositePrimaryKey("series", "resolution", "at")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+", db_index=False)
    resolution = models.PositiveSmallIntegerField(choices=Resolution.choices)
    at = models.DateTimeField()
    mean = models.FloatField()
    low = models.FloatField()
    high = models.FloatField()
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("telemetry rollup")
        verbose_name_plural = _("telemetry rollups")
        indexes = [models.Index(fields=["resolution", "at"], name="telemetry_rollup_res_at_idx")]

    def __str__(self) -> str:
        return f"{self.series_id} @ {self.at:%Y-%m-%d %H:%M} ({self.get_resolution_display()}): {self.mean}"


class Threshold(models.Model):
    """A rule's threshold for a kind of part, optionally for one part model (the model wins)."""

    rule = models.CharField(_("rule"), max_length=24, choices=Rule.choices)
    kind = models.CharField(_("part"), max_length=12, choices=SeriesKind.choices)
    part_model = models.CharField(
        _("part model"), max_length=200, blank=True, help_text=_("Empty: every model of this kind.")
    )
    value = models.FloatField(_("threshold"))
    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=7)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("prediction threshold")
        verbose_name_plural = _("prediction thresholds")
        ordering = ["rule", "kind", "part_model"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "kind", "part_model"], name="telemetry_threshold_unique"),
            models.CheckConstraint(
                condition=models.Q(window_days__gte=1) & models.Q(window_days__lte=365),
                name="telemetry_threshold_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.get_kind_display()} {self.part_model}".strip()


class ProactiveRequest(models.Model):
    """A service request a rule opened before the part failed, with the evidence it saw."""

    server = models.ForeignKey(
        "assets.Server", verbose_name=_("server"), on_delete=models.CASCADE, related_name="+"
    )
    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(_("rule"), max_length=24, choices=Rule.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ProactiveStatus.choices, default=ProactiveStatus.OPEN
    )
    observed_value = models.FloatField(_("value"))
    threshold_value = models.FloatField(_("threshold"))
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("proactive request")
        verbose_name_plural = _("proactive requests")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One open proactive request per part and rule (the de-duplication, race-safe).
            models.UniqueConstraint(
                fields=["series", "rule"],
                condition=models.Q(status="open"),
                name="telemetry_proactive_open_unique",
            )
        ]
        indexes = [models.Index(fields=["ticket"], name="telemetry_proactive_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.series}"
