"""Forms of the dispatch pages: profile, skills, certification, on-call duty, region, policy."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import User
from sasms.assets.models import Vendor
from sasms.dispatch.choices import BUILTIN_FACTORS, FACTOR_LABELS, CertificationPolicy, Language
from sasms.dispatch.factors import external_factors
from sasms.dispatch.models import ServiceRegion
from sasms.sla.models import BusinessCalendar
from sasms.tickets.choices import Category, ComponentArea, Priority

LEVELS = [(0, "—"), (1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]


class ProfileForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none())
    calendar = forms.ModelChoiceField(
        label=_("Working shifts"),
        queryset=BusinessCalendar.objects.filter(is_active=True).order_by("name"),
        help_text=_("The business calendar whose hours are this engineer's shifts."),
    )
    max_concurrent = forms.IntegerField(
        label=_("Maximum open requests"), min_value=1, max_value=100, initial=5
    )
    home_label = forms.CharField(label=_("Home base"), max_length=120, required=False)
    home_latitude = forms.DecimalField(
        label=_("Home latitude"), min_value=-90, max_value=90, decimal_places=6, required=False
    )
    home_longitude = forms.DecimalField(
        label=_("Home longitude"), min_value=-180, max_value=180, decimal_places=6, required=False
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Service regions"),
        queryset=ServiceRegion.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    is_dispatchable = forms.BooleanField(label=_("Takes new work"), required=False, initial=True)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, users: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if users is None:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = users  # type: ignore[attr-defined]


def skill_field_name(kind: str, code: str) -> str:
    return f"{kind}_{code}"


class SkillsForm(forms.Form):
    """One level (0 = none, 1–5) per request category and per component area."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, choices in (("category", Category), ("component", ComponentArea)):
            for choice in choices:
                self.fields[skill_field_name(kind, choice.value)] = forms.TypedChoiceField(
                    label=choice.label, choices=LEVELS, coerce=int, required=False
                )

    def levels(self) -> dict[tuple[str, str], int]:
        result = {}
        for name, value in self.cleaned_data.items():
            kind, code = name.split("_", 1)
            result[(kind, code)] = int(value or 0)  # an empty choice removes the skill
        return result

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(_("Categories")), [self[n] for n in self.fields if n.startswith("category_")]),
            (str(_("Components")), [self[n] for n in self.fields if n.startswith("component_")]),
        ]


class CertificationForm(forms.Form):
    name = forms.CharField(label=_("Certification"), max_length=120)
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), queryset=Vendor.objects.order_by("name"), required=False
    )
    issuer = forms.CharField(
        label=_("Issuer"),
        max_length=80,
        required=False,
        help_text=_("When not a server vendor, e.g. CompTIA."),
    )
    number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    issued_on = forms.DateField(
        label=_("Issued"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))


class OnCallForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RegionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    code = forms.SlugField(label=_("Code"), max_length=40)
    latitude = forms.DecimalField(label=_("Latitude"), min_value=-90, max_value=90, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), min_value=-180, max_value=180, decimal_places=6)
    radius_km = forms.IntegerField(label=_("Radius (km)"), min_value=1, max_value=5000)


class SettingsForm(forms.Form):
    certification_policy = forms.ChoiceField(
        label=_("Certification policy"), choices=CertificationPolicy.choices
    )
    auto_dispatch_priorities = forms.MultipleChoiceField(
        label=_("Auto-dispatch new requests of these priorities"),
        choices=Priority.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    road_factor = forms.FloatField(
        label=_("Road factor"),
        min_value=1.0,
        max_value=3.0,
        help_text=_("Road distance ÷ great-circle distance."),
    )
    average_speed_kmh = forms.FloatField(label=_("Average speed (km/h)"), min_value=5, max_value=150)
    travel_half_minutes = forms.IntegerField(
        label=_("Travel time that halves the score (min)"),
        min_value=10,
        max_value=24 * 60,
        help_text=_("The travel score is 1 next door, ½ after this many minutes, ⅓ after twice as many."),
    )
    position_max_age_hours = forms.IntegerField(
        label=_("Check-in position valid for (h)"), min_value=1, max_value=168
    )
    ftfr_window_days = forms.IntegerField(
        label=_("First-time-fix history (days)"), min_value=30, max_value=3650
    )
    horizon_hours = forms.IntegerField(
        label=_("Window without a deadline (h)"),
        min_value=1,
        max_value=168,
        help_text=_("How far ahead availability counts for a request without a running SLA clock."),
    )
    max_travel_km = forms.IntegerField(
        label=_("Maximum travel distance (km)"),
        min_value=0,
        max_value=5000,
        required=False,
        help_text=_(
            "Engineers farther from the site are not proposed unless nobody nearer can go; 0: no limit."
        ),
    )
    max_travel_minutes = forms.IntegerField(
        label=_("Maximum travel time (min)"),
        min_value=0,
        max_value=24 * 60 * 3,
        required=False,
        help_text=_(
            "Engineers with a longer trip are not proposed unless nobody nearer can go; 0: no limit."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in BUILTIN_FACTORS:
            self.fields[f"weight_{key}"] = forms.FloatField(
                label=FACTOR_LABELS[key],
                min_value=0,
                max_value=10,
                widget=forms.NumberInput(attrs={"step": "0.1"}),
            )
        for factor in external_factors():
            self.fields[f"external_{factor.key}"] = forms.FloatField(
                label=str(factor.label),
                min_value=0,
                max_value=10,
                required=False,
                widget=forms.NumberInput(attrs={"step": "0.1"}),
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if n.startswith(("weight_", "external_"))]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if not n.startswith(("weight_", "external_"))]

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        external = {
            name.removeprefix("external_"): data.pop(name)
            for name in list(data)
            if name.startswith("external_")
        }
        data["external_weights"] = {key: value for key, value in external.items() if value is not None}
        data["auto_dispatch_priorities"] = list(data.get("auto_dispatch_priorities") or [])
        # A travel limit left empty keeps its value (0 switches it off).
        for name in ("max_travel_km", "max_travel_minutes"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


class AssignForm(forms.Form):
    engineer = forms.IntegerField(min_value=1)
    expected = forms.IntegerField(required=False, min_value=1)


class ProposalForm(forms.Form):
    limit = forms.IntegerField(label=_("Requests"), min_value=1, max_value=2000, initial=500)
