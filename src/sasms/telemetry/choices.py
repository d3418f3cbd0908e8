"""What a telemetry series measures, what it belongs to, and the rules that read it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SeriesKind(models.TextChoices):
    DRIVE = "drive", _("Drive")
    MEMORY = "memory", _("Memory DIMM")
    FAN = "fan", _("Fan")
    PSU = "psu", _("Power supply")
    CHASSIS = "chassis", _("Chassis")
    SENSOR = "sensor", _("Sensor")


class Metric(models.TextChoices):
    FAILURE_PREDICTED = "failure_predicted", _("Failure predicted (0/1)")
    MEDIA_LIFE_LEFT = "media_life_left", _("Media life left (%)")
    CORRECTABLE_ERRORS = "correctable_errors", _("Correctable memory errors (count)")
    UNCORRECTABLE_ERRORS = "uncorrectable_errors", _("Uncorrectable memory errors (count)")
    FAN_RPM = "fan_rpm", _("Fan speed (RPM)")
    FAN_PERCENT = "fan_percent", _("Fan speed (%)")
    PSU_INPUT_WATTS = "psu_input_watts", _("PSU input (W)")
    PSU_OUTPUT_WATTS = "psu_output_watts", _("PSU output (W)")
    PSU_EFFICIENCY = "psu_efficiency", _("PSU efficiency (%)")
    PSU_REDUNDANT = "psu_redundant", _("PSU redundancy (1 = redundant)")
    TEMPERATURE = "temperature", _("Temperature (°C)")


class Resolution(models.IntegerChoices):
    HOUR = 1, _("Hourly")
    DAY = 2, _("Daily")


class Rule(models.TextChoices):
    PREDICTED_FAILURE = "predicted_failure", _("Device predicts its failure")
    MEDIA_LIFE = "media_life", _("Media life under threshold")
    CORRECTABLE_RATE = "correctable_rate", _("Correctable-error rate rising")
    FAN_PEERS = "fan_peers", _("Fan slower than its peers")
    PSU_REDUNDANCY = "psu_redundancy", _("PSU out of redundancy")


class ProactiveStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
