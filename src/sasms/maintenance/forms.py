"""Forms of the PM pages: they parse; the services decide."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Role
from sasms.assets.models import ServerModel, Site
from sasms.contracts.models import Contract
from sasms.maintenance.choices import Component
from sasms.maintenance.services import DEFAULT_CAPACITY_MINUTES


def engineers() -> Any:
    return User.objects.filter(is_active=True, role=Role.FIELD_ENGINEER).order_by("full_name", "email")


class ProposeForm(forms.Form):
    contract = forms.ModelChoiceField(
        label=_("Contract"),
        queryset=Contract.objects.filter(status__in=["active", "draft"], product__pm_visits_per_year__gt=0)
        .select_related("organisation")
        .order_by("number"),
    )
    year_start = forms.DateField(
        label=_("Contract year from"),
        required=False,
        help_text=_("Empty: the contract year that contains today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    capacity_minutes = forms.IntegerField(
        label=_("Engineer time per visit (min)"),
        initial=DEFAULT_CAPACITY_MINUTES,
        min_value=60,
        max_value=720,
    )


class PmVisitEditForm(forms.Form):
    planned_date = forms.DateField(label=_("Planned date"), widget=forms.DateInput(attrs={"type": "date"}))
    engineer = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers()  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    engineer = forms.ModelChoiceField(
        label=_("Engineer for visits without one"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers()  # type: ignore[attr-defined]


class BlackoutForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Customer"), queryset=Organisation.objects.none())
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    start_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sasms.accounts.selectors import organisations_visible_to
        from sasms.core.tenancy import scope_to_actor

        self.fields["organisation"].queryset = organisations_visible_to(actor=actor).filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.CUSTOMER
        )
        self.fields["site"].queryset = scope_to_actor(Site.objects.order_by("name"), actor=actor)  # type: ignore[attr-defined]


class DateRequestForm(forms.Form):
    requested_date = forms.DateField(label=_("Another date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Answer to the customer"), max_length=300, required=False)


class TemplateForm(forms.Form):
    """The lines are typed one per line: ``component | English | 中文 | reading``."""

    name = forms.CharField(label=_("Name"), max_length=120)
    server_model = forms.ModelChoiceField(
        label=_("Server model"),
        queryset=ServerModel.objects.select_related("vendor").order_by("vendor__name", "name"),
        required=False,
    )
    lines = forms.CharField(
        label=_("Checks"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "One check a line: component | English wording | Chinese wording | reading (“yes” when the "
            "engineer records a value). Components: %(components)s."
        )
        % {"components": ", ".join(Component.values)},
    )

    def clean_lines(self) -> list[dict[str, Any]]:
        items = []
        for number, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split("|")]
            while len(parts) < 4:
                parts.append("")
            if parts[0] not in Component.values:
                raise forms.ValidationError(_("Line %(n)d: unknown component.") % {"n": number})
            if not parts[1]:
                raise forms.ValidationError(_("Line %(n)d: the English wording is required.") % {"n": number})
            items.append(
                {
                    "component": parts[0],
                    "label_en": parts[1][:200],
                    "label_zh": parts[2][:200],
                    "asks_value": parts[3].lower() in {"yes", "y", "1", "是"},
                }
            )
        if not items:
            raise forms.ValidationError(_("A checklist needs at least one line."))
        return items


def template_lines(items: Any) -> str:
    return "\n".join(
        f"{i.component} | {i.label_en} | {i.label_zh} | {'yes' if i.asks_value else ''}".rstrip(" |")
        for i in items
    )


class AttainmentForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def bounds(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        start = datetime.date(today.year, 1, 1)
        end = datetime.date(today.year, 12, 31)
        if self.is_valid():
            start = self.cleaned_data.get("start") or start
            end = self.cleaned_data.get("end") or end
        if end < start:
            start, end = end, start
        return start, end
