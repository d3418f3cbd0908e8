from typing import Any

from django import template

from sasms.proactive import health

register = template.Library()


@register.filter
def actions(result: Any) -> list[tuple[int, dict[str, Any]]]:
    """The result's recommendations (reasons with an action), numbered as ``raise_request`` counts them."""
    return list(enumerate(r for r in result.reasons if r.get("action")))


@register.filter
def action_label(reason: dict[str, Any]) -> str:
    return health.action_label(str(reason.get("action", "")))


@register.filter
def describe(reason: dict[str, Any]) -> str:
    return health.describe(reason)
