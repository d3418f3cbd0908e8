from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_minutes(value: float | int | None) -> str:
    """Business minutes as ``3 h 05 min`` (negative: overdue by that much)."""
    if value is None:
        return "—"
    total = round(abs(float(value)))
    hours, minutes = divmod(total, 60)
    text = (
        _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
        if hours
        else _("%(minutes)d min") % {"minutes": minutes}
    )
    return f"−{text}" if float(value) < 0 and total else text
