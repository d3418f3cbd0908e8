from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.core.forms import CleanTextMixin
from sasms.feedback.models import SCORE_MAX, SCORE_MIN
from sasms.portal.choices import CATEGORY_CHOICES, IMPACT_CHOICES, KIND_CHOICES, URGENCY_CHOICES
from sasms.tickets.choices import Category, Level, TicketType


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service, by content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class NewRequestForm(CleanTextMixin, forms.Form):
    """A request in the customer's words; impact and urgency are picked from plain sentences."""

    server = forms.CharField(
        label=_("Server"),
        required=False,
        max_length=253,
        help_text=_("Serial number, hostname or asset tag. Leave empty if it is not about one server."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. CN7A1234")}),
    )
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=KIND_CHOICES,
        initial=TicketType.INCIDENT,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label=_("What is it about?"), choices=CATEGORY_CHOICES, initial=Category.HARDWARE
    )
    title = forms.CharField(label=_("In one line: what is wrong?"), max_length=200)
    description = forms.CharField(
        label=_("Describe it: what you see, since when, what you have tried"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    impact = forms.ChoiceField(
        label=_("Who is affected?"), choices=IMPACT_CHOICES, initial=Level.MEDIUM, widget=forms.RadioSelect
    )
    urgency = forms.ChoiceField(
        label=_("How soon must it be fixed?"),
        choices=URGENCY_CHOICES,
        initial=Level.MEDIUM,
        widget=forms.RadioSelect,
    )
    attachments = MultipleFileField(
        label=_("Logs, photos or documents"),
        required=False,
        help_text=_("Up to 5 files: text logs, archives, JPEG or PNG photos, PDF."),
    )


class ReplyForm(CleanTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class StatusForm(forms.Form):
    """Confirm the resolution (close), reopen it, or cancel a request nobody has started on."""

    action = forms.ChoiceField(choices=[("close", "close"), ("reopen", "reopen"), ("cancel", "cancel")])
    reason = forms.CharField(label=_("What is still wrong?"), required=False, max_length=2000)


SCORE_CHOICES = [(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


def _score(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)


class SurveyForm(forms.Form):
    response_speed = _score(_("How quickly did we respond?"))
    expertise = _score(_("How expert was the engineer?"))
    resolution = _score(_("How well was the problem solved?"))
    attitude = _score(_("How friendly and helpful were we?"))
    comment = forms.CharField(
        label=_("Anything else you want to tell us?"),
        required=False,
        max_length=4_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def scores(self) -> dict[str, int]:
        return {
            name: self.cleaned_data[name]
            for name in ("response_speed", "expertise", "resolution", "attitude")
        }


class DeflectionForm(forms.Form):
    article = forms.IntegerField(min_value=1)
    q = forms.CharField(required=False, max_length=2_000)
