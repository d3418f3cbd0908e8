"""Explanations as message codes with parameters, rendered in the reader's language.

A proposal row or a timeline event keeps ``{"code": ..., "params": ...}``; whoever shows it later
renders it with :func:`render` in their own language. Parameters ending in ``_minutes`` are shown
as durations, those ending in ``_at`` as local times, ``_on`` as dates.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sasms.sla.templatetags.sla import duration_minutes
from sasms.tickets.choices import Category, ComponentArea

MESSAGES: dict[str, str | Promise] = {
    # skill
    "skill.both": _("%(category)s level %(category_level)s, %(component)s level %(component_level)s"),
    "skill.category": _("%(category)s level %(category_level)s"),
    "skill.none": _("No rated skill for %(category)s / %(component)s"),
    # certification
    "cert.valid": _("%(name)s valid until %(valid_until_on)s"),
    "cert.generic": _("No %(vendor)s certification; vendor-neutral %(name)s"),
    "cert.expired": _("%(name)s expired on %(valid_until_on)s"),
    "cert.none": _("No %(vendor)s certification"),
    "cert.na": _("No server vendor on this request"),
    # travel
    "travel.from_position": _("%(distance)s km from the last check-in, about %(travel_minutes)s"),
    "travel.from_home": _("%(distance)s km from the home base %(home)s, about %(travel_minutes)s"),
    "travel.outside_regions": _("%(distance)s km, about %(travel_minutes)s; outside own service regions"),
    "travel.unknown_origin": _("Neither a home base nor a recent check-in is known"),
    "travel.na": _("The site has no coordinates"),
    # load
    "load.count": _("%(open)s of %(capacity)s open requests"),
    # availability
    "avail.on_shift": _("On shift now"),
    "avail.on_call": _("On call now"),
    "avail.later": _("Off shift; available from %(available_at)s, deadline %(due_at)s"),
    "avail.later_no_deadline": _("Off shift; available from %(available_at)s"),
    "avail.late_arrival": _("Would arrive about %(late_minutes)s after the on-site deadline"),
    "avail.overdue": _("The deadline has passed; counted over the next %(horizon_minutes)s"),
    "avail.on_shift_arrival": _("On shift now; on site about %(arrival_at)s, before the deadline %(due_at)s"),
    "avail.on_call_arrival": _("On call now; on site about %(arrival_at)s, before the deadline %(due_at)s"),
    "avail.later_arrival": _(
        "Off shift; available from %(available_at)s, on site about %(arrival_at)s, "
        "before the deadline %(due_at)s"
    ),
    "avail.late_arrival_at": _(
        "On site about %(arrival_at)s: %(late_minutes)s after the deadline %(due_at)s"
    ),
    "avail.overdue_arrival": _(
        "The deadline %(due_at)s has passed; on site at the earliest about %(arrival_at)s"
    ),
    # first-time fix
    "ftfr.history": _("%(fixed)s of %(total)s fixed first time in %(category)s (%(rate)s %%)"),
    "ftfr.no_history": _("No history in %(category)s; team rate %(rate)s %%"),
    # hard constraints
    "exclude.capacity": _("At capacity: %(open)s of %(capacity)s open requests"),
    "exclude.cert_expired": _("Required %(vendor)s certification expired on %(valid_until_on)s"),
    "exclude.cert_missing": _("Required %(vendor)s certification missing"),
    "exclude.shift": _("Off shift with no on-call duty before %(due_at)s"),
    "exclude.travel_km": _("%(distance)s km from the site, beyond the limit of %(limit_km)s km"),
    "exclude.travel_time": _("About %(travel_minutes)s to the site, beyond the limit of %(limit_minutes)s"),
    # decisions
    "decision.nobody": _("No engineer meets the constraints"),
    "decision.nobody_capacity": _("Every fitting engineer is at capacity in this proposal"),
    "decision.travel_relaxed": _(
        "Nobody within the travel limit can take this request; engineers farther away are proposed"
    ),
    # applying a proposal row
    "skip.assigned": _("Already assigned to %(name)s"),
    "skip.closed": _("The request is no longer open"),
    "skip.not_dispatchable": _("The engineer takes no new work"),
    "skip.capacity": _("The engineer is now at capacity: %(open)s of %(capacity)s open requests"),
    "skip.refused": "%(text)s",
    "external": "%(text)s",
}


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

    def __str__(self) -> str:
        return render(self.code, self.params)


def _choice_label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _format(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "category":
        return _choice_label(Category, value)
    if name == "component":
        return _choice_label(ComponentArea, value)
    if name.endswith("_minutes"):
        return duration_minutes(float(value))
    if name.endswith("_at"):
        moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
        return timezone.localtime(moment).strftime("%m-%d %H:%M")
    if name.endswith("_on"):
        return str(value)
    if isinstance(value, float):
        return number_format(value, decimal_pos=1 if value < 100 else 0)
    return str(value)


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The explanation in the active language; an unknown code shows as itself."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    values = {name: _format(name, value) for name, value in (params or {}).items()}
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)


def render_json(reason: Mapping[str, Any]) -> str:
    return render(str(reason.get("code", "")), reason.get("params") or {})
