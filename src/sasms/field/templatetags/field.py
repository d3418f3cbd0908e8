"""Template filters for showing visit steps elsewhere (the request timeline)."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STEP_LABELS = {
    "scheduled": _("Visit scheduled"),
    "rescheduled": _("Visit moved"),
    "cancelled": _("Visit cancelled"),
    "accepted": _("Engineer accepted the visit"),
    "declined": _("Engineer declined the visit"),
    "travelling": _("Engineer on the way"),
    "checked_in": _("Engineer checked in on site"),
    "checked_out": _("Engineer checked out"),
    "signed": _("Customer signed the service report"),
}


@register.filter
def visit_step(data: object) -> str:
    """``event.data`` of a visit event → what happened, in the reader's language, with the time."""
    if not isinstance(data, dict):
        return ""
    label = STEP_LABELS.get(str(data.get("step", "")))
    if label is None:
        return ""
    return f"{label} (V{data.get('visit_id', '')})"


@register.filter
def km(metres: object) -> str:
    """A distance in metres as kilometres with one decimal (``13 204`` → ``13.2``)."""
    if not isinstance(metres, int | float):
        return "—"
    return f"{metres / 1000:.1f}"
