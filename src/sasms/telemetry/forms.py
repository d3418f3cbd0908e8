"""The threshold form: the service validates; the form only offers the choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.telemetry.choices import Rule, SeriesKind


class ThresholdForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), choices=Rule.choices)
    kind = forms.ChoiceField(label=_("Part"), choices=SeriesKind.choices)
    part_model = forms.CharField(
        label=_("Part model"), max_length=200, required=False, help_text=_("Empty: every model of this kind.")
    )
    value = forms.FloatField(
        label=_("Threshold"),
        help_text=_(
            "Media life: per cent left. Correctable errors: per day. "
            "Fans: per cent slower than peers. Flags: 1."
        ),
    )
    window_days = forms.IntegerField(label=_("Window (days)"), min_value=1, max_value=365, initial=7)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
