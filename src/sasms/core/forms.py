from typing import Any

from django import forms

from sasms.core.errors import ServiceError
from sasms.core.text import clean_submitted


class CleanTextMixin:
    """Drops control characters (ESC, NUL, …) from submitted text before the fields validate it.

    Put it first among a form's bases: ``class TitleForm(CleanTextMixin, forms.Form)``. Not for
    passwords or one-time codes, which are compared exactly as typed.
    """

    data: Any
    is_bound: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = clean_submitted(self.data)


def add_service_error(form: forms.BaseForm, error: ServiceError) -> None:
    """Show a refused use case on the form: field messages on their fields, the rest on top."""
    placed = False
    for name, messages in error.fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
