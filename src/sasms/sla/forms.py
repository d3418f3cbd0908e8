import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.forms import TIME_ZONE_CHOICES
from sasms.accounts.models import Organisation, OrganisationKind
from sasms.core.errors import ServiceError
from sasms.sla.calendar_math import DAY_MINUTES, Interval
from sasms.sla.models import Coverage, HolidayRegion, SpecialDayKind, Weekday
from sasms.sla.services import WEEKDAY_FIELDS, validate_weekly_hours

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_RANGE_SPLIT = re.compile(r"\s*[-–~至]\s*")
PRESET_CHOICES = [(c.value, c.label) for c in Coverage if c != Coverage.CUSTOM]


def parse_hhmm(value: str) -> int:
    """Minutes after midnight for ``H:MM``/``HH:MM``; ``24:00`` is the end of the day."""
    match = _HHMM.match(value)
    if match is None:
        raise forms.ValidationError(_("Enter a time as HH:MM, e.g. 09:00."), code="invalid_time")
    hours, minutes = int(match.group(1)), int(match.group(2))
    total = hours * 60 + minutes
    if minutes >= 60 or total > DAY_MINUTES:
        raise forms.ValidationError(_("Enter a time between 00:00 and 24:00."), code="invalid_time")
    return total


def parse_day_hours(value: str) -> list[Interval]:
    """``"09:00-12:00, 13:00-18:00"`` → ``[(540, 720), (780, 1080)]``; empty means a day off."""
    intervals: list[Interval] = []
    for part in filter(None, (p.strip() for p in re.split(r"[,，;；]", value or ""))):
        bounds = _RANGE_SPLIT.split(part)
        if len(bounds) != 2:
            raise forms.ValidationError(
                _("Write each interval as HH:MM-HH:MM, separated by commas."), code="invalid_interval"
            )
        intervals.append((parse_hhmm(bounds[0]), parse_hhmm(bounds[1])))
    return intervals


class TimeOfDayField(forms.CharField):
    """An optional ``HH:MM`` time (``24:00`` allowed), cleaned to minutes after midnight."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "HH:MM", "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        return parse_hhmm(text) if text else None


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.SlugField(label=_("Code"), max_length=40)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Asia/Shanghai")
    holiday_region = forms.ChoiceField(
        label=_("Public holidays from"), choices=HolidayRegion.choices, required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class CalendarCreateForm(CalendarForm):
    coverage = forms.ChoiceField(label=_("Coverage"), choices=PRESET_CHOICES, initial=Coverage.H5X9)


class WeeklyHoursForm(forms.Form):
    """One text field per weekday: ``09:00-12:00, 13:00-18:00``; empty is a day off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in zip(Weekday, WEEKDAY_FIELDS, strict=True):
            self.fields[name] = forms.CharField(
                label=day.label,
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"placeholder": _("closed")}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parsed: dict[int, list[Interval]] = {}
        for day, name in enumerate(WEEKDAY_FIELDS):
            if name in data:
                try:
                    data[name] = parsed[day] = parse_day_hours(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        # Report overlaps and reversed intervals on the days that parsed, all in one go.
        try:
            validate_weekly_hours(parsed, allow_empty=bool(self.errors))
        except ServiceError as error:
            for name, messages in error.fields.items():
                for message in messages:
                    self.add_error(name, message)
        return data

    def hours(self) -> dict[int, list[Interval]]:
        return {day: self.cleaned_data.get(name) or [] for day, name in enumerate(WEEKDAY_FIELDS)}


class PresetForm(forms.Form):
    coverage = forms.ChoiceField(label=_("Coverage preset"), choices=PRESET_CHOICES)


class SpecialDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=SpecialDayKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    start = TimeOfDayField(label=_("From"), help_text=_("Optional for outages and make-up days."))
    end = TimeOfDayField(label=_("Until"))


class CalculatorForm(forms.Form):
    """Check a calendar: start + duration → due, and start..end → business time."""

    start = forms.DateTimeField(
        label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=0, max_value=60 * 24 * 366 * 5, required=False
    )
    end = forms.DateTimeField(
        label=_("End"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(zone)

    def _localise(self, value: datetime.datetime | None) -> datetime.datetime | None:
        # The page's times are read in the calendar's own zone, whatever the user's zone.
        if value is None:
            return None
        naive = value.replace(tzinfo=None) if value.tzinfo is not None else value
        return naive.replace(tzinfo=self.zone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "start" in self.data and "start" in data:
            data["start"] = self._localise(data.get("start"))
            data["end"] = self._localise(data.get("end"))
        if data.get("duration_minutes") is None and data.get("end") is None and not self.errors:
            self.add_error("duration_minutes", _("Give a duration, an end time, or both."))
        return data


class AttainmentForm(forms.Form):
    """Filters of the SLA attainment report; an empty form means the last 90 days by contract."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("Group by"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Customer"), queryset=Organisation.objects.none(), required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    clock = forms.ChoiceField(label=_("Clock"), required=False)

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sasms.sla.models import ClockKind
        from sasms.sla.reports import GROUPS
        from sasms.tickets.choices import Priority

        group: Any = self.fields["group"]
        group.choices = list(GROUPS.items())
        priority: Any = self.fields["priority"]
        priority.choices = [("", "—"), *Priority.choices]
        clock: Any = self.fields["clock"]
        clock.choices = [("", "—"), *ClockKind.choices]
        organisation: Any = self.fields["organisation"]
        if staff:
            organisation.queryset = Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by(
                "name"
            )
        else:
            del self.fields["organisation"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        cleaned["end"] = cleaned.get("end") or today
        cleaned["start"] = cleaned.get("start") or cleaned["end"] - datetime.timedelta(days=90)
        cleaned["group"] = cleaned.get("group") or "contract"
        if cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The end must not be before the start."))
        elif (cleaned["end"] - cleaned["start"]).days > 3 * 366:
            self.add_error("start", _("Choose a period of at most three years."))
        return cleaned


class PolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    priorities = forms.MultipleChoiceField(
        label=_("Priorities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every priority without a policy of its own."),
    )
    around_the_clock = forms.BooleanField(
        label=_("Fires around the clock (7×24)"),
        required=False,
        help_text=_("Otherwise a step that falls due outside the clock's business hours waits for them."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sasms.tickets.choices import Priority

        priorities: Any = self.fields["priorities"]
        priorities.choices = Priority.choices


class StepForm(forms.Form):
    clock_kind = forms.ChoiceField(label=_("Clock"), required=False)
    fraction = forms.DecimalField(
        label=_("At share of target"), required=False, min_value=0.01, max_value=5, decimal_places=2
    )
    actions = forms.MultipleChoiceField(
        label=_("Actions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sasms.sla.models import ClockKind, EscalationAction

        clock: Any = self.fields["clock_kind"]
        clock.choices = [("", _("Every clock")), *ClockKind.choices]
        actions: Any = self.fields["actions"]
        actions.choices = EscalationAction.choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("fraction") is not None and not cleaned.get("actions"):
            self.add_error("actions", _("Choose at least one action."))
        return cleaned


StepFormSet = forms.formset_factory(StepForm, extra=0, max_num=12, validate_max=True)


class OfficialScheduleForm(forms.Form):
    """The official schedule of one year: typed in (CSV lines) or uploaded (CSV or .ics)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2099)
    file = forms.FileField(
        label=_("File (CSV or iCalendar .ics)"),
        required=False,
        help_text=_("CSV lines: start,end,kind,name — kind is holiday or workday; end may be empty."),
    )
    text = forms.CharField(
        label=_("Or type the schedule"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "placeholder": "2027-02-05,2027-02-12,holiday,春节\n2027-02-14,,workday,春节调休",
            }
        ),
    )
    all_cn = forms.BooleanField(
        label=_("Apply to every calendar with mainland China's public holidays"), required=False
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        from sasms.sla.schedule_files import ScheduleFileError, parse_csv, parse_schedule

        data = super().clean() or {}
        upload = data.get("file")
        text = (data.get("text") or "").strip()
        if upload is None and not text:
            if "file" not in self.errors:
                self.add_error("file", _("Upload a file or type the schedule."))
            return data
        try:
            if upload is not None:
                data["days"] = parse_schedule(filename=upload.name or "", content=upload.read())
            else:
                data["days"] = parse_csv(text)
        except ScheduleFileError as error:
            for message in error.messages:
                self.add_error("file" if upload is not None else "text", message)
        return data
