"""``{% idempotency_field form %}``: the hidden one-time token of a form that stores something."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sasms.core.idempotency import FIELD, new_token, submitted_token

register = template.Library()


@register.simple_tag(takes_context=True)
def idempotency_field(context: dict[str, Any], form: Any = None) -> SafeString:
    # A form shown again with its errors keeps the token it was sent with (its write was rolled
    # back, so sending it again is the first submission); any other form gets a new one.
    request = context.get("request")
    token = None
    if request is not None and form is not None and getattr(form, "is_bound", False) and form.errors:
        token = submitted_token(request)
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token or new_token())
