"""The vocabulary of a field visit: its states, the steps a phone sends, report languages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    TRAVELLING = "travelling", _("Travelling")
    ON_SITE = "on_site", _("On site")
    CHECKED_OUT = "checked_out", _("Checked out")
    CANCELLED = "cancelled", _("Cancelled")


# A visit in one of these still asks something of its engineer.
ACTIVE_STATUSES = frozenset(
    {VisitStatus.SCHEDULED, VisitStatus.ACCEPTED, VisitStatus.TRAVELLING, VisitStatus.ON_SITE}
)
# The dispatcher may still move or cancel the visit: nobody is on site yet.
MOVABLE_STATUSES = frozenset({VisitStatus.SCHEDULED, VisitStatus.ACCEPTED, VisitStatus.TRAVELLING})


class Action(models.TextChoices):
    """One step the engineer's phone (or the visit page) sends, each with an idempotency key."""

    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")
    TRAVEL = "travel", _("Start travel")
    CHECK_IN = "check_in", _("Check in")
    NOTE = "note", _("Work log note")
    PHOTO = "photo", _("Photo")
    PART = "part", _("Part used")
    CHECK_OUT = "check_out", _("Check out")
    SIGN = "sign", _("Customer signature")


class ReportLanguage(models.TextChoices):
    AUTOMATIC = "", _("Customer's language")
    CHINESE = "zh-hans", "简体中文"
    ENGLISH = "en", "English"


# ``data["step"]`` of the ``EventKind.VISIT`` timeline events. The SLA engine meets the on-site
# clock from ``checked_in`` and dispatch reads the engineer's position from it: keep these names.
STEP_SCHEDULED = "scheduled"
STEP_RESCHEDULED = "rescheduled"
STEP_CANCELLED = "cancelled"
STEP_ACCEPTED = "accepted"
STEP_DECLINED = "declined"
STEP_TRAVELLING = "travelling"
STEP_CHECKED_IN = "checked_in"
STEP_CHECKED_OUT = "checked_out"
STEP_SIGNED = "signed"
