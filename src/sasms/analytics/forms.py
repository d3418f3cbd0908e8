"""The dashboard filters: one server-side form for every dashboard, the drill-down list and the API.

The form turns the query string into a :class:`~sasms.analytics.kpis.KpiFilter` through
``KpiFilter.for_actor``, so a customer user is always pinned to their own organisation whatever the
query string says (the customer field is not even offered to them).
"""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasms.accounts.models import Organisation, OrganisationKind, Team, User
from sasms.accounts.roles import STAFF_ROLES, Capability
from sasms.analytics.kpis import KpiFilter
from sasms.assets.models import ServerModel, Vendor
from sasms.core.parsing import is_ascii_digits
from sasms.sla.models import ClockKind
from sasms.tickets.choices import Category, ComponentArea, Priority

PERIOD_CHOICES = [
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
    ("90d", _("Last 90 days")),
    ("this_quarter", _("This quarter")),
    ("last_quarter", _("Last quarter")),
    ("custom", _("Custom")),
]
DEFAULT_PERIOD = "30d"
MAX_PERIOD_DAYS = 3 * 366

METRIC_CHOICES = [
    ("created", pgettext_lazy("count", "Opened")),
    ("resolved", _("Resolved")),
    ("backlog", _("Open at the end of the period")),
    ("responded", _("First response in the period")),
    ("ftf", _("Resolved with first-time fix known")),
    ("ftf_missed", _("Not fixed the first time")),
    ("repeat", _("Repeat failures")),
    ("reopened", _("Reopened")),
    ("sla_breached", _("SLA breached")),
    ("csat_low", _("Satisfaction below 4")),
    ("faults", _("Hardware faults")),
    ("csat", _("Surveys answered")),
]
BUCKET_CHOICES = [
    ("lt1d", _("Under 1 day")),
    ("1to3d", _("1–3 days")),
    ("3to7d", _("3–7 days")),
    ("7to30d", _("7–30 days")),
    ("gt30d", _("Over 30 days")),
]


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_bounds(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The inclusive dates of a preset period (``custom`` has none: the caller gives them)."""
    if period in ("7d", "30d", "90d"):
        return today - datetime.timedelta(days=int(period[:-1]) - 1), today
    this_quarter = quarter_start(today)
    if period == "this_quarter":
        return this_quarter, today
    if period == "last_quarter":
        end = this_quarter - datetime.timedelta(days=1)
        return quarter_start(end), end
    raise ValueError(period)


MAX_ID = 2**31 - 1


class IdChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A row chosen by id; an id no database column can hold is an invalid choice, not an error."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not is_ascii_digits(text) or int(text) > MAX_ID:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(text)


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class DashboardFilterForm(forms.Form):
    """Period and dimensions of every dashboard; an empty form means the last 30 days, everything."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    organisation = IdChoiceField(
        label=_("Customer"), queryset=Organisation.objects.none(), required=False, empty_label=_("All")
    )
    team = IdChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All"))
    vendor = IdChoiceField(
        label=_("Vendor"), queryset=Vendor.objects.none(), required=False, empty_label=_("All")
    )
    model = IdChoiceField(
        label=_("Model"), queryset=ServerModel.objects.none(), required=False, empty_label=_("All")
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    engineer = IdChoiceField(
        label=_("Engineer"), queryset=User.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(
        self, data: Any = None, *args: Any, actor: User, engineer_field: bool = False, **kwargs: Any
    ) -> None:
        if data is not None and not any(data.get(name) for name in ("period", "start", "end")):
            data = data.copy()  # no period asked for: the default, shown as chosen in the form
            data["period"] = DEFAULT_PERIOD
        super().__init__(data, *args, **kwargs)
        self.actor = actor
        self.staff = actor.can(Capability.VIEW_ALL_ORGANISATIONS)
        priority: Any = self.fields["priority"]
        priority.choices = _blank(_("All")) + list(Priority.choices)
        category: Any = self.fields["category"]
        category.choices = _blank(_("All")) + list(Category.choices)
        vendor: Any = self.fields["vendor"]
        model: Any = self.fields["model"]
        if self.staff:
            organisation: Any = self.fields["organisation"]
            organisation.queryset = Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by(
                "name"
            )
            team: Any = self.fields["team"]
            team.queryset = Team.objects.order_by("name")
            vendor.queryset = Vendor.objects.order_by("name")
            model.queryset = ServerModel.objects.select_related("vendor").order_by("vendor__name", "name")
        else:
            # Customers filter by their own fleet only; customers and teams are the provider's view.
            del self.fields["organisation"]
            del self.fields["team"]
            vendor.queryset = self._own(
                Vendor.objects.filter(server_models__servers__organisation=actor.organisation_id)
            )
            model.queryset = self._own(
                ServerModel.objects.filter(servers__organisation=actor.organisation_id).select_related(
                    "vendor"
                )
            )
        if self.staff and engineer_field:
            engineer: Any = self.fields["engineer"]
            engineer.queryset = User.objects.filter(role__in=[r.value for r in STAFF_ROLES])
        else:
            del self.fields["engineer"]

    @staticmethod
    def _own(queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.distinct().order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        period = cleaned.get("period") or ""
        start, end = cleaned.get("start"), cleaned.get("end")
        if not period:
            period = "custom" if start or end else DEFAULT_PERIOD
        cleaned["period"] = period
        if period == "custom":
            if start is None and "start" not in self.errors:
                self.add_error("start", _("Give the first day of the period."))
            if end is None and "end" not in self.errors:
                self.add_error("end", _("Give the last day of the period."))
            if start is not None and end is not None:
                if start > end:
                    self.add_error("end", _("The end must not be before the start."))
                elif (end - start).days > MAX_PERIOD_DAYS:
                    self.add_error("start", _("Choose a period of at most three years."))
        else:
            cleaned["start"], cleaned["end"] = period_bounds(period, today)
        return cleaned

    def kpi_filter(self, **overrides: Any) -> KpiFilter:
        """The filter for the valid form, pinned to what the actor may see."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "start": data["start"],
            "end": data["end"],
            "organisation_id": _pk(data.get("organisation")),
            "team_id": _pk(data.get("team")),
            "vendor_id": _pk(data.get("vendor")),
            "model_id": _pk(data.get("model")),
            "priority": data.get("priority") or "",
            "category": data.get("category") or "",
            "engineer_id": _pk(data.get("engineer")),
        }
        fields.update(overrides)
        return KpiFilter.for_actor(self.actor, **fields)

    def visible_fields_for_bar(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name not in ("start", "end")]


def _pk(value: Any) -> int | None:
    return None if value is None else int(value.pk)


class DrilldownForm(DashboardFilterForm):
    """The dashboard filters plus which number is being explained."""

    metric = forms.ChoiceField(label=_("Figure"), choices=METRIC_CHOICES, required=False)
    bucket = forms.CharField(label=_("Group"), required=False, max_length=40)
    kind = forms.ChoiceField(label=_("SLA target"), required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, engineer_field=True, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = [("", "—"), *ClockKind.choices]

    def clean_bucket(self) -> str:
        """An ageing bucket (backlog) or ``vendor:ID`` / ``model:ID`` / ``component:code`` (faults)."""
        bucket: str = self.cleaned_data.get("bucket") or ""
        if not bucket or bucket in dict(BUCKET_CHOICES):
            return bucket
        by, _sep, key = bucket.partition(":")
        valid = (
            by in ("vendor", "model") and (key == "" or (is_ascii_digits(key) and int(key) <= MAX_ID))
        ) or (by == "component" and key in ("", *ComponentArea.values))
        if not valid:
            raise forms.ValidationError(_("Unknown group."), code="invalid")
        return bucket

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        metric = cleaned.get("metric") or "created"
        cleaned["metric"] = metric
        bucket = cleaned.get("bucket") or ""
        fault_group = ":" in bucket
        if (bucket and fault_group != (metric == "faults")) or (
            bucket and not fault_group and metric != "backlog"
        ):
            self.add_error("bucket", _("This group does not belong to this figure."))
        return cleaned
