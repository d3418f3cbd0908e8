"""Forms of the reports pages: pick a customer report, and edit a report subscription."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation
from sasms.reports import figures
from sasms.reports.models import Frequency, ReportKind, ReportLanguage

QUARTERS_BACK = 8


def quarter_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """The current quarter and the seven before it, newest first, as ``("2026-4", "2026 Q4")``."""
    year, quarter = figures.quarter_of(today or timezone.localdate())
    choices = []
    for _step in range(QUARTERS_BACK):
        choices.append((f"{year}-{quarter}", figures.quarter_label(year, quarter)))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return choices


class CustomerReportForm(forms.Form):
    """Which customer report to download: customer, quarter, kind and language."""

    organisation = forms.ModelChoiceField(label=_("Customer"), queryset=Organisation.objects.none())
    quarter = forms.ChoiceField(label=_("Quarter"))
    kind = forms.ChoiceField(
        label=_("Report"),
        choices=[
            (ReportKind.QBR.value, ReportKind.QBR.label),
            (ReportKind.HEALTH.value, ReportKind.HEALTH.label),
        ],
    )
    language = forms.ChoiceField(label=_("Language"), choices=ReportLanguage.choices)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.queryset = organisations
        quarter: Any = self.fields["quarter"]
        quarter.choices = quarter_choices()

    def clean_quarter(self) -> tuple[int, int]:
        year, quarter = str(self.cleaned_data["quarter"]).split("-")
        return int(year), int(quarter)


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    organisation = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Required for the PDF reports; empty for a KPI workbook of all customers."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=ReportLanguage.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    recipients = forms.CharField(
        label=_("Recipients"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("E-mail addresses, separated by commas or new lines (at most 20)."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.queryset = organisations
        if not staff:
            field.required = True
            field.help_text = ""
            kind: Any = self.fields["kind"]
            kind.help_text = _("Reports cover your own organisation.")

    def clean_recipients(self) -> list[str]:
        from sasms.core.errors import ServiceError
        from sasms.reports.services import clean_recipients

        try:
            return clean_recipients(self.cleaned_data["recipients"])
        except ServiceError as error:
            raise forms.ValidationError(error.fields.get("recipients", [error.message])) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        needs_customer = cleaned.get("kind") in (ReportKind.QBR, ReportKind.HEALTH)
        if needs_customer and not cleaned.get("organisation") and "organisation" not in self.errors:
            self.add_error("organisation", _("A customer report needs a customer."))
        return cleaned
