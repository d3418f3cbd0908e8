from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import OrganisationKind, User
from sasms.accounts.selectors import organisations_visible_to
from sasms.assets.models import Server
from sasms.contracts.models import Contract, ContractStatus, Priority, ServiceProduct, ServiceTarget
from sasms.contracts.services import DOCUMENT_EXTENSIONS, MAX_TARGET_MINUTES, TARGET_FIELDS


def _target_label(name: str) -> str:
    field = ServiceTarget._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


class ProductForm(forms.ModelForm[ServiceProduct]):
    """The product's own fields plus a fixed grid of P1–P4 × target minutes."""

    class Meta:
        model = ServiceProduct
        fields = [
            "code",
            "name",
            "description",
            "tier",
            "coverage_hours",
            "time_and_materials",
            "parts_quality",
            "pm_visits_per_year",
            "loaner_included",
            "penalty_kind",
            "penalty_value",
            "pause_when_waiting_customer",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {t.priority: t for t in self.instance.targets.all()} if self.instance.pk else {}
        for priority in Priority.values:
            for name in TARGET_FIELDS:
                target = current.get(priority)
                self.fields[f"{priority}_{name}"] = forms.IntegerField(
                    label=f"{priority} · {_target_label(name)}",
                    required=False,
                    min_value=1,
                    max_value=MAX_TARGET_MINUTES,
                    initial=getattr(target, name) if target else None,
                )

    def validate_unique(self) -> None:
        pass  # the service reports duplicates, for pages and the API alike

    @property
    def target_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(p, [self[f"{p}_{name}"] for name in TARGET_FIELDS]) for p in Priority.values]

    @property
    def target_headers(self) -> list[str]:
        return [str(_target_label(name)) for name in TARGET_FIELDS]

    @property
    def product_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def targets(self) -> dict[str, dict[str, int | None]]:
        return {
            p: {name: self.cleaned_data.get(f"{p}_{name}") for name in TARGET_FIELDS} for p in Priority.values
        }


class ContractForm(forms.ModelForm[Contract]):
    class Meta:
        model = Contract
        fields = [
            "number",
            "organisation",
            "product",
            "start_date",
            "end_date",
            "covers_eosl",
            "monthly_fee",
            "notes",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = (
            organisations_visible_to(actor=actor).filter(kind=OrganisationKind.CUSTOMER).order_by("name")
        )
        organisation_field.label = _("Customer")
        product_field: Any = self.fields["product"]
        product_field.queryset = ServiceProduct.objects.order_by("-tier", "name")
        self.fields["monthly_fee"].required = False

    def clean_monthly_fee(self) -> Decimal:
        value = self.cleaned_data.get("monthly_fee")
        if value is None:
            return Decimal(0)
        if value < 0:
            raise forms.ValidationError(_("The fee cannot be negative."))
        return Decimal(value)

    def validate_unique(self) -> None:
        pass

    def _post_clean(self) -> None:
        pass  # model validation (incl. the date-order check) is the service's job


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ContractStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class CoverServersForm(forms.Form):
    servers = forms.ModelMultipleChoiceField(
        label=_("Servers"), queryset=Server.objects.none(), widget=forms.SelectMultiple(attrs={"size": 10})
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any server id is accepted here so that a foreign server gets the service's clear refusal
        # (naming the customer) instead of a generic "not a valid choice".
        field: Any = self.fields["servers"]
        field.queryset = Server.objects.all()
        self.choices_queryset = choices
        field.widget.choices = [(s.pk, f"{s.serial} {s.hostname}".strip()) for s in choices[:500]]


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(DOCUMENT_EXTENSIONS))}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
