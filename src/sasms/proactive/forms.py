"""Forms of the proactive pages: they parse; the services check and report field errors."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.assets.models import ServerModel, Vendor
from sasms.contracts.models import Contract
from sasms.proactive.models import FirmwareType, Frequency, ItemMethod, ItemStatus, Severity


class AdvisoryForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=200)
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    models = forms.ModelMultipleChoiceField(
        label=_("Affected models"),
        queryset=ServerModel.objects.select_related("vendor").order_by("vendor__name", "name"),
        required=False,
        help_text=_("None chosen: every model of the vendor."),
    )
    component_type = forms.ChoiceField(label=_("Component type"), choices=FirmwareType.choices)
    component_name = forms.CharField(label=_("Component name contains"), max_length=80, required=False)
    affected_versions = forms.CharField(
        label=_("Affected versions"),
        max_length=300,
        required=False,
        help_text=_(
            "E.g. “<2.52”, “>=2.40, <2.52” or “2.40 - 2.51”; empty: every version before the fixed one."
        ),
    )
    fixed_version = forms.CharField(label=_("Fixed version"), max_length=60)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.HIGH)
    cve_ids = forms.CharField(label=_("CVE identifiers"), max_length=500, required=False)
    bulletin_url = forms.CharField(label=_("Bulletin link"), max_length=500, required=False)
    published_on = forms.DateField(
        label=_("Published"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or JSON file"))


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    window_start = forms.DateTimeField(
        label=_("Maintenance window start"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    window_end = forms.DateTimeField(
        label=_("Maintenance window end"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ScheduleItemForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=[c for c in ItemMethod.choices if c[0]])
    engineer = forms.ModelChoiceField(
        label=_("Engineer"),
        queryset=User.objects.filter(role__in=[Role.FIELD_ENGINEER, Role.ENGINEER], is_active=True).order_by(
            "email"
        ),
        required=False,
    )


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (s.value, s.label) for s in (ItemStatus.REFUSED, ItemStatus.UNREACHABLE, ItemStatus.EXCEPTION)
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class BaselineForm(forms.Form):
    model = forms.ModelChoiceField(
        label=_("Model"),
        queryset=ServerModel.objects.select_related("vendor").order_by("vendor__name", "name"),
    )
    component_type = forms.ChoiceField(label=_("Component type"), choices=FirmwareType.choices)
    component_name = forms.CharField(label=_("Component name contains"), max_length=80, required=False)
    recommended_version = forms.CharField(label=_("Recommended version"), max_length=60)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


class ScheduleForm(forms.Form):
    contract = forms.ModelChoiceField(
        label=_("Contract"),
        queryset=Contract.objects.filter(status="active").select_related("organisation").order_by("number"),
    )
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=Frequency.choices, initial=Frequency.QUARTERLY
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="zh-hans")
    recipients = forms.CharField(
        label=_("Recipients"), max_length=500, help_text=_("E-mail addresses, separated by commas.")
    )


def form_values(form: forms.Form) -> dict[str, Any]:
    return dict(form.cleaned_data)
