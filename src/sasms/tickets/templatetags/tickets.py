from django import template

from sasms.tickets.choices import LinkKind, Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """The translated label of a stored status value (timeline events keep the raw value)."""
    try:
        return str(Status(value).label)
    except ValueError:
        return value


@register.filter
def link_label(value: str) -> str:
    try:
        return str(LinkKind(value).label)
    except ValueError:
        return value


@register.filter
def step_label(code: str) -> str:
    from sasms.tickets.sop import step_label as label

    return label(code)
