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
from sasms.tickets.choices import ResolutionCode
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


def engineer_area(user: User) -> str:
    """Where the engineer works, to tell two of the same name apart: service regions, else teams,
    else the home base."""
    profile = getattr(user, "engineer_profile", None)
    regions = [r.name for r in profile.regions.all()] if profile is not None else []
    if regions:
        return "、".join(regions)
    teams = [t.name for t in user.teams.all()]
    if teams:
        return "、".join(teams)
    return profile.home_label if profile is not None else ""


def engineer_load(user: User) -> tuple[int, int | None]:
    """(open requests, maximum) — the maximum is the dispatch profile's, if there is one."""
    profile = getattr(user, "engineer_profile", None)
    open_requests = getattr(user, "open_requests", None)
    if open_requests is None:
        from sasms.tickets.choices import OPEN_STATUSES

        open_requests = user.assigned_tickets.filter(status__in=OPEN_STATUSES).count()
    return int(open_requests), (profile.max_concurrent if profile is not None else None)


def engineer_label(user: User) -> str:
    """Name, where they work, and their load — with a warning at capacity."""
    parts = [user.full_name or user.email]
    area = engineer_area(user)
    if area:
        parts.append(area)
    open_requests, capacity = engineer_load(user)
    if capacity is None:
        parts.append(_("%(open)s open") % {"open": open_requests})
    elif open_requests >= capacity:
        parts.append(
            _("⚠ at capacity: %(open)s of %(capacity)s open") % {"open": open_requests, "capacity": capacity}
        )
    else:
        parts.append(_("%(open)s of %(capacity)s open") % {"open": open_requests, "capacity": capacity})
    return " · ".join(str(p) for p in parts)


class EngineerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, User)
        return engineer_label(obj)


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
    reassign = forms.BooleanField(
        label=_("Reassign the request to this engineer"),
        required=False,
        help_text=_(
            "The request goes to the visit's engineer; tick this to take it from its current assignee."
        ),
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
        self.ticket = ticket
        if ticket.assignee_id is None:
            del self.fields["reassign"]
        else:
            holder = ticket.assignee
            self.fields["reassign"].help_text = _(
                "Now assigned to %(name)s. Tick this to give the request to the visit's engineer."
            ) % {"name": (holder.full_name or holder.email) if holder is not None else "—"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", _("The window must end after it starts."))
        return data


class RescheduleVisitForm(forms.Form):
    engineer = EngineerChoiceField(label=_("Engineer"), queryset=User.objects.none())
    window_start, window_end = _window_fields()
    reassign = forms.BooleanField(
        label=_("Reassign the request to this engineer"),
        required=False,
        help_text=_(
            "Otherwise the request follows only when it was unassigned or held by the engineer replaced."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers_for_visits()  # type: ignore[attr-defined]


class ResolveFromVisitForm(forms.Form):
    """Resolve the request from a finished, signed visit; the summary starts as the visit's."""

    resolution_code = forms.ChoiceField(label=_("Resolution code"), choices=ResolutionCode.choices)
    resolution_summary = forms.CharField(
        label=_("Resolution summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CancelVisitForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
