from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


def _css_for(field: forms.BoundField, small: bool) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    base = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"
    css = f"{base} {base}-sm" if small else base
    if field.errors:
        css += " is-invalid"
    return css


@register.filter
def bs(field: forms.BoundField) -> SafeString:
    """Render a form field's widget with Bootstrap classes."""
    return field.as_widget(attrs={"class": _css_for(field, small=False)})


@register.filter
def bs_sm(field: forms.BoundField) -> SafeString:
    return field.as_widget(attrs={"class": _css_for(field, small=True)})
