"""Filter fields shared by every list page."""

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class YesNoAllSelect(forms.NullBooleanSelect):
    """Yes / no with "All" as the unset choice: a filter not chosen filters nothing, it is not "unknown"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("", _("All")),
            ("true", _("Yes")),
            ("false", _("No")),
        ]

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]
        # A list, as ChoiceWidget matches options by membership (a string would match "" as a substring).
        return [{True: "true", False: "false", "true": "true", "false": "false"}.get(value, "")]


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter that reads "All" until chosen, in the page and in the API's browsable form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", YesNoAllSelect)
        super().__init__(*args, **kwargs)
