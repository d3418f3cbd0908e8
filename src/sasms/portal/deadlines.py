"""The committed times of a request in plain language, from the SLA engine's deadlines.

The SLA engine answers through :mod:`sasms.sla.deadlines`; while it is not installed the request
page simply shows no committed times.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from sasms.portal.choices import CLOCK_LABELS


@dataclass(frozen=True)
class Commitment:
    clock: str
    label: str
    state: str
    text: str
    due_at: datetime.datetime | None
    met_at: datetime.datetime | None


def plain_when(moment: datetime.datetime, now: datetime.datetime) -> str:
    """``today at 14:30``, ``tomorrow at 09:00``, or the date and time."""
    local, today = timezone.localtime(moment), timezone.localtime(now).date()
    time = date_format(local, "H:i")
    days = (local.date() - today).days
    if days == 0:
        return _("today at %(time)s") % {"time": time}
    if days == 1:
        return _("tomorrow at %(time)s") % {"time": time}
    if days == -1:
        return _("yesterday at %(time)s") % {"time": time}
    return date_format(local, "Y-m-d H:i")


def _sentence(
    clock: str,
    state: str,
    due_at: datetime.datetime | None,
    met_at: datetime.datetime | None,
    label: str,
    now: datetime.datetime,
) -> str:
    if state == "met":
        return _("%(label)s: done %(when)s.") % {"label": label, "when": plain_when(met_at or now, now)}
    if state == "paused" or due_at is None:
        return _("%(label)s: on hold while we wait for you or for a part.") % {"label": label}
    if state == "breached" or due_at <= now:
        return _("%(label)s: was due %(when)s; we are on it with priority.") % {
            "label": label,
            "when": plain_when(due_at, now),
        }
    return _("%(label)s: by %(when)s (in %(left)s).") % {
        "label": label,
        "when": plain_when(due_at, now),
        "left": timeuntil(due_at, now, depth=1),
    }


def commitments_for(ticket_id: int, *, now: datetime.datetime | None = None) -> list[Commitment]:
    """The request's SLA clocks as sentences for the customer, soonest first."""
    try:
        from sasms.sla.deadlines import deadlines_for

        deadlines = deadlines_for([ticket_id]).get(ticket_id, [])
    except ImportError:  # the SLA clocks are not installed (yet)
        return []
    moment = now or timezone.now()
    result = []
    for deadline in deadlines:
        label = str(CLOCK_LABELS.get(deadline.clock, deadline.label))
        text = _sentence(deadline.clock, deadline.state, deadline.due_at, deadline.met_at, label, moment)
        result.append(
            Commitment(deadline.clock, label, deadline.state, text, deadline.due_at, deadline.met_at)
        )
    return result


def expected_resolution(commitments: list[Commitment], *, now: datetime.datetime | None = None) -> str:
    """``Expected resolution: tomorrow at 09:00`` while the resolution clock runs, else empty."""
    moment = now or timezone.now()
    for commitment in commitments:
        running = commitment.clock == "resolution" and commitment.state == "running"
        if running and commitment.due_at is not None and commitment.due_at > moment:
            return _("Expected resolution %(when)s.") % {"when": plain_when(commitment.due_at, moment)}
    return ""
