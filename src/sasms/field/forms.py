"""Forms of the dispatcher's pages: schedule, move and cancel a visit."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.forms import ContactChoiceField
from sasms.accounts.models import Contact, User
from sasms.field.choices import ReportLanguage
from sasms.field.selectors import engineers_for_visits
from sasms.tickets.models import Ticket

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=LOCAL_INPUT)


def _window_fields() -> tuple[forms.DateTimeField, forms.DateTimeField]:
    formats = [LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    return (
        forms.DateTimeField(label=_("Arrive from"), widget=LocalDateTimeInput(), input_formats=formats),
        forms.DateTimeField(label=_("Arrive by"), widget=LocalDateTimeInput(), input_formats=formats),
    )


class EngineerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, User)
        return f"{obj.full_name or obj.email} · {obj.get_role_display()}"


def default_window() -> tuple[datetime.datetime, datetime.datetime]:
    """The next full hour, two hours long."""
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    return start, start + datetime.timedelta(hours=2)


class ScheduleVisitForm(forms.Form):
    engineer = EngineerChoiceField(label=_("Engineer"), queryset=User.objects.none())
    window_start, window_end = _window_fields()
    contact = ContactChoiceField(label=_("Customer contact"), queryset=Contact.objects.none(), required=False)
    access_notes = forms.CharField(
        label=_("Site access notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Badge, escort, loading dock, rack location, ID to bring."),
    )
    report_language = forms.ChoiceField(
        label=_("Report language"), choices=ReportLanguage.choices, required=False
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers_for_visits()  # type: ignore[attr-defined]
        self.fields["contact"].queryset = Contact.objects.filter(  # type: ignore[attr-defined]
            organisation_id=ticket.organisation_id
        ).order_by("-is_primary", "name")
        if not self.is_bound:
            start, end = default_window()
            self.initial.setdefault("window_start", start)
            self.initial.setdefault("window_end", end)
            self.initial.setdefault("contact", ticket.requester_id)
            if ticket.assignee_id:
                self.initial.setdefault("engineer", ticket.assignee_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", _("The window must end after it starts."))
        return data


class RescheduleVisitForm(forms.Form):
    engineer = EngineerChoiceField(label=_("Engineer"), queryset=User.objects.none())
    window_start, window_end = _window_fields()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers_for_visits()  # type: ignore[attr-defined]


class CancelVisitForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
