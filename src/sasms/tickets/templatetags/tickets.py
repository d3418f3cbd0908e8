from typing import Any

from django import template

from sasms.tickets.choices import LinkKind, Status, TimeAndMaterials

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """The translated label of a stored status value (timeline events keep the raw value)."""
    try:
        return str(Status(value).label)
    except ValueError:
        return value


@register.filter
def tm_label(value: str) -> str:
    """The translated label of a stored time-and-materials decision."""
    try:
        return str(TimeAndMaterials(value).label)
    except ValueError:
        return value


@register.filter
def link_label(value: str) -> str:
    try:
        return str(LinkKind(value).label)
    except ValueError:
        return value


@register.filter
def entitlement_text(snapshot: dict[str, Any]) -> str:
    """The request's entitlement sentence in the reader's language (older snapshots keep their text)."""
    from sasms.contracts.entitlement import describe

    return describe(str(snapshot.get("message", "")), snapshot.get("params")) or str(
        snapshot.get("reason_text", "")
    )


@register.filter
def step_label(code: str) -> str:
    from sasms.tickets.sop import step_label as label

    return label(code)
