"""The vocabulary of preventive maintenance (巡检): plan and visit states, checklist components."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class PmVisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Component(models.TextChoices):
    """What a checklist line looks at, and the request component a finding is filed under."""

    FANS = "fans", _("Fans")
    PSU = "psu", _("Power supplies")
    DRIVES = "drives", _("Drives and RAID state")
    MEMORY = "memory", _("Memory errors")
    BMC_LOG = "bmc_log", _("BMC logs")
    FIRMWARE = "firmware", _("Firmware versions")
    ENVIRONMENT = "environment", _("Dust and temperature")
    CABLING = "cabling", _("Cabling")
    OTHER = "other", _("Other")


# The request component (tickets' ComponentArea) a finding on each checklist component is filed under.
TICKET_COMPONENT: dict[str, str] = {
    Component.FANS: "fan",
    Component.PSU: "psu",
    Component.DRIVES: "disk",
    Component.MEMORY: "memory",
    Component.BMC_LOG: "bmc",
    Component.FIRMWARE: "firmware",
    Component.ENVIRONMENT: "other",
    Component.CABLING: "other",
    Component.OTHER: "other",
}


class Result(models.TextChoices):
    OK = "ok", _("OK")
    ATTENTION = "attention", _("Needs attention")
    FAULT = "fault", _("Fault")
    NOT_APPLICABLE = "na", _("Not applicable")


FINDING_RESULTS = frozenset({Result.ATTENTION, Result.FAULT})


class DateRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the dispatcher")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
